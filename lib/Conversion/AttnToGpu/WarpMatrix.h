//===- WarpMatrix.h - warp-level tensor-core fragments ----------*- C++ -*-===//
//
// Builders for the register fragments of one warp's m16n8k16 tensor-core
// products: shared-memory loads by ldmatrix, the product itself, packing f32
// accumulators into the 16-bit operands of the next product, and reductions
// over the four lanes that share a row.
//
// Fragment layouts (lane = 4 g + t): an accumulator tile (16 x 8, f32) is
// four values, (row g, cols 2t, 2t+1) then (row g + 8, cols 2t, 2t+1); an A
// operand (16 x 16) is four i32 holding pairs of 16-bit values; a B operand
// (16 x 8) is two i32.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_WARPMATRIX_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_WARPMATRIX_H

#include "mlir/IR/Builders.h"

#include <array>
#include <cstdint>
#include <utility>

namespace mlir::attn::gpu_lowering {

inline constexpr double kLog2E = 1.4426950408889634;
/// How far (in log2 units) a row's scores may pass the reference point of
/// its online softmax before it moves: terms of at most 2^8 stay well
/// inside bf16's, f16's and f32's ranges.
inline constexpr double kStaleMaxLog2 = 8.0;
inline constexpr double kLn2 = 0.6931471805599453;

using Accumulator = std::array<Value, 4>;
using OperandA = std::array<Value, 4>;
using OperandB = std::array<Value, 2>;

/// The kernel's dynamic shared memory, as bytes (memref<?xi8>).
Value dynamicSharedMemory(OpBuilder &b, Location loc);
/// A [rows, columns] view of `element`s of it from `byteOffset` on.
Value sharedView(OpBuilder &b, Location loc, Value smem, Value byteOffset,
                 int64_t rows, int64_t columns, Type element);

struct WarpMatrix {
  OpBuilder &b;
  Location loc;
  /// f16 or bf16: the type of the products' operands.
  Type elementType;

  Value index(int64_t value);
  Value f32(double value);

  /// ldmatrix of four 8 x 8 matrices of `tile` (a 2-D shared-memory memref),
  /// each lane giving the address (row, col) of one matrix row; the result
  /// is four i32 registers, matrix k in register k.
  std::array<Value, 4> loadMatrices(Value tile, Value row, Value col,
                                    bool transpose);

  /// D = A B + C on the tensor cores (m16n8k16, f32 accumulation).
  Accumulator multiply(const OperandA &a, const OperandB &bOperand,
                       const Accumulator &c);

  /// Two f32 values rounded to `elementType` and packed into one i32,
  /// `low` in the low half.
  Value pack(Value low, Value high);
  /// The two values of a word from `pack`, widened back to f32.
  std::pair<Value, Value> unpack(Value word);

  /// Transposes each group of four i32 `words` within the quads of lanes
  /// (lanes that differ in their two low bits): word k of lane q becomes
  /// word q of lane k. Two rounds of xor shuffles; every lane takes part.
  void transposeQuads(MutableArrayRef<Value> words, Value lane);

  /// Stores one row's output `words` (16-bit pairs, word t holding columns
  /// 8 t + 2 quad and the next) to `output[indices..., column]`: the first
  /// `grouped` words (a multiple of 4, already through transposeQuads) as
  /// 16-byte stores of eight columns, the rest as 4-byte pairs. Columns
  /// start at `columnBase` (null: 0). Words from column `storedColumns` on
  /// (a multiple of 8: a padded tile's zero columns) are not stored.
  void storeRowWords(ArrayRef<Value> words, int64_t grouped, Value output,
                     ValueRange indices, Value columnBase, Value quad,
                     int64_t storedColumns = INT64_MAX);

  /// The max / sum of `value` over the four lanes of a row (lanes that
  /// differ in their two low bits).
  Value rowMax(Value value);
  Value rowSum(Value value);

  /// The signed min of `low` and max of `high` over each aligned group of
  /// `lanes` lanes (a power of two up to 32; every lane gets its group's).
  std::pair<Value, Value> warpMinMax(Value low, Value high, int64_t lanes = 32);

  /// 2^x with the hardware's approximate exp2 (ex2.approx.ftz.f32).
  Value exp2(Value x);
  /// log2 x with the hardware's approximate lg2 (lg2.approx.f32).
  Value log2(Value x);
  /// 1 / x with the hardware's approximate reciprocal (rcp.approx.ftz.f32,
  /// within an ulp; 1 / inf = 0).
  Value reciprocal(Value x);

private:
  Value butterfly(Value value, bool isMax);
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_WARPMATRIX_H
