//===- ScoreModRaising.h - linalg score steps as a score_mod --*- C++ -*-===//
//
// Between Q K^T and the softmax, front ends write whatever the model does
// to its scores as element-wise linalg.generic ops: a soft-cap's division,
// tanh and product, a bias computed from the positions, a per-head table,
// a cast to a narrower float and back. attn's fixed modifiers (scale,
// softcap, alibi, bias) name the common ones; the others become the attention's
// score_mod region, each step's body cloned there in program order and
// every other tensor it reads extracted at the score's (b, h, i, j).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_SCOREMODRAISING_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_SCOREMODRAISING_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attn {

/// One element-wise step on [B, H, Lq, Lkv] scores: a 4-loop parallel
/// linalg.generic with one result written through the identity map, and
/// the input (read through the identity map) that carries the scores. (A
/// step that reads only the scores may run over other loops: a rounding
/// of the [B*H, Lq, Lkv] product before its reshape.)
struct ScoreStep {
  linalg::GenericOp op;
  OpOperand *running = nullptr;
};

/// Whether `value` is computed, at any distance, from `product`'s results
/// (a tensor that a raised attention reads must not be).
bool dependsOn(Value value, Operation *product);

/// Whether `step` can be evaluated one score at a time inside a score_mod
/// region: float scores in and out, its body free of writes and of its
/// output's value, every other input read at dims or constants of
/// (b, h, i, j), and nothing it reads computed from `product` (the Q K^T
/// that the attention replaces).
bool canRaiseIntoScoreMod(const ScoreStep &step, Operation *product);

/// Fills the empty score_mod `region` with `steps` (each accepted by
/// canRaiseIntoScoreMod) applied in order to the region's f32 score. Each
/// step reads the score in its own input's type (rounded or widened from
/// the last step's) and the region yields f32, so the steps compute in the
/// types the program wrote.
void buildScoreModRegion(RewriterBase &rewriter, Location loc, Region &region,
                         ArrayRef<ScoreStep> steps);

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_SCOREMODRAISING_H
