//===- Pipelines.h - attn's named pass pipelines ----------------*- C++ -*-===//

#ifndef ATTN_PIPELINES_PIPELINES_H
#define ATTN_PIPELINES_PIPELINES_H

namespace mlir {
class DialectRegistry;
class OpPassManager;
namespace attn {

/// attn on tensors to the LLVM dialect for the host CPU: the reference
/// lowering, bufferisation (function results become caller-provided output
/// buffers; inputs take any strides), loops, and LLVM.
void buildAttnCpuPipeline(OpPassManager &pm);

/// Dialects and external interface models the CPU pipeline creates or needs.
void registerAttnCpuPipelineDependencies(DialectRegistry &registry);

/// Registers --attn-cpu-pipeline.
void registerAttnPipelines();

} // namespace attn
} // namespace mlir

#endif // ATTN_PIPELINES_PIPELINES_H
