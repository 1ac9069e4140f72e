//===- AttnCanonicalize.cpp - canonicalisation patterns of attn ops -------===//
//
// Mask predicates are folded against the op's sequence lengths: atoms that
// always hold are dropped (a window wider than the sequence, causal for a
// single decode query), `not<not<x>>` and nested combinators are flattened,
// operands that no predicate reads any more are removed, and an attention
// whose mask never holds becomes its constant result (zeros, LSE -inf).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;

/// A splat constant of `type` holding `value`, or null if `type` is dynamic.
static Value createSplat(PatternRewriter &rewriter, Location loc, Type type,
                         double value) {
  auto tensorType = cast<RankedTensorType>(type);
  if (!tensorType.hasStaticShape())
    return {};
  auto elementType = cast<FloatType>(tensorType.getElementType());
  auto splat = DenseElementsAttr::get(
      tensorType, rewriter.getFloatAttr(elementType, value).getValue());
  return arith::ConstantOp::create(rewriter, loc, splat);
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
      Value output = createSplat(rewriter, op.getLoc(),
                                 op.getOutput().getType(), 0.0);
      Value lse;
      if (op.getLse())
        lse = createSplat(rewriter, op.getLoc(), op.getLse().getType(),
                          -std::numeric_limits<double>::infinity());
      if (!output || (op.getLse() && !lse))
        return rewriter.notifyMatchFailure(op, "fully masked, dynamic shape");
      SmallVector<Value> results = {output};
      if (lse)
        results.push_back(lse);
      rewriter.replaceOp(op, results);
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
      // No query block sees any key: every score is -inf.
      Value scores =
          createSplat(rewriter, op.getLoc(), op.getResult().getType(),
                      -std::numeric_limits<double>::infinity());
      if (!scores)
        return rewriter.notifyMatchFailure(op, "fully masked, dynamic shape");
      rewriter.replaceOp(op, scores);
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
  patterns.add<SimplifyAttentionMask, DropUnusedLse>(context);
}

void BlockScoresOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                MLIRContext *context) {
  patterns.add<SimplifyBlockScoresMask>(context);
}
