//===- AttentionTiling.cpp - attn.attention's TilingInterface -------------===//
//
// attn.attention tiles over batches and K/V heads, the two dimensions along
// which its rows are independent whatever the mask: a tile takes each of its
// K/V heads' whole group of query heads, so GQA's h / G stays the slice's own
// grouping. Query rows are not a tiling dimension: positions are aligned
// bottom-right (pos(i) = i + Lkv - Lq), so a slice of rows would be a
// different attention. Keys are a reduction through the softmax, which the
// flash lowering already tiles.
//
// What a tile must see in global coordinates does: the score_mod and mask_mod
// regions receive the batch and query head plus the tile's offsets, and
// ALiBi (its slope is a function of the head and of Hq) moves, with the
// score modifiers after it, into the tile's score_mod region, built there by
// the same hooks at the global head.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "TilingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::tiling;

namespace {

/// The iteration-domain tile of an attention: batches and K/V heads, and
/// the query heads those K/V heads' groups make.
struct AttentionTile {
  OpFoldResult batchOffset, batchSize;
  OpFoldResult kvHeadOffset, kvHeadSize;
  OpFoldResult headOffset, headSize;
};

} // namespace

/// Query heads per K/V head, folded where both head counts are static.
static OpFoldResult groupSize(OpBuilder &b, Location loc, AttentionOp op) {
  return tiling::groupSize(b, loc, op.getQuery(), op.getKey());
}

static AttentionTile makeTile(OpBuilder &b, Location loc, AttentionOp op,
                              ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes) {
  FoldedIndexMath m{b, loc};
  OpFoldResult group = groupSize(b, loc, op);
  return {offsets[0],
          sizes[0],
          offsets[1],
          sizes[1],
          m.mul(offsets[1], group),
          m.mul(sizes[1], group)};
}

/// Whether the tile's query heads are all of the op's (then the head
/// indices that its score modifiers see are the op's).
static bool coversAllHeads(OpBuilder &b, Location loc, AttentionOp op,
                           const AttentionTile &tile) {
  return isZeroInteger(tile.headOffset) &&
         isEqualConstantIntOrValue(
             tile.headSize, tensor::getMixedSize(b, loc, op.getQuery(), 1));
}

/// The slice of `source` whose dims `dims` take the given offsets and sizes
/// and whose other dims are whole; null for a null source. A dim listed in
/// `broadcastable` is taken whole where its size is 1 (a bias or layout
/// shared by every batch or head), which a dynamic size decides at run time.
static Value
slice(OpBuilder &b, Location loc, Value source,
      ArrayRef<std::tuple<int64_t, OpFoldResult, OpFoldResult>> dims,
      bool broadcastable = false) {
  if (!source)
    return {};
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes(type.getRank());
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  FoldedIndexMath m{b, loc};
  for (auto [dim, offset, size] : dims) {
    if (broadcastable && !type.isDynamicDim(dim) && type.getDimSize(dim) == 1)
      continue;
    if (broadcastable && type.isDynamicDim(dim)) {
      Value whole = tensor::DimOp::create(b, loc, source, dim);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value isOne =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, whole, one);
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      offsets[dim] =
          arith::SelectOp::create(b, loc, isOne, zero, m.value(offset))
              .getResult();
      sizes[dim] = arith::SelectOp::create(b, loc, isOne, one, m.value(size))
                       .getResult();
      continue;
    }
    offsets[dim] = offset;
    sizes[dim] = size;
  }
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (!sizes[dim])
      sizes[dim] = tensor::getMixedSize(b, loc, source, dim);
  return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                        strides);
}

/// `type` with its batch and head dims the tile's.
static Type tileType(Type type, const AttentionTile &tile) {
  if (!type)
    return {};
  auto tensorType = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensorType.getShape());
  shape[0] = staticSize(tile.batchSize);
  shape[1] = staticSize(tile.headSize);
  return tensorType.clone(shape);
}

/// Builds the tile's regions in `tiled`: `op`'s, with the batch and query
/// head shifted by the tile's offsets, and before the score_mod the score
/// modifiers `moved` evaluated at the global point.
static void buildTileRegions(OpBuilder &b, Location loc, AttentionOp op,
                             AttentionOp tiled, const AttentionTile &tile,
                             ArrayRef<Attribute> moved) {
  OpBuilder::InsertionGuard guard(b);
  FoldedIndexMath m{b, loc};
  Type indexType = b.getIndexType();

  // The global point's sizes, taken outside the op.
  b.setInsertionPoint(tiled);
  AttentionPoint global;
  if (!moved.empty()) {
    global.queryLength =
        m.value(tensor::getMixedSize(b, loc, op.getQuery(), 2));
    global.keyLength = m.value(tensor::getMixedSize(b, loc, op.getKey(), 2));
    global.numQueryHeads =
        m.value(tensor::getMixedSize(b, loc, op.getQuery(), 1));
    global.bias = op.getBias();
  }

  Region &scoreMod = op.getScoreMod();
  if (!scoreMod.empty() || !moved.empty()) {
    Block *block = b.createBlock(&tiled.getScoreMod());
    Value score = block->addArgument(b.getF32Type(), loc);
    SmallVector<Value> point;
    for (int i = 0; i < 4; ++i)
      point.push_back(block->addArgument(indexType, loc));
    Value batch = m.add(point[0], tile.batchOffset);
    Value head = m.add(point[1], tile.headOffset);
    if (!moved.empty()) {
      global.batch = batch;
      global.head = head;
      global.row = point[2];
      global.column = point[3];
      score = buildModifiedScore(b, loc, moved, nullptr, score, global);
    }
    if (!scoreMod.empty())
      score = inlineRegionBody(b, scoreMod,
                               {score, batch, head, point[2], point[3]});
    YieldOp::create(b, loc, score);
  }

  Region &maskMod = op.getMaskMod();
  if (!maskMod.empty()) {
    Block *block = b.createBlock(&tiled.getMaskMod());
    SmallVector<Value> point;
    for (int i = 0; i < 4; ++i)
      point.push_back(block->addArgument(indexType, loc));
    Value allowed = inlineRegionBody(b, maskMod,
                                     {m.add(point[0], tile.batchOffset),
                                      m.add(point[1], tile.headOffset),
                                      point[2], point[3]});
    YieldOp::create(b, loc, allowed);
  }
}

static FailureOr<TilingResult> tileAttention(OpBuilder &b, AttentionOp op,
                                             const AttentionTile &tile) {
  Location loc = op.getLoc();
  auto batch = [&](int64_t dim) {
    return std::make_tuple(dim, tile.batchOffset, tile.batchSize);
  };
  auto heads = [&](int64_t dim) {
    return std::make_tuple(dim, tile.headOffset, tile.headSize);
  };
  auto kvHeads = [&](int64_t dim) {
    return std::make_tuple(dim, tile.kvHeadOffset, tile.kvHeadSize);
  };

  // ALiBi reads the head and Hq: where the tile does not hold every head it
  // moves, with what follows it, into the score_mod region.
  ArrayRef<Attribute> score = op.getScore().getValue();
  ArrayRef<Attribute> kept = score, moved;
  if (!coversAllHeads(b, loc, op, tile)) {
    const auto *alibi = llvm::find_if(score, llvm::IsaPred<AlibiAttr>);
    kept = ArrayRef<Attribute>(score.begin(), alibi);
    moved = ArrayRef<Attribute>(alibi, score.end());
  }
  bool keepsBias = llvm::any_of(kept, llvm::IsaPred<BiasAttr>);

  SmallVector<Operation *> slices;
  auto sliced = [&](Value value) {
    if (value)
      if (Operation *def = value.getDefiningOp())
        slices.push_back(def);
    return value;
  };
  Value query = sliced(slice(b, loc, op.getQuery(), {batch(0), heads(1)}));
  Value key = sliced(slice(b, loc, op.getKey(), {batch(0), kvHeads(1)}));
  Value value = sliced(slice(b, loc, op.getValue(), {batch(0), kvHeads(1)}));
  Value bias = keepsBias
                   ? sliced(slice(b, loc, op.getBias(), {batch(0), heads(1)},
                                  /*broadcastable=*/true))
                   : Value();
  Value qSegments = sliced(slice(b, loc, op.getQSegments(), {batch(0)}));
  Value kvSegments = sliced(slice(b, loc, op.getKvSegments(), {batch(0)}));
  Value layout = sliced(slice(b, loc, op.getLayout(), {batch(0), heads(1)},
                              /*broadcastable=*/true));
  Value indices =
      sliced(slice(b, loc, op.getIndices(), {batch(0), kvHeads(1)}));
  Value sink = sliced(slice(b, loc, op.getSink(), {heads(0)}));

  Type lseType = op.getLse() ? tileType(op.getLse().getType(), tile) : Type();
  auto tiled = AttentionOp::create(
      b, loc, tileType(op.getOutput().getType(), tile), lseType, query, key,
      value, bias, qSegments, kvSegments, layout, indices, sink, op.getMask(),
      b.getArrayAttr(kept), op.getNormalizerAttr(), op.getScaleAttr(),
      op.getTilingAttr());
  // The scale's default reads the head dim, which tiles keep whole.
  buildTileRegions(b, loc, op, tiled, tile, moved);

  SmallVector<Value> results = {tiled.getOutput()};
  if (tiled.getLse())
    results.push_back(tiled.getLse());
  return TilingResult{{tiled}, results, slices};
}

//===----------------------------------------------------------------------===//
// ReifyRankedShapedTypeOpInterface: the sizes of the results, from which
// tiling builds the destinations its loops insert tiles into.
//===----------------------------------------------------------------------===//

/// The sizes of result `resultNumber` of `op` from its operands (never from
/// the result itself, which a tiling loop replaces), static exactly where
/// the result's type is (sizesAsTyped).
static SmallVector<OpFoldResult> resultSizes(OpBuilder &b, AttentionOp op,
                                             unsigned resultNumber) {
  Location loc = op.getLoc();
  // [B, Hq, Lq] from the query, then the value's head dim.
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(b, loc, op.getQuery(), 0),
      tensor::getMixedSize(b, loc, op.getQuery(), 1),
      tensor::getMixedSize(b, loc, op.getQuery(), 2),
      tensor::getMixedSize(b, loc, op.getValue(), 3)};
  auto type = cast<RankedTensorType>(
      op.getOperation()->getResult(resultNumber).getType());
  sizes.resize(type.getRank());
  return sizesAsTyped(b, loc, type, sizes);
}

LogicalResult AttentionOp::reifyResultShapes(
    OpBuilder &b, ReifiedRankedShapedTypeDims &reifiedReturnShapes) {
  for (unsigned result = 0; result < getOperation()->getNumResults(); ++result)
    reifiedReturnShapes.push_back(resultSizes(b, *this, result));
  return success();
}

//===----------------------------------------------------------------------===//
// TilingInterface
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> AttentionOp::getLoopIteratorTypes() {
  return {utils::IteratorType::parallel, utils::IteratorType::parallel};
}

SmallVector<Range> AttentionOp::getIterationDomain(OpBuilder &b) {
  Location loc = getLoc();
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  return {Range{zero, tensor::getMixedSize(b, loc, getQuery(), 0), one},
          Range{zero, tensor::getMixedSize(b, loc, getKey(), 1), one}};
}

FailureOr<TilingResult>
AttentionOp::getTiledImplementation(OpBuilder &b,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes) {
  return tileAttention(b, *this, makeTile(b, getLoc(), *this, offsets, sizes));
}

LogicalResult AttentionOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  AttentionTile tile = makeTile(b, getLoc(), *this, offsets, sizes);
  resultSizes = ::resultSizes(b, *this, resultNumber);
  resultOffsets.assign(resultSizes.size(), b.getIndexAttr(0));
  resultOffsets[0] = tile.batchOffset;
  resultSizes[0] = tile.batchSize;
  resultOffsets[1] = tile.headOffset;
  resultSizes[1] = tile.headSize;
  return success();
}

/// The tile of result `resultNumber` alone: fusion takes a tiled
/// producer's first value as the tile it asked for.
static FailureOr<TilingResult> selectResult(FailureOr<TilingResult> tiled,
                                            unsigned resultNumber) {
  if (failed(tiled))
    return failure();
  tiled->tiledValues = {tiled->tiledValues[resultNumber]};
  return tiled;
}

/// Whether a result tile holds whole rows: every query row, every column.
static bool holdsWholeRows(OpBuilder &b, AttentionOp op, unsigned resultNumber,
                           ArrayRef<OpFoldResult> offsets,
                           ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> whole = resultSizes(b, op, resultNumber);
  for (size_t dim = 2; dim < offsets.size(); ++dim)
    if (!isZeroInteger(offsets[dim]) ||
        !isEqualConstantIntOrValue(sizes[dim], whole[dim]))
      return false;
  return true;
}

LogicalResult AttentionOp::getIterationDomainTileFromResultTile(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes,
    SmallVectorImpl<OpFoldResult> &iterDomainOffsets,
    SmallVectorImpl<OpFoldResult> &iterDomainSizes) {
  // A result tile is a tile of the domain when it holds whole rows and
  // whole groups of query heads.
  int64_t group = getGroupSize();
  if (ShapedType::isDynamic(group) || !isMultipleOf(offsets[1], group) ||
      !isMultipleOf(sizes[1], group) ||
      !holdsWholeRows(b, *this, resultNumber, offsets, sizes))
    return failure();
  FoldedIndexMath m{b, getLoc()};
  OpFoldResult groupAttr = b.getIndexAttr(group);
  iterDomainOffsets.assign({offsets[0], m.div(offsets[1], groupAttr)});
  iterDomainSizes.assign({sizes[0], m.div(sizes[1], groupAttr)});
  return success();
}

FailureOr<TilingResult>
AttentionOp::generateResultTileValue(OpBuilder &b, unsigned resultNumber,
                                     ArrayRef<OpFoldResult> offsets,
                                     ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> domainOffsets, domainSizes;
  if (succeeded(getIterationDomainTileFromResultTile(
          b, resultNumber, offsets, sizes, domainOffsets, domainSizes)))
    return selectResult(getTiledImplementation(b, domainOffsets, domainSizes),
                        resultNumber);
  // One query head of a group is an attention of its own over its K/V
  // head, which the domain (whole groups) cannot express: a consumer tiled
  // head by head still fuses the attention without recomputing the group.
  if (!holdsWholeRows(b, *this, resultNumber, offsets, sizes) ||
      !isOneInteger(sizes[1]))
    return failure();
  FoldedIndexMath m{b, getLoc()};
  AttentionTile tile{offsets[0],
                     sizes[0],
                     m.div(offsets[1], groupSize(b, getLoc(), *this)),
                     b.getIndexAttr(1),
                     offsets[1],
                     sizes[1]};
  return selectResult(tileAttention(b, *this, tile), resultNumber);
}
