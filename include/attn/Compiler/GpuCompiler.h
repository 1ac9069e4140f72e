//===- GpuCompiler.h - attn programs to NVIDIA GPU libraries ----*- C++ -*-===//
//
// Ahead-of-time compilation for NVIDIA GPUs, shared by attn-compile and the
// C API: convert-attn-to-gpu, upstream's lowering to NVVM and PTX, ptxas,
// and a host library that embeds the cubin and launches it through the CUDA
// driver API (runtime/cuda), with a C header.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_GPUCOMPILER_H
#define ATTN_COMPILER_GPUCOMPILER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <string>

namespace mlir::attn {

struct GpuCompileOptions {
  /// What to write: a host library (.so) or relocatable object (.o), with
  /// its header beside it as .h; or the kernels' PTX (.ptx) or cubin
  /// (.cubin).
  std::string outputPath;
  /// sm_80 or newer.
  std::string chip = "sm_90";
  /// Warps per CTA (16 query rows each).
  int64_t warps = 0;
  /// 16-row query tiles per warp (0: chosen from the head dims).
  int64_t rowTiles = 0;
  /// sm_90a: the consumer warpgroups take turns on the tensor cores.
  bool pingPong = true;
  /// sm_90a: head pairs' tiles of two 64-key blocks
  /// (GpuKernelShape::keyBlocksPerTile).
  bool pairKeyBlocks = true;
  /// Decode: CTAs that split each tile's keys (0: chosen from the grid,
  /// 1: none).
  int64_t keySplits = 0;
  /// Programs: LSE merges as one kernel over the union of their keys,
  /// gated and sum merges in an attention kernel's epilogue.
  bool fuseMerges = true;
  /// Programs: a top-k of block scores in the block-scores kernel (less
  /// memory, not faster).
  bool fuseTopk = false;
  /// sm_90a: grouped heads with a selection as thread-block clusters whose
  /// K/V tiles come by TMA multicast (GpuKernelShape::clusterHeads).
  bool clusters = false;
  /// sm_90a: grouped heads with a fine selection two to a CTA
  /// (GpuKernelShape::consumerHeads): "auto" (by K and V's size), "on" or
  /// "off".
  std::string headPairs = "auto";
  /// sm_90a: persistent CTAs in the 128-row form
  /// (GpuKernelShape::persistentCtas): "auto" (short loops over several
  /// waves of items), "on" or "off".
  std::string persistent = "auto";
  /// sm_90 and newer: each kernel waits for the previous grid itself
  /// (attn-grid-dependency-control) and the launchers launch it with
  /// programmatic stream serialisation, so that its CTAs start while the
  /// previous kernel's last ones still run.
  bool dependentLaunches = true;
  /// ptxas; empty: $ATTN_PTXAS, else the CUDA toolkit's found at configure
  /// time, else ptxas on PATH.
  std::string ptxas;
  /// The functions to export; empty: every public function.
  SmallVector<std::string> functions;
  /// C names of a function's arguments (see CpuCompileOptions).
  std::function<SmallVector<std::string>(func::FuncOp)> argumentNames;
};

/// Sets the kernel options of `options` from `text`, whitespace-separated
/// `name=value` pairs named as attn-compile's --gpu-* flags without the
/// prefix (convert-attn-to-gpu's options, and dependent-launches; `warps=4
/// head-pairs=on`): warps (0 to 8), row-tiles (0 to 4) and key-splits (0 to
/// 64) take integers, ping-pong, pair-key-blocks, fuse-merges, fuse-topk,
/// clusters and dependent-launches `true` or `false`, head-pairs and
/// persistent `auto`, `on` or `off`, as attn-compile's flags read them. An
/// unknown name, a bad value or a name given twice is an error in `error`.
LogicalResult parseGpuKernelOptions(StringRef text, GpuCompileOptions &options,
                                    std::string &error);

/// Compiles `module` (attn on tensors; lowered in place). A failure writes
/// nothing; `error` says why in one line.
LogicalResult compileForGpu(ModuleOp module, const GpuCompileOptions &options,
                            std::string &error);

} // namespace mlir::attn

#endif // ATTN_COMPILER_GPUCOMPILER_H
