//===- CInterface.h - C header and checked wrappers of a library -*- C++ -*-===//

#ifndef ATTN_LIB_COMPILER_CINTERFACE_H
#define ATTN_LIB_COMPILER_CINTERFACE_H

#include "mlir/IR/BuiltinTypes.h"

#include <string>
#include <vector>

namespace mlir::attn {

/// One buffer of an entry point: an argument or a result.
struct CBuffer {
  std::string name;
  RankedTensorType type;
  bool isResult;
};

/// One compiled function as C sees it.
struct CEntryPoint {
  std::string name;
  std::vector<CBuffer> buffers; // arguments, then results
};

/// The public header: descriptor types and one `int attn_<name>(...)` per
/// entry point (0 on success, else the 1-based position of the first buffer
/// whose sizes do not match the static shape).
std::string emitCHeader(StringRef guard, ArrayRef<CEntryPoint> entries);

/// C source of the checked wrappers, which call the compiled
/// `_mlir_ciface_<name>` functions.
std::string emitCWrappers(StringRef headerName, ArrayRef<CEntryPoint> entries);

} // namespace mlir::attn

#endif // ATTN_LIB_COMPILER_CINTERFACE_H
