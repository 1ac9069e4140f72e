//===- ResourceElements.cpp - the elements of a resource blob -------------===//

#include "attn/Support/ResourceElements.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"

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
  if (!isa<FloatType, IntegerType, IndexType>(element))
    return refuse("resource '" + key + "' has elements of a type the tools " +
                  "do not read");
  ArrayRef<char> data = blob->getData();
  // (DenseElementsAttr packs i1 into bits; the blob holds a byte each.)
  if (element.isInteger(1)) {
    if (static_cast<int64_t>(data.size()) != type.getNumElements())
      return refuse("resource '" + key + "' holds " + Twine(data.size()) +
                    " bytes, not the " + Twine(type.getNumElements()) +
                    " (a byte each) of its type");
    SmallVector<bool> bits(
        llvm::map_range(data, [](char byte) { return byte != 0; }));
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  unsigned bits =
      isa<IndexType>(element) ? 64 : element.getIntOrFloatBitWidth();
  uint64_t expected = static_cast<uint64_t>(type.getNumElements()) * bits / 8;
  if (bits % 8 || data.size() != expected)
    return refuse("resource '" + key + "' holds " + Twine(data.size()) +
                  " bytes, not the " + Twine(expected) + " of its type");
  bool isSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, data, isSplat))
    return refuse("resource '" + key + "' does not hold its type's elements");
  return DenseElementsAttr::getFromRawBuffer(type, data);
}
