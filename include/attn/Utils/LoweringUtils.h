//===- LoweringUtils.h - builders shared by the attn lowerings --*- C++ -*-===//

#ifndef ATTN_UTILS_LOWERINGUTILS_H
#define ATTN_UTILS_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::attn::lowering {

/// Builds everything in one place; keeps the op's location.
struct Lowering {
  OpBuilder &b;
  Location loc;

  Type f32() { return b.getF32Type(); }
  Value index(int64_t value);
  Value f32(double value);
  /// A tensor of `sizes` filled with `value` (f32 unless `type` is given;
  /// an integer type takes the value's integer part).
  Value filled(ArrayRef<OpFoldResult> sizes, double value, Type type = {});
  Value empty(ArrayRef<OpFoldResult> sizes, Type type);
  /// Sizes of `tensor`.
  SmallVector<OpFoldResult> sizes(Value tensor);
  OpFoldResult size(Value tensor, int64_t dim);
  /// The value of an OpFoldResult as an index Value.
  Value materialize(OpFoldResult size);

  /// x as f32 (extending f16/bf16), and back.
  Value toF32(Value x);
  Value fromF32(Value x, Type type);

  /// A linalg.generic whose loops are `numLoops` dimensions; `maps` are
  /// given as lists of loop dimensions (a projection per operand).
  SmallVector<Value>
  generic(ValueRange inputs, ValueRange outputs,
          ArrayRef<SmallVector<unsigned>> projections, unsigned numLoops,
          ArrayRef<utils::IteratorType> iterators,
          function_ref<void(OpBuilder &, Location, ValueRange)> body);

  /// Reduces the innermost dimension of the 5-D f32 `tensor` into a tensor
  /// of `rowSizes`, starting from `init` and combining with max or add.
  Value maxInnermost(Value tensor, ArrayRef<OpFoldResult> rowSizes);
  Value sumInnermost(Value tensor, ArrayRef<OpFoldResult> rowSizes);

  /// out[b, hk, g, i, e] = sum_j weights[b, hk, g, i, j] values[b, hk, j, e]
  /// in f32, for f32 `weights` and `values` of any float type: the product
  /// of (grouped) attention weights with the shared value heads.
  Value weightedSum(Value weights, Value values,
                    ArrayRef<OpFoldResult> outSizes);

  /// Query heads per key/value head, Hq / Hkv (a constant when both are).
  OpFoldResult groupSize(OpFoldResult queryHeads, OpFoldResult kvHeads);
  /// The score scale of an attention over `query`: the op's `scale`, else
  /// 1/sqrt(D) of the query's head dim, as an f32 value.
  Value attentionScale(Value query, std::optional<APFloat> scale);
  /// A non-negative index as f32.
  Value indexToF32(Value index);

  /// A loop-index value inside a generic body.
  Value loopIndex(unsigned dim);

  /// [B, Hq, L, D] -> [B, Hkv, G, L, D] with Hkv and G given (the heads at
  /// `headDim`: [Hq] -> [Hkv, G] for 0): a view when both are constants,
  /// else a gathered copy.
  Value splitHeads(Value tensor, OpFoldResult numKvHeads, OpFoldResult group,
                   unsigned headDim = 1);
  /// [B, Hkv, G, ...] -> [B, Hq, ...].
  Value joinHeads(Value tensor);
};

/// Replaces `op` with `values`, each cast (tensor.cast) to the type of the
/// result it replaces where the two differ: a lowering takes its sizes from
/// the operands, which may be more or less static than the op's declared
/// results. Values past the op's results (an optional LSE it does not
/// have) must be null.
void replaceWithResultTypes(PatternRewriter &rewriter, Operation *op,
                            ArrayRef<Value> values);

/// Whether an operand or result of `op` is a tensor with a static size of 0
/// (a length-0 sequence, say): the tiled lowerings leave such ops to the
/// reference lowering, whose loops run zero times.
bool hasEmptyTensor(Operation *op);

/// The value that a chain of tensor.casts starts from (casts keep the
/// elements and only assert sizes).
Value castRoot(Value value);

/// Iterator lists.
SmallVector<utils::IteratorType> parallel(unsigned n);
SmallVector<utils::IteratorType> parallelThenReduction(unsigned n);

} // namespace mlir::attn::lowering

#endif // ATTN_UTILS_LOWERINGUTILS_H
