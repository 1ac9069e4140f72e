//===- KeyIntervals.h - run-time key bounds of a mask -----------*- C++ -*-===//
//
// The flash lowerings' loop bounds for masks without a block map (lengths
// known only at run time, or maps too large to compute): from the
// predicates' buildKeyInterval hooks, the key tiles a query tile must visit
// and the run of them that needs no mask.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_KEYINTERVALS_H
#define ATTN_DIALECT_ATTN_IR_KEYINTERVALS_H

#include "attn/Dialect/Attn/IR/AttnInterfaces.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::attn {

/// The keys that a mask_mod region (`^bb0(%b, %h, %i, %j: index)`) allows
/// to `rows`, from the `andi`/`ori` tree of compares that its result is:
/// sides linear in the row and the key (`j <= i`, `i - j < W`; index
/// constants, addi and subi) or a floor division of the key against one of
/// the row (`i / C == j / C`). Keys are known allowed only when the whole
/// tree is of these forms. None when nothing bounds the keys.
std::optional<KeyInterval> buildMaskModKeyInterval(OpBuilder &builder,
                                                   Location loc,
                                                   Region &maskMod,
                                                   const RowSpan &rows);

/// The conjunction of `mask` and `maskMod` (null: none) on `rows`, clamped
/// to the keys [0, Lkv): an empty interval when the rows may see no key.
KeyInterval buildMaskKeyInterval(OpBuilder &builder, Location loc,
                                 ArrayRef<Attribute> mask, Region *maskMod,
                                 const RowSpan &rows);

/// Key tiles of `blockKv` keys (index values): [first, end) holds every
/// tile with a key the mask may allow to `rows`, and [fullFirst, fullEnd)
/// (empty, or inside it) the tiles each of whose keys below Lkv it allows
/// to all of them.
struct KeyTileInterval {
  Value first, end, fullFirst, fullEnd;
};
KeyTileInterval buildKeyTileInterval(OpBuilder &builder, Location loc,
                                     ArrayRef<Attribute> mask, Region *maskMod,
                                     const RowSpan &rows, int64_t blockKv);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_IR_KEYINTERVALS_H
