//===- MaskModTiles.h - tile classes of a mask_mod region -------*- C++ -*-===//
//
// A mask_mod region is an arbitrary function of (batch, head, row, key), so
// the block map cannot read a tile's class off it as it does off an atom.
// It can still bound it: evaluated on integer intervals (the tile's rows
// and keys, any batch and head), a region that yields true for every pair
// makes the tile full and one that yields false for every pair makes it
// empty. FlexAttention asks its users for a block mask built by evaluating
// the mask_mod on every pair; this needs no second input and no pass over
// the pairs.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_ANALYSIS_MASKMODTILES_H
#define ATTN_ANALYSIS_MASKMODTILES_H

#include "attn/Dialect/Attn/IR/AttnInterfaces.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace mlir {
class Operation;
class Region;
} // namespace mlir

namespace mlir::attn {

/// The tile classes of one mask_mod region, by interval arithmetic on its
/// integer ops (constants, add, sub, mul, division and remainder by a
/// positive constant, shifts by a constant, min, max, casts, compares,
/// select, and/or/xor of booleans). Any other op's results are unknown (every
/// value of their type), so a region that reads a table, or computes in floats,
/// classifies a tile only where the rest of it decides the result (`j <= i or
/// table[j]` is still full below the diagonal). The classes are sound, not
/// exact: a tile called full or empty is so at every pair; a partial one
/// may not have both kinds.
class MaskModTiles {
public:
  /// Prepares `region` (`^bb0(%b, %h, %i, %j: index)` ending in an
  /// attn.yield of an i1). A region of another form classifies every tile
  /// partial.
  explicit MaskModTiles(Region &region);

  /// Full if the region yields true at every (row, key) of `tile` for every
  /// batch and head, empty if it yields false at every one, else partial.
  TileClass classify(const TileBounds &tile) const;

  /// [lo, hi]: a value's possible values, as signed integers of its width
  /// (booleans: 0 or 1, i1's unsigned reading). Unknown values span their
  /// width's range.
  struct Interval {
    int64_t lo, hi;
  };

private:
  /// One op of the region in order, its operands and results as slots (an
  /// index into the intervals of one classification).
  struct Step {
    Operation *op;
    llvm::SmallVector<unsigned, 3> operands;
    unsigned firstResult;
  };

  Interval evaluate(const Step &step, unsigned result,
                    llvm::ArrayRef<Interval> values) const;

  llvm::SmallVector<Step> steps;
  /// Each slot's bit width (64 for index; 1 for i1; 0 for a value that is
  /// not an integer, whose interval means nothing).
  llvm::SmallVector<unsigned> widths;
  /// Slots fixed before any step: the block arguments (0-3), then
  /// constants and values from above the region.
  llvm::SmallVector<Interval> initial;
  /// The yielded i1's slot, or none if the region is not of the expected
  /// form.
  std::optional<unsigned> allowedSlot;
};

} // namespace mlir::attn

#endif // ATTN_ANALYSIS_MASKMODTILES_H
