//===- ShapeChecks.h - verifier helpers for attn ops ------------*- C++ -*-===//
//
// Every attn verifier reports a shape problem the same way: the operand's
// name, the shape it has, and the shape it was expected to have, with `?`
// for a dimension that is not constrained and `1|B` for one that broadcasts.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_IR_SHAPECHECKS_H
#define ATTN_LIB_DIALECT_ATTN_IR_SHAPECHECKS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"

namespace mlir::attn::detail {

/// One expected dimension: a size (ShapedType::kDynamic when unconstrained
/// or unknown), which may additionally be 1 when `broadcastable`.
struct DimSpec {
  int64_t size = ShapedType::kDynamic;
  bool broadcastable = false;

  /* implicit */ DimSpec(int64_t size) : size(size) {}
  DimSpec(int64_t size, bool broadcastable)
      : size(size), broadcastable(broadcastable) {}
  static DimSpec any() { return DimSpec(ShapedType::kDynamic); }
  static DimSpec orOne(int64_t size) { return DimSpec(size, true); }

  bool accepts(int64_t actual) const {
    if (ShapedType::isDynamic(actual) || ShapedType::isDynamic(size))
      return true;
    return actual == size || (broadcastable && actual == 1);
  }
};

/// Prints a shape as `[2, ?, 64]`.
std::string formatShape(ArrayRef<int64_t> shape);

/// Checks that `value`'s type is a ranked tensor whose shape matches
/// `expected`; emits "'<name>' has shape [...], expected [...]" otherwise.
LogicalResult verifyShape(Operation *op, StringRef name, Type type,
                          ArrayRef<DimSpec> expected);

/// Checks that `type` has rank `rank` (any sizes).
LogicalResult verifyRank(Operation *op, StringRef name, Type type,
                         int64_t rank);

/// Checks that the element type of `type` is f32, f16 or bf16.
LogicalResult verifyFloatElementType(Operation *op, StringRef name, Type type);

/// Checks that the element type of `type` is `expected`; `what` says where
/// the expectation comes from (e.g. "that of 'query'").
LogicalResult verifyElementType(Operation *op, StringRef name, Type type,
                                Type expected, StringRef what);

/// An op's size parameter (a stride, a block size) must be in [1, 2^31):
/// lowerings multiply it with positions in 64-bit integers.
LogicalResult verifyPositiveParameter(Operation *op, StringRef name,
                                      int64_t value);

/// Whether tensor.cast relates `a` and `b`: ranked tensors of one element
/// type and rank whose sizes agree where both are static.
bool areCastCompatible(Type a, Type b);

/// `a` with each size that `b` fixes and `a` leaves open (two cast
/// compatible types: the more static of the pair).
Type joinStaticSizes(Type a, Type b);

/// Checks that `type` is cast compatible with `expected` (`what` says where
/// that comes from, e.g. "that of 'input'"): "'<name>' has type T,
/// expected one compatible with E (<what>: ...)" otherwise.
LogicalResult verifyCastCompatible(Operation *op, StringRef name, Type type,
                                   Type expected, StringRef what);

/// A scale, if given, must be finite (a NaN or infinite scale makes every
/// score NaN or infinite).
LogicalResult verifyScale(Operation *op, std::optional<APFloat> scale);

/// Head dims (dimension 3) of the `named` types must not be 0 where static.
LogicalResult
verifyNonEmptyHeadDims(Operation *op,
                       ArrayRef<std::pair<StringRef, Type>> named);

/// Checks that `numQueryHeads` is a multiple of `numKvHeads` (GQA/MQA), and
/// that neither is 0.
LogicalResult verifyGroupedHeads(Operation *op, StringRef queryName,
                                 int64_t numQueryHeads, StringRef kvName,
                                 int64_t numKvHeads);

/// ceil(a / b) that keeps dynamic sizes dynamic.
int64_t ceilDivDim(int64_t a, int64_t b);

/// Size of dimension `dim` of a ranked tensor type, kDynamic if the type is
/// not ranked or has no such dimension.
int64_t dimOf(Type type, unsigned dim);

} // namespace mlir::attn::detail

#endif // ATTN_LIB_DIALECT_ATTN_IR_SHAPECHECKS_H
