//===- RegisterBlocking.h - register-blocked tile products ------*- C++ -*-===//
//
// The two matrix products of a flash tile, written as a GEMM micro-kernel in
// the vector dialect: each step of the reduction loads a row of the right
// operand as vectors, broadcasts one left element per block row, and issues
// one FMA per accumulator register.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_REGISTERBLOCKING_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_REGISTERBLOCKING_H

#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"

namespace mlir::attn {

/// The register block of a product: `rows` rows of `vectors` vectors of
/// `lanes` f32 each are accumulated in registers.
struct RegisterBlock {
  int64_t rows = 0;
  int64_t vectors = 0;
  int64_t lanes = 0;
};

/// `value` as a tensor of the given static shape (or back to dynamic):
/// tiles of full size become statically shaped for the kernels below.
Value castToShape(OpBuilder &b, Location loc, Value value,
                  ArrayRef<int64_t> shape);

/// Checks a pass's `vector-bits` option on `op`: 0 or a multiple of 32 from
/// 32 to 2048 (f32 lanes of up to SVE's widest register); an error naming
/// the pass and the value otherwise. 0 means the host's width to
/// attn-plan-tiles and no register blocking to the tiling passes.
LogicalResult checkVectorBitsOption(Operation *op, StringRef pass,
                                    int64_t bits);

/// The largest register block (at most 4 rows x 4 vectors, which with the
/// right operand's vectors fits the 32 registers of AVX-512) that tiles an
/// [m, n] result exactly; none if `n` is not a multiple of `lanes`.
std::optional<RegisterBlock> chooseRegisterBlock(int64_t m, int64_t n,
                                                 int64_t lanes);

/// out[i, j] = rowScale[i] * init[i, j] + sum_k lhs[i, k] rhs[k, j] on
/// statically shaped f32 tensors lhs [m, k] and rhs [k, n]; without `init`
/// the sum starts from 0, without `rowScale` from init unscaled. The result
/// is written into `init` (or a new tensor) in place.
Value buildRegisterBlockedProduct(OpBuilder &b, Location loc, Value lhs,
                                  Value rhs, Value init, Value rowScale,
                                  RegisterBlock block);

/// The transpose of a statically shaped f32 tensor [m, n] whose sizes are
/// multiples of `lanes`, by square lanes x lanes blocks transposed in
/// registers (shuffles, not element-wise gathers); none otherwise.
FailureOr<Value> buildBlockedTranspose(OpBuilder &b, Location loc, Value source,
                                       int64_t lanes);

/// bf16 keys in the pair layout of AVX-512 BF16's dot product: from a
/// row-major [n, d] bf16 tensor (d a multiple of 2 x lanes, n of lanes),
/// the [d / 2, 2 n] tensor whose row p holds, for every key j, its elements
/// 2p and 2p + 1 side by side. It is the transpose of the tile read as 32-bit
/// pairs, done by lanes x lanes register blocks.
FailureOr<Value> buildBf16PairTranspose(OpBuilder &b, Location loc, Value keys,
                                        int64_t lanes);

/// out[i, j] = sum_k lhs[i, k] rhs[k, j] for a row-major bf16 lhs [m, K] and
/// the pair layout of rhs (buildBf16PairTranspose of rhs^T: [K / 2, 2 n]),
/// with f32 accumulators in registers: each step broadcasts one pair of lhs
/// elements and issues one vdpbf16ps (x86vector.avx512.dot) per
/// accumulator, two products per lane.
Value buildBf16DotProduct(OpBuilder &b, Location loc, Value lhs,
                          Value pairedRhs, RegisterBlock block);

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_REGISTERBLOCKING_H
