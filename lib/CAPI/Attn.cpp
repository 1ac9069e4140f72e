//===- Attn.cpp - the C API of attn ---------------------------------------===//

#include "attn-c/Attn.h"

#include "attn/Compiler/CpuCompiler.h"
#include "attn/Compiler/GpuCompiler.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <mutex>

using namespace mlir;
using namespace mlir::attn;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Attn, attn, AttnDialect)

namespace {
/// Hands every diagnostic emitted on `context` while it lives to a C
/// callback, one line each, instead of letting it reach stderr.
class ForwardDiagnostics {
public:
  ForwardDiagnostics(MLIRContext *context, MlirStringCallback callback,
                     void *userData)
      : callback(callback), userData(userData),
        handler(context, [this](Diagnostic &diagnostic) {
          std::string text;
          llvm::raw_string_ostream os(text);
          os << diagnostic.getLocation() << ": "
             << severityName(diagnostic.getSeverity()) << ": " << diagnostic;
          for (Diagnostic &note : diagnostic.getNotes()) {
            // The dump of the failing operation spans lines; the location
            // already points at it.
            std::string noteText = note.str();
            if (StringRef(noteText).starts_with("see current operation"))
              continue;
            os << "; " << note.getLocation() << ": note: " << noteText;
          }
          // One line per diagnostic, whatever the message contains.
          std::replace(text.begin(), text.end(), '\n', ' ');
          report(text);
          return success();
        }) {}

  /// Reports a message that is not a diagnostic (e.g. a pipeline that does
  /// not parse).
  void report(StringRef text) {
    if (callback)
      callback(wrap(text), userData);
  }

private:
  static StringRef severityName(DiagnosticSeverity severity) {
    switch (severity) {
    case DiagnosticSeverity::Error:
      return "error";
    case DiagnosticSeverity::Warning:
      return "warning";
    case DiagnosticSeverity::Remark:
      return "remark";
    case DiagnosticSeverity::Note:
      return "note";
    }
    llvm_unreachable("unknown severity");
  }

  MlirStringCallback callback;
  void *userData;
  ScopedDiagnosticHandler handler;
};
/// Hands `text` to the caller's callback where no context is at hand (a
/// null module or context).
void reportWithoutContext(MlirStringCallback callback, void *userData,
                          StringRef text) {
  if (callback)
    callback(wrap(text), userData);
}

/// A string that C callers pass as (NULL, 0) for "empty": MLIR's parsers
/// take no null buffer.
StringRef unwrapString(MlirStringRef string) {
  return string.data ? unwrap(string) : StringRef("");
}
} // namespace

void attnRegisterDialects(MlirDialectRegistry registry) {
  DialectRegistry &unwrapped = *unwrap(registry);
  registerAttnCpuPipelineDependencies(unwrapped);
  registerAttnGpuPipelineDependencies(unwrapped);
  registerBuiltinDialectTranslation(unwrapped);
  registerLLVMDialectTranslation(unwrapped);
  registerOpenMPDialectTranslation(unwrapped);
}

void attnRegisterPasses(void) {
  // Pass registration is global; doing it twice would assert.
  static std::once_flag once;
  std::call_once(once, [] {
    registerAttnConversionPasses();
    registerAttnTransformsPasses();
    registerAttnPipelines();
    registerCanonicalizerPass();
    registerCSEPass();
    registerSymbolDCEPass();
  });
}

MlirContext attnContextCreate(void) {
  DialectRegistry registry;
  attnRegisterDialects(wrap(&registry));
  auto *context = new MLIRContext(registry);
  context->loadAllAvailableDialects();
  return wrap(context);
}

MlirModule attnParseModule(MlirContext context, MlirStringRef source,
                           MlirStringCallback onDiagnostic, void *userData) {
  if (mlirContextIsNull(context)) {
    reportWithoutContext(onDiagnostic, userData,
                         "error: attnParseModule was given a null context");
    return MlirModule{nullptr};
  }
  ForwardDiagnostics diagnostics(unwrap(context), onDiagnostic, userData);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(unwrapString(source), unwrap(context));
  if (!module)
    return MlirModule{nullptr};
  return wrap(module.release());
}

MlirLogicalResult attnRunPassPipeline(MlirModule module, MlirStringRef pipeline,
                                      MlirStringCallback onDiagnostic,
                                      void *userData) {
  if (mlirModuleIsNull(module)) {
    reportWithoutContext(onDiagnostic, userData,
                         "error: attnRunPassPipeline was given a null module "
                         "(did attnParseModule fail?)");
    return mlirLogicalResultFailure();
  }
  ModuleOp moduleOp = unwrap(module);
  MLIRContext *context = moduleOp.getContext();
  ForwardDiagnostics diagnostics(context, onDiagnostic, userData);
  std::string parseErrors;
  llvm::raw_string_ostream errorStream(parseErrors);
  FailureOr<OpPassManager> passes =
      parsePassPipeline(unwrapString(pipeline), errorStream);
  if (failed(passes)) {
    // (The parser's errors may take several lines; a diagnostic takes one.)
    SmallVector<StringRef> lines;
    StringRef(parseErrors)
        .split(lines, '\n', /*MaxSplit=*/-1,
               /*KeepEmpty=*/false);
    std::string reasons;
    for (StringRef line : lines)
      if (!line.trim().empty())
        reasons += (reasons.empty() ? "" : "; ") + line.trim().str();
    diagnostics.report("error: invalid pass pipeline '" +
                       unwrapString(pipeline).str() + "': " + reasons);
    return mlirLogicalResultFailure();
  }
  if (passes->getOpAnchorName() != ModuleOp::getOperationName()) {
    diagnostics.report("error: the pass pipeline must be anchored on "
                       "builtin.module, not '" +
                       passes->getOpAnchorName().str() + "'");
    return mlirLogicalResultFailure();
  }
  PassManager manager(context);
  static_cast<OpPassManager &>(manager) = *passes;
  return wrap(manager.run(moduleOp));
}

/// Runs `compile` on the module, reporting its one-line error as a
/// diagnostic through the caller's callback.
static MlirLogicalResult
compileReporting(MlirModule module, MlirStringCallback onDiagnostic,
                 void *userData,
                 function_ref<LogicalResult(ModuleOp, std::string &)> compile) {
  if (mlirModuleIsNull(module)) {
    reportWithoutContext(onDiagnostic, userData,
                         "error: the compiler was given a null module (did "
                         "attnParseModule fail?)");
    return mlirLogicalResultFailure();
  }
  ModuleOp moduleOp = unwrap(module);
  ForwardDiagnostics diagnostics(moduleOp.getContext(), onDiagnostic, userData);
  std::string error;
  if (failed(compile(moduleOp, error))) {
    diagnostics.report("error: " + error);
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult attnCompileForCpu(MlirModule module, MlirStringRef outputPath,
                                    bool flash, bool threads,
                                    MlirStringCallback onDiagnostic,
                                    void *userData) {
  CpuCompileOptions options;
  options.outputPath = unwrapString(outputPath).str();
  options.flash = flash;
  options.threads = threads;
  return compileReporting(module, onDiagnostic, userData,
                          [&](ModuleOp moduleOp, std::string &error) {
                            return compileForCpu(moduleOp, options, error);
                          });
}

MlirLogicalResult attnCompileForGpu(MlirModule module, MlirStringRef outputPath,
                                    MlirStringRef chip,
                                    MlirStringCallback onDiagnostic,
                                    void *userData) {
  return attnCompileForGpuWithOptions(module, outputPath, chip,
                                      mlirStringRefCreate(nullptr, 0),
                                      onDiagnostic, userData);
}

MlirLogicalResult
attnCompileForGpuWithOptions(MlirModule module, MlirStringRef outputPath,
                             MlirStringRef chip, MlirStringRef kernelOptions,
                             MlirStringCallback onDiagnostic, void *userData) {
  GpuCompileOptions options;
  options.outputPath = unwrapString(outputPath).str();
  options.chip = unwrapString(chip).str();
  return compileReporting(
      module, onDiagnostic, userData,
      [&](ModuleOp moduleOp, std::string &error) {
        if (failed(parseGpuKernelOptions(unwrapString(kernelOptions), options,
                                         error)))
          return failure();
        return compileForGpu(moduleOp, options, error);
      });
}
