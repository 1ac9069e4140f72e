//===- PointCodegen.h - code for one (b, h, i, j) of an attention -*- C++ -*-=//
//
// The lowerings of attention build, inside their loops, the modified score
// and the mask of one point from the op's attributes and regions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_POINTCODEGEN_H
#define ATTN_DIALECT_ATTN_IR_POINTCODEGEN_H

#include "attn/Dialect/Attn/IR/AttnAttrs.h"
#include "attn/Dialect/Attn/IR/AttnInterfaces.h"

namespace mlir::attn {

/// Applies `modifiers` in order, then the `scoreMod` region (if non-null and
/// not empty) to the f32 `score`.
Value buildModifiedScore(OpBuilder &builder, Location loc,
                         ArrayRef<Attribute> modifiers, Region *scoreMod,
                         Value score, const AttentionPoint &point);

/// The conjunction of `mask` and the `maskMod` region (if non-null and not
/// empty) as an i1; true when there is neither.
Value buildAllowed(OpBuilder &builder, Location loc, ArrayRef<Attribute> mask,
                   Region *maskMod, const AttentionPoint &point);

/// Clones the single block of `region` (a score_mod or mask_mod hook, a
/// tensor.generate body) at the builder's insertion point with its
/// arguments bound to `args`, and returns the value it yields. Constant-like
/// ops of the enclosing function that it reads are cloned beside it, so
/// that the copy captures nothing (a GPU kernel is isolated from above);
/// other outer values are read as they are.
Value inlineRegionBody(OpBuilder &builder, Region &region, ValueRange args);

/// Whether the predicates of masks over `shape` may see i32 positions: its
/// lengths are static and below 2^30.
bool hasNarrowPositionLengths(MaskShape shape);

/// Whether `predicate` may be built on i32 positions (an AttentionPoint of
/// i32 rows, columns and lengths and nothing else) over `shape`: causal
/// (any stride) and window predicates and their and / or / not, which read
/// no operands, when pos(i) - left, pos(i) + right and (j + 1) stride stay
/// below 2^30. Kernels use it where 64-bit index arithmetic costs twice the
/// instructions (NVPTX).
bool hasNarrowPositions(Attribute predicate, MaskShape shape);

/// The feature map phi of linear attention applied to one f32 element.
Value buildFeatureMap(OpBuilder &builder, Location loc, FeatureMap feature,
                      Value x);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_IR_POINTCODEGEN_H
