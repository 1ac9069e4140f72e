//===- LinearKernelBuilder.h - the GPU linear-attention kernel's builder -===//
//
// The builder of the chunked linear-attention kernels
// (LinearAttentionKernel.cpp: the chunk loop and the kernels' two parts;
// LinearKernelChunks.cpp: a chunk's copies, gates and feature maps;
// LinearKernelProducts.cpp: the tensor-core products, the outputs and the
// state; LinearKernelSegments.cpp: the sequence segments' workspace).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_LINEARKERNELBUILDER_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_LINEARKERNELBUILDER_H

#include "IndexArithmetic.h"
#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::attn::gpu_lowering {

/// The builder of one linear-attention kernel (either part).
class LinearKernelBuilder : IndexArithmetic {
public:
  LinearKernelBuilder(OpBuilder &builder, Location loc, LinearAttentionOp op,
                      const GpuLinearKernelShape &shape)
      : IndexArithmetic(builder, loc), op(op),
        shape(shape), w{builder, loc,
                        op.getQuery().getType().getElementType()} {}

  /// Builds `part` of the kernel (both parts read the same arguments; the
  /// workspace only with segments).
  void build(LinearKernelPart part, Value query, Value key, Value value,
             Value decay, Value output, Value workspace);

private:
  Value mulF(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  /// exp(x) by the hardware's ex2.approx.
  Value exp(Value x) { return w.exp2(mulF(x, w.f32(kLog2E))); }
  void barrier() { gpu::BarrierOp::create(b, loc); }
  /// Runs `body` under `condition` (no results).
  void ifThen(Value condition, function_ref<void()> body) {
    auto branch = scf::IfOp::create(b, loc, condition, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    body();
  }

  /// `body` when the warp's 16 query rows of the chunk reach key block
  /// `block` (block <= warp: causal), else `current` unchanged.
  SmallVector<Accumulator>
  ifWarpReaches(int64_t block, ArrayRef<Accumulator> current,
                function_ref<SmallVector<Accumulator>()> body);

  /// tiles += a [V | 1] for the keys [16 step, 16 step + 16) of `values`
  /// (the ones column only with `normalize`).
  void multiplyValues(const OperandA &a, Value values, int64_t step,
                      MutableArrayRef<Accumulator> tiles);

  /// A [rows, pitch] view of shared memory at `byteOffset`.
  Value view(Value byteOffset, int64_t rows, int64_t pitch, Type element);
  Value view(int64_t byteOffset, int64_t rows, int64_t pitch, Type element) {
    return view(c(byteOffset), rows, pitch, element);
  }
  struct Stage {
    Value query, key, value, gates;
  };
  /// Stage `index`'s tiles.
  Stage stage(Value index);

  /// cp.async of `rows` rows of `columns` columns of buffer[batch, head]
  /// from (firstRow, firstColumn) into `tile`; rows where `valid` is false
  /// are zero-filled.
  void copyRows(Value buffer, Value headIndex, Value tile, int64_t columns,
                Value firstColumn, function_ref<Value(Value)> valid,
                function_ref<Value(Value)> sourceRow);
  /// Loads chunk `chunkIndex` into stage `stageIndex`: Q (query rows of the
  /// chunk's positions), K, V and the gates as `what` says.
  void loadChunk(Value chunkIndex, Value stageIndex, bool loadQuery,
                 bool loadKeyValue);
  /// The query row of chunk position `position` and whether it exists.
  std::pair<Value, Value> queryRowAt(Value position);

  /// Rewrites a [chunk, dim] tile in place, eight elements per thread step:
  /// each element x of row r becomes f(r, x) (and, with `second`, f(r, x)
  /// weight(r) into `second`).
  void transformTile(Value tile, int64_t dim,
                     function_ref<Value(Value, Value)> f, Value second = {},
                     function_ref<Value(Value)> weight = {});
  /// A pair of 16-bit ones of the operand type (a B operand of ones).
  Value onesPair() {
    return arith::ConstantIntOp::create(
        b, loc, w.elementType.isBF16() ? 0x3F803F80 : 0x3C003C00, 32);
  }
  /// f16 operands: the scale of the state's copy after `keys` (f32) keys,
  /// a power of two at most 1 / keys, and its inverse; bf16: none.
  std::pair<Value, Value> stateScale(Value keys);
  /// The keys summed into the state (decayed) before chunk c, and after.
  Value keysSummed(Value chunkIndex, bool after);
  /// The parity of chunk c within its segment: its stage, and the state
  /// buffer and count slot that it reads.
  Value parity(Value chunkIndex) {
    return rem(sub(chunkIndex, segmentFirst), c(2));
  }
  /// Warp 0's inclusive prefix sums of the chunk's gates into shared memory.
  /// With f16 operands also the decayed count of the keys summed into the
  /// state after chunk `chunkIndex` (keysSummed's slot).
  void scanGates(Value gates, Value prefix, Value chunkIndex);
  /// phi of every element of the chunk's Q and/or K (keys past the end
  /// zeroed; with decay also the weighted keys), V converted to bf16.
  void prepareChunk(Value chunkIndex, Value stageIndex, bool queries,
                    bool keysValues);

  /// The warp's 16 rows of phi(Q) [S | z] (+ W [V | 1] when causal) for
  /// chunk `chunkIndex` read from stage `stageIndex` and state buffer
  /// `stateIndex` (summing `stateKeys` keys); stores the rows.
  void outputRows(Value chunkIndex, Value stageIndex, Value stateIndex,
                  Value stateKeys, bool intraChunk);
  /// [S | z] = decay [S | z] + Kw^T [V | 1] for this warp's row tiles of
  /// the state (then summing `stateKeys` keys), copied in the operand type
  /// into state buffer `stateIndex`.
  SmallVector<Value> updateState(ValueRange state, Value stageIndex,
                                 Value stateIndex, Value stateKeys);
  /// The copy of this warp's state accumulators `acc` (row tile `rowTile`)
  /// in the operand type in state buffer `stateIndex`, scaled for f16.
  void writeStateCopy(ArrayRef<Accumulator> acc, Value rowTile,
                      Value stateIndex, Value stateKeys);
  /// Runs `body(i, rowTile)` for each of this warp's state row tiles
  /// (guarded where warps outnumber them); `body` returns the tile's new
  /// carried values (`carried` slice i when skipped).
  SmallVector<Value>
  forEachStateTile(ValueRange carried,
                   function_ref<SmallVector<Value>(int64_t, Value)> body);
  /// Segments: the element index in the workspace of state (row, column)
  /// of segment `seg`, and of its scalar `which` (0: log-decay, 1: count).
  Value workspaceState(Value seg, Value row, Value column);
  Value workspaceScalar(Value seg, int64_t which);
  /// Segments: the state the CTA's segment starts from, combined from the
  /// workspace's segments [0, end) (each decayed over the ones after it),
  /// as carried accumulators; with f16 and decay also its count.
  std::pair<SmallVector<Value>, Value> initialState(Value end);
  /// Stores the warp's rows: `numerator` accumulators (and `denominator`,
  /// rows g and g + 8 of this lane) at chunk-local row base `rowBase`.
  void storeRows(ArrayRef<Accumulator> numerator, Value denominatorLow,
                 Value denominatorHigh, Value chunkIndex);
  /// Zeroes output rows [0, rows) of the CTA's slice.
  void zeroRows(Value rows);

  /// A loop over `count` chunks that loads chunk c + 1 while c is worked
  /// on (two stages) and carries `init`; `body` gets the chunk, its stage
  /// and the carried values and returns the new ones.
  ValueRange
  chunkLoop(Value first, Value count, bool loadQuery, bool loadKeyValue,
            ValueRange init,
            function_ref<SmallVector<Value>(Value, Value, ValueRange)> body);
  /// This CTA's segment of `chunks` chunks: its first chunk and count.
  std::pair<Value, Value> segmentOf(Value chunks);

  LinearAttentionOp op;
  const GpuLinearKernelShape &shape;
  /// Products of the input type (f16 or bf16).
  WarpMatrix w;

  Value smem, tid, lane, warp, batch, head, kvHead, columnBase;
  /// The sequence segment of this CTA (0 without segments), the first chunk
  /// of the segment its loop walks, and the workspace (segments only).
  Value segment, segmentFirst, workspace;
  Value queryLength, keyLength;
  Value query, key, value, decay, output;
  /// ldmatrix lane addresses (FlashKernel.cpp's): A operands and
  /// transposed B operands; B operands from row-major [n][k] tiles (and A
  /// operands from transposed [k][m] ones).
  Value matrixRow, matrixColumn, keyMatrixRow, keyMatrixColumn;
  int64_t stateTilesPerWarp = 0;
};

/// Accumulator tiles from / to the flat values that loops carry.
inline SmallVector<Accumulator> asTiles(ValueRange flat) {
  SmallVector<Accumulator> tiles(flat.size() / 4);
  for (auto [index, value] : llvm::enumerate(flat))
    tiles[index / 4][index % 4] = value;
  return tiles;
}

inline SmallVector<Value> flatten(ArrayRef<Accumulator> tiles) {
  SmallVector<Value> flat;
  for (const Accumulator &tile : tiles)
    flat.append(tile.begin(), tile.end());
  return flat;
}

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_LINEARKERNELBUILDER_H
