//===- AttnCanonicalize.cpp - canonicalisation patterns of attn ops -------===//
//
// Mask predicates are folded against the op's sequence lengths: atoms that
// always hold are dropped (a window wider than the sequence, causal for a
// single decode query), `not<not<x>>` and nested combinators are flattened,
// operands that no predicate reads any more are removed, an attention
// whose mask never holds becomes its constant result (zeros, LSE -inf;
// a tensor.splat where lengths are open), and
// an attention identical to an earlier one takes its results.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;

/// The results of `op`, each with its value of `values` in every element:
/// constants where the types are static, else `tensor.splat`s of the sizes
/// that `op` reifies from its operands.
static FailureOr<SmallVector<Value>>
createSplatResults(PatternRewriter &rewriter, Operation *op,
                   ArrayRef<double> values) {
  Location loc = op->getLoc();
  ReifiedRankedShapedTypeDims sizes;
  if (llvm::any_of(op->getResultTypes(),
                   [](Type type) {
                     return !cast<RankedTensorType>(type).hasStaticShape();
                   }) &&
      failed(reifyResultShapes(rewriter, op, sizes)))
    return failure();
  SmallVector<Value> results;
  for (auto [resultNumber, value] : llvm::enumerate(values)) {
    auto type = cast<RankedTensorType>(op->getResult(resultNumber).getType());
    TypedAttr element =
        rewriter.getFloatAttr(cast<FloatType>(type.getElementType()), value);
    if (type.hasStaticShape()) {
      results.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(type, element)));
      continue;
    }
    SmallVector<Value> dynamicSizes;
    for (auto [dim, size] : llvm::enumerate(sizes[resultNumber]))
      if (type.isDynamicDim(dim))
        dynamicSizes.push_back(
            getValueOrCreateConstantIndexOp(rewriter, loc, size));
    Value scalar = arith::ConstantOp::create(rewriter, loc, element);
    results.push_back(
        tensor::SplatOp::create(rewriter, loc, scalar, type, dynamicSizes));
  }
  return results;
}

static bool readsPredicate(ArrayRef<Attribute> mask,
                           function_ref<bool(MaskAttrInterface)> test) {
  bool found = false;
  for (Attribute attr : mask)
    cast<MaskAttrInterface>(attr).walkPredicates(
        [&](MaskAttrInterface predicate) { found |= test(predicate); });
  return found;
}

namespace {

struct SimplifyAttentionMask : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<Attribute> mask = op.getMask().getValue();
    std::optional<SmallVector<Attribute>> simplified =
        simplifyConjunction(mask, op.getMaskShape());
    if (!simplified) {
      // No key is ever allowed: every row is the empty-row result.
      const double emptyRow[] = {0.0, -std::numeric_limits<double>::infinity()};
      FailureOr<SmallVector<Value>> results = createSplatResults(
          rewriter, op, ArrayRef(emptyRow).take_front(op->getNumResults()));
      if (failed(results))
        return rewriter.notifyMatchFailure(op, "result sizes not reified");
      rewriter.replaceOp(op, *results);
      return success();
    }
    if (ArrayRef<Attribute>(*simplified) == mask)
      return failure();

    rewriter.modifyOpInPlace(op, [&] {
      op.setMaskAttr(rewriter.getArrayAttr(*simplified));
      if (!readsPredicate(*simplified, llvm::IsaPred<DocumentAttr>)) {
        op.getQSegmentsMutable().clear();
        op.getKvSegmentsMutable().clear();
      }
      if (!readsPredicate(*simplified, llvm::IsaPred<BlockLayoutAttr>))
        op.getLayoutMutable().clear();
      if (!readsPredicate(*simplified, llvm::IsaPred<BlockIndicesAttr>))
        op.getIndicesMutable().clear();
    });
    return success();
  }
};

/// The log-sum-exp costs a result buffer and a log per row; drop it when
/// nothing reads it.
struct DropUnusedLse : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getLse() || !op.getLse().use_empty())
      return failure();
    auto newOp =
        AttentionOp::create(rewriter, op.getLoc(),
                            TypeRange{op.getOutput().getType()},
                            op->getOperands(), op->getAttrs());
    newOp.getScoreMod().takeBody(op.getScoreMod());
    newOp.getMaskMod().takeBody(op.getMaskMod());
    rewriter.replaceOp(op, {newOp.getOutput(), Value()});
    return success();
  }
};

/// Whether two attentions compute the same output: the same operands,
/// attributes, output type and regions (their LSE results may differ in
/// whether they exist).
static bool computeTheSame(AttentionOp lhs, AttentionOp rhs) {
  auto flags = OperationEquivalence::IgnoreLocations;
  return lhs->getOperands() == rhs->getOperands() &&
         lhs->getPropertiesAsAttribute() == rhs->getPropertiesAsAttribute() &&
         lhs->getDiscardableAttrDictionary() ==
             rhs->getDiscardableAttrDictionary() &&
         lhs.getOutput().getType() == rhs.getOutput().getType() &&
         (!lhs.getLse() || !rhs.getLse() ||
          lhs.getLse().getType() == rhs.getLse().getType()) &&
         OperationEquivalence::isRegionEquivalentTo(
             &lhs.getScoreMod(), &rhs.getScoreMod(), flags) &&
         OperationEquivalence::isRegionEquivalentTo(&lhs.getMaskMod(),
                                                    &rhs.getMaskMod(), flags);
}

/// An attention that computes what an earlier one in its block does takes
/// its results; where only the later one has an LSE, one attention with it
/// replaces both at the earlier's place. Fusion tiles an attention once per
/// result that a loop reads; CSE merges such twins, but not once
/// DropUnusedLse has removed the LSE of the one tiled for its output, nor
/// twins that appear only when masks fold. Hooks that read memory (a
/// memref.load in a score_mod) may see a write between the two: only
/// attentions free of memory effects merge.
struct DeduplicateAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    for (Operation *user : op.getQuery().getUsers()) {
      auto earlier = dyn_cast<AttentionOp>(user);
      if (!earlier || earlier == op || earlier->getBlock() != op->getBlock() ||
          !earlier->isBeforeInBlock(op) || !computeTheSame(earlier, op) ||
          !isMemoryEffectFree(earlier) || !isMemoryEffectFree(op))
        continue;
      if (earlier.getLse() || !op.getLse()) {
        rewriter.replaceOp(
            op, earlier->getResults().take_front(op->getNumResults()));
        return success();
      }
      // Both operands and regions' captures dominate the earlier op: they
      // are its own.
      rewriter.setInsertionPoint(earlier);
      Operation *merged = rewriter.clone(*op);
      rewriter.replaceOp(earlier, merged->getResults().take_front(1));
      rewriter.replaceOp(op, merged->getResults());
      return success();
    }
    return failure();
  }
};

struct SimplifyBlockScoresMask : OpRewritePattern<BlockScoresOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BlockScoresOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<Attribute> mask = op.getMask().getValue();
    MaskShape shape{cast<RankedTensorType>(op.getQuery().getType()).getDimSize(2),
                    cast<RankedTensorType>(op.getKeys().getType()).getDimSize(2)};
    std::optional<SmallVector<Attribute>> simplified =
        simplifyConjunction(mask, shape);
    if (!simplified) {
      // No query block sees any key: every score is -inf. (With an open
      // query length the splat's query-block count is ceil(Lq / block_q),
      // a ceildivui of Lq's tensor.dim.)
      const double noKey = -std::numeric_limits<double>::infinity();
      FailureOr<SmallVector<Value>> scores =
          createSplatResults(rewriter, op, noKey);
      if (failed(scores))
        return rewriter.notifyMatchFailure(op, "result sizes not reified");
      rewriter.replaceOp(op, *scores);
      return success();
    }
    if (ArrayRef<Attribute>(*simplified) == mask)
      return failure();
    rewriter.modifyOpInPlace(
        op, [&] { op.setMaskAttr(rewriter.getArrayAttr(*simplified)); });
    return success();
  }
};

} // namespace

void AttentionOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<SimplifyAttentionMask, DropUnusedLse, DeduplicateAttention>(
      context);
}

void BlockScoresOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                MLIRContext *context) {
  patterns.add<SimplifyBlockScoresMask>(context);
}
