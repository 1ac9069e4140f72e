//===- CpuCompiler.cpp - attn programs to a host library ------------------===//

#include "attn/Compiler/CpuCompiler.h"

#include "CInterface.h"

#include "attn/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <cctype>

using namespace mlir;
using namespace mlir::attn;

/// A C identifier for a buffer: the source name if it is one.
static std::string cName(StringRef name, StringRef fallback) {
  bool valid = !name.empty() && !std::isdigit(name.front()) &&
               llvm::all_of(name, [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
               });
  return valid ? name.str() : fallback.str();
}

/// Runs `program` with `args`; returns its diagnostics on failure.
static LogicalResult runProgram(StringRef program, ArrayRef<StringRef> args,
                                std::string &error) {
  SmallVector<StringRef> argv = {program};
  llvm::append_range(argv, args);
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc == 0)
    return success();
  error = (program + " failed (exit " + llvm::Twine(rc) + ")" +
           (message.empty() ? "" : ": " + message))
              .str();
  return failure();
}

LogicalResult mlir::attn::compileForCpu(ModuleOp module,
                                        const CpuCompileOptions &options,
                                        std::string &error) {
  auto fail = [&](const llvm::Twine &message) {
    error = message.str();
    return failure();
  };
  MLIRContext &context = *module.getContext();
  const std::string &outputFile = options.outputPath;
  AttnCpuPipelineOptions pipelineOptions;
  pipelineOptions.flash = options.flash;
  pipelineOptions.threads = options.threads;
  bool usesOpenMP = options.flash && options.threads;
  StringRef extension = llvm::sys::path::extension(outputFile);
  if (extension != ".so" && extension != ".o")
    return fail("output '" + outputFile + "' must end in .so or .o");

  // The entry points and their C view.
  SmallVector<func::FuncOp> selected;
  if (options.functions.empty()) {
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func.isPrivate())
        selected.push_back(func);
  } else {
    for (const std::string &name : options.functions) {
      auto func = module.lookupSymbol<func::FuncOp>(name);
      if (!func || func.isExternal())
        return fail("no function '" + name + "' to export");
      selected.push_back(func);
    }
  }
  if (selected.empty())
    return fail("the module defines no public function");
  std::vector<CEntryPoint> entries;
  for (func::FuncOp func : selected) {
    CEntryPoint entry{func.getName().str(), {}};
    SmallVector<std::string> names(func.getNumArguments());
    if (options.argumentNames)
      names = options.argumentNames(func);
    FunctionType type = func.getFunctionType();
    auto addBuffer = [&](Type bufferType, std::string name, bool isResult) {
      auto tensorType = dyn_cast<RankedTensorType>(bufferType);
      if (!tensorType)
        return false;
      entry.buffers.push_back({std::move(name), tensorType, isResult});
      return true;
    };
    for (auto [index, argType] : llvm::enumerate(type.getInputs()))
      if (!addBuffer(argType,
                     cName(names[index], "arg" + std::to_string(index)), false))
        return fail("argument " + llvm::Twine(index) + " of '" + entry.name +
                    "' is not a ranked tensor");
    for (auto [index, resultType] : llvm::enumerate(type.getResults()))
      if (!addBuffer(resultType, "result" + std::to_string(index), true))
        return fail("result " + llvm::Twine(index) + " of '" + entry.name +
                    "' is not a ranked tensor");
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
    entries.push_back(std::move(entry));
  }

  // attn -> LLVM dialect -> LLVM IR.
  PassManager pm(&context);
  buildAttnCpuPipeline(pm, pipelineOptions);
  if (failed(pm.run(module)))
    return fail("the CPU pipeline failed");
  registerBuiltinDialectTranslation(context);
  registerLLVMDialectTranslation(context);
  registerOpenMPDialectTranslation(context);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");

  // Only the attn_* wrappers are the library's interface. The kernels' own
  // symbols (a function may well be called `main`) must neither be exported
  // nor bound to a same-named symbol of the program that loads the library.
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    if (function.getName().starts_with("_mlir_ciface_"))
      function.setVisibility(llvm::GlobalValue::HiddenVisibility);
    else
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  for (llvm::GlobalVariable &global : llvmModule->globals())
    if (!global.isDeclaration())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);

  // Optimise and emit an object for the host.
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return fail(llvm::toString(machineBuilder.takeError()));
  machineBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  machineBuilder->setRelocationModel(llvm::Reloc::PIC_);
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return fail(llvm::toString(machine.takeError()));
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  if (llvm::Error optError = makeOptimizingTransformer(
          /*optLevel=*/3, /*sizeLevel=*/0, machine->get())(llvmModule.get()))
    return fail(llvm::toString(std::move(optError)));

  // Everything goes to a scratch directory first.
  llvm::SmallString<128> scratch;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("attn-compile", scratch))
    return fail("cannot create a scratch directory: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(scratch); });
  auto scratchPath = [&](StringRef name) {
    llvm::SmallString<128> path(scratch);
    llvm::sys::path::append(path, name);
    return std::string(path);
  };

  std::string kernelObject = scratchPath("kernels.o");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(kernelObject, ec, llvm::sys::fs::OF_None);
    if (ec)
      return fail("cannot write '" + kernelObject + "': " + ec.message());
    llvm::legacy::PassManager codegen;
    if ((*machine)->addPassesToEmitFile(codegen, os, nullptr,
                                        llvm::CodeGenFileType::ObjectFile))
      return fail("the host target cannot emit object files");
    codegen.run(*llvmModule);
  }

  // The header and the checked wrappers.
  llvm::SmallString<128> headerPath(outputFile);
  llvm::sys::path::replace_extension(headerPath, ".h");
  std::string headerName = llvm::sys::path::filename(headerPath).str();
  std::string guard = "ATTN_GENERATED_";
  for (char c : llvm::sys::path::stem(outputFile))
    guard += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::toupper(c))
                 : '_';
  guard += "_H";
  std::string scratchHeader = scratchPath(headerName);
  std::string wrapperSource = scratchPath("wrappers.c");
  for (auto [path, text] :
       {std::make_pair(scratchHeader, emitCHeader(guard, entries)),
        std::make_pair(wrapperSource, emitCWrappers(headerName, entries))}) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + path + "': " + ec.message());
    os << text;
  }

  // Compile the wrappers and link with the host C compiler.
  std::string compiler;
  for (StringRef candidate : {"clang-22", "clang", "cc", "gcc"}) {
    if (auto found = llvm::sys::findProgramByName(candidate)) {
      compiler = *found;
      break;
    }
  }
  if (compiler.empty())
    return fail("no C compiler (clang-22, clang, cc or gcc) on PATH");
  std::string wrapperObject = scratchPath("wrappers.o");
  if (failed(runProgram(compiler,
                        {"-c", "-O2", "-fPIC", "-I", scratch, wrapperSource,
                         "-o", wrapperObject},
                        error)))
    return fail(error);
  std::string scratchOutput = scratchPath("output" + extension.str());
  SmallVector<StringRef> linkArgs;
  std::string openMPDir =
      llvm::sys::path::parent_path(ATTN_OPENMP_LIBRARY).str();
  std::string openMPSearch = "-L" + openMPDir,
              openMPRpath = "-Wl,-rpath," + openMPDir;
  if (extension == ".so") {
    linkArgs = {"-shared",    "-o",          scratchOutput,
                kernelObject, wrapperObject, "-lm"};
    if (usesOpenMP)
      linkArgs.append({openMPSearch, "-lomp", openMPRpath});
  } else
    linkArgs = {"-r",          "-nostdlib",  "-o",
                scratchOutput, kernelObject, wrapperObject};
  if (failed(runProgram(compiler, linkArgs, error)))
    return fail(error);

  // Install both or neither.
  if (std::error_code ec = llvm::sys::fs::copy_file(scratchOutput, outputFile))
    return fail("cannot write '" + outputFile + "': " + ec.message());
  if (std::error_code ec =
          llvm::sys::fs::copy_file(scratchHeader, headerPath)) {
    llvm::sys::fs::remove(outputFile);
    return fail("cannot write '" + headerPath + "': " + ec.message());
  }
  return success();
}
