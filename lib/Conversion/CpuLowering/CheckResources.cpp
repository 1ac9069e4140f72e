//===- CheckResources.cpp - the attn-check-resources pass -----------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKRESOURCESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

/// Why the compiled code cannot read `resource` although the tools can:
/// LLVM's translation takes elements of 8, 16, 32 or 64 bits (and i1, which
/// attn-inline-bool-resources writes as a dense constant).
static std::optional<std::string>
whyNotTranslatable(DenseResourceElementsAttr resource) {
  Type element = resource.getType().getElementType();
  if (isa<IndexType>(element))
    return std::nullopt;
  unsigned bits = element.getIntOrFloatBitWidth();
  if (llvm::is_contained({1u, 8u, 16u, 32u, 64u}, bits))
    return std::nullopt;
  return ("resource '" + resource.getRawHandle().getKey() +
          "' has elements of type " + llvm::formatv("{0}", element).str() +
          ", which the compiled code does not read")
      .str();
}

namespace {
struct AttnCheckResourcesPass
    : attn::impl::AttnCheckResourcesPassBase<AttnCheckResourcesPass> {
  void runOnOperation() override {
    bool foundUnreadable = false;
    getOperation()->walk([&](Operation *op) {
      // A constant that nothing reads goes before the translation.
      if (op->getNumResults() > 0 && op->use_empty())
        return;
      // Every resource among the op's attributes, nested ones included
      // (memref.global's initial value as well as arith.constant's).
      op->getAttrDictionary().walk([&](DenseResourceElementsAttr resource) {
        // (A product of sizes may wrap: a zero size decides.)
        if (llvm::is_contained(resource.getType().getShape(), 0))
          return;
        std::optional<std::string> reason =
            attn::whyResourceIsUnreadable(resource);
        if (!reason)
          reason = whyNotTranslatable(resource);
        if (!reason)
          return;
        op->emitOpError("holds a constant that cannot be compiled: ")
            << *reason;
        foundUnreadable = true;
      });
    });
    if (foundUnreadable)
      signalPassFailure();
  }
};
} // namespace
