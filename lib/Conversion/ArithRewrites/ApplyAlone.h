//===- ApplyAlone.h - apply rewrite patterns and nothing else ---*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H
#define ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {

/// Applies `patterns` to `op` greedily without folding: the passes here
/// rewrite ops that upstream's folds and canonicalizations mishandle, and
/// must leave every other op as it is.
inline LogicalResult applyPatternsAlone(Operation *op,
                                        RewritePatternSet &&patterns) {
  GreedyRewriteConfig config;
  config.enableFolding(false);
  return applyPatternsGreedily(op, std::move(patterns), config);
}

} // namespace mlir::attn

#endif // ATTN_LIB_CONVERSION_ARITHREWRITES_APPLYALONE_H
