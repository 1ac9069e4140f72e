//===- TilingUtils.h - index arithmetic for the attn ops' tiling -*- C++
//-*-===//
//
// What AttentionTiling.cpp and TokenOpTiling.cpp share: OpFoldResult
// arithmetic that stays an attribute where it can, static sizes as
// tensor.extract_slice sees them, GQA group sizes, and the divisibility
// check that maps a consumer's tile of query heads to K/V heads.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_IR_TILINGUTILS_H
#define ATTN_LIB_DIALECT_ATTN_IR_TILINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::attn::tiling {

/// Index arithmetic on OpFoldResults, folded where both sides are
/// constants.
struct FoldedIndexMath {
  OpBuilder &b;
  Location loc;

  Value value(OpFoldResult ofr);
  OpFoldResult mul(OpFoldResult lhs, OpFoldResult rhs);
  OpFoldResult div(OpFoldResult lhs, OpFoldResult rhs);
  OpFoldResult ceilDiv(OpFoldResult lhs, int64_t rhs);
  /// `index` plus `offset`, as an index value.
  Value add(Value index, OpFoldResult offset);
};

/// A tile size as a type's dim: static only for an attribute, as
/// tensor.extract_slice takes it (a constant value is a dynamic size there).
int64_t staticSize(OpFoldResult size);

/// `sizes` as a value of `type` has them: attributes where the type fixes
/// the dim, values where it leaves it dynamic (a tile or destination built
/// from them then has the type's dynamic dims, even where the operands fix
/// the size).
SmallVector<OpFoldResult> sizesAsTyped(OpBuilder &b, Location loc, Type type,
                                       SmallVector<OpFoldResult> sizes);

/// Query heads per K/V head: dim 1 of `queries` over dim 1 of `keys`.
OpFoldResult groupSize(OpBuilder &b, Location loc, Value queries, Value keys);
/// The same from the types alone (no IR), where both head counts are static.
std::optional<int64_t> staticGroupSize(Value queries, Value keys);

/// Whether `ofr` is provably a multiple of `factor`: a constant, a product
/// with a constant multiple, or an affine.apply whose expression is one (the
/// offsets that tiling loops compute: iv * tile size).
bool isMultipleOf(OpFoldResult ofr, int64_t factor);

} // namespace mlir::attn::tiling

#endif // ATTN_LIB_DIALECT_ATTN_IR_TILINGUTILS_H
