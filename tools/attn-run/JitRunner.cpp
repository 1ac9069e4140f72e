//===- JitRunner.cpp - compile and call an attn function on the CPU -------===//

#include "JitRunner.h"

#include "attn/Conversion/Passes.h"
#include "attn/Pipelines/Pipelines.h"
#include "attn/Support/MachineMemory.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

/// `root` and the functions it calls, transitively; a call to a function
/// that the module only declares, or a call back into a function that is
/// running (recursion: nothing could stop it), is an error.
static FailureOr<llvm::SetVector<Operation *>>
collectCallees(SymbolTable &symbols, func::FuncOp root, std::string &error) {
  llvm::SetVector<Operation *> reached;
  SmallVector<func::FuncOp> running;
  std::function<LogicalResult(func::FuncOp)> visit = [&](func::FuncOp func) {
    if (!reached.insert(func))
      return success();
    running.push_back(func);
    WalkResult walked = func.walk([&](func::CallOp call) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee || callee.isExternal()) {
        error = ("'" + func.getName() + "' calls '" + call.getCallee() +
                 "', which the module does not define")
                    .str();
        return WalkResult::interrupt();
      }
      if (llvm::is_contained(running, callee)) {
        error = ("'" + func.getName() + "' calls '" + callee.getName() +
                 "' while it runs: attn-run does not run recursion")
                    .str();
        return WalkResult::interrupt();
      }
      return failed(visit(callee)) ? WalkResult::interrupt()
                                   : WalkResult::advance();
    });
    running.pop_back();
    return failure(walked.wasInterrupted());
  };
  if (failed(visit(root)))
    return failure();
  return reached;
}

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, StringRef name,
                     const AttnCpuPipelineOptions &pipelineOptions,
                     std::string &error) {
  OwningOpRef<ModuleOp> lowered(cast<ModuleOp>(module->clone()));
  MLIRContext *context = module.getContext();
  // Compile only the function and what it calls: the other functions of
  // the file would cost compile time and could not fail the run anyway.
  SymbolTable symbols(*lowered);
  FailureOr<llvm::SetVector<Operation *>> reached =
      collectCallees(symbols, lowered->lookupSymbol<func::FuncOp>(name), error);
  if (failed(reached))
    return failure();
  for (auto other : llvm::to_vector(lowered->getOps<func::FuncOp>()))
    if (!reached->contains(other))
      symbols.erase(other);
  // The lowering declares the C runtime's functions (malloc, free) in this
  // module: a function of that name would take their place. The function
  // runs under a name of its own, and those it calls under
  // __attn_fn_<name>.
  static constexpr StringLiteral kEntry = "__attn_run_entry";
  auto entry = lowered->lookupSymbol<func::FuncOp>(name);
  // (Callees first: one of them may hold the entry's name.)
  for (auto func : llvm::to_vector(lowered->getOps<func::FuncOp>())) {
    std::string callee = func.getName().str();
    if (func == entry || succeeded(renameAwayFromRuntime(symbols, func)))
      continue;
    error = "cannot rename function '" + callee + "'";
    return failure();
  }
  if (failed(symbols.rename(entry, StringAttr::get(context, kEntry)))) {
    error = ("cannot rename function '" + name + "'").str();
    return failure();
  }
  registerBuiltinDialectTranslation(*context);
  registerLLVMDialectTranslation(*context);
  registerOpenMPDialectTranslation(*context);

  // Collect what the pipeline reports instead of printing it half-way.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    os << diag.getLocation() << ": " << diag.str() << "\n";
    return success();
  });
  PassManager pm(context);
  buildAttnCpuPipeline(pm, pipelineOptions);
  if (failed(pm.run(*lowered))) {
    error = "the CPU pipeline failed:\n" + diagnostics;
    return failure();
  }

  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  // Optimise for this CPU (its vector units decide what LLVM vectorises).
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder) {
    error = llvm::toString(machineBuilder.takeError());
    return failure();
  }
  auto machine = machineBuilder->createTargetMachine();
  if (!machine) {
    error = llvm::toString(machine.takeError());
    return failure();
  }
  // ExecutionEngineOptions holds a function_ref: keep the callee alive.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                machine->get());
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // The flash form's parallel loop calls the OpenMP runtime.
  SmallVector<StringRef> libraries;
  if (pipelineOptions.flash && pipelineOptions.threads)
    libraries.push_back(ATTN_OPENMP_LIBRARY);
  options.sharedLibPaths = libraries;
  auto engine = ExecutionEngine::create(*lowered, options);
  if (!engine) {
    // (The translation to LLVM IR names the op it could not translate.)
    error = "JIT compilation failed: " + llvm::toString(engine.takeError());
    if (!diagnostics.empty())
      error += ":\n" + diagnostics;
    return failure();
  }
  std::string scratchBytes = getScratchBytesFunctionName(kEntry);
  if (!lowered->lookupSymbol(scratchBytes))
    scratchBytes.clear();
  return std::unique_ptr<JitFunction>(new JitFunction(
      std::move(*engine), kEntry.str(), name.str(), std::move(scratchBytes)));
}

namespace {
/// The fields of one memref descriptor, as the packed calling convention
/// passes them: one pointer per LLVM argument.
struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset = 0;
  SmallVector<int64_t, 4> sizes, strides;

  explicit Descriptor(HostArray &array)
      : allocated(array.getData()), aligned(array.getData()) {
    ArrayRef<int64_t> shape = array.getShape();
    sizes.assign(shape.begin(), shape.end());
    strides.assign(shape.size(), 1);
    // Only an array without elements can have sizes whose product
    // overflows (0 x 2^62 x 8): its strides address nothing, and saturate.
    for (int64_t dim = static_cast<int64_t>(shape.size()) - 2; dim >= 0; --dim)
      if (llvm::MulOverflow(strides[dim + 1], shape[dim + 1], strides[dim]))
        strides[dim] = std::numeric_limits<int64_t>::max();
  }
  void pack(SmallVectorImpl<void *> &args) {
    args.push_back(&allocated);
    args.push_back(&aligned);
    args.push_back(&offset);
    for (int64_t &size : sizes)
      args.push_back(&size);
    for (int64_t &stride : strides)
      args.push_back(&stride);
  }
};

} // namespace

LogicalResult JitFunction::call(ArrayRef<HostArray *> inputs,
                                ArrayRef<HostArray *> outputs,
                                std::string &error) {
  SmallVector<Descriptor> descriptors;
  descriptors.reserve(inputs.size() + outputs.size());
  for (HostArray *array : inputs)
    descriptors.emplace_back(*array);
  for (HostArray *array : outputs)
    descriptors.emplace_back(*array);
  SmallVector<void *> args;
  for (Descriptor &descriptor : descriptors)
    descriptor.pack(args);
  // The compiled code's temporaries are allocated inside its loops, where
  // a failed malloc would be written through: the largest is checked first.
  SmallVector<SmallVector<int64_t>> sizes;
  if (!scratchBytesName.empty())
    for (const Descriptor &descriptor : descriptors)
      sizes.emplace_back(descriptor.sizes.begin(), descriptor.sizes.end());
  if (!scratchBytesName.empty() && sizes != scratchCheckedSizes) {
    int64_t bytes = 0;
    SmallVector<void *> queryArgs(args);
    queryArgs.push_back(&bytes);
    if (llvm::Error queryError =
            engine->invokePacked(scratchBytesName, queryArgs)) {
      error = "cannot call '" + displayName +
              "': " + llvm::toString(std::move(queryError));
      return failure();
    }
    double memory = physicalMemoryBytes();
    if (memory > 0 && static_cast<double>(bytes) > memory) {
      error = llvm::formatv("'{0}' would make a temporary of {1:F1} GiB for "
                            "these sizes, more than this machine's {2:F1} GiB "
                            "of memory",
                            displayName, static_cast<double>(bytes) / (1 << 30),
                            memory / (1 << 30))
                  .str();
      return failure();
    }
    scratchCheckedSizes = std::move(sizes);
  }
  if (llvm::Error callError = engine->invokePacked(name, args)) {
    error = "cannot call '" + displayName +
            "': " + llvm::toString(std::move(callError));
    return failure();
  }
  return success();
}
