//===- CpuCompiler.h - attn programs to a host library ----------*- C++ -*-===//
//
// Ahead-of-time compilation for the host CPU, shared by attn-compile and the
// C API: the CPU pipeline, LLVM's optimiser and code generator, and a C
// header with checked entry points.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_CPUCOMPILER_H
#define ATTN_COMPILER_CPUCOMPILER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <string>

namespace mlir::attn {

/// For a tool that owns its process (attn-compile): an interrupt (SIGINT,
/// SIGTERM) during a compilation removes its scratch directory and exits
/// with status 1. Off by default, since it installs LLVM's signal handlers,
/// which a host process (Python) may not want replaced.
void removeScratchOnInterrupt();

struct CpuCompileOptions {
  /// The library to write: a shared library (.so) or a relocatable object
  /// (.o). Its header is written beside it, with the extension .h.
  std::string outputPath;
  /// Lower attention through the flash form (else the reference lowering).
  bool flash = true;
  /// Run the flash form's parallel loop on OpenMP threads.
  bool threads = true;
  /// The functions to export; empty: every public function.
  SmallVector<std::string> functions;
  /// The C names of a function's arguments (e.g. the SSA names of the
  /// source text); those that are not C identifiers become argN. Without
  /// it, every argument is argN.
  std::function<SmallVector<std::string>(func::FuncOp)> argumentNames;
};

/// Compiles `module` (attn on tensors; it is lowered in place) for the host
/// CPU and writes the library and its header. Both are written to a scratch
/// directory first and installed together, so a failure leaves nothing
/// behind; `error` then says why in one line.
LogicalResult compileForCpu(ModuleOp module, const CpuCompileOptions &options,
                            std::string &error);

} // namespace mlir::attn

#endif // ATTN_COMPILER_CPUCOMPILER_H
