//===- InlineBoolResources.cpp - the attn-inline-bool-resources pass ------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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
    getOperation()->walk([](Operation *op) {
      if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
        if (Attribute dense = inlined(constant.getValue()))
          constant.setValueAttr(cast<TypedAttr>(dense));
      } else if (auto global = dyn_cast<memref::GlobalOp>(op)) {
        if (std::optional<Attribute> value = global.getInitialValue())
          if (Attribute dense = inlined(*value))
            global.setInitialValueAttr(dense);
      }
    });
  }

  /// The dense elements that replace `value`: an i1 resource's, a rank-0
  /// one's (upstream's lowering of a rank-0 global iterates its value,
  /// which a resource cannot), or the empty elements of a resource without
  /// elements; else null.
  static Attribute inlined(Attribute value) {
    auto resource = dyn_cast<DenseResourceElementsAttr>(value);
    if (!resource || !resource.getType().hasStaticShape())
      return {};
    // (Whatever its blob holds: nothing is read of it.)
    if (llvm::is_contained(resource.getType().getShape(), 0))
      return DenseElementsAttr::get(resource.getType(), ArrayRef<Attribute>());
    if (!resource.getElementType().isInteger(1) &&
        resource.getType().getRank() != 0)
      return {};
    return attn::denseElementsOfResource(resource);
  }
};
} // namespace
