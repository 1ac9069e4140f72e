//===- MaskRecognition.h - masks of front-end IR as attn atoms --*- C++ -*-===//
//
// Front ends hand attention masks over as tensors: a boolean [Lq, Lkv]
// built from aranges and comparisons, a constant buffer (GPT-2's `tril`),
// or an additive 0 / -inf bias. When such a tensor does not depend on run
// time data, it is evaluated here and, when it is one, named as the attn
// atoms it equals, so that the compiler sees loop bounds instead of data.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_MASKRECOGNITION_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_MASKRECOGNITION_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <vector>

namespace mlir::attn {

/// A statically known tensor, row-major, every element as a double:
/// integers as their signed value at their width (i1 true is -1), floats
/// as their type rounds them (-inf preserved).
struct KnownTensor {
  SmallVector<int64_t> shape;
  std::vector<double> values;
};

/// Whether `shape` is static with at most `maxElements` elements (its
/// product of sizes computed without overflow).
bool elementCountAtMost(ArrayRef<int64_t> shape, int64_t maxElements);

/// Evaluates `value` when it is computed only from constants (dense, splat,
/// dense_resource), linalg.index, linalg.fill, reshapes and element-wise
/// linalg.generic ops over arith; none if it reads anything else or has
/// more than `maxElements` elements.
std::optional<KnownTensor> evaluateConstantTensor(Value value,
                                                  int64_t maxElements);

/// A scalar that a linalg.generic body computes from linalg.index and
/// constants, evaluated at many loop points. The ops it depends on are
/// ordered once, so that a point costs one pass over them: masks are
/// evaluated at up to 2^24 points.
class IndexExpression {
public:
  /// None if `value` depends on a block argument or on an op with other
  /// than one result.
  static std::optional<IndexExpression> get(Value value);

  /// The value at the loop point `point`; none where an op is one the
  /// evaluator does not know or is undefined there (a division by 0).
  std::optional<double> evaluate(ArrayRef<int64_t> point);

private:
  /// The ops `value` depends on, operands before users; constants that
  /// are operands are read directly.
  SmallVector<Operation *> ops;
  llvm::DenseMap<Value, double> values;
};

/// The attn mask atoms equal to `allowed[i][j]` (queries x keys, aligned to
/// the end as attn's pos(i) = i + Lkv - Lq): none when everything is
/// allowed, [causal], [window<l, r>] (which may imply causal),
/// [chunked<C>] or [causal, chunked<C>]; none of them (std::nullopt) when
/// the pattern is none of these.
std::optional<SmallVector<Attribute>>
recognizeMaskAtoms(MLIRContext *context, int64_t queries, int64_t keys,
                   llvm::function_ref<bool(int64_t, int64_t)> allowed);

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_MASKRECOGNITION_H
