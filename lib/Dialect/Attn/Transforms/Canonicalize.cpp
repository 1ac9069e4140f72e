//===- Canonicalize.cpp - the attn-canonicalize pass ----------------------===//
//
// The attn ops' own canonicalisation patterns and folds, applied to attn ops
// only (and to the ops their rewrites create): --canonicalize would also
// rewrite every other dialect's ops in the embedding compiler's IR.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCANONICALIZEPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::populateAttnCanonicalizationPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  context->getLoadedDialect<AttnDialect>()->getCanonicalizationPatterns(
      patterns);
  for (RegisteredOperationName name : context->getRegisteredOperations())
    if (&name.getDialect() == context->getLoadedDialect<AttnDialect>())
      name.getCanonicalizationPatterns(patterns, context);
}

namespace {

struct AttnCanonicalizePass
    : attn::impl::AttnCanonicalizePassBase<AttnCanonicalizePass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    populateAttnCanonicalizationPatterns(set);
    patterns = FrozenRewritePatternSet(std::move(set));
    return success();
  }

  void runOnOperation() override {
    // Existing and new ops: the constants a fully masked op becomes are
    // folded too, but nothing the attn ops did not touch.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    // The driver over a list of ops does not revisit an op when another one
    // changes (an attention becomes a duplicate of an earlier one once both
    // masks fold): rounds over the attn ops until one changes nothing.
    for (int round = 0; round < kMaxRounds; ++round) {
      SmallVector<Operation *> attnOps;
      getOperation()->walk([&](Operation *op) {
        if (isa_and_present<AttnDialect>(op->getDialect()) && !isa<YieldOp>(op))
          attnOps.push_back(op);
      });
      bool changed = false;
      // Whether one round converged is no error: the next round, or the
      // IR left valid after the last, follows.
      (void)applyOpPatternsGreedily(attnOps, patterns, config, &changed);
      if (!changed)
        return;
    }
  }

  static constexpr int kMaxRounds = 8;
  FrozenRewritePatternSet patterns;
};

} // namespace
