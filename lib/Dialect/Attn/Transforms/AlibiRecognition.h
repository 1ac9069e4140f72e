//===- AlibiRecognition.h - ALiBi biases of front-end IR --------*- C++ -*-===//
//
// ALiBi models build their bias in the graph: per-head slopes times the
// key's distance behind the query, [H, Lq, Lkv] floats added to the
// scores. Where it is known at compile time and is exactly that, the
// attention takes #attn.alibi instead of reading H Lq Lkv numbers.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_ALIBIRECOGNITION_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_ALIBIRECOGNITION_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::attn {

/// The per-head slopes s_h when `bias(b, h, i, j)` (for b < batch, h <
/// heads, i < queries, j < keys) equals, to the bit, f32's product
/// s_h * (j - pos(i)) with pos(i) = i + keys - queries (attn's ALiBi); none
/// otherwise (or when no distance is non-zero to read a slope from).
std::optional<SmallVector<float>> recognizeAlibiSlopes(
    int64_t batch, int64_t heads, int64_t queries, int64_t keys,
    llvm::function_ref<double(int64_t, int64_t, int64_t, int64_t)> bias);

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_ALIBIRECOGNITION_H
