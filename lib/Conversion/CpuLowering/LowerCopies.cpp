//===- LowerCopies.cpp - the attn-lower-copies pass -----------------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNLOWERCOPIESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// memref.copy as linalg.copy: loops instead of a runtime call.
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }
};

/// An alloca scope that scopes no stack allocation, inlined.
struct InlineAllocaFreeScope : OpRewritePattern<memref::AllocaScopeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::AllocaScopeOp op,
                                PatternRewriter &rewriter) const override {
    if (op->walk([](memref::AllocaOp) {
            return WalkResult::interrupt();
          }).wasInterrupted())
      return rewriter.notifyMatchFailure(op, "scopes stack allocations");
    Block *body = &op.getBodyRegion().front();
    auto terminator = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
    SmallVector<Value> results(terminator.getResults());
    rewriter.eraseOp(terminator);
    rewriter.inlineBlockBefore(body, op);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// An alloca scope that scopes stack allocations, as LLVM's stack save and
/// restore around its inlined body (what MemRefToLLVM makes of it, done
/// here while the body is one block): its loops would become branches
/// first, which a scope's single-block region does not allow.
struct ScopeAsStackSave : OpRewritePattern<memref::AllocaScopeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::AllocaScopeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value stack = LLVM::StackSaveOp::create(
        rewriter, loc, LLVM::LLVMPointerType::get(rewriter.getContext()));
    Block *body = &op.getBodyRegion().front();
    auto terminator = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
    SmallVector<Value> results(terminator.getResults());
    rewriter.eraseOp(terminator);
    rewriter.inlineBlockBefore(body, op);
    LLVM::StackRestoreOp::create(rewriter, loc, stack);
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct AttnLowerCopiesPass
    : public attn::impl::AttnLowerCopiesPassBase<AttnLowerCopiesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyToLinalg, InlineAllocaFreeScope>(&getContext());
    // A scope without allocations is inlined with no stack save.
    patterns.add<ScopeAsStackSave>(&getContext(), /*benefit=*/0);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
