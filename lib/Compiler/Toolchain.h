//===- Toolchain.h - external tools and scratch files of compilers -*- C++ -*-//

#ifndef ATTN_LIB_COMPILER_TOOLCHAIN_H
#define ATTN_LIB_COMPILER_TOOLCHAIN_H

#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallString.h"

#include <string>

namespace mlir::attn {

/// Runs `program` with `args`; on failure `error` says which and why.
LogicalResult runProgram(StringRef program, ArrayRef<StringRef> args,
                         std::string &error);

/// The host C compiler (clang-22, clang, cc or gcc on PATH), or empty.
std::string findCCompiler();

/// A scratch directory removed with this object: outputs are made here and
/// installed together at the end, so a failure leaves nothing behind.
class ScratchDirectory {
public:
  LogicalResult create(std::string &error);
  ~ScratchDirectory();
  /// The path of `name` in the directory (with removeScratchOnInterrupt:
  /// removed on an interrupt).
  std::string path(StringRef name);
  const std::string &root() const { return directory; }

private:
  std::string directory;
  SmallVector<std::string> registered;
};

/// Writes `text` to `path`.
LogicalResult writeFile(StringRef path, StringRef text, std::string &error);

/// The header beside `outputPath` (its extension replaced by .h) and an
/// include guard derived from the output's stem.
std::string headerPathFor(StringRef outputPath);
/// Fails (with `error`) if the header's file name cannot stand in a C
/// #include "..." (a quote, a backslash or a newline).
LogicalResult checkHeaderName(StringRef outputPath, std::string &error);
std::string headerGuardFor(StringRef outputPath);

/// Copies scratch files to their destinations, all or none: each is first
/// copied beside its destination, then all are renamed into place.
LogicalResult
installOutputs(ArrayRef<std::pair<StringRef, StringRef>> scratchToDestination,
               std::string &error);

} // namespace mlir::attn

#endif // ATTN_LIB_COMPILER_TOOLCHAIN_H
