//===- WarpTopk.h - one warp's top-k of a row in shared memory --*- C++ -*-===//
//
// The selection of attn.topk's kernel, shared with the block-scores kernel
// that picks its own row's top-k (fuse-topk): k rounds each take the row's
// largest entry by a warp reduction of the lanes' bests, (value, index)
// pairs with ties to the lower index, and mark it taken (-inf); only the
// lane that held it needs a new best, which the warp finds together. A
// round that finds only -inf ends the picks. Each pick is then stored at
// its rank among the picks (ascending indices, as attn.topk defines), -1
// in the slots after them.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_WARPTOPK_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_WARPTOPK_H

#include "mlir/IR/Builders.h"

#include <utility>

namespace mlir::attn::gpu_lowering {

struct WarpTopk {
  OpBuilder &b;
  Location loc;
  /// [rows, >= width] f32 in shared memory: the entries (-inf never
  /// picked), which the rounds overwrite; the picks' [rows, >= k] i32.
  Value row, picks;
  /// The warp's row of both.
  Value rowIndex;
  /// The row's entries (index; a constant where it is static).
  Value width;
  int64_t k;
  Value lane;

  /// Each lane's best of its entries j = lane + 32 i (the lowest j among
  /// equals; -inf and NaN are never a best): (f32 value, i32 index), or
  /// (-inf, width) for none. The entries must be in shared memory, visible
  /// to the warp.
  std::pair<Value, Value> scanLaneBests();
  /// The rounds from the lanes' bests, then for each slot s (a lane takes
  /// s = lane, lane + 32, ...) `store(s, index)`: the picks by rank, -1
  /// after them.
  void pick(Value best, Value bestIndex,
            function_ref<void(Value slot, Value index)> store);
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_WARPTOPK_H
