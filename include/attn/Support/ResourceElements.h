//===- ResourceElements.h - the elements of a resource blob -----*- C++ -*-===//
//
// torch-mlir and other front ends hold a module's parameters and buffers in
// resource blobs (`dense_resource<key>`). The tools read them as the
// compiled CPU code does: row-major, little-endian, an i1 a byte each, an
// index 8 bytes.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_SUPPORT_RESOURCEELEMENTS_H
#define ATTN_SUPPORT_RESOURCEELEMENTS_H

#include "mlir/IR/BuiltinAttributes.h"

#include <optional>
#include <string>

namespace mlir::attn {

/// The elements of `resource` as dense elements of its type; null, with the
/// reason in `whyNot` if given, where the module does not hold the blob or
/// the blob's size does not fit the type (a single element for a larger
/// type included: the compiled code reads as many as the type holds).
DenseElementsAttr denseElementsOfResource(DenseResourceElementsAttr resource,
                                          std::string *whyNot = nullptr);

/// Why `resource` cannot be read as its type says (the module does not
/// hold its blob, its elements have no byte layout here, or the blob's
/// size does not fit the type), or nothing where it can: the check alone,
/// without copying the blob.
std::optional<std::string>
whyResourceIsUnreadable(DenseResourceElementsAttr resource);

} // namespace mlir::attn

#endif // ATTN_SUPPORT_RESOURCEELEMENTS_H
