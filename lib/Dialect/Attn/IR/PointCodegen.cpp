//===- PointCodegen.cpp - code for mask predicates and score modifiers ----===//
//
// Each mask predicate and score modifier knows how to build its value at one
// (b, h, i, j) point; lowerings call these hooks from inside the loops they
// generate, so adding an atom needs no change to any lowering. Index
// arithmetic is signed: pos(i) may be negative when Lq > Lkv.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Dialect/Attn/IR/AttnAttrs.h"

#include "IndexMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

/// Operands are tensors in the tensor-level lowerings and memrefs inside GPU
/// kernels; the hooks read both.
static Value readElement(OpBuilder &builder, Location loc, Value source,
                         ValueRange indices) {
  if (isa<BaseMemRefType>(source.getType()))
    return memref::LoadOp::create(builder, loc, source, indices);
  return tensor::ExtractOp::create(builder, loc, source, indices);
}

static Value dimension(OpBuilder &builder, Location loc, Value source,
                       int64_t dim) {
  if (isa<BaseMemRefType>(source.getType()))
    return memref::DimOp::create(builder, loc, source, dim);
  return tensor::DimOp::create(builder, loc, source, dim);
}

namespace {
/// The index arithmetic of predicates, in the type of the point's
/// positions: index, or i32 where a GPU kernel narrows the predicates that
/// read no operands (AttentionPoint).
struct PointMath : IndexMath {
  /// pos(i) for keys that each cover `stride` tokens.
  Value position(const AttentionPoint &p, int64_t stride = 1) {
    Value tokens = stride == 1 ? p.keyLength : mul(p.keyLength, c(stride));
    return add(p.row, sub(tokens, p.queryLength));
  }
  /// The index into a dimension that broadcasts when its size is 1.
  Value broadcastIndex(Value tensor, int64_t dim, Value index) {
    auto type = cast<ShapedType>(tensor.getType());
    if (!type.isDynamicDim(dim))
      return type.getDimSize(dim) == 1 ? c(0) : index;
    Value size = dimension(b, loc, tensor, dim);
    return select(eq(size, c(1)), c(0), index);
  }
};
/// The arithmetic of a predicate at `point`, in its positions' type.
PointMath mathAt(OpBuilder &builder, Location loc,
                 const AttentionPoint &point) {
  Value position = point.row ? point.row : point.column;
  return PointMath{{builder, loc, position ? position.getType() : Type()}};
}
} // namespace

Value CausalAttr::buildPredicate(OpBuilder &builder, Location loc,
                                 const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  int64_t stride = getStride();
  // (j + 1) S - 1 <= pos_S(i)
  Value last = m.sub(m.mul(m.add(point.column, m.c(1)), m.c(stride)), m.c(1));
  return m.le(last, m.position(point, stride));
}

Value WindowAttr::buildPredicate(OpBuilder &builder, Location loc,
                                 const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  Value pos = m.position(point);
  return m.both(m.le(m.sub(pos, m.c(getLeft())), point.column),
                m.le(point.column, m.add(pos, m.c(getRight()))));
}

Value DilatedAttr::buildPredicate(OpBuilder &builder, Location loc,
                                  const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  Value distance = m.sub(m.position(point), point.column);
  Value inReach = m.le(m.abs(distance), m.c(getWindow() * getDilation()));
  Value onGrid = m.eq(m.rem(distance, m.c(getDilation())), m.c(0));
  return m.both(inReach, onGrid);
}

Value NeighborhoodAttr::buildPredicate(OpBuilder &builder, Location loc,
                                       const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  Value pos = m.position(point);
  Value allowed = m.boolean(true);
  int64_t cellStride = getNumCells();
  for (auto [size, radius, dilation] :
       llvm::zip_equal(getGrid(), getRadius(), getDilation())) {
    cellStride /= size;
    int64_t axisSize = size;
    auto coordinate = [&](Value token) {
      return m.rem(m.div(token, m.c(cellStride)), m.c(axisSize));
    };
    Value distance = m.sub(coordinate(pos), coordinate(point.column));
    Value axisAllowed = m.both(m.le(m.abs(distance), m.c(radius * dilation)),
                               m.eq(m.rem(distance, m.c(dilation)), m.c(0)));
    allowed = m.both(allowed, axisAllowed);
  }
  return allowed;
}

Value PrefixAttr::buildPredicate(OpBuilder &builder, Location loc,
                                 const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  return m.lt(point.column, m.c(getLen()));
}

Value ChunkedAttr::buildPredicate(OpBuilder &builder, Location loc,
                                  const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  // Truncating division is the floor for pos(i) >= 0; a row before the
  // keys sees none.
  Value pos = m.position(point);
  Value size = m.c(getSize());
  return m.both(m.le(m.c(0), pos),
                m.eq(m.div(pos, size), m.div(point.column, size)));
}

Value GlobalAttr::buildPredicate(OpBuilder &builder, Location loc,
                                 const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  Value count = m.c(getCount());
  return m.either(m.lt(m.position(point), count), m.lt(point.column, count));
}

Value StripesAttr::buildPredicate(OpBuilder &builder, Location loc,
                                  const AttentionPoint &point) const {
  PointMath m = mathAt(builder, loc, point);
  Value distance = m.sub(m.position(point), point.column);
  Value allowed = m.boolean(false);
  for (int64_t diagonal : getDiagonals())
    allowed = m.either(allowed, m.eq(distance, m.c(diagonal)));
  for (int64_t column : getColumns())
    allowed = m.either(allowed, m.eq(point.column, m.c(column)));
  return allowed;
}

Value DocumentAttr::buildPredicate(OpBuilder &builder, Location loc,
                                   const AttentionPoint &point) const {
  Value querySegment = readElement(builder, loc, point.qSegments,
                                   ValueRange{point.batch, point.row});
  Value keySegment = readElement(builder, loc, point.kvSegments,
                                 ValueRange{point.batch, point.column});
  return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                               querySegment, keySegment);
}

Value BlockLayoutAttr::buildPredicate(OpBuilder &builder, Location loc,
                                      const AttentionPoint &point) const {
  PointMath m{{builder, loc}};
  Value layout = point.layout;
  return readElement(builder, loc, layout,
                     ValueRange{m.broadcastIndex(layout, 0, point.batch),
                                m.broadcastIndex(layout, 1, point.head),
                                m.div(point.row, m.c(getBlockQ())),
                                m.div(point.column, m.c(getBlockKv()))});
}

Value BlockIndicesAttr::buildPredicate(OpBuilder &builder, Location loc,
                                       const AttentionPoint &point) const {
  PointMath m{{builder, loc}};
  Value indices = point.indices;
  Value queryBlock = m.div(point.row, m.c(getBlockQ()));
  Value keyBlock =
      arith::IndexCastOp::create(builder, loc, builder.getI32Type(),
                                 m.div(point.column, m.c(getBlockKv())));
  Value slots = dimension(builder, loc, indices, 3);
  // Is the key block one of the query block's selected slots?
  auto loop = scf::ForOp::create(
      builder, loc, m.c(0), slots, m.c(1), ValueRange{m.boolean(false)},
      [&](OpBuilder &nested, Location nestedLoc, Value slot, ValueRange found) {
        Value selected = readElement(
            nested, nestedLoc, indices,
            ValueRange{point.batch, point.kvHead, queryBlock, slot});
        Value match = arith::CmpIOp::create(
            nested, nestedLoc, arith::CmpIPredicate::eq, selected, keyBlock);
        Value any = arith::OrIOp::create(nested, nestedLoc, found[0], match);
        scf::YieldOp::create(nested, nestedLoc, any);
      });
  return loop.getResult(0);
}

Value OrAttr::buildPredicate(OpBuilder &builder, Location loc,
                             const AttentionPoint &point) const {
  Value result;
  for (Attribute predicate : getPredicates()) {
    Value value =
        cast<MaskAttrInterface>(predicate).buildPredicate(builder, loc, point);
    result = result ? arith::OrIOp::create(builder, loc, result, value) : value;
  }
  return result;
}

Value AndAttr::buildPredicate(OpBuilder &builder, Location loc,
                              const AttentionPoint &point) const {
  Value result;
  for (Attribute predicate : getPredicates()) {
    Value value =
        cast<MaskAttrInterface>(predicate).buildPredicate(builder, loc, point);
    result =
        result ? arith::AndIOp::create(builder, loc, result, value) : value;
  }
  return result;
}

Value NotAttr::buildPredicate(OpBuilder &builder, Location loc,
                              const AttentionPoint &point) const {
  Value value = cast<MaskAttrInterface>(getPredicate())
                    .buildPredicate(builder, loc, point);
  Value one = arith::ConstantIntOp::create(builder, loc, 1, 1);
  return arith::XOrIOp::create(builder, loc, value, one);
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

static Value f32Constant(OpBuilder &builder, Location loc, double value) {
  return arith::ConstantOp::create(builder, loc,
                                   builder.getF32FloatAttr(value));
}

static Value indexToF32(OpBuilder &builder, Location loc, Value index) {
  Value asInt =
      arith::IndexCastOp::create(builder, loc, builder.getI64Type(), index);
  return arith::SIToFPOp::create(builder, loc, builder.getF32Type(), asInt);
}

Value SoftcapAttr::buildScore(OpBuilder &builder, Location loc, Value score,
                              const AttentionPoint &) const {
  double capValue = getCap().convertToDouble();
  Value cap = f32Constant(builder, loc, capValue);
  // A product by the reciprocal (two roundings: about an ulp from the
  // quotient): a correctly rounded division costs a reciprocal and its
  // refinement per score (on the GPU, half again the special-function work
  // of tanh).
  Value reciprocal = f32Constant(builder, loc, 1.0 / capValue);
  Value scaled = arith::MulFOp::create(builder, loc, score, reciprocal);
  Value squashed = math::TanhOp::create(builder, loc, scaled);
  return arith::MulFOp::create(builder, loc, squashed, cap);
}

Value AlibiAttr::buildScore(OpBuilder &builder, Location loc, Value score,
                            const AttentionPoint &point) const {
  PointMath m{{builder, loc}};
  Value slope;
  if (DenseF32ArrayAttr slopes = getSlopes()) {
    auto tableType =
        RankedTensorType::get({slopes.size()}, builder.getF32Type());
    Value table = arith::ConstantOp::create(
        builder, loc, DenseElementsAttr::get(tableType, slopes.asArrayRef()));
    slope = readElement(builder, loc, table, point.head);
  } else {
    // 2^(-8 (h + 1) / Hq)
    Value exponent = arith::DivFOp::create(
        builder, loc,
        arith::MulFOp::create(
            builder, loc, f32Constant(builder, loc, -8.0),
            indexToF32(builder, loc, m.add(point.head, m.c(1)))),
        indexToF32(builder, loc, point.numQueryHeads));
    slope = math::Exp2Op::create(builder, loc, exponent);
  }
  Value distance =
      indexToF32(builder, loc, m.sub(point.column, m.position(point)));
  Value penalty = arith::MulFOp::create(builder, loc, slope, distance);
  return arith::AddFOp::create(builder, loc, score, penalty);
}

Value BiasAttr::buildScore(OpBuilder &builder, Location loc, Value score,
                           const AttentionPoint &point) const {
  PointMath m{{builder, loc}};
  Value bias =
      readElement(builder, loc, point.bias,
                  ValueRange{m.broadcastIndex(point.bias, 0, point.batch),
                             m.broadcastIndex(point.bias, 1, point.head),
                             point.row, point.column});
  if (!bias.getType().isF32())
    bias = arith::ExtFOp::create(builder, loc, builder.getF32Type(), bias);
  return arith::AddFOp::create(builder, loc, score, bias);
}

//===----------------------------------------------------------------------===//
// Whole points
//===----------------------------------------------------------------------===//

Value mlir::attn::inlineRegionBody(OpBuilder &builder, Region &region,
                                   ValueRange args) {
  Block &block = region.front();
  IRMapping mapping;
  mapping.map(block.getArguments(), args);
  // Constants of the enclosing function that an op (or a region in it, or
  // the terminator) reads are cloned first, once each: a kernel cannot see
  // them.
  auto cloneOuterConstants = [&](Operation &op) {
    op.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands()) {
        Operation *producer = operand.getDefiningOp();
        if (producer && !mapping.contains(operand) &&
            !region.isAncestor(operand.getParentRegion()) &&
            producer->hasTrait<OpTrait::ConstantLike>())
          builder.clone(*producer, mapping);
      }
    });
  };
  for (Operation &op : block.without_terminator()) {
    cloneOuterConstants(op);
    builder.clone(op, mapping);
  }
  cloneOuterConstants(*block.getTerminator());
  return mapping.lookupOrDefault(block.getTerminator()->getOperand(0));
}

Value mlir::attn::buildModifiedScore(OpBuilder &builder, Location loc,
                                     ArrayRef<Attribute> modifiers,
                                     Region *scoreMod, Value score,
                                     const AttentionPoint &point) {
  for (Attribute modifier : modifiers)
    score = cast<ScoreModAttrInterface>(modifier).buildScore(builder, loc,
                                                             score, point);
  if (scoreMod && !scoreMod->empty())
    score = inlineRegionBody(
        builder, *scoreMod,
        {score, point.batch, point.head, point.row, point.column});
  return score;
}

static constexpr int64_t kNarrowLimit = int64_t(1) << 30;

bool mlir::attn::hasNarrowPositionLengths(MaskShape shape) {
  return shape.isStatic() && shape.queryLength < kNarrowLimit &&
         shape.keyLength < kNarrowLimit;
}

bool mlir::attn::hasNarrowPositions(Attribute predicate, MaskShape shape) {
  if (!hasNarrowPositionLengths(shape))
    return false;
  bool narrow = true;
  int64_t stride = 1, reach = 0;
  cast<MaskAttrInterface>(predicate).walkPredicates(
      [&](MaskAttrInterface nested) {
        if (auto causal = dyn_cast<CausalAttr>(nested))
          stride = std::max(stride, causal.getStride());
        else if (auto window = dyn_cast<WindowAttr>(nested))
          reach = std::max(
              {reach, std::abs(window.getLeft()), std::abs(window.getRight())});
        else if (auto chunked = dyn_cast<ChunkedAttr>(nested))
          reach = std::max(reach, chunked.getSize());
        else if (!isa<AndAttr, OrAttr, NotAttr>(nested))
          narrow = false;
      });
  // (Each factor below the limit first: the product fits in 64 bits.)
  return narrow && stride < kNarrowLimit && reach < kNarrowLimit &&
         (shape.keyLength + 1) * stride + shape.queryLength + reach <
             kNarrowLimit;
}

Value mlir::attn::buildAllowed(OpBuilder &builder, Location loc,
                               ArrayRef<Attribute> mask, Region *maskMod,
                               const AttentionPoint &point) {
  Value allowed = arith::ConstantIntOp::create(builder, loc, 1, 1);
  for (Attribute predicate : mask)
    allowed = arith::AndIOp::create(
        builder, loc, allowed,
        cast<MaskAttrInterface>(predicate).buildPredicate(builder, loc, point));
  if (maskMod && !maskMod->empty())
    allowed = arith::AndIOp::create(
        builder, loc, allowed,
        inlineRegionBody(builder, *maskMod,
                         {point.batch, point.head, point.row, point.column}));
  return allowed;
}

//===----------------------------------------------------------------------===//
// Run-time tile tests of the predicates that read operands
//===----------------------------------------------------------------------===//

Value mlir::attn::detail::buildTrue(OpBuilder &builder, Location loc) {
  return arith::ConstantIntOp::create(builder, loc, 1, 1);
}

/// Runs `body(index, acc)` for index in [begin, end) and returns the final
/// accumulators.
static ValueRange buildLoop(
    OpBuilder &builder, Location loc, Value begin, Value end, ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  return scf::ForOp::create(builder, loc, begin, end, one, init,
                            [&](OpBuilder &nested, Location nestedLoc,
                                Value index, ValueRange acc) {
                              scf::YieldOp::create(
                                  nested, nestedLoc,
                                  body(nested, nestedLoc, index, acc));
                            })
      .getResults();
}

Value DocumentAttr::buildTileMayHaveKeys(OpBuilder &builder, Location loc,
                                         const AttentionPoint &point,
                                         Value rowBegin, Value rows,
                                         Value keyBegin, Value keys) const {
  // The tile is empty if the query and key segment-id ranges are disjoint.
  auto range = [&](Value segments, Value begin, Value count) {
    PointMath m{{builder, loc}};
    Value lowest = arith::ConstantIntOp::create(
        builder, loc, std::numeric_limits<int32_t>::max(), 32);
    Value highest = arith::ConstantIntOp::create(
        builder, loc, std::numeric_limits<int32_t>::min(), 32);
    ValueRange result = buildLoop(
        builder, loc, begin, m.add(begin, count), {lowest, highest},
        [&](OpBuilder &b, Location l, Value t, ValueRange acc) {
          Value id = readElement(b, l, segments, ValueRange{point.batch, t});
          return SmallVector<Value>{arith::MinSIOp::create(b, l, acc[0], id),
                                    arith::MaxSIOp::create(b, l, acc[1], id)};
        });
    return std::make_pair(result[0], result[1]);
  };
  auto [queryLow, queryHigh] = range(point.qSegments, rowBegin, rows);
  auto [keyLow, keyHigh] = range(point.kvSegments, keyBegin, keys);
  Value overlap = arith::AndIOp::create(
      builder, loc,
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sle, queryLow,
                            keyHigh),
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sle, keyLow,
                            queryHigh));
  return overlap;
}

/// [first, end) blocks of size `block` touched by [begin, begin + count).
static std::pair<Value, Value> blockRange(PointMath &m, Value begin,
                                          Value count, int64_t block) {
  Value first = m.div(begin, m.c(block));
  Value last = m.div(m.sub(m.add(begin, count), m.c(1)), m.c(block));
  return {first, m.add(last, m.c(1))};
}

Value BlockLayoutAttr::buildTileMayHaveKeys(OpBuilder &builder, Location loc,
                                            const AttentionPoint &point,
                                            Value rowBegin, Value rows,
                                            Value keyBegin, Value keys) const {
  PointMath m{{builder, loc}};
  Value layout = point.layout;
  Value batch = m.broadcastIndex(layout, 0, point.batch);
  Value head = m.broadcastIndex(layout, 1, point.head);
  auto [queryFirst, queryEnd] = blockRange(m, rowBegin, rows, getBlockQ());
  Value keyFirst, keyEnd;
  std::tie(keyFirst, keyEnd) = blockRange(m, keyBegin, keys, getBlockKv());
  return buildLoop(
      builder, loc, queryFirst, queryEnd, {m.boolean(false)},
      [&](OpBuilder &b, Location l, Value qb, ValueRange acc) {
        ValueRange any = buildLoop(
            b, l, keyFirst, keyEnd, acc,
            [&](OpBuilder &b2, Location l2, Value kb, ValueRange inner) {
              Value set =
                  readElement(b2, l2, layout, ValueRange{batch, head, qb, kb});
              return SmallVector<Value>{
                  arith::OrIOp::create(b2, l2, inner[0], set)};
            });
        return SmallVector<Value>(any);
      })[0];
}

Value BlockIndicesAttr::buildTileMayHaveKeys(OpBuilder &builder, Location loc,
                                             const AttentionPoint &point,
                                             Value rowBegin, Value rows,
                                             Value keyBegin, Value keys) const {
  PointMath m{{builder, loc}};
  Value indices = point.indices;
  auto [queryFirst, queryEnd] = blockRange(m, rowBegin, rows, getBlockQ());
  Value keyEnd = m.add(keyBegin, keys);
  Value slots = dimension(builder, loc, indices, 3);
  int64_t blockKv = getBlockKv();
  return buildLoop(
      builder, loc, queryFirst, queryEnd, {m.boolean(false)},
      [&](OpBuilder &b, Location l, Value qb, ValueRange acc) {
        ValueRange any = buildLoop(
            b, l, m.c(0), slots, acc,
            [&](OpBuilder &b2, Location l2, Value slot, ValueRange inner) {
              PointMath m2{{b2, l2}};
              Value selected = arith::IndexCastOp::create(
                  b2, l2, b2.getIndexType(),
                  readElement(b2, l2, indices,
                              ValueRange{point.batch, point.kvHead, qb, slot}));
              // Block [s * bk, (s + 1) * bk) meets [keyBegin, keyEnd)?
              Value start = m2.mul(selected, m2.c(blockKv));
              Value hit = m2.both(
                  m2.le(m2.c(0), selected),
                  m2.both(m2.lt(start, keyEnd),
                          m2.lt(keyBegin, m2.add(start, m2.c(blockKv)))));
              return SmallVector<Value>{m2.either(inner[0], hit)};
            });
        return SmallVector<Value>(any);
      })[0];
}

Value OrAttr::buildTileMayHaveKeys(OpBuilder &builder, Location loc,
                                   const AttentionPoint &point, Value rowBegin,
                                   Value rows, Value keyBegin,
                                   Value keys) const {
  Value any = arith::ConstantIntOp::create(builder, loc, 0, 1);
  for (Attribute predicate : getPredicates())
    any = arith::OrIOp::create(
        builder, loc, any,
        cast<MaskAttrInterface>(predicate).buildTileMayHaveKeys(
            builder, loc, point, rowBegin, rows, keyBegin, keys));
  return any;
}

Value AndAttr::buildTileMayHaveKeys(OpBuilder &builder, Location loc,
                                    const AttentionPoint &point, Value rowBegin,
                                    Value rows, Value keyBegin,
                                    Value keys) const {
  Value all = detail::buildTrue(builder, loc);
  for (Attribute predicate : getPredicates())
    all = arith::AndIOp::create(
        builder, loc, all,
        cast<MaskAttrInterface>(predicate).buildTileMayHaveKeys(
            builder, loc, point, rowBegin, rows, keyBegin, keys));
  return all;
}

Value mlir::attn::buildFeatureMap(OpBuilder &b, Location loc,
                                  FeatureMap feature, Value x) {
  auto constant = [&](double value) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value))
        .getResult();
  };
  switch (feature) {
  case FeatureMap::Identity:
    return x;
  case FeatureMap::Relu:
    return arith::MaximumFOp::create(b, loc, x, constant(0.0));
  case FeatureMap::EluPlusOne: {
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                           constant(0.0));
    Value shifted = arith::AddFOp::create(b, loc, x, constant(1.0));
    return arith::SelectOp::create(b, loc, positive, shifted,
                                   math::ExpOp::create(b, loc, x));
  }
  case FeatureMap::Exp:
    return math::ExpOp::create(b, loc, x);
  case FeatureMap::Sigmoid: {
    Value denom = arith::AddFOp::create(
        b, loc, constant(1.0),
        math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x)));
    return arith::DivFOp::create(b, loc, constant(1.0), denom);
  }
  }
  llvm_unreachable("unknown feature map");
}
