//===- CheckResources.cpp - the attn-check-resources pass -----------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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
/// LLVM's translation takes elements of 8, 16, 32 or 64 bits (and i1 where
/// attn-inline-bool-resources writes them as dense elements: `inlined`).
static std::optional<std::string>
whyNotTranslatable(DenseResourceElementsAttr resource, bool inlined) {
  Type element = resource.getType().getElementType();
  if (isa<IndexType>(element))
    return std::nullopt;
  unsigned bits = element.getIntOrFloatBitWidth();
  if (llvm::is_contained({8u, 16u, 32u, 64u}, bits) || (bits == 1 && inlined))
    return std::nullopt;
  return ("resource '" + resource.getRawHandle().getKey() +
          "' has elements of type " + llvm::formatv("{0}", element).str() +
          ", which the compiled code does not read")
      .str();
}

/// The resource that `op` holds as its value, where it is one of the ops
/// whose values the translation reads; null otherwise.
static DenseResourceElementsAttr heldResource(Operation *op) {
  Attribute value;
  if (auto constant = dyn_cast<arith::ConstantOp>(op))
    value = constant.getValue();
  else if (auto global = dyn_cast<memref::GlobalOp>(op))
    value = global.getInitialValue().value_or(Attribute());
  else if (auto global = dyn_cast<LLVM::GlobalOp>(op))
    value = global.getValueOrNull();
  else if (auto constant = dyn_cast<LLVM::ConstantOp>(op))
    value = constant.getValue();
  return dyn_cast_or_null<DenseResourceElementsAttr>(value);
}

/// Why the compiled code cannot read `resource`, held by an op whose
/// resources attn-inline-bool-resources writes as dense elements where
/// `inlined` (i1 elements, no elements, rank 0); nothing where it can.
static std::optional<std::string>
whyNotCompilable(DenseResourceElementsAttr resource, bool inlined) {
  ShapedType type = resource.getType();
  if (type.hasStaticShape() && llvm::is_contained(type.getShape(), 0)) {
    if (inlined)
      return std::nullopt;
    return ("resource '" + resource.getRawHandle().getKey() +
            "' has no elements, which the translation reads only as an "
            "arith.constant's or a memref.global's")
        .str();
  }
  if (std::optional<std::string> reason =
          attn::whyResourceIsUnreadable(resource))
    return reason;
  return whyNotTranslatable(resource, inlined);
}

namespace {
struct AttnCheckResourcesPass
    : attn::impl::AttnCheckResourcesPassBase<AttnCheckResourcesPass> {
  void runOnOperation() override {
    bool foundUnreadable = false;
    getOperation()->walk([&](Operation *op) {
      DenseResourceElementsAttr resource = heldResource(op);
      // A constant that nothing reads goes before the translation.
      if (!resource || (op->getNumResults() > 0 && op->use_empty()))
        return;
      std::optional<std::string> reason = whyNotCompilable(
          resource, isa<arith::ConstantOp, memref::GlobalOp>(op));
      if (!reason)
        return;
      op->emitOpError("holds a constant that cannot be compiled: ") << *reason;
      foundUnreadable = true;
    });
    if (foundUnreadable)
      signalPassFailure();
  }
};
} // namespace
