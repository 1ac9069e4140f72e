//===- ProgramMatching.h - which functions the GPU target takes -*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_PROGRAMMATCHING_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_PROGRAMMATCHING_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir::attn::gpu_lowering {

/// The function's body is one attention (attn.attention or
/// attn.linear_attention) of its arguments whose results it returns, after
/// constants that only its regions read (isCapturedConstant): that op,
/// else null.
Operation *matchKernelFunction(func::FuncOp func);

/// A program: a function of attn ops (attention, linear attention,
/// compress, causal conv, block scores, top-k, merge) over its arguments
/// and each other's results, returning results of those ops (through shape
/// casts); batch sizes and lengths may be dynamic, not head counts or head
/// dims. Returns the ops in order, or a diagnostic.
FailureOr<SmallVector<Operation *>> matchProgramFunction(func::FuncOp func);

/// A function with no attn op that is what canonicalisation leaves of a
/// program whose attn ops all folded (their masks never hold): splat
/// constants and tensor.splats of sizes its arguments' tensor.dims give
/// (ceil divisions of them for block scores), each result one of those
/// (through shape casts), returned once (splitRepeatedSplatResults). The
/// GPU lowering takes it as a program of the kernels that write those
/// results; other functions without attn ops are left alone.
bool isProgramWithoutAttnOps(func::FuncOp func);

/// Gives each further return of one splat result (canonicalisation and CSE
/// merge folded results that are equal) a copy of its own, so that every
/// output has a kernel that writes it.
void splitRepeatedSplatResults(func::FuncOp func);

/// An elementwise arith or math op on ranked tensors of at least one
/// dimension whose elements are at least a byte wide (a gate's arithmetic,
/// say), an arith.constant splat tensor, a tensor.splat of a scalar
/// constant, or a tensor.generate whose body is scalar arith and math ops
/// (segment ids from positions, say); the open sizes of a splat or generate
/// are size queries (isSizeQuery). A program may hold them between its attn
/// ops.
bool isElementwiseTensorOp(Operation *op);

/// A scalar constant that only ops nested in regions read (a mask_mod's or
/// a tensor.generate body's), size queries and tensor.splat, or a tensor
/// constant that only attentions' score_mod and mask_mod regions read: it
/// launches nothing, the regions' copies in kernels clone it (a tensor as a
/// constant global).
bool isCapturedConstant(Operation *op);

/// A tensor.dim of a ranked tensor at a constant index whose users are all
/// tensor.generate or tensor.splat ops, which take it as an open size: the
/// host computes it from the tensor's buffer (or the op that sizes it), so
/// it launches nothing.
bool isSizeQuery(Operation *op);

/// A tensor.cast between ranked tensors (attn-refine-shapes puts them where
/// a value meets an op that keeps its declared sizes): it launches nothing,
/// its result is its source's buffer.
bool isShapeCast(Operation *op);

/// The values that the elementwise op `root` reads through the elementwise
/// ops and splat constants that feed it (function arguments and other ops'
/// results), each once, in the order first met.
SmallVector<Value> elementwiseLeaves(Operation *root);

/// A copy of `op` that also returns its LSE, which replaces it.
AttentionOp withLse(AttentionOp op);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_PROGRAMMATCHING_H
