//===- ProbabilityTwins.h - block scores and their attention ----*- C++ -*-===//
//
// NSA-style programs score key blocks by the probabilities of an attention
// they also run (the compressed branch): attn.block_scores over the same
// query, keys, mask and scale. A lowering can then compute both from one
// score product (the CPU's tiled selection) or hand the attention's LSE to
// the block scores (the GPU's programs).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_ANALYSIS_PROBABILITYTWINS_H
#define ATTN_ANALYSIS_PROBABILITYTWINS_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

namespace mlir {
class RewriterBase;
} // namespace mlir

namespace mlir::attn {

/// An attention among `candidates` whose softmax probabilities are those
/// that `scores` sums: the same query, keys, mask and scale, a plain
/// softmax (no score modifiers, bias, segments, layout, indices or sink),
/// and nothing it reads depends on `scores`, so that it can run first.
/// Null if none.
AttentionOp findProbabilityTwin(BlockScoresOp scores,
                                ArrayRef<Operation *> candidates);

/// Moves `op`, after the ops of its block that define its operands and the
/// values its regions read, to before `point` (both in one block of pure
/// ops); a no-op when `op` is before `point` already.
void hoistBefore(Operation *op, Operation *point, RewriterBase &rewriter);

} // namespace mlir::attn

#endif // ATTN_ANALYSIS_PROBABILITYTWINS_H
