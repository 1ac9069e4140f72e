//===- IndexExtendedArith.cpp - extended arith ops on index as i64 --------===//
//
// The attn-lower-index-extended-arith pass (Passes.td says why): upstream
// mishandles the extended ops on index twice. arith-to-llvm lowers
// addui_extended into an LLVM struct that keeps the index type, and the
// canonicalization of mulsi_extended by 1 builds an extsi to index; neither
// verifies. The same ops on i64, between index casts, mean the same where
// index is 64 bits wide (both of our targets) and go through both.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "ArithRewriteSupport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNLOWERINDEXEXTENDEDARITHPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// `type` with i64 elements where its elements are index; null otherwise.
Type asI64(Type type) {
  return isa<IndexType>(getElementTypeOrSelf(type))
             ? attn::withI64Elements(type)
             : Type();
}

/// An extended op (two results) on index operands as the same op on i64:
/// index results are cast back, an add's carry is the new op's.
template <typename OpTy> struct IndexExtendedOnI64 : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type wide = asI64(op.getLhs().getType());
    if (!wide)
      return failure();
    Location loc = op.getLoc();
    Value lhs = arith::IndexCastOp::create(rewriter, loc, wide, op.getLhs());
    Value rhs = arith::IndexCastOp::create(rewriter, loc, wide, op.getRhs());
    auto onI64 = OpTy::create(rewriter, loc, lhs, rhs);
    SmallVector<Value> results;
    for (auto [original, onWide] :
         llvm::zip_equal(op->getResults(), onI64->getResults())) {
      Value replacement = onWide;
      if (asI64(original.getType()))
        replacement = arith::IndexCastOp::create(rewriter, loc,
                                                 original.getType(), onWide);
      results.push_back(replacement);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct AttnLowerIndexExtendedArithPass
    : public attn::impl::AttnLowerIndexExtendedArithPassBase<
          AttnLowerIndexExtendedArithPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    attn::populateIndexExtendedArithPatterns(patterns);
    attn::applyPatternsAlone(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::attn::populateIndexExtendedArithPatterns(
    RewritePatternSet &patterns) {
  patterns.add<IndexExtendedOnI64<arith::AddUIExtendedOp>,
               IndexExtendedOnI64<arith::MulSIExtendedOp>,
               IndexExtendedOnI64<arith::MulUIExtendedOp>>(
      patterns.getContext());
}
