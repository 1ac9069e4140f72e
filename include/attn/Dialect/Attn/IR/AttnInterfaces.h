//===- AttnInterfaces.h - attn attribute interfaces -------------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H
#define ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/Value.h"
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

/// How a mask predicate holds on a rectangle of (query row, key) pairs.
enum class TileClass : uint8_t { Empty, Partial, Full };

/// Rows [rowBegin, rowEnd) and keys [keyBegin, keyEnd), both non-empty.
struct TileBounds {
  int64_t rowBegin, rowEnd, keyBegin, keyEnd;
};

/// One (batch, query head, query row, key column) point of an attention, as
/// seen by code that a mask predicate or score modifier generates. Every
/// value is of index type except the tensors, which are null when the op has
/// no such operand. (GPU kernels may give the predicates that read no
/// operands i32 rows, columns and lengths, and nothing else: their
/// arithmetic follows the positions' type.)
struct AttentionPoint {
  Value batch, head, kvHead, row, column;
  Value queryLength, keyLength, numQueryHeads;
  Value qSegments, kvSegments, layout, indices, bias;
};

/// Query rows [first, last] of an attention whose lengths are the index
/// values queryLength and keyLength (MaskAttrInterface::buildKeyInterval).
struct RowSpan {
  Value first, last, queryLength, keyLength;
};

/// Keys as index values: every key a predicate allows to a RowSpan's rows
/// lies in [begin, end); it allows every key of [fullBegin, fullEnd) (empty
/// when fullBegin >= fullEnd) to all of them.
struct KeyInterval {
  Value begin, end, fullBegin, fullEnd;
};

namespace detail {
/// An i1 true constant (the default of buildTileMayHaveKeys).
Value buildTrue(OpBuilder &builder, Location loc);
} // namespace detail

} // namespace mlir::attn

#include "attn/Dialect/Attn/IR/AttnAttrInterfaces.h.inc"

#endif // ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_H
