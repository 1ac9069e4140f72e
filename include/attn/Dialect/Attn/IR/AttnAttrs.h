//===- AttnAttrs.h - attn attributes and enums ------------------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNATTRS_H
#define ATTN_DIALECT_ATTN_IR_ATTNATTRS_H

#include "attn/Dialect/Attn/IR/AttnInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "attn/Dialect/Attn/IR/AttnEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "attn/Dialect/Attn/IR/AttnAttrs.h.inc"

namespace mlir::attn {

/// The most key splits a #attn.tiling takes: the split-KV lowering keeps a
/// partial output per split and combines them in an unrolled loop.
constexpr int64_t kMaxKvSplits = 1024;

/// Simplifies a conjunction of mask predicates for `shape`: nested `and`s are
/// flattened, every predicate is simplified, those that always hold and
/// duplicates are dropped, and a window that `causal` bounds loses its
/// right-hand side. Returns std::nullopt when the conjunction never holds.
std::optional<SmallVector<Attribute>>
simplifyConjunction(ArrayRef<Attribute> predicates, const MaskShape &shape);

/// Whether `cap` can be a `#attn.softcap`: a positive normal f32, so that
/// the lowerings' f32 cap and its reciprocal are both finite and nonzero.
bool isUsableSoftcap(const llvm::APFloat &cap);

/// Returns the ALiBi slope of query head `head` out of `numHeads`:
/// 2^(-8 (head + 1) / numHeads).
double getDefaultAlibiSlope(int64_t head, int64_t numHeads);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_IR_ATTNATTRS_H
