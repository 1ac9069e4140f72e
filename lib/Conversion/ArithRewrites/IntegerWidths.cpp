//===- IntegerWidths.cpp - refuse integers LLVM crashes on ----------------===//
//
// The attn-check-integer-widths pass (Passes.td says why): MLIR's builtin
// types admit i0, and NVPTX has no library calls for integers past 64
// bits; LLVM crashes on either. A diagnostic on the first op that computes
// on one replaces that crash.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKINTEGERWIDTHSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnCheckIntegerWidthsPass
    : attn::impl::AttnCheckIntegerWidthsPassBase<AttnCheckIntegerWidthsPass> {
  using Base::Base;

  void runOnOperation() override {
    uint64_t limit = maxWidth;
    auto refused = [&](Type type) {
      auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
      return integer && (integer.getWidth() == 0 ||
                         (limit > 0 && integer.getWidth() > limit));
    };
    WalkResult result = getOperation()->walk([&](Operation *op) {
      auto types =
          llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes());
      auto found = llvm::find_if(types, refused);
      if (found == types.end())
        return WalkResult::advance();
      InFlightDiagnostic diag = op->emitOpError() << "computes on " << *found;
      if (cast<IntegerType>(getElementTypeOrSelf(*found)).getWidth() == 0)
        diag << ": integers must be at least 1 bit wide to lower to LLVM";
      else
        diag << ": this target takes integers of at most " << limit << " bits";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
