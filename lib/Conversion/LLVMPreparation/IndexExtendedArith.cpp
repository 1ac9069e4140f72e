//===- IndexExtendedArith.cpp - addui_extended on index as i64 ------------===//
//
// The attn-lower-index-extended-arith pass (Passes.td says why): upstream's
// arith-to-llvm lowers an index-typed arith.addui_extended into an LLVM
// struct that keeps the index type, which fails to verify. The same op on
// i64, between index casts, means the same where index is 64 bits wide (both
// of our targets) and lowers correctly. (mulsi/mului_extended on index
// lower as they are.)
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNLOWERINDEXEXTENDEDARITHPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// `type` (index, or a vector of index) with i64 elements; null otherwise.
Type asI64(Type type) {
  auto i64 = IntegerType::get(type.getContext(), 64);
  if (isa<IndexType>(type))
    return i64;
  if (auto vector = dyn_cast<VectorType>(type);
      vector && isa<IndexType>(vector.getElementType()))
    return vector.clone(i64);
  return {};
}

/// An add with carry on index operands as the same op on i64: the sum is
/// cast back, the carry is the new op's.
struct IndexCarryOnI64 : OpRewritePattern<arith::AddUIExtendedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::AddUIExtendedOp op,
                                PatternRewriter &rewriter) const override {
    Type wide = asI64(op.getLhs().getType());
    if (!wide)
      return failure();
    Location loc = op.getLoc();
    Value lhs = arith::IndexCastOp::create(rewriter, loc, wide, op.getLhs());
    Value rhs = arith::IndexCastOp::create(rewriter, loc, wide, op.getRhs());
    auto onI64 = arith::AddUIExtendedOp::create(rewriter, loc, lhs, rhs);
    Value sum = arith::IndexCastOp::create(rewriter, loc, op.getSum().getType(),
                                           onI64.getSum());
    rewriter.replaceOp(op, {sum, onI64.getOverflow()});
    return success();
  }
};

struct AttnLowerIndexExtendedArithPass
    : public attn::impl::AttnLowerIndexExtendedArithPassBase<
          AttnLowerIndexExtendedArithPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    attn::populateIndexExtendedArithPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::attn::populateIndexExtendedArithPatterns(
    RewritePatternSet &patterns) {
  patterns.add<IndexCarryOnI64>(patterns.getContext());
}
