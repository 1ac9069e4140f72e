//===- InlineDynamicResults.cpp - the attn-inline-dynamic-results pass ----===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNINLINEDYNAMICRESULTSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

/// Whether `func` returns a tensor whose shape is not static.
static bool returnsDynamicTensor(func::FuncOp func) {
  return llvm::any_of(func.getResultTypes(), [](Type type) {
    auto tensor = dyn_cast<TensorType>(type);
    return tensor && !tensor.hasStaticShape();
  });
}

/// The defined function a call reaches, if any.
static func::FuncOp definedCallee(func::CallOp call, SymbolTable &symbols) {
  auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
  return callee && !callee.isExternal() ? callee : func::FuncOp();
}

/// Whether `func` reaches itself through calls to defined functions.
static bool isRecursive(func::FuncOp func, SymbolTable &symbols) {
  llvm::SetVector<Operation *> reached;
  SmallVector<func::FuncOp> worklist{func};
  while (!worklist.empty()) {
    func::FuncOp caller = worklist.pop_back_val();
    WalkResult result = caller.walk([&](func::CallOp call) {
      func::FuncOp callee = definedCallee(call, symbols);
      if (!callee)
        return WalkResult::advance();
      if (callee == func)
        return WalkResult::interrupt();
      if (reached.insert(callee))
        worklist.push_back(callee);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return true;
  }
  return false;
}

namespace {
struct AttnInlineDynamicResultsPass
    : attn::impl::AttnInlineDynamicResultsPassBase<
          AttnInlineDynamicResultsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // Each callee is checked once: inlining a callee that is not recursive
    // brings in only calls to others, so the loop below ends.
    DenseMap<Operation *, bool> inlinable;
    auto check = [&](func::FuncOp callee, func::CallOp call) -> bool {
      auto [it, inserted] = inlinable.try_emplace(callee, true);
      if (inserted && isRecursive(callee, symbols)) {
        it->second = false;
        call.emitOpError() << "calls '" << callee.getName()
                           << "', which returns a tensor of dynamic shape and "
                              "is recursive: its results cannot become buffers "
                              "the caller allocates (give them static shapes)";
      }
      return it->second;
    };
    InlinerInterface interface(&getContext());
    auto cloneBody = [](OpBuilder &builder, Region *src, Block *inlineBlock,
                        Block *postInsertBlock, IRMapping &mapper,
                        bool shouldCloneInlinedRegion) {
      src->cloneInto(postInsertBlock->getParent(),
                     postInsertBlock->getIterator(), mapper);
    };
    llvm::SetVector<Operation *> inlinedCallees;
    while (true) {
      SmallVector<std::pair<func::CallOp, func::FuncOp>> calls;
      module.walk([&](func::CallOp call) {
        func::FuncOp callee = definedCallee(call, symbols);
        if (callee && returnsDynamicTensor(callee))
          calls.push_back({call, callee});
      });
      if (calls.empty())
        break;
      for (auto [call, callee] : calls) {
        if (!check(callee, call))
          return signalPassFailure();
        if (failed(inlineCall(interface, cloneBody, call, callee,
                              &callee.getBody()))) {
          call.emitOpError() << "cannot inline '" << callee.getName()
                             << "', which returns a tensor of dynamic shape "
                                "(its results cannot become buffers the caller "
                                "allocates)";
          return signalPassFailure();
        }
        call.erase();
        inlinedCallees.insert(callee);
      }
    }
    // A private function whose calls were all inlined is not compiled: its
    // own dynamic results would fail bufferization's out-parameters.
    for (Operation *op : inlinedCallees) {
      auto callee = cast<func::FuncOp>(op);
      if (callee.isPrivate() &&
          SymbolTable::symbolKnownUseEmpty(callee, module))
        callee.erase();
    }
  }
};
} // namespace
