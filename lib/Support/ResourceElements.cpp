//===- ResourceElements.cpp - the elements of a resource blob -------------===//

#include "attn/Support/ResourceElements.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <optional>

using namespace mlir;

/// Why `resource` cannot be read, or nothing where it can; its blob's bytes
/// and bits an element when it can.
static std::optional<std::string> unreadable(DenseResourceElementsAttr resource,
                                             ArrayRef<char> &data,
                                             unsigned &bits) {
  StringRef key = resource.getRawHandle().getKey();
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return ("the module does not hold resource '" + key + "'").str();
  ShapedType type = resource.getType();
  if (!type.hasStaticShape())
    return ("resource '" + key + "' has the dynamic type " +
            llvm::formatv("{0}", type).str())
        .str();
  Type element = type.getElementType();
  // Bytes an element: i1 one, index 8, others whole bytes of their width
  // (tf32 or i4 elements have no byte layout here).
  bits = isa<IndexType>(element) ? 64
         : isa<FloatType, IntegerType>(element)
             ? element.getIntOrFloatBitWidth()
             : 0;
  if (bits == 0 || (bits != 1 && bits % 8 != 0))
    return ("resource '" + key + "' has elements of type " +
            llvm::formatv("{0}", element).str() +
            ", which the tools do not read")
        .str();
  // The type's bytes, refused past 2^64 (a product that wraps could match
  // a short blob); no element, no byte.
  uint64_t expected = 0;
  if (!llvm::is_contained(type.getShape(), 0)) {
    expected = std::max(bits / 8, 1u);
    for (int64_t size : type.getShape()) {
      bool overflowed = false;
      expected = llvm::SaturatingMultiply(expected, static_cast<uint64_t>(size),
                                          &overflowed);
      if (overflowed)
        return ("resource '" + key + "' has a type of 2^64 bytes or more")
            .str();
    }
  }
  data = blob->getData();
  if (data.size() != expected)
    return ("resource '" + key + "' holds " + Twine(data.size()) +
            " bytes, not the " + Twine(expected) + " of its type")
        .str();
  return std::nullopt;
}

std::optional<std::string>
mlir::attn::whyResourceIsUnreadable(DenseResourceElementsAttr resource) {
  ArrayRef<char> data;
  unsigned bits = 0;
  return unreadable(resource, data, bits);
}

DenseElementsAttr
mlir::attn::denseElementsOfResource(DenseResourceElementsAttr resource,
                                    std::string *whyNot) {
  ArrayRef<char> data;
  unsigned bits = 0;
  if (std::optional<std::string> reason = unreadable(resource, data, bits)) {
    if (whyNot)
      *whyNot = *reason;
    return DenseElementsAttr();
  }
  ShapedType type = resource.getType();
  // (DenseElementsAttr packs i1 into bits.)
  if (bits == 1) {
    SmallVector<bool> values(
        llvm::map_range(data, [](char byte) { return byte != 0; }));
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  return DenseElementsAttr::getFromRawBuffer(type, data);
}
