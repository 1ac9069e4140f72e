//===- KernelShapes.h - what the GPU kernels need of an op ------*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELSHAPES_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <optional>

namespace mlir::attn::gpu_lowering {

/// The compute capability of "sm_XY" / "sm_XYa", or std::nullopt.
std::optional<int64_t> computeCapability(StringRef chip);

/// Success if `chip` is one the GPU lowering emits code for (PTX 8.0's:
/// sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a), else a diagnostic on `op`.
LogicalResult checkSupportedChip(Operation *op, StringRef chip);

/// The most dynamic shared memory one CTA may opt in to on a chip.
int64_t sharedMemoryLimit(int64_t capability);

/// An sm_90 multiprocessor's shared memory (228 KiB), of which each
/// resident CTA takes 1 KiB besides its own.
inline constexpr int64_t kHopperSharedPerMultiprocessor = 228 * 1024;
inline constexpr int64_t kSharedReservedPerCta = 1024;
/// An sm_90 multiprocessor's 32-bit registers, and the most one thread may
/// have.
inline constexpr int64_t kHopperRegistersPerMultiprocessor = 64 * 1024;
inline constexpr int64_t kMaxRegistersPerThread = 255;
/// The dynamic shared memory each of `ctas` resident CTAs may have there.
inline int64_t hopperSharedPerCta(int64_t ctas) {
  return kHopperSharedPerMultiprocessor / ctas - kSharedReservedPerCta;
}
/// How many CTAs of `sharedBytes` each fit there.
inline int64_t hopperResidentCtas(int64_t sharedBytes) {
  return kHopperSharedPerMultiprocessor / (sharedBytes + kSharedReservedPerCta);
}

/// What every tensor-core kernel needs of its op: a supported chip
/// and f16/bf16 operands with static head dims up to 256 (`query`'s and
/// `value`'s) that are multiples of `headDimMultiple`: 16, the products'
/// step, or 8 for kernels that pad their tiles to 16 columns (16-byte
/// copies of whole 8-column chunks; paddedHeadDim). Returns the chip's
/// compute capability, or a diagnostic on `op`.
FailureOr<int64_t> checkTensorCoreOperands(Operation *op, StringRef chip,
                                           RankedTensorType query,
                                           RankedTensorType value,
                                           int64_t headDimMultiple = 16);

/// The head dim a padding kernel computes with for an operand's `dim`: the
/// next multiple of 16 (wgmma's and mma.sync's k step). Its tiles' columns
/// past `dim` are zeros, which add nothing to Q K^T, and the output's are
/// never stored.
inline int64_t paddedHeadDim(int64_t dim) { return (dim + 15) / 16 * 16; }

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELSHAPES_H
