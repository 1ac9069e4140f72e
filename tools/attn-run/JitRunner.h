//===- JitRunner.h - compile and call an attn function on the CPU -*- C++ -*-=//

#ifndef ATTN_TOOLS_ATTN_RUN_JITRUNNER_H
#define ATTN_TOOLS_ATTN_RUN_JITRUNNER_H

#include "attn/Pipelines/Pipelines.h"
#include "attn/Support/HostArray.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>

namespace mlir::attn {

/// A function of an attn module compiled for the host by the CPU pipeline.
/// Its tensor arguments are passed as strided buffers and its results are
/// written into caller-provided buffers.
class JitFunction {
public:
  /// Lowers a clone of `module` with --attn-cpu-pipeline and JIT-compiles
  /// it; `error` says what failed.
  static FailureOr<std::unique_ptr<JitFunction>>
  compile(ModuleOp module, StringRef name,
          const AttnCpuPipelineOptions &options, std::string &error);

  /// Calls the function. `inputs` and `outputs` follow the argument and
  /// result order and have the shapes the function expects.
  LogicalResult call(ArrayRef<HostArray *> inputs,
                     ArrayRef<HostArray *> outputs, std::string &error);

private:
  JitFunction(std::unique_ptr<ExecutionEngine> engine, std::string name,
              std::string displayName, std::string scratchBytesName)
      : engine(std::move(engine)), name(std::move(name)),
        displayName(std::move(displayName)),
        scratchBytesName(std::move(scratchBytesName)) {}
  std::unique_ptr<ExecutionEngine> engine;
  /// The compiled symbol, and the function's name in the source.
  std::string name, displayName;
  /// The function attn-scratch-bytes added for it (its largest temporary's
  /// bytes for the arguments' sizes), or empty; and the sizes it last
  /// passed (a timed loop's calls ask once).
  std::string scratchBytesName;
  SmallVector<SmallVector<int64_t>> scratchCheckedSizes;
};

} // namespace mlir::attn

#endif // ATTN_TOOLS_ATTN_RUN_JITRUNNER_H
