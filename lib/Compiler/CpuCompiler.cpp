//===- CpuCompiler.cpp - attn programs to a host library ------------------===//

#include "attn/Compiler/CpuCompiler.h"

#include "CInterface.h"
#include "RelocatableObject.h"
#include "Toolchain.h"

#include "attn/Conversion/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Verifier.h"
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

LogicalResult mlir::attn::compileForCpu(ModuleOp module,
                                        const CpuCompileOptions &options,
                                        std::string &error) {
  auto fail = [&](const llvm::Twine &message) {
    error = message.str();
    return failure();
  };
  // (The C API hands over modules that an edit may have left invalid; the
  // compiler's analyses assume a valid one.)
  if (failed(verify(module)))
    return fail("the module does not verify");
  MLIRContext &context = *module.getContext();
  const std::string &outputFile = options.outputPath;
  AttnCpuPipelineOptions pipelineOptions;
  pipelineOptions.flash = options.flash;
  pipelineOptions.threads = options.threads;
  bool usesOpenMP = options.flash && options.threads;
  StringRef extension = llvm::sys::path::extension(outputFile);
  if (extension != ".so" && extension != ".o")
    return fail("output '" + outputFile + "' must end in .so or .o");
  if (failed(checkHeaderName(outputFile, error)))
    return failure();

  // The entry points and their C view.
  SmallVector<func::FuncOp> selected;
  std::vector<CEntryPoint> entries;
  if (failed(collectEntryPoints(module, options.functions,
                                options.argumentNames, selected, entries,
                                error)))
    return failure();
  for (func::FuncOp func : selected)
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
  // A function the module only declares would be whatever symbol of its
  // name the loading process has (the runtime's memcpy, the library's own
  // attn_ entry points): a call to one is refused, as attn-run refuses it,
  // and an unused declaration goes.
  SymbolTable symbols(module);
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
    if (!func.isExternal())
      continue;
    std::optional<SymbolTable::UseRange> uses = func.getSymbolUses(module);
    if (uses && uses->empty()) {
      symbols.erase(func);
      continue;
    }
    Operation *user = uses ? uses->begin()->getUser() : nullptr;
    auto caller = user ? user->getParentOfType<func::FuncOp>() : nullptr;
    return fail("function '" + (caller ? caller.getName() : StringRef("?")) +
                "' calls '" + func.getName() +
                "', which the module does not define");
  }
  // The lowering declares the C runtime's functions (malloc, free, the
  // OpenMP runtime's) in the same module: a function of that name would
  // take the runtime's place. Every defined function moves to a prefix
  // the runtimes do not use; the wrappers call it there.
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
    if (func.isExternal())
      continue;
    std::string name = func.getName().str();
    FailureOr<std::string> symbol = renameAwayFromRuntime(symbols, func);
    if (failed(symbol))
      return fail("cannot rename function '" + name + "'");
    for (CEntryPoint &entry : entries)
      if (entry.symbol == name)
        entry.symbol = *symbol;
  }

  // attn -> LLVM dialect -> LLVM IR.
  PassManager pm(&context);
  buildAttnCpuPipeline(pm, pipelineOptions);
  if (failed(pm.run(module)))
    return fail("the CPU pipeline failed");
  for (CEntryPoint &entry : entries)
    entry.boundsScratch = static_cast<bool>(module.lookupSymbol(
        "_mlir_ciface_" + getScratchBytesFunctionName(entry.symbol)));
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
  ScratchDirectory scratchDir;
  if (failed(scratchDir.create(error)))
    return failure();
  auto scratchPath = [&](StringRef name) { return scratchDir.path(name); };
  std::string scratch = scratchDir.root();

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
  std::string headerPath = headerPathFor(outputFile);
  std::string headerName = llvm::sys::path::filename(headerPath).str();
  std::string scratchHeader = scratchPath(headerName);
  std::string wrapperSource = scratchPath("wrappers.c");
  if (failed(writeFile(scratchHeader,
                       emitCHeader(headerGuardFor(outputFile), entries),
                       error)) ||
      failed(
          writeFile(wrapperSource, emitCWrappers(headerName, entries), error)))
    return failure();

  // Compile the wrappers and link with the host C compiler.
  std::string compiler = findCCompiler();
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
    if (failed(runProgram(compiler, linkArgs, error)))
      return fail(error);
  } else if (failed(linkRelocatableObject(
                 compiler, {kernelObject, wrapperObject},
                 scratchPath("linked.o"), scratchOutput, error))) {
    return fail(error);
  }

  // Install both or neither.
  if (failed(installOutputs(
          {{scratchOutput, outputFile}, {scratchHeader, headerPath}}, error)))
    return failure();
  return success();
}
