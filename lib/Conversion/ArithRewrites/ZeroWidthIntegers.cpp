//===- ZeroWidthIntegers.cpp - refuse i0 before LLVM ----------------------===//
//
// The attn-check-zero-width-integers pass (Passes.td says why): MLIR's
// builtin types admit i0, the LLVM dialect's conversions pass it on, and
// LLVM's own passes then divide by its width. A diagnostic on the first op
// that computes on it replaces that crash.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKZEROWIDTHINTEGERSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
bool isZeroWidth(Type type) {
  auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  return integer && integer.getWidth() == 0;
}

struct AttnCheckZeroWidthIntegersPass
    : attn::impl::AttnCheckZeroWidthIntegersPassBase<
          AttnCheckZeroWidthIntegersPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](Operation *op) {
      auto types =
          llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes());
      auto zero = llvm::find_if(types, isZeroWidth);
      if (zero == types.end())
        return WalkResult::advance();
      op->emitOpError() << "computes on " << *zero
                        << ": integers must be at least 1 bit wide to lower "
                           "to LLVM";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
