//===- SourceModule.cpp - load an .mlir file for the attn tools -----------===//

#include "attn/Support/SourceModule.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

FailureOr<SourceModule> mlir::attn::loadSourceModule(StringRef path,
                                                     llvm::SourceMgr &sourceMgr,
                                                     MLIRContext &context,
                                                     std::string &error) {
  auto file = openInputFile(path, &error);
  if (!file)
    return failure();
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceModule result;
  result.parserState = std::make_unique<AsmParserState>();
  ParserConfig config(&context, /*verifyAfterParse=*/true);
  Block parsed;
  if (failed(parseAsmSourceFile(sourceMgr, &parsed, config,
                                result.parserState.get()))) {
    error = "'" + path.str() + "' does not parse or verify";
    return failure();
  }
  // Constants are compiled into the code (and evaluated by the reference)
  // element by element: a tensor constant of billions of elements, which
  // verifies, would exhaust memory deep inside LLVM.
  // A size that large with another of 0 (no elements) made LLVM's
  // translation build an array type of that many arrays ("SmallVector
  // unable to grow").
  constexpr double kMaxConstantElements = (uint64_t(1) << 31) - 1;
  arith::ConstantOp tooLarge;
  bool tooLargeSize = false;
  for (Operation &op : parsed)
    op.walk([&](arith::ConstantOp constant) {
      auto type = dyn_cast<ShapedType>(constant.getType());
      if (!type || !type.hasStaticShape())
        return WalkResult::advance();
      // (In doubles: the sizes' product may overflow int64_t.)
      double elements = 1;
      bool largeSize = false;
      for (int64_t size : type.getShape()) {
        elements *= static_cast<double>(size);
        largeSize |= size > kMaxConstantElements;
      }
      if (elements <= kMaxConstantElements && !largeSize)
        return WalkResult::advance();
      tooLarge = constant;
      tooLargeSize = elements <= kMaxConstantElements;
      return WalkResult::interrupt();
    });
  if (tooLarge) {
    // (Printed through a stream: a diagnostic would quote the type.)
    std::string type;
    llvm::raw_string_ostream(type) << tooLarge.getType();
    tooLarge.emitError() << "a tensor constant of type " << type
                         << (tooLargeSize ? " has a size of more than 2^31 - 1"
                                          : " has more than 2^31 - 1 elements")
                         << ", more than the attn tools compile";
    error = "'" + path.str() + "' has a tensor constant too large to compile";
    return failure();
  }
  // A file of functions is an implicit module.
  if (parsed.getOperations().size() == 1 &&
      isa<ModuleOp>(parsed.getOperations().front())) {
    result.module = cast<ModuleOp>(parsed.getOperations().front());
    result.module->getOperation()->remove();
  } else {
    result.module = ModuleOp::create(UnknownLoc::get(&context));
    result.module->getBody()->getOperations().splice(
        result.module->getBody()->begin(), parsed.getOperations());
  }
  return result;
}

void mlir::attn::printDiagnosticsOnOneLine(MLIRContext &context) {
  context.getDiagEngine().registerHandler([](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Note)
      return success();
    std::string where;
    if (auto fileLoc = dyn_cast<FileLineColLoc>(diag.getLocation()))
      where = (fileLoc.getFilename().getValue() + ":" +
               llvm::Twine(fileLoc.getLine()) + ":" +
               llvm::Twine(fileLoc.getColumn()) + ": ")
                  .str();
    StringRef severity =
        diag.getSeverity() == DiagnosticSeverity::Error ? "error" : "warning";
    llvm::errs() << where << severity << ": " << diag.str() << "\n";
    return success();
  });
}

SmallVector<std::string>
SourceModule::getArgumentNames(func::FuncOp func) const {
  SmallVector<std::string> names;
  for (unsigned index = 0; index < func.getNumArguments(); ++index)
    names.push_back(std::to_string(index));
  const AsmParserState::BlockDefinition *entry =
      parserState ? parserState->getBlockDef(&func.getBody().front())
                  : nullptr;
  if (!entry)
    return names;
  for (auto [index, def] : llvm::enumerate(entry->arguments)) {
    StringRef text(def.loc.Start.getPointer(),
                   def.loc.End.getPointer() - def.loc.Start.getPointer());
    names[index] = text.ltrim('%').str();
  }
  return names;
}

/// `name` as MLIR prints a symbol's bytes: a NUL as \00.
static std::string printableName(StringRef name) {
  std::string text;
  for (char c : name)
    text += c == '\0' ? std::string("\\00") : std::string(1, c);
  return text;
}

func::FuncOp SourceModule::lookupFunction(StringRef name,
                                          std::string &error) {
  func::FuncOp found;
  SmallVector<std::string> available;
  for (auto candidate : module->getOps<func::FuncOp>()) {
    if (candidate.isExternal() || candidate.isPrivate())
      continue;
    available.push_back(printableName(candidate.getName()));
    if (name.empty() ? !found : candidate.getName() == name)
      found = candidate;
  }
  std::string list = llvm::join(available, ", ");
  if (name.empty() && available.size() > 1) {
    error = "name the function with --function (public functions: " + list +
            ")";
    return {};
  }
  if (!found) {
    error = name.empty() ? "the file defines no public function"
                         : "unknown function '" + name.str() +
                               "' (public functions: " + list + ")";
    return found;
  }
  // A symbol of the compiled code ends at a NUL, so a name holding one
  // would call another function or none.
  if (found.getName().contains('\0')) {
    error = "function '" + printableName(found.getName()) +
            "' has a NUL byte in its name, which the compiled code's "
            "symbols cannot hold";
    return {};
  }
  return found;
}
