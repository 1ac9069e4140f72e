//===- TokenOpTiling.cpp - TilingInterface of the ops around attention ----===//
//
// attn.merge, attn.compress, attn.block_scores, attn.topk,
// attn.linear_attention and attn.causal_conv tile over leading dims along
// which their rows are independent: merge over (batch, head, row), top-k
// over every dim but the last, the others over (batch, head), where the
// head is the K/V head for block_scores and linear attention (their query
// heads, decay and result follow as whole groups). Each operand and result
// dim that follows a domain dim takes its slice (compress's per-head
// weights and the conv's weights by head); the other dims stay whole.
// Together with attn.attention's, a program of these ops can be tiled and
// fused head by head with upstream's drivers.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "TilingUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::tiling;

namespace {

/// Operand or result dim `valueDim` follows domain dim `domainDim`, scaled
/// by the op's group size when `grouped` (query heads over K/V heads).
struct DimRule {
  int64_t valueDim, domainDim;
  bool grouped = false;
};
using Rules = SmallVector<DimRule>;

/// How an op of this file tiles: each operand and result follows the
/// domain through its rules.
struct LeadingDimsTiling {
  SmallVector<Rules> operandRules, resultRules;
};

} // namespace

/// The number of dims of the op's domain.
static int64_t domainRank(Operation *op) {
  if (isa<MergeOp>(op))
    return 3;
  if (isa<TopkOp>(op))
    return cast<RankedTensorType>(op->getResult(0).getType()).getRank() - 1;
  return 2;
}

/// The sizes of each result of `op`, from its operands (a tiling loop
/// replaces the results themselves).
static SmallVector<SmallVector<OpFoldResult>> resultSizes(OpBuilder &b,
                                                          Operation *op) {
  Location loc = op->getLoc();
  FoldedIndexMath m{b, loc};
  auto sizesOf = [&](Value value) {
    return tensor::getMixedSizes(b, loc, value);
  };
  SmallVector<SmallVector<OpFoldResult>> sizes;
  if (auto merge = dyn_cast<MergeOp>(op)) {
    sizes.push_back(sizesOf(merge.getOutputs().front()));
    if (merge.getLse())
      sizes.push_back(sizesOf(merge.getWeights().front()));
  } else if (auto compress = dyn_cast<CompressOp>(op)) {
    SmallVector<OpFoldResult> input = sizesOf(compress.getInput());
    input[2] = m.ceilDiv(input[2], compress.getStride());
    sizes.push_back(input);
  } else if (auto scores = dyn_cast<BlockScoresOp>(op)) {
    SmallVector<OpFoldResult> query = sizesOf(scores.getQuery());
    SmallVector<OpFoldResult> keys = sizesOf(scores.getKeys());
    sizes.push_back(
        {query[0], keys[1], m.ceilDiv(query[2], scores.getBlockQ()), keys[2]});
  } else if (auto topk = dyn_cast<TopkOp>(op)) {
    SmallVector<OpFoldResult> rows = sizesOf(topk.getScores());
    rows.back() = b.getIndexAttr(topk.getK());
    sizes.push_back(rows);
  } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
    SmallVector<OpFoldResult> query = sizesOf(linear.getQuery());
    query[3] = tensor::getMixedSize(b, loc, linear.getValue(), 3);
    sizes.push_back(query);
  } else {
    sizes.push_back(sizesOf(cast<CausalConvOp>(op).getInput()));
  }
  for (auto [result, resultSizes] : llvm::zip_equal(op->getResults(), sizes))
    resultSizes = sizesAsTyped(b, loc, result.getType(), resultSizes);
  return sizes;
}

/// The (query, key) pair whose head counts make a grouped rule's factor,
/// or nulls for an op without grouped rules.
static std::pair<Value, Value> groupedHeads(Operation *op) {
  if (auto scores = dyn_cast<BlockScoresOp>(op))
    return {scores.getQuery(), scores.getKeys()};
  if (auto linear = dyn_cast<LinearAttentionOp>(op))
    return {linear.getQuery(), linear.getKey()};
  return {};
}

/// Query heads per K/V head, the factor of grouped rules (1 without them).
static OpFoldResult groupOf(OpBuilder &b, Operation *op) {
  auto [queries, keys] = groupedHeads(op);
  return queries ? groupSize(b, op->getLoc(), queries, keys)
                 : b.getIndexAttr(1);
}

static LeadingDimsTiling getTiling(Operation *op) {
  auto leading = [](int64_t rank) {
    Rules rules;
    for (int64_t dim = 0; dim < rank; ++dim)
      rules.push_back({dim, dim});
    return rules;
  };
  // Batch, then the query heads as whole groups of the domain's K/V heads.
  Rules grouped = {{0, 0}, {1, 1, /*grouped=*/true}};
  int64_t rank = domainRank(op);
  LeadingDimsTiling tiling;
  tiling.resultRules.assign(op->getNumResults(), leading(rank));
  if (isa<MergeOp, TopkOp>(op)) {
    // Every operand ([B, H, L, D] branches, [B, H, L] weights; the scores)
    // by the domain's dims.
    tiling.operandRules.assign(op->getNumOperands(), leading(rank));
  } else if (auto compress = dyn_cast<CompressOp>(op)) {
    tiling.operandRules.push_back(leading(2));
    // Per-head weights [H, window] by head; shared ones [window] whole.
    if (Value weights = compress.getWeights())
      tiling.operandRules.push_back(
          cast<RankedTensorType>(weights.getType()).getRank() == 2
              ? Rules{{0, 1}}
              : Rules{});
  } else if (isa<BlockScoresOp>(op)) {
    tiling.operandRules = {grouped, leading(2)};
  } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
    tiling.operandRules = {grouped, leading(2), leading(2)};
    if (linear.getDecay())
      tiling.operandRules.push_back(grouped);
    tiling.resultRules = {grouped};
  } else {
    // The conv's weights [H, D, K] by head.
    tiling.operandRules = {leading(2), Rules{{0, 1}}};
  }
  return tiling;
}

static SmallVector<Range> iterationDomain(OpBuilder &b, Operation *op) {
  // The first result's leading dims; linear attention's heads are its K/V
  // heads (block_scores' result has those already).
  SmallVector<OpFoldResult> sizes = resultSizes(b, op).front();
  if (auto linear = dyn_cast<LinearAttentionOp>(op))
    sizes[1] = tensor::getMixedSize(b, op->getLoc(), linear.getKey(), 1);
  SmallVector<Range> domain;
  for (int64_t dim = 0; dim < domainRank(op); ++dim)
    domain.push_back({b.getIndexAttr(0), sizes[dim], b.getIndexAttr(1)});
  return domain;
}

/// The offsets and sizes (given whole) of a value in the domain's tile at
/// `offsets` and `sizes`.
static void tileOfValue(OpBuilder &b, Location loc, const Rules &rules,
                        OpFoldResult group, ArrayRef<OpFoldResult> offsets,
                        ArrayRef<OpFoldResult> sizes,
                        SmallVector<OpFoldResult> &valueOffsets,
                        SmallVector<OpFoldResult> &valueSizes) {
  FoldedIndexMath m{b, loc};
  valueOffsets.assign(valueSizes.size(), b.getIndexAttr(0));
  for (const DimRule &rule : rules) {
    OpFoldResult factor = rule.grouped ? group : b.getIndexAttr(1);
    valueOffsets[rule.valueDim] = m.mul(offsets[rule.domainDim], factor);
    valueSizes[rule.valueDim] = m.mul(sizes[rule.domainDim], factor);
  }
}

static FailureOr<TilingResult> tile(OpBuilder &b, Operation *op,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes) {
  Location loc = op->getLoc();
  LeadingDimsTiling tiling = getTiling(op);
  OpFoldResult group = groupOf(b, op);
  SmallVector<Value> operands;
  SmallVector<Operation *> slices;
  for (auto [operand, rules] :
       llvm::zip_equal(op->getOperands(), tiling.operandRules)) {
    SmallVector<OpFoldResult> sliceOffsets;
    SmallVector<OpFoldResult> sliceSizes(
        cast<RankedTensorType>(operand.getType()).getRank());
    tileOfValue(b, loc, rules, group, offsets, sizes, sliceOffsets, sliceSizes);
    for (auto [dim, size] : llvm::enumerate(sliceSizes))
      if (!size)
        size = tensor::getMixedSize(b, loc, operand, dim);
    SmallVector<OpFoldResult> strides(sliceSizes.size(), b.getIndexAttr(1));
    auto slice = tensor::ExtractSliceOp::create(b, loc, operand, sliceOffsets,
                                                sliceSizes, strides);
    slices.push_back(slice);
    operands.push_back(slice);
  }
  SmallVector<Type> resultTypes;
  for (auto [result, rules] :
       llvm::zip_equal(op->getResults(), tiling.resultRules)) {
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<OpFoldResult> tileOffsets, tileSizes(type.getRank());
    tileOfValue(b, loc, rules, group, offsets, sizes, tileOffsets, tileSizes);
    // Static where the slices' sizes are: attributes.
    SmallVector<int64_t> shape(type.getShape());
    for (const DimRule &rule : rules)
      shape[rule.valueDim] = staticSize(tileSizes[rule.valueDim]);
    resultTypes.push_back(type.clone(shape));
  }
  Operation *tiled = clone(b, op, resultTypes, operands);
  return TilingResult{{tiled},
                      SmallVector<Value>(tiled->getResults().begin(),
                                         tiled->getResults().end()),
                      slices};
}

static LogicalResult
resultTilePosition(OpBuilder &b, Operation *op, unsigned resultNumber,
                   ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
                   SmallVector<OpFoldResult> &resultOffsets,
                   SmallVector<OpFoldResult> &resultSizes) {
  resultSizes = ::resultSizes(b, op)[resultNumber];
  tileOfValue(b, op->getLoc(), getTiling(op).resultRules[resultNumber],
              groupOf(b, op), offsets, sizes, resultOffsets, resultSizes);
  return success();
}

/// A result tile is a domain tile when the dims that follow no domain dim
/// are whole and grouped dims hold whole groups.
static LogicalResult
domainTileFromResultTile(OpBuilder &b, Operation *op, unsigned resultNumber,
                         ArrayRef<OpFoldResult> offsets,
                         ArrayRef<OpFoldResult> sizes,
                         SmallVectorImpl<OpFoldResult> &domainOffsets,
                         SmallVectorImpl<OpFoldResult> &domainSizes) {
  LeadingDimsTiling tiling = getTiling(op);
  const Rules &rules = tiling.resultRules[resultNumber];
  // A grouped dim maps back only by a static group (no IR built to ask).
  auto [queries, keys] = groupedHeads(op);
  std::optional<int64_t> group =
      queries ? staticGroupSize(queries, keys) : std::optional<int64_t>(1);
  SmallVector<OpFoldResult> whole = resultSizes(b, op)[resultNumber];
  domainOffsets.assign(domainRank(op), OpFoldResult());
  domainSizes.assign(domainRank(op), OpFoldResult());
  FoldedIndexMath m{b, op->getLoc()};
  for (int64_t dim = 0; dim < static_cast<int64_t>(offsets.size()); ++dim) {
    const auto *rule = llvm::find_if(
        rules, [&](const DimRule &r) { return r.valueDim == dim; });
    if (rule == rules.end()) {
      if (!isZeroInteger(offsets[dim]) ||
          !isEqualConstantIntOrValue(sizes[dim], whole[dim]))
        return failure();
      continue;
    }
    OpFoldResult offset = offsets[dim], size = sizes[dim];
    if (rule->grouped) {
      if (!group || !isMultipleOf(offset, *group) ||
          !isMultipleOf(size, *group))
        return failure();
      offset = m.div(offset, b.getIndexAttr(*group));
      size = m.div(size, b.getIndexAttr(*group));
    }
    domainOffsets[rule->domainDim] = offset;
    domainSizes[rule->domainDim] = size;
  }
  return success(llvm::all_of(domainOffsets, [](OpFoldResult offset) {
    return static_cast<bool>(offset);
  }));
}

namespace {

/// TilingInterface for the ops of this file, attached by the dialect.
template <typename OpTy>
struct LeadingDimsTilingModel
    : TilingInterface::ExternalModel<LeadingDimsTilingModel<OpTy>, OpTy> {
  SmallVector<utils::IteratorType> getLoopIteratorTypes(Operation *op) const {
    return SmallVector<utils::IteratorType>(domainRank(op),
                                            utils::IteratorType::parallel);
  }
  SmallVector<Range> getIterationDomain(Operation *op, OpBuilder &b) const {
    return iterationDomain(b, op);
  }
  FailureOr<TilingResult>
  getTiledImplementation(Operation *op, OpBuilder &b,
                         ArrayRef<OpFoldResult> offsets,
                         ArrayRef<OpFoldResult> sizes) const {
    return tile(b, op, offsets, sizes);
  }
  LogicalResult
  getResultTilePosition(Operation *op, OpBuilder &b, unsigned resultNumber,
                        ArrayRef<OpFoldResult> offsets,
                        ArrayRef<OpFoldResult> sizes,
                        SmallVector<OpFoldResult> &resultOffsets,
                        SmallVector<OpFoldResult> &resultSizes) const {
    return resultTilePosition(b, op, resultNumber, offsets, sizes,
                              resultOffsets, resultSizes);
  }
  LogicalResult getIterationDomainTileFromResultTile(
      Operation *op, OpBuilder &b, unsigned resultNumber,
      ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
      SmallVectorImpl<OpFoldResult> &iterDomainOffsets,
      SmallVectorImpl<OpFoldResult> &iterDomainSizes) const {
    return domainTileFromResultTile(b, op, resultNumber, offsets, sizes,
                                    iterDomainOffsets, iterDomainSizes);
  }
  FailureOr<TilingResult>
  generateResultTileValue(Operation *op, OpBuilder &b, unsigned resultNumber,
                          ArrayRef<OpFoldResult> offsets,
                          ArrayRef<OpFoldResult> sizes) const {
    SmallVector<OpFoldResult> domainOffsets, domainSizes;
    if (failed(domainTileFromResultTile(b, op, resultNumber, offsets, sizes,
                                        domainOffsets, domainSizes)))
      return failure();
    // Fusion takes the first value as the tile of the result it asked for.
    FailureOr<TilingResult> tiled = tile(b, op, domainOffsets, domainSizes);
    if (succeeded(tiled))
      tiled->tiledValues = {tiled->tiledValues[resultNumber]};
    return tiled;
  }
};

/// The result sizes that tiling's destinations are built from.
template <typename OpTy>
struct LeadingDimsReifyModel : ReifyRankedShapedTypeOpInterface::ExternalModel<
                                   LeadingDimsReifyModel<OpTy>, OpTy> {
  LogicalResult
  reifyResultShapes(Operation *op, OpBuilder &b,
                    ReifiedRankedShapedTypeDims &reifiedReturnShapes) const {
    for (SmallVector<OpFoldResult> &sizes : resultSizes(b, op))
      reifiedReturnShapes.push_back(std::move(sizes));
    return success();
  }
};

template <typename... OpTys> void attachModels(MLIRContext &context) {
  (OpTys::template attachInterface<LeadingDimsTilingModel<OpTys>,
                                   LeadingDimsReifyModel<OpTys>>(context),
   ...);
}

} // namespace

void mlir::attn::detail::attachTokenOpTilingModels(MLIRContext &context) {
  attachModels<MergeOp, CompressOp, BlockScoresOp, TopkOp, LinearAttentionOp,
               CausalConvOp>(context);
}
