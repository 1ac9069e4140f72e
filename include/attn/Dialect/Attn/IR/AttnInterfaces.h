//===- AttnInterfaces.h - attn attribute interfaces -------------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H
#define ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace mlir::attn {

/// The sequence lengths a mask predicate is evaluated against. Either may be
/// ShapedType::kDynamic.
struct MaskShape {
  int64_t queryLength = ShapedType::kDynamic;
  int64_t keyLength = ShapedType::kDynamic;

  bool isStatic() const {
    return !ShapedType::isDynamic(queryLength) &&
           !ShapedType::isDynamic(keyLength);
  }
  /// The offset of bottom-right alignment, pos(i) = i + offset, for keys
  /// that each cover `stride` tokens.
  std::optional<int64_t> getAlignmentOffset(int64_t stride = 1) const {
    if (!isStatic())
      return std::nullopt;
    return stride * keyLength - queryLength;
  }
};

} // namespace mlir::attn

#include "attn/Dialect/Attn/IR/AttnAttrInterfaces.h.inc"

#endif // ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H
