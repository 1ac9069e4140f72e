//===- FlashTileUtils.cpp - tensor building blocks of the tiled lowerings -===//

#include "FlashTileUtils.h"
#include "RegisterBlocking.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

static constexpr int64_t kDyn = ShapedType::kDynamic;

namespace mlir::attn::tiles {

Value buildRangeTable(Lowering &l, const BlockMap &map) {
  SmallVector<int64_t> table = map.getLoopBoundsTable();
  auto type =
      RankedTensorType::get({map.getNumQueryTiles(), 4}, l.b.getI64Type());
  return arith::ConstantOp::create(
      l.b, l.loc, DenseElementsAttr::get(type, ArrayRef(table)));
}

Value rangeTableEntry(Lowering &l, Value table, Value queryTile,
                      int64_t column) {
  Value raw = tensor::ExtractOp::create(l.b, l.loc, table,
                                        ValueRange{queryTile, l.index(column)});
  return arith::IndexCastOp::create(l.b, l.loc, l.b.getIndexType(), raw);
}

/// A 2-D slice [rows, cols] of a rank-4 tensor at (i0, i1, off2, 0).
Value slice2d(Lowering &l, Value source, Value i0, Value i1, Value offset,
              Value size, OpFoldResult width) {
  auto type = cast<RankedTensorType>(source.getType());
  auto sliceType =
      RankedTensorType::get({kDyn, type.getDimSize(3)}, type.getElementType());
  SmallVector<OpFoldResult> offsets = {i0, i1, offset, l.b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {l.b.getIndexAttr(1), l.b.getIndexAttr(1),
                                     size, width};
  SmallVector<OpFoldResult> strides(4, l.b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(l.b, l.loc, sliceType, source, offsets,
                                        sizes, strides);
}

/// Element-wise over a [rows] or [rows, cols] tensor with same-shaped or
/// row-broadcast inputs; `rowInputs` are indexed by the row only. With a
/// `destination`, the result overwrites it (in place after bufferisation)
/// and `fn` also receives its current value, last.
Value mapRows(Lowering &l, ValueRange inputs, ValueRange rowInputs, Value like,
              Type elementType,
              function_ref<Value(OpBuilder &, Location, ValueRange)> fn,
              Value destination) {
  unsigned rank = cast<RankedTensorType>(like.getType()).getRank();
  SmallVector<unsigned> all =
      rank == 2 ? SmallVector<unsigned>{0, 1} : SmallVector<unsigned>{0};
  SmallVector<SmallVector<unsigned>> maps(inputs.size(), all);
  maps.append(rowInputs.size(), {0});
  maps.push_back(all);
  SmallVector<Value> operands(inputs);
  llvm::append_range(operands, rowInputs);
  Value output =
      destination ? destination : l.empty(l.sizes(like), elementType);
  return l
      .generic(operands, {output}, maps, rank, parallel(rank),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc, fn(b, loc, destination ? args : args.drop_back()));
               })
      .front();
}

/// The shift of a row's exponentials: its running max, or 0 while the row
/// has seen no key (so that no -inf - -inf is ever computed).
Value safeShift(OpBuilder &b, Location loc, Value rowMax) {
  Value negInf = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(kNegInf));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
  Value empty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, rowMax, negInf);
  return arith::SelectOp::create(b, loc, empty, zero, rowMax);
}

/// acc + x * y, allowed to become one FMA and to be reassociated: the tile
/// loops are then vectorised by LLVM (reductions included).
Value fusedMultiplyAdd(OpBuilder &b, Location loc, Value acc, Value x,
                       Value y) {
  auto flags = arith::FastMathFlagsAttr::get(
      b.getContext(),
      arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
  Value product = arith::MulFOp::create(b, loc, x, y, flags);
  return arith::AddFOp::create(b, loc, acc, product, flags);
}

/// An f32 copy of a [rows, cols] tile, transposed if asked: converting once
/// per tile keeps conversions out of the inner loops, and a transposed key
/// tile makes the key index contiguous for the score loop.
Value toF32Tile(Lowering &l, Value tile, bool transpose) {
  SmallVector<OpFoldResult> sizes = l.sizes(tile);
  if (transpose)
    std::swap(sizes[0], sizes[1]);
  SmallVector<unsigned> in =
      transpose ? SmallVector<unsigned>{1, 0} : SmallVector<unsigned>{0, 1};
  return l
      .generic(
          {tile}, {l.empty(sizes, l.f32())}, {in, {0, 1}}, 2, parallel(2),
          [&](OpBuilder &b, Location loc, ValueRange args) {
            linalg::YieldOp::create(b, loc, Lowering{b, loc}.toF32(args[0]));
          })
      .front();
}

/// scores[i, j] = sum_d q[i, d] k[j, d]. With `keysTransposed` (kT[d, j])
/// the loops are (i, d, j): the key index is innermost and contiguous, so
/// each step is a vector FMA; this pays for the transposition when a tile
/// has many query rows. Otherwise (decode: a row or a few) the loops are
/// (i, j, d), one vectorised dot product per key.
Value multiplyQueryKey(Lowering &l, Value queryTile, Value keyTile,
                       ArrayRef<OpFoldResult> tileSizes, bool keysTransposed) {
  using utils::IteratorType;
  SmallVector<SmallVector<unsigned>> maps =
      keysTransposed
          ? SmallVector<SmallVector<unsigned>>{{0, 1}, {1, 2}, {0, 2}}
          : SmallVector<SmallVector<unsigned>>{{0, 2}, {1, 2}, {0, 1}};
  SmallVector<IteratorType> iterators =
      keysTransposed ? SmallVector<IteratorType>{IteratorType::parallel,
                                                 IteratorType::reduction,
                                                 IteratorType::parallel}
                     : parallelThenReduction(3);
  return l
      .generic({queryTile, keyTile}, {l.filled(tileSizes, 0.0)}, maps, 3,
               iterators,
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc,
                     fusedMultiplyAdd(b, loc, args[2], args[0],
                                      Lowering{b, loc}.toF32(args[1])));
               })
      .front();
}

Value accumulateValues(Lowering &l, Value probs, Value valueTile, Value acc) {
  return l
      .generic({probs, valueTile}, {acc}, {{0, 1}, {1, 2}, {0, 2}}, 3,
               {utils::IteratorType::parallel, utils::IteratorType::reduction,
                utils::IteratorType::parallel},
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc,
                     fusedMultiplyAdd(b, loc, args[2], args[0], args[1]));
               })
      .front();
}

Value contiguousTile(Lowering &l, Value tile, ArrayRef<int64_t> shape) {
  Value view = castToShape(l.b, l.loc, tile, shape);
  return bufferization::AllocTensorOp::create(
      l.b, l.loc, cast<RankedTensorType>(view.getType()), ValueRange{}, view);
}

Value contiguousF32Tile(Lowering &l, Value tile, ArrayRef<int64_t> shape) {
  auto elementType = cast<RankedTensorType>(tile.getType()).getElementType();
  if (!elementType.isF32())
    return castToShape(l.b, l.loc, toF32Tile(l, tile, false), shape);
  return contiguousTile(l, tile, shape);
}

Value ifFullTile(OpBuilder &b, Location loc, Value isFull,
                 function_ref<Value(OpBuilder &, Location)> fast,
                 function_ref<Value(OpBuilder &, Location)> general) {
  auto branch = scf::IfOp::create(
      b, loc, isFull,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(tb, tl, fast(tb, tl));
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(eb, el, general(eb, el));
      });
  return branch.getResult(0);
}

} // namespace mlir::attn::tiles
