//===- SourceModule.h - load an .mlir file for the attn tools ---*- C++ -*-===//

#ifndef ATTN_SUPPORT_SOURCEMODULE_H
#define ATTN_SUPPORT_SOURCEMODULE_H

#include "mlir/AsmParser/AsmParserState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
namespace func {
class FuncOp;
} // namespace func
namespace attn {

/// A parsed and verified file, with the parser's record of where every
/// value was defined (for argument names).
struct SourceModule {
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<AsmParserState> parserState;

  /// The source names of `func`'s arguments (`%q` gives "q"); positions
  /// ("0", "1", ...) where a name is unknown.
  SmallVector<std::string> getArgumentNames(func::FuncOp func) const;
  /// The public function called `name`, or the only public function when
  /// `name` is empty. `error` says which functions exist otherwise.
  func::FuncOp lookupFunction(StringRef name, std::string &error);
};

/// Prints every diagnostic of `context` on one line of stderr as
/// `file:line:col: error: message` (notes are dropped).
void printDiagnosticsOnOneLine(MLIRContext &context);

/// Parses and verifies `path` into a module (wrapping top-level functions).
/// Diagnostics go through the handler registered on `sourceMgr`'s context;
/// `error` gets a one-line summary.
FailureOr<SourceModule> loadSourceModule(StringRef path,
                                         llvm::SourceMgr &sourceMgr,
                                         MLIRContext &context,
                                         std::string &error);

} // namespace attn
} // namespace mlir

#endif // ATTN_SUPPORT_SOURCEMODULE_H
