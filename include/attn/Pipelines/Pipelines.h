//===- Pipelines.h - attn's named pass pipelines ----------------*- C++ -*-===//

#ifndef ATTN_PIPELINES_PIPELINES_H
#define ATTN_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
class SymbolTable;
namespace func {
class FuncOp;
} // namespace func
namespace attn {

struct AttnCpuPipelineOptions
    : public PassPipelineOptions<AttnCpuPipelineOptions> {
  PassOptions::Option<bool> flash{
      *this, "flash",
      llvm::cl::desc("Lower attention through the tiled flash form "
                     "(attn-plan-tiles, attn-tile-selection, "
                     "attn-tile-attention, attn-chunk-linear-attention); "
                     "false: the reference lowering"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Run the flash form's parallel loop on OpenMP threads"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width for the flash form's "
                     "register-blocked products (0: the host's)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("Use AVX-512 BF16 dot products for bf16 scores when the "
                     "host has them (and vector-bits is 512). Off by default: "
                     "on the machines measured it was slower than converting "
                     "tiles to f32 (bench/results)"),
      llvm::cl::init(false)};
};

/// attn on tensors to the LLVM dialect for the host CPU: the reference (or
/// flash) lowering, bufferisation (function results become caller-provided
/// output buffers; inputs take any strides), loops, and LLVM.
void buildAttnCpuPipeline(OpPassManager &pm,
                          const AttnCpuPipelineOptions &options = {});

/// Renames `func` to `__attn_fn_<name>` (with `_`s until the name is free),
/// updating its uses: the CPU pipeline declares the C runtime's functions
/// (malloc, free, the OpenMP runtime's) in the module, and a function of
/// such a name would take their place. Returns the new name.
FailureOr<std::string> renameAwayFromRuntime(SymbolTable &symbols,
                                             func::FuncOp func);

/// Dialects and external interface models the CPU pipeline creates or needs.
void registerAttnCpuPipelineDependencies(DialectRegistry &registry);

/// Sets `options` from the tools' `--path` (`flash` or `reference`) and
/// `--omp` flags; `error` names a bad path.
LogicalResult setCpuPipelineOptions(AttnCpuPipelineOptions &options,
                                    StringRef path, bool threads,
                                    std::string &error);

/// What the GPU pipeline's gpu.binary embeds.
enum class GpuBinaryFormat { Isa, Bin, Fatbin };

struct AttnGpuPipelineOptions
    : public PassPipelineOptions<AttnGpuPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("The NVIDIA target: sm_80 or newer (sm_90, sm_90a)"),
      llvm::cl::init("sm_80")};
  // (An enumeration: a bad value fails the option's parse, where
  // gpu-module-to-binary's own check only printed an error.)
  PassOptions::Option<GpuBinaryFormat> format{
      *this, "format",
      llvm::cl::desc("What gpu-module-to-binary embeds: isa (PTX), bin "
                     "(cubin, runs ptxas from PATH) or fatbin"),
      llvm::cl::init(GpuBinaryFormat::Isa),
      llvm::cl::values(
          clEnumValN(GpuBinaryFormat::Isa, "isa", "PTX"),
          clEnumValN(GpuBinaryFormat::Bin, "bin", "a cubin (ptxas)"),
          clEnumValN(GpuBinaryFormat::Fatbin, "fatbin", "a fatbin"))};
  PassOptions::Option<bool> pingPong{
      *this, "ping-pong",
      llvm::cl::desc("sm_90a: the consumer warpgroups take turns on the "
                     "tensor cores"),
      llvm::cl::init(true)};
};

/// attn functions of one attention each to GPU kernels (convert-attn-to-gpu)
/// and upstream's lowering to NVVM, with the kernels serialised into a
/// gpu.binary and the host functions in LLVM.
void buildAttnGpuPipeline(OpPassManager &pm,
                          const AttnGpuPipelineOptions &options = {});

/// Kernels and host code after convert-attn-to-gpu to NVVM / LLVM, the
/// kernels serialised for `chip` as `format` (isa, bin or fatbin):
/// upstream's gpu-lower-to-nvvm-pipeline plus attn-convert-tensor-map-args.
/// With `dependentLaunches` (sm_90 and newer), each kernel waits for the
/// previous grid itself (attn-grid-dependency-control), for launchers that
/// launch with programmatic stream serialisation (attn-compile's).
void buildAttnLowerToNVVMPipeline(OpPassManager &pm, StringRef chip,
                                  StringRef format,
                                  bool dependentLaunches = false);

/// Dialects, target models and translations the GPU pipeline needs.
void registerAttnGpuPipelineDependencies(DialectRegistry &registry);

/// Registers --attn-cpu-pipeline and --attn-gpu-pipeline.
void registerAttnPipelines();

/// What attn-opt and attn-lsp-server read: the attn dialect with arith, func
/// and tensor, both pipelines' dependencies, and the transform dialect with
/// linalg's and scf's ops and TilingInterface models (transform scripts tile
/// and fuse attn ops, and the linalg consumers an attention fuses into).
void registerAttnToolDialects(DialectRegistry &registry);

/// The rewrites both pipelines (and attn-compile's GPU passes) run before
/// anything canonicalizes: integers that LLVM crashes on refused (i0, and
/// past `maxIntegerWidth` bits where it is not 0: NVPTX has no library
/// calls for them), then index arithmetic that upstream's canonicalization
/// and LLVM lowering would get wrong, in forms they handle
/// (attn-expand-index-truncations, attn-lower-index-extended-arith).
void addIndexArithRewrites(OpPassManager &pm, unsigned maxIntegerWidth = 0);

} // namespace attn
} // namespace mlir

#endif // ATTN_PIPELINES_PIPELINES_H
