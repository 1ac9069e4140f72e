//===- CInterface.h - C header and checked wrappers of a library -*- C++
//-*-===//

#ifndef ATTN_LIB_COMPILER_CINTERFACE_H
#define ATTN_LIB_COMPILER_CINTERFACE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <functional>

#include <string>
#include <vector>

namespace mlir::attn {

/// One buffer of an entry point: an argument or a result.
struct CBuffer {
  std::string name;
  RankedTensorType type;
  bool isResult;
};

/// A size rule that the static shapes leave open (a dynamic size on either
/// side): between buffer `a`'s size `dimA` and buffer `b`'s size `dimB`, or
/// between `a`'s size and a number that the function fixes.
struct CSizeRule {
  enum Kind {
    Equal,      // a == b
    Divides,    // b divides a (query heads by K/V heads), b >= 1
    CeilDiv,    // a == ceil(b / number) (compressed lengths, query blocks)
    EqualOrOne, // a == b or a == 1 (a bias's or layout's broadcast dims)
    Constant,   // a == number (grid cells, k, a window, or a size that a
                // type inside the function fixes); b is unused
    // Against a size that the function fixes and no buffer holds (b is
    // unused):
    CeilDivIs,  // ceil(a / number) == value (a length whose compressed
                // length a type fixes)
    MultipleOf, // number divides a (query heads of constant keys)
    DivisorOf,  // a divides number, a >= 1 (K/V heads of constant queries)
    AtLeastOne, // a >= 1 (a head dim, which the verifiers take from 1; b
                // is unused)
  };
  unsigned a, dimA, b, dimB;
  Kind kind;
  int64_t number = 1;
  int64_t value = 0;
};

/// One compiled function as C sees it.
struct CEntryPoint {
  std::string name;
  /// The MLIR function's symbol, whose _mlir_ciface_ wrapper the C wrapper
  /// calls (the name, unless the compiler renamed it).
  std::string symbol;
  std::vector<CBuffer> buffers; // arguments, then results
  std::vector<CSizeRule> sizeRules;
  /// Whether the lowered module has the function attn-scratch-bytes adds
  /// for `symbol`: the wrapper asks it how large a temporary the call can
  /// make, and returns -1 where that cannot be allocated.
  bool boundsScratch = false;
};

/// The functions to export (`functions`, or every public one) and their C
/// view; `argumentNames` gives C names to arguments (else argN).
LogicalResult collectEntryPoints(
    ModuleOp module, ArrayRef<std::string> functions,
    const std::function<SmallVector<std::string>(func::FuncOp)> &argumentNames,
    SmallVectorImpl<func::FuncOp> &selected, std::vector<CEntryPoint> &entries,
    std::string &error);

/// `int attn_<name>(buffers...[, void *stream])`.
std::string emitCSignature(const CEntryPoint &entry, bool withStream);

/// The public header: descriptor types and one `int attn_<name>(...)` per
/// entry point (0 on success, else the 1-based position of the first buffer
/// whose sizes do not match the static shape).
std::string emitCHeader(StringRef guard, ArrayRef<CEntryPoint> entries,
                        bool gpu = false);

/// C source of the checked wrappers, which call the compiled
/// `_mlir_ciface_<name>` functions.
std::string emitCWrappers(StringRef headerName, ArrayRef<CEntryPoint> entries);

/// C statements that return the 1-based position of the first buffer with
/// a negative size where its type leaves the size open.
void emitOpenSizeSignChecks(llvm::raw_ostream &os, const CEntryPoint &entry);

/// C statements that return the 1-based position of the later buffer of
/// the first size rule of `entry` that its buffers break.
void emitSizeRuleChecks(llvm::raw_ostream &os, const CEntryPoint &entry);

} // namespace mlir::attn

#endif // ATTN_LIB_COMPILER_CINTERFACE_H
