//===- ApproximateMath.cpp - the attn-approximate-math pass ---------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNAPPROXIMATEMATHPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnApproximateMathPass
    : public attn::impl::AttnApproximateMathPassBase<AttnApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto onScores = [](StringRef name) {
      return name == math::ExpOp::getOperationName() ||
             name == math::TanhOp::getOperationName();
    };
    populateMathPolynomialApproximationPatterns(patterns, onScores);
    // Scalars and vectors only: upstream's patterns build scalar constants
    // beside a tensor operand (invalid IR). The pipeline runs this pass
    // after bufferisation, where none are left.
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (onScores(op->getName().getStringRef()) &&
          !isa<TensorType>(op->getResult(0).getType()))
        ops.push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
