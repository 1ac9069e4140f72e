//===- NestedFunctions.cpp - the attn-check-nested-functions pass ---------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKNESTEDFUNCTIONSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnCheckNestedFunctionsPass
    : attn::impl::AttnCheckNestedFunctionsPassBase<
          AttnCheckNestedFunctionsPass> {
  void runOnOperation() override {
    ModuleOp root = getOperation();
    WalkResult result = root.walk([&](func::FuncOp func) {
      auto parent = func->getParentOfType<ModuleOp>();
      if (parent == root || func.isExternal())
        return WalkResult::advance();
      func.emitError() << "function '" << func.getName()
                       << "' is in a nested module, which the pipeline would "
                          "leave unlowered: run the pipeline on that module";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
