//===- IndexTruncations.cpp - truncating index casts made explicit --------===//
//
// The attn-expand-index-truncations pass (Passes.td says why): upstream's
// arith canonicalization folds index_cast(index_cast(x)) to x whenever the
// outer cast gives back x's type, also where the inner one truncates an
// index to a narrower integer (index -> i32 -> index), which is only the
// identity on values that fit. Written as a cast to i64 and a trunci, the
// truncation is no longer a cast of a cast and keeps its meaning.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "ArithRewriteSupport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEXPANDINDEXTRUNCATIONSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// index_cast[ui] of an index to an integer narrower than 64 bits as the
/// same cast to i64 and a trunci (the index is 64 bits wide on both of our
/// targets, so the cast to i64 changes no bits).
template <typename CastOp>
struct TruncationAsTrunci : OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp cast,
                                PatternRewriter &rewriter) const override {
    Type source = getElementTypeOrSelf(cast.getIn().getType());
    auto target = dyn_cast<IntegerType>(getElementTypeOrSelf(cast.getType()));
    if (!isa<IndexType>(source) || !target || target.getWidth() >= 64)
      return failure();
    Type wideType = attn::withI64Elements(cast.getType());
    if (!wideType)
      return failure();
    Value wide =
        CastOp::create(rewriter, cast.getLoc(), wideType, cast.getIn());
    rewriter.replaceOpWithNewOp<arith::TruncIOp>(cast, cast.getType(), wide);
    return success();
  }
};

struct AttnExpandIndexTruncationsPass
    : public attn::impl::AttnExpandIndexTruncationsPassBase<
          AttnExpandIndexTruncationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    attn::populateIndexTruncationPatterns(patterns);
    attn::applyPatternsAlone(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::attn::populateIndexTruncationPatterns(RewritePatternSet &patterns) {
  patterns.add<TruncationAsTrunci<arith::IndexCastOp>,
               TruncationAsTrunci<arith::IndexCastUIOp>>(patterns.getContext());
}
