//===- ApplyAlone.h - apply rewrite patterns and nothing else ---*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H
#define ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H

#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::attn {

/// Applies `patterns` to the ops nested in `op`, once each, and nothing
/// else: no folding, constant deduplication or region simplification. The
/// passes here rewrite ops that upstream's folds and canonicalizations
/// mishandle (their results match no pattern again), and must leave every
/// other op as it is.
inline void applyPatternsAlone(Operation *op, RewritePatternSet &&patterns) {
  walkAndApplyPatterns(op, FrozenRewritePatternSet(std::move(patterns)));
}

} // namespace mlir::attn

#endif // ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H
