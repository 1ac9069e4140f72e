//===- InlineBoolResources.cpp - the attn-inline-bool-resources pass ------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNINLINEBOOLRESOURCESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnInlineBoolResourcesPass
    : attn::impl::AttnInlineBoolResourcesPassBase<AttnInlineBoolResourcesPass> {
  void runOnOperation() override {
    getOperation()->walk([](arith::ConstantOp constant) {
      auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
      if (!resource)
        return;
      // (Whatever its blob holds: nothing is read of it.)
      if (resource.getType().getNumElements() == 0) {
        constant.setValueAttr(
            DenseElementsAttr::get(resource.getType(), ArrayRef<Attribute>()));
        return;
      }
      if (!resource.getElementType().isInteger(1))
        return;
      if (DenseElementsAttr dense = attn::denseElementsOfResource(resource))
        constant.setValueAttr(dense);
    });
  }
};
} // namespace
