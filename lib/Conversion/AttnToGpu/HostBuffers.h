//===- HostBuffers.h - device buffers of a GPU host function ---*- C++ -*-===//
//
// The host rewrite of convert-attn-to-gpu gives each tensor of a function
// its device buffer: arguments become memrefs, results gpu.alloc'd
// temporaries or output arguments. The readers of each tensor read it
// through an unrealized_conversion_cast from its buffer to its type, so that
// the attn ops among them stay valid (their accessors cast operands to
// tensor types) until the rewrite erases them; sizes are read from the
// buffers, or from the op that fixes them where a buffer is not allocated
// yet.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_HOSTBUFFERS_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_HOSTBUFFERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"

namespace mlir::attn::gpu_lowering {

/// A device buffer of the host function (gpu.alloc, synchronous), with
/// the sizes of `type`'s dynamic dimensions.
Value allocTemporary(OpBuilder &b, Location loc, MemRefType type,
                     ValueRange dynamicSizes = {});

/// Frees a buffer of allocTemporary (gpu.dealloc).
void freeTemporary(OpBuilder &b, Location loc, Value buffer);

/// The buffer of `value`, a reader's operand: itself if it is a buffer, the
/// buffer that a binding cast (bindBuffer, bindArgumentBuffers) reads, a
/// tensor.cast's source's buffer; else null (an op's result that no
/// launch has written yet, or the result itself, whose readers the binding
/// took: the rewrite keeps its own map of those).
Value hostBuffer(Value value);

/// memref.dim of `tensor`'s buffer (even where the size is static: the
/// launches read their grids from the buffers).
Value bufferDim(OpBuilder &b, Location loc, Value tensor, int64_t dim);

/// Makes the readers of `tensor` read `buffer` through a cast from it to
/// `tensor`'s type at `b`'s point (hostBuffer of their operands finds the
/// buffer); eraseBufferBindings removes the casts once nothing reads them.
void bindBuffer(OpBuilder &b, Location loc, Value tensor, Value buffer);

/// Erases the binding casts of `func` (bindBuffer's and
/// bindArgumentBuffers'), whose readers the rewrite has erased. (One still
/// read is a bug of the rewrite: an assertion, or without assertions a
/// cast left to fail the conversion to LLVM.)
void eraseBufferBindings(func::FuncOp func);

/// Whether `test` holds for a use of `value`, or of a tensor.cast of it
/// (through chains of them).
bool anyUseThroughCasts(Value value,
                        llvm::function_ref<bool(OpOperand &)> test);

/// The size `dim` of `value` in a program's host function: its type's
/// where static, else read from its buffer (hostBuffer), else from the
/// operand of its op that fixes it (Semantics.md's shapes;
/// compress's length is ceil(L / stride)). Results that a kernel writes
/// for a fused op (a merge, a compress) have no buffer yet when their
/// buffers are allocated, and neither have the results they read.
Value hostSize(OpBuilder &b, Location loc, Value value, int64_t dim);

/// The dynamic sizes of the buffer of a program's result `result`.
SmallVector<Value> dynamicResultSizes(OpBuilder &b, Location loc, Value result);

/// Retypes `func`'s arguments to the buffer types `types`, bound to the
/// tensors they were (bindBuffer) for the ops that read them.
void bindArgumentBuffers(func::FuncOp func, ArrayRef<Type> types);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_HOSTBUFFERS_H
