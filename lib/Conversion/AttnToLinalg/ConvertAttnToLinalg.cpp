//===- ConvertAttnToLinalg.cpp - the convert-attn-to-linalg pass ----------===//

#include "AttnLowerings.h"

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_CONVERTATTNTOLINALGPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::populateAttnToLinalgPatterns(RewritePatternSet &patterns) {
  lowering::populateAttentionLoweringPatterns(patterns);
  lowering::populateLinearAttentionLoweringPatterns(patterns);
  lowering::populateTokenOpLoweringPatterns(patterns);
}

namespace mlir::attn {
namespace {
struct ConvertAttnToLinalgPass
    : impl::ConvertAttnToLinalgPassBase<ConvertAttnToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateAttnToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Every op has a lowering, so anything left is a bug worth a message.
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa_and_present<AttnDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitOpError("was not lowered by convert-attn-to-linalg");
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attn
