//===- NarrowIndices.cpp - score_mod index arithmetic on i32 --------------===//
//
// The attn-gpu-narrow-indices pass (Passes.td says what and why).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"

#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/Analysis/DataFlow/IntegerRangeAnalysis.h"
#include "mlir/Analysis/DataFlow/Utils.h"
#include "mlir/Analysis/DataFlowFramework.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_GPUNARROWINDICESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {
/// Forgets what the solver knew of ops the patterns erase: a new op may
/// take an erased one's address, and must not inherit its range.
class SolverListener : public RewriterBase::Listener {
public:
  explicit SolverListener(DataFlowSolver &solver) : solver(solver) {}

private:
  void notifyOperationErased(Operation *op) override {
    solver.eraseState(solver.getProgramPointAfter(op));
    for (Value result : op->getResults())
      solver.eraseState(result);
  }

  DataFlowSolver &solver;
};

struct GpuNarrowIndicesPass
    : public attn::impl::GpuNarrowIndicesPassBase<GpuNarrowIndicesPass> {
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<gpu::GPUFuncOp>()) {
      if (!kernel->hasAttr(kKernelNarrowIndicesAttr))
        continue;
      DataFlowSolver solver;
      dataflow::loadBaselineAnalyses(solver);
      solver.load<dataflow::IntegerRangeAnalysis>();
      if (failed(solver.initializeAndRun(kernel)))
        return signalPassFailure();
      SolverListener listener(solver);
      RewritePatternSet patterns(&getContext());
      arith::populateIntRangeNarrowingPatterns(patterns, solver, {32});
      if (failed(applyPatternsGreedily(
              kernel, std::move(patterns),
              GreedyRewriteConfig().setListener(&listener))))
        return signalPassFailure();
    }
  }
};
} // namespace
