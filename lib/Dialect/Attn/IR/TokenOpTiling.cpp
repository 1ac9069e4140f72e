//===- TokenOpTiling.cpp - TilingInterface of the ops around attention ----===//
//
// attn.merge, attn.compress, attn.block_scores and attn.topk tile over the
// leading dims of their results, along which their rows are independent:
// merge over (batch, head, row), compress over (batch, head), block_scores
// over (batch, K/V head), top-k over every dim but the last. Each operand
// dim that follows a domain dim takes its slice (block_scores' query heads
// as whole groups of the K/V heads, compress's per-head weights by head);
// the other dims stay whole. Together with attn.attention's, a program of
// these ops can be tiled and fused head by head with upstream's drivers.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Operand dim `operandDim` follows domain dim `domainDim`, scaled by the
/// op's group size when `grouped` (block_scores' query heads).
struct DimRule {
  int64_t operandDim, domainDim;
  bool grouped = false;
};

/// How an op of this file tiles: its domain is the leading
/// `domainRank` dims of its first result, and each operand follows the
/// domain through its rules.
struct LeadingDimsTiling {
  int64_t domainRank;
  SmallVector<SmallVector<DimRule>> operandRules;
  /// Query heads per domain head, for grouped rules.
  OpFoldResult group;
};

} // namespace

static OpFoldResult mulIndex(OpBuilder &b, Location loc, OpFoldResult lhs,
                             OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs);
  std::optional<int64_t> r = getConstantIntValue(rhs);
  if (l && r)
    return b.getIndexAttr(*l * *r);
  if (r && *r == 1)
    return lhs;
  return arith::MulIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, lhs),
                               getValueOrCreateConstantIndexOp(b, loc, rhs))
      .getResult();
}

static OpFoldResult ceilDivIndex(OpBuilder &b, Location loc, OpFoldResult lhs,
                                 int64_t rhs) {
  if (std::optional<int64_t> l = getConstantIntValue(lhs))
    return b.getIndexAttr(llvm::divideCeil(*l, rhs));
  return arith::CeilDivUIOp::create(
             b, loc, getValueOrCreateConstantIndexOp(b, loc, lhs),
             arith::ConstantIndexOp::create(b, loc, rhs))
      .getResult();
}

/// `sizes`, with the dims that `type` fixes taken from it.
static SmallVector<OpFoldResult>
withStaticDims(OpBuilder &b, Type type, SmallVector<OpFoldResult> sizes) {
  auto tensorType = cast<RankedTensorType>(type);
  for (int64_t dim = 0; dim < tensorType.getRank(); ++dim)
    if (!tensorType.isDynamicDim(dim))
      sizes[dim] = b.getIndexAttr(tensorType.getDimSize(dim));
  return sizes;
}

/// The sizes of each result of `op`, from its operands (a tiling loop
/// replaces the results themselves).
static SmallVector<SmallVector<OpFoldResult>> resultSizes(OpBuilder &b,
                                                          Operation *op) {
  Location loc = op->getLoc();
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
    input[2] = ceilDivIndex(b, loc, input[2], compress.getStride());
    sizes.push_back(input);
  } else if (auto scores = dyn_cast<BlockScoresOp>(op)) {
    SmallVector<OpFoldResult> query = sizesOf(scores.getQuery());
    SmallVector<OpFoldResult> keys = sizesOf(scores.getKeys());
    sizes.push_back({query[0], keys[1],
                     ceilDivIndex(b, loc, query[2], scores.getBlockQ()),
                     keys[2]});
  } else {
    auto topk = cast<TopkOp>(op);
    SmallVector<OpFoldResult> rows = sizesOf(topk.getScores());
    rows.back() = b.getIndexAttr(topk.getK());
    sizes.push_back(rows);
  }
  for (auto [result, resultSizes] : llvm::zip_equal(op->getResults(), sizes))
    resultSizes = withStaticDims(b, result.getType(), resultSizes);
  return sizes;
}

/// The number of leading result dims that are the op's domain.
static int64_t domainRank(Operation *op) {
  if (isa<MergeOp>(op))
    return 3;
  if (isa<CompressOp, BlockScoresOp>(op))
    return 2;
  return cast<RankedTensorType>(op->getResult(0).getType()).getRank() - 1;
}

static LeadingDimsTiling getTiling(OpBuilder &b, Operation *op) {
  Location loc = op->getLoc();
  auto leading = [](int64_t rank) {
    SmallVector<DimRule> rules;
    for (int64_t dim = 0; dim < rank; ++dim)
      rules.push_back({dim, dim});
    return rules;
  };
  if (auto merge = dyn_cast<MergeOp>(op)) {
    // Every branch output [B, H, L, D] and weight [B, H, L] by rows.
    return {3,
            SmallVector<SmallVector<DimRule>>(op->getNumOperands(), leading(3)),
            b.getIndexAttr(1)};
  }
  if (auto compress = dyn_cast<CompressOp>(op)) {
    LeadingDimsTiling tiling{2, {leading(2)}, b.getIndexAttr(1)};
    if (Value weights = compress.getWeights()) {
      // Per-head weights [H, window] by head; shared ones [window] whole.
      if (cast<RankedTensorType>(weights.getType()).getRank() == 2)
        tiling.operandRules.push_back({{0, 1}});
      else
        tiling.operandRules.push_back({});
    }
    return tiling;
  }
  if (auto scores = dyn_cast<BlockScoresOp>(op)) {
    OpFoldResult queryHeads =
        tensor::getMixedSize(b, loc, scores.getQuery(), 1);
    OpFoldResult kvHeads = tensor::getMixedSize(b, loc, scores.getKeys(), 1);
    OpFoldResult group;
    std::optional<int64_t> hq = getConstantIntValue(queryHeads);
    std::optional<int64_t> hkv = getConstantIntValue(kvHeads);
    if (hq && hkv && *hkv != 0)
      group = b.getIndexAttr(*hq / *hkv);
    else
      group = arith::DivUIOp::create(
                  b, loc, getValueOrCreateConstantIndexOp(b, loc, queryHeads),
                  getValueOrCreateConstantIndexOp(b, loc, kvHeads))
                  .getResult();
    // The query's heads are the K/V heads' groups.
    return {2, {{{0, 0}, {1, 1, /*grouped=*/true}}, leading(2)}, group};
  }
  return {domainRank(op), {leading(domainRank(op))}, b.getIndexAttr(1)};
}

static SmallVector<Range> iterationDomain(OpBuilder &b, Operation *op) {
  LeadingDimsTiling tiling = getTiling(b, op);
  SmallVector<OpFoldResult> sizes = resultSizes(b, op).front();
  SmallVector<Range> domain;
  for (int64_t dim = 0; dim < tiling.domainRank; ++dim)
    domain.push_back({b.getIndexAttr(0), sizes[dim], b.getIndexAttr(1)});
  return domain;
}

static FailureOr<TilingResult> tile(OpBuilder &b, Operation *op,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes) {
  Location loc = op->getLoc();
  LeadingDimsTiling tiling = getTiling(b, op);
  SmallVector<Value> operands;
  SmallVector<Operation *> slices;
  for (auto [operand, rules] :
       llvm::zip_equal(op->getOperands(), tiling.operandRules)) {
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<OpFoldResult> sliceOffsets(type.getRank(), b.getIndexAttr(0));
    SmallVector<OpFoldResult> sliceSizes(type.getRank());
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    for (const DimRule &rule : rules) {
      OpFoldResult factor = rule.grouped ? tiling.group : b.getIndexAttr(1);
      sliceOffsets[rule.operandDim] =
          mulIndex(b, loc, offsets[rule.domainDim], factor);
      sliceSizes[rule.operandDim] =
          mulIndex(b, loc, sizes[rule.domainDim], factor);
    }
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      if (!sliceSizes[dim])
        sliceSizes[dim] = tensor::getMixedSize(b, loc, operand, dim);
    auto slice = tensor::ExtractSliceOp::create(b, loc, operand, sliceOffsets,
                                                sliceSizes, strides);
    slices.push_back(slice);
    operands.push_back(slice);
  }
  SmallVector<Type> resultTypes;
  for (Value result : op->getResults()) {
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t dim = 0; dim < tiling.domainRank && dim < type.getRank();
         ++dim)
      // Static only for an attribute, as tensor.extract_slice takes it.
      shape[dim] = isa<Attribute>(sizes[dim])
                       ? cast<IntegerAttr>(cast<Attribute>(sizes[dim])).getInt()
                       : ShapedType::kDynamic;
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
  resultOffsets.assign(resultSizes.size(), b.getIndexAttr(0));
  for (size_t dim = 0; dim < offsets.size() && dim < resultSizes.size();
       ++dim) {
    resultOffsets[dim] = offsets[dim];
    resultSizes[dim] = sizes[dim];
  }
  return success();
}

/// A result tile is a domain tile when the dims after the domain are whole.
static LogicalResult
domainTileFromResultTile(OpBuilder &b, Operation *op, unsigned resultNumber,
                         ArrayRef<OpFoldResult> offsets,
                         ArrayRef<OpFoldResult> sizes,
                         SmallVectorImpl<OpFoldResult> &domainOffsets,
                         SmallVectorImpl<OpFoldResult> &domainSizes) {
  int64_t rank = domainRank(op);
  SmallVector<OpFoldResult> whole = resultSizes(b, op)[resultNumber];
  for (size_t dim = rank; dim < offsets.size(); ++dim)
    if (!isZeroInteger(offsets[dim]) ||
        !isEqualConstantIntOrValue(sizes[dim], whole[dim]))
      return failure();
  domainOffsets.assign(offsets.begin(), offsets.begin() + rank);
  domainSizes.assign(sizes.begin(), sizes.begin() + rank);
  return success();
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
  attachModels<MergeOp, CompressOp, BlockScoresOp, TopkOp>(context);
}
