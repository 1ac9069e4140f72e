//===- LoweringUtils.cpp - helpers of the reference lowering --------------===//

#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::attn::lowering;

Value Lowering::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value Lowering::f32(double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value Lowering::empty(ArrayRef<OpFoldResult> sizes, Type type) {
  return tensor::EmptyOp::create(b, loc, sizes, type);
}

Value Lowering::filled(ArrayRef<OpFoldResult> sizes, double value, Type type) {
  if (!type)
    type = f32();
  TypedAttr attr =
      isa<FloatType>(type)
          ? TypedAttr(b.getFloatAttr(type, value))
          : TypedAttr(b.getIntegerAttr(type, static_cast<int64_t>(value)));
  Value scalar = arith::ConstantOp::create(b, loc, attr);
  return linalg::FillOp::create(b, loc, scalar, empty(sizes, type))
      .getResult(0);
}

SmallVector<OpFoldResult> Lowering::sizes(Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

OpFoldResult Lowering::size(Value tensor, int64_t dim) {
  return tensor::getMixedSize(b, loc, tensor, dim);
}

Value Lowering::materialize(OpFoldResult size) {
  return getValueOrCreateConstantIndexOp(b, loc, size);
}

Value Lowering::toF32(Value x) {
  if (x.getType().isF32())
    return x;
  return arith::ExtFOp::create(b, loc, f32(), x);
}

Value Lowering::fromF32(Value x, Type type) {
  if (type.isF32())
    return x;
  return arith::TruncFOp::create(b, loc, type, x);
}

SmallVector<Value>
Lowering::generic(ValueRange inputs, ValueRange outputs,
                  ArrayRef<SmallVector<unsigned>> projections,
                  unsigned numLoops, ArrayRef<utils::IteratorType> iterators,
                  function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps;
  for (const SmallVector<unsigned> &dims : projections) {
    SmallVector<AffineExpr> exprs;
    for (unsigned dim : dims)
      exprs.push_back(b.getAffineDimExpr(dim));
    maps.push_back(AffineMap::get(numLoops, 0, exprs, b.getContext()));
  }
  auto op = linalg::GenericOp::create(b, loc, outputs.getTypes(), inputs,
                                      outputs, maps, iterators, body);
  return SmallVector<Value>(op.getResults());
}

template <typename CombineOp>
static Value reduceInnermost(Lowering &l, Value tensor,
                             ArrayRef<OpFoldResult> rowSizes, double init) {
  return l
      .generic({tensor}, {l.filled(rowSizes, init)},
               {{0, 1, 2, 3, 4}, {0, 1, 2, 3}}, 5, parallelThenReduction(5),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc,
                     CombineOp::create(b, loc, args[0], args[1]).getResult());
               })
      .front();
}

Value Lowering::maxInnermost(Value tensor, ArrayRef<OpFoldResult> rowSizes) {
  return reduceInnermost<arith::MaximumFOp>(
      *this, tensor, rowSizes, -std::numeric_limits<double>::infinity());
}

Value Lowering::sumInnermost(Value tensor, ArrayRef<OpFoldResult> rowSizes) {
  return reduceInnermost<arith::AddFOp>(*this, tensor, rowSizes, 0.0);
}

Value Lowering::weightedSum(Value weights, Value values,
                            ArrayRef<OpFoldResult> outSizes) {
  return generic({weights, values}, {filled(outSizes, 0.0)},
                 {{0, 1, 2, 3, 5}, {0, 1, 5, 4}, {0, 1, 2, 3, 4}}, 6,
                 parallelThenReduction(6),
                 [&](OpBuilder &b, Location loc, ValueRange args) {
                   Lowering in{b, loc};
                   Value product =
                       arith::MulFOp::create(b, loc, args[0], in.toF32(args[1]));
                   linalg::YieldOp::create(
                       b, loc,
                       arith::AddFOp::create(b, loc, args[2], product)
                           .getResult());
                 })
      .front();
}

OpFoldResult Lowering::groupSize(OpFoldResult queryHeads,
                                 OpFoldResult kvHeads) {
  std::optional<int64_t> hq = getConstantIntValue(queryHeads),
                         hkv = getConstantIntValue(kvHeads);
  if (hq && hkv)
    return b.getIndexAttr(*hq / *hkv);
  return arith::DivUIOp::create(b, loc, materialize(queryHeads),
                                materialize(kvHeads))
      .getResult();
}

Value Lowering::attentionScale(Value query, std::optional<APFloat> scale) {
  if (scale)
    return f32(scale->convertToDouble());
  auto queryType = cast<RankedTensorType>(query.getType());
  if (!queryType.isDynamicDim(3))
    return f32(1.0 / std::sqrt(static_cast<double>(queryType.getDimSize(3))));
  Value headDim = materialize(size(query, 3));
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), headDim);
  Value asFloat = arith::SIToFPOp::create(b, loc, f32(), asInt);
  return math::RsqrtOp::create(b, loc, asFloat);
}

Value Lowering::indexToF32(Value index) {
  Value asInt = arith::IndexCastUIOp::create(b, loc, b.getI64Type(), index);
  return arith::UIToFPOp::create(b, loc, f32(), asInt);
}

Value Lowering::loopIndex(unsigned dim) {
  return linalg::IndexOp::create(b, loc, dim);
}

Value Lowering::splitHeads(Value tensor, OpFoldResult numKvHeads,
                           OpFoldResult group, unsigned headDim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> outSizes = sizes(tensor);
  outSizes.erase(outSizes.begin() + headDim);
  outSizes.insert(outSizes.begin() + headDim, {numKvHeads, group});
  std::optional<int64_t> kvHeads = getConstantIntValue(numKvHeads),
                         groupSize = getConstantIntValue(group);
  if (kvHeads && groupSize) {
    // The verifier lets a dynamic head size stand for a static count (a
    // sink of `tensor<?xf32>` beside static heads), and a size the type
    // leaves open may fold to a constant (a tensor.cast hid it): make them
    // static first, so that the sizes and the result type agree.
    SmallVector<int64_t> shape(type.getShape());
    for (auto [dim, size] : llvm::enumerate(sizes(tensor)))
      if (std::optional<int64_t> known = getConstantIntValue(size))
        shape[dim] = *known;
    shape[headDim] = *kvHeads * *groupSize;
    if (ArrayRef<int64_t>(shape) != type.getShape()) {
      type = RankedTensorType::get(shape, type.getElementType());
      tensor = tensor::CastOp::create(b, loc, type, tensor);
    }
    SmallVector<int64_t> staticShape;
    for (OpFoldResult size : outSizes)
      staticShape.push_back(
          getConstantIntValue(size).value_or(ShapedType::kDynamic));
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      int64_t first = dim <= headDim ? dim : dim + 1;
      if (dim == headDim)
        reassociation.push_back({first, first + 1});
      else
        reassociation.push_back({first});
    }
    auto resultType = RankedTensorType::get(staticShape, type.getElementType());
    return tensor::ExpandShapeOp::create(b, loc, resultType, tensor,
                                         reassociation, outSizes);
  }
  // Dynamic head counts: the same view splits one dynamic size into two,
  // which upstream's expand-strided-metadata cannot lower for a strided
  // buffer (it crashes), so the grouped tensor is gathered instead: head
  // hk * G + g of the input for (hk, g).
  unsigned rank = type.getRank() + 1;
  SmallVector<unsigned> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  Value groupValue = materialize(group);
  return generic({}, {empty(outSizes, type.getElementType())}, {identity}, rank,
                 parallel(rank),
                 [&](OpBuilder &nested, Location nestedLoc, ValueRange) {
                   Lowering in{nested, nestedLoc};
                   SmallVector<Value> indices;
                   for (unsigned dim = 0; dim < rank; ++dim) {
                     if (dim == headDim + 1)
                       continue;
                     Value index = in.loopIndex(dim);
                     if (dim == headDim)
                       index = arith::AddIOp::create(
                           nested, nestedLoc,
                           arith::MulIOp::create(nested, nestedLoc, index,
                                                 groupValue),
                           in.loopIndex(dim + 1));
                     indices.push_back(index);
                   }
                   Value element = tensor::ExtractOp::create(nested, nestedLoc,
                                                             tensor, indices);
                   linalg::YieldOp::create(nested, nestedLoc, element);
                 })
      .front();
}

Value Lowering::joinHeads(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
  for (int64_t dim = 3; dim < type.getRank(); ++dim)
    reassociation.push_back({dim});
  return tensor::CollapseShapeOp::create(b, loc, tensor, reassociation);
}

void mlir::attn::lowering::replaceWithResultTypes(PatternRewriter &rewriter,
                                                  Operation *op,
                                                  ArrayRef<Value> values) {
  // Values past the op's results stand for optional results it does not
  // have (an LSE nobody asked for): they must be null.
  assert(values.size() >= op->getNumResults() &&
         llvm::all_of(values.drop_front(op->getNumResults()),
                      [](Value value) { return !value; }));
  SmallVector<Value> replacements;
  for (auto [value, result] : llvm::zip_equal(
           values.take_front(op->getNumResults()), op->getResults())) {
    Value replacement = value;
    if (value && value.getType() != result.getType())
      replacement = tensor::CastOp::create(rewriter, op->getLoc(),
                                           result.getType(), value);
    replacements.push_back(replacement);
  }
  rewriter.replaceOp(op, replacements);
}

Value mlir::attn::lowering::castRoot(Value value) {
  while (auto cast = value.getDefiningOp<tensor::CastOp>())
    value = cast.getSource();
  return value;
}

bool mlir::attn::lowering::hasEmptyTensor(Operation *op) {
  return llvm::any_of(
      llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()),
      [](Type type) {
        auto tensor = dyn_cast<RankedTensorType>(type);
        return tensor && llvm::is_contained(tensor.getShape(), 0);
      });
}

SmallVector<utils::IteratorType> mlir::attn::lowering::parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

SmallVector<utils::IteratorType>
mlir::attn::lowering::parallelThenReduction(unsigned n) {
  SmallVector<utils::IteratorType> iterators = parallel(n - 1);
  iterators.push_back(utils::IteratorType::reduction);
  return iterators;
}
