//===- FlashTileUtils.h - tensor building blocks of the tiled lowerings ---===//
//
// Tiles, row-wise maps and tile products on tensors, shared by the flash
// lowering of attn.attention and the tiled block scores of attn.block_scores.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_FLASHTILEUTILS_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_FLASHTILEUTILS_H

#include "attn/Analysis/BlockMap.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"

#include <limits>

namespace mlir::attn::tiles {

using lowering::Lowering;

/// The f32 scores and maxima of masked pairs and of rows without keys.
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// The flash loops' bounds of every query tile of `map` (first, end,
/// fullFirst, fullEnd: BlockMap::getLoopBoundsTable) as an i64 [tiles, 4]
/// constant that the loops index by query tile.
Value buildRangeTable(Lowering &l, const BlockMap &map);
/// Entry `column` of `table`'s row `queryTile`, as an index.
Value rangeTableEntry(Lowering &l, Value table, Value queryTile,
                      int64_t column);

/// A 2-D slice [rows, cols] of a rank-4 tensor at (i0, i1, off2, 0).
Value slice2d(Lowering &l, Value source, Value i0, Value i1, Value offset,
              Value size, OpFoldResult width);

/// Element-wise over a [rows] or [rows, cols] tensor with same-shaped or
/// row-broadcast inputs; `rowInputs` are indexed by the row only. With a
/// `destination`, the result overwrites it (in place after bufferisation)
/// and `fn` also receives its current value, last.
Value mapRows(Lowering &l, ValueRange inputs, ValueRange rowInputs, Value like,
              Type elementType,
              function_ref<Value(OpBuilder &, Location, ValueRange)> fn,
              Value destination = {});

/// The shift of a row's exponentials: its running max, or 0 while the row
/// has seen no key (so that no -inf - -inf is ever computed).
Value safeShift(OpBuilder &b, Location loc, Value rowMax);

/// acc + x * y, allowed to become one FMA and to be reassociated: the tile
/// loops are then vectorised by LLVM (reductions included).
Value fusedMultiplyAdd(OpBuilder &b, Location loc, Value acc, Value x, Value y);

/// An f32 copy of a [rows, cols] tile, transposed if asked: converting once
/// per tile keeps conversions out of the inner loops, and a transposed key
/// tile makes the key index contiguous for the score loop.
Value toF32Tile(Lowering &l, Value tile, bool transpose);

/// scores[i, j] = sum_d q[i, d] k[j, d]. With `keysTransposed` (kT[d, j])
/// the loops are (i, d, j): the key index is innermost and contiguous, so
/// each step is a vector FMA; this pays for the transposition when a tile
/// has many query rows. Otherwise (decode: a row or a few) the loops are
/// (i, j, d), one vectorised dot product per key.
Value multiplyQueryKey(Lowering &l, Value queryTile, Value keyTile,
                       ArrayRef<OpFoldResult> tileSizes, bool keysTransposed);

/// acc[i, e] += sum_j p[i, j] v[j, e]: loops (i, j, e) so that the
/// contiguous e is innermost.
Value accumulateValues(Lowering &l, Value probs, Value valueTile, Value acc);

/// A row-major copy of a [rows, cols] tile, cast to the static shape: the
/// register-blocked kernels load its rows as whole vectors, which an input
/// of unknown strides would turn into element-wise gathers. For f32 it is
/// an explicit copy, which no canonicalisation folds into a view;
/// contiguousF32Tile converts other element types to f32 as it copies.
Value contiguousTile(Lowering &l, Value tile, ArrayRef<int64_t> shape);
Value contiguousF32Tile(Lowering &l, Value tile, ArrayRef<int64_t> shape);

/// `fast` on tiles of full size, `general` otherwise: full tiles have static
/// shapes, which the register-blocked kernels need.
Value ifFullTile(OpBuilder &b, Location loc, Value isFull,
                 function_ref<Value(OpBuilder &, Location)> fast,
                 function_ref<Value(OpBuilder &, Location)> general);

} // namespace mlir::attn::tiles

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_FLASHTILEUTILS_H
