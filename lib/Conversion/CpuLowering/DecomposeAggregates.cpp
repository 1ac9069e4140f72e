//===- DecomposeAggregates.cpp - the attn-decompose-aggregates pass -------===//
//
// Passes.td says what and why: each op with linalg's AggregatedOpInterface
// (linalg.softmax) becomes the ops its decomposeOperation builds.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNDECOMPOSEAGGREGATESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct DecomposeAggregate
    : OpInterfaceRewritePattern<linalg::AggregatedOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::AggregatedOpInterface op,
                                PatternRewriter &rewriter) const override {
    // Upstream's decompositions build tensor results (one per result) and
    // softmax's takes a float identity for its max: on buffers or integers
    // they would build invalid IR or crash, so those ops stay (and fail
    // later with the LLVM translation's message).
    auto destinationStyle =
        dyn_cast<DestinationStyleOpInterface>(op.getOperation());
    if (!destinationStyle || !destinationStyle.hasPureTensorSemantics() ||
        op->getNumResults() == 0 ||
        !llvm::all_of(op->getResultTypes(), [](Type type) {
          return isa<FloatType>(getElementTypeOrSelf(type));
        }))
      return rewriter.notifyMatchFailure(op, "not on float tensors");
    FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
    if (failed(parts))
      return rewriter.notifyMatchFailure(op, "does not decompose");
    rewriter.replaceOp(op, *parts);
    return success();
  }
};

struct AttnDecomposeAggregatesPass
    : attn::impl::AttnDecomposeAggregatesPassBase<AttnDecomposeAggregatesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeAggregate>(&getContext());
    // Once each: what a decomposition builds is structured already.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
