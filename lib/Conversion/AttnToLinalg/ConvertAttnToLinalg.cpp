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
    // The reference forms view Q as [B, Hkv, G, L, D] (tensor.expand_shape);
    // with dynamic head counts that view crashes upstream's
    // expand-strided-metadata once bufferised, so such ops are diagnosed
    // here (the flash lowerings take dynamic head counts).
    WalkResult heads = getOperation()->walk([](Operation *op) {
      Value query, keys;
      if (auto attention = dyn_cast<AttentionOp>(op))
        query = attention.getQuery(), keys = attention.getKey();
      else if (auto scores = dyn_cast<BlockScoresOp>(op))
        query = scores.getQuery(), keys = scores.getKeys();
      else if (auto linear = dyn_cast<LinearAttentionOp>(op))
        query = linear.getQuery(), keys = linear.getKey();
      else
        return WalkResult::advance();
      auto queryType = cast<RankedTensorType>(query.getType());
      auto keyType = cast<RankedTensorType>(keys.getType());
      if (!queryType.isDynamicDim(1) && !keyType.isDynamicDim(1))
        return WalkResult::advance();
      auto count = [](RankedTensorType type) {
        return type.isDynamicDim(1) ? std::string("?")
                                    : std::to_string(type.getDimSize(1));
      };
      InFlightDiagnostic diagnostic =
          op->emitOpError("the reference lowering needs static head counts "
                          "(it groups the query heads by K/V head), but "
                          "'query' has ")
          << count(queryType) << " heads and the keys " << count(keyType);
      // The flash path's chunked linear attention sizes its state by the
      // head dims: with dynamic ones it leaves the op to this lowering.
      auto linear = dyn_cast<LinearAttentionOp>(op);
      if (linear &&
          (queryType.isDynamicDim(3) ||
           cast<RankedTensorType>(linear.getValue().getType()).isDynamicDim(3)))
        diagnostic << "; the flash path takes dynamic head counts, but "
                      "linear attention's needs static head dims";
      else
        diagnostic << "; the flash path takes dynamic ones";
      return WalkResult::interrupt();
    });
    if (heads.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateAttnToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Every op has a lowering, so anything left is a bug worth a message.
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa<AttnDialect>(op->getDialect()))
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
