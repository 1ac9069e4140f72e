//===- CheckResources.cpp - the attn-check-resources pass -----------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKRESOURCESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnCheckResourcesPass
    : attn::impl::AttnCheckResourcesPassBase<AttnCheckResourcesPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation()->walk([&](Operation *op) {
      // Every resource among the op's attributes, nested ones included
      // (memref.global's initial value as well as arith.constant's).
      op->getAttrDictionary().walk([&](DenseResourceElementsAttr resource) {
        if (resource.getType().getNumElements() == 0)
          return;
        if (std::optional<std::string> reason =
                attn::whyResourceIsUnreadable(resource)) {
          op->emitOpError("holds a constant that cannot be compiled: ")
              << *reason;
          failed = true;
        }
      });
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
