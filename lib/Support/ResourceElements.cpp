//===- ResourceElements.cpp - the elements of a resource blob -------------===//

#include "attn/Support/ResourceElements.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;

DenseElementsAttr
mlir::attn::denseElementsOfResource(DenseResourceElementsAttr resource,
                                    std::string *whyNot) {
  auto refuse = [&](const Twine &reason) {
    if (whyNot)
      *whyNot = reason.str();
    return DenseElementsAttr();
  };
  StringRef key = resource.getRawHandle().getKey();
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return refuse("the module does not hold resource '" + key + "'");
  ShapedType type = resource.getType();
  Type element = type.getElementType();
  // Bytes an element: i1 one, index 8, others whole bytes of their width
  // (tf32 or i4 elements have no byte layout here).
  unsigned bits = isa<IndexType>(element) ? 64
                  : isa<FloatType, IntegerType>(element)
                      ? element.getIntOrFloatBitWidth()
                      : 0;
  if (bits == 0 || (bits != 1 && bits % 8 != 0))
    return refuse("resource '" + key + "' has elements of type " +
                  llvm::formatv("{0}", element).str() +
                  ", which the tools do not read");
  uint64_t expected =
      static_cast<uint64_t>(type.getNumElements()) * std::max(bits / 8, 1u);
  ArrayRef<char> data = blob->getData();
  if (data.size() != expected)
    return refuse("resource '" + key + "' holds " + Twine(data.size()) +
                  " bytes, not the " + Twine(expected) + " of its type");
  // (DenseElementsAttr packs i1 into bits.)
  if (bits == 1) {
    SmallVector<bool> values(
        llvm::map_range(data, [](char byte) { return byte != 0; }));
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  return DenseElementsAttr::getFromRawBuffer(type, data);
}
