//===- KernelCaptures.h - tensors that hooks read --------------*- C++ -*-===//
//
// A score_mod or mask_mod region may read tensors of the function (a
// relative-position bias table, a prefix length per batch) and hooks may
// build constant tables (#attn.alibi's slopes). A kernel sees neither: the
// function's tensors become kernel arguments and the constants globals of
// the kernels' module, and their element reads loads.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELCAPTURES_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELCAPTURES_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/LLVM.h"

namespace mlir::attn::gpu_lowering {

/// The values other than constants that `op`'s score_mod and mask_mod
/// regions read from outside them, each once, in the order first read: the
/// buffers its kernel takes after its operands.
SmallVector<Value> capturedValues(AttentionOp op);

/// Fails with a diagnostic unless every captured value is a ranked tensor
/// that the regions only read by tensor.extract and tensor.dim.
LogicalResult checkCapturedValues(AttentionOp op);

/// Rewrites `kernel`'s tensor reads into memref ones: those of the captured
/// values (`captured`, received as the kernel arguments `buffers`), and
/// those of tensor constants that the hooks built or cloned, each distinct
/// one a constant global of `module` named after the kernel. Returns the
/// first op that reads such a tensor other than by tensor.extract or
/// tensor.dim, or that any other tensor code of the kernel is (the kernel
/// cannot be built: the globals are gone again), else null.
Operation *lowerTensorReads(gpu::GPUFuncOp kernel, gpu::GPUModuleOp module,
                            ArrayRef<Value> captured, ValueRange buffers);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_KERNELCAPTURES_H
