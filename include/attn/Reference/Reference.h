//===- Reference.h - the double-precision reference of attn -----*- C++ -*-===//
//
// An interpreter that evaluates a function of attn ops (and the tensor,
// arith and math ops programs build around them) directly from the formulas
// of docs/Semantics.md, in double precision. It shares no code with the MLIR
// lowerings, so it can serve as their oracle.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_REFERENCE_REFERENCE_H
#define ATTN_REFERENCE_REFERENCE_H

#include "attn/Support/HostArray.h"

#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlir {
namespace func {
class FuncOp;
} // namespace func
namespace attn {

/// A tensor of doubles, row-major, with the element type it stands for.
struct RefTensor {
  SmallVector<int64_t> shape;
  std::vector<double> data;
  ElementKind kind = ElementKind::F32;

  RefTensor() = default;
  RefTensor(ElementKind kind, ArrayRef<int64_t> shape);
  int64_t getNumElements() const { return data.size(); }
  /// Row-major offset of `indices`.
  int64_t offset(ArrayRef<int64_t> indices) const;
  double at(ArrayRef<int64_t> indices) const { return data[offset(indices)]; }

  static RefTensor fromHost(const HostArray &array);
};

/// A chosen and an unchosen entry of a row of an attn.topk (the op's
/// evaluations numbered in order) close enough that another correct
/// rounding of the scores may choose either (findTopkNearTies).
struct TopkNearTie {
  int64_t evaluation = 0;
  int64_t row = 0;
  /// The entries: the chosen and the unchosen one (indices in the row),
  /// and their gap over the tolerance that made them a near-tie.
  int64_t chosen = 0, unchosen = 0;
  double closeness = 0;
  bool isAt(int64_t otherEvaluation, int64_t otherRow) const {
    return evaluation == otherEvaluation && row == otherRow;
  }
  /// Whether both can be taken the other way in one evaluation: not where
  /// they are at one row and share an entry (one chosen entry given up for
  /// two, or two given up for one).
  bool conflictsWith(const TopkNearTie &other) const {
    return isAt(other.evaluation, other.row) &&
           (chosen == other.chosen || unchosen == other.unchosen);
  }
  bool isSamePair(const TopkNearTie &other) const {
    return isAt(other.evaluation, other.row) && chosen == other.chosen &&
           unchosen == other.unchosen;
  }
};

struct ReferenceOptions {
  /// Evaluate as a naive implementation in the program's own precision
  /// would: inputs, scores, probabilities and every op's output rounded to
  /// the op's element type, products accumulated in f32. Off: exact
  /// double-precision evaluation.
  bool emulateElementPrecision = false;
  /// Only the results' shapes (and the ops' checks of their operands'):
  /// attention, block scores and linear attention leave their results
  /// zero instead of computing them (attn-run's timed runs of dynamic
  /// shapes, whose result sizes the reference gives).
  bool shapesOnly = false;
  /// Fail where an i64 tensor value may not be exact: a constant past 2^53,
  /// a computed value of 2^53 or more (tensors hold doubles). Set where the
  /// values are compared with a result (attn-run --check).
  bool exactIntegers = false;
  /// Keep each attn.topk evaluation's scores and choices
  /// (ReferenceResult::topks).
  bool recordTopks = false;
  /// Near-ties to resolve the other way: the row takes the tie's unchosen
  /// entry instead of its chosen one (where it chose that one).
  SmallVector<TopkNearTie> topkSwaps;
  /// Choices to take instead of selecting: attn.topk evaluation i returns
  /// entry i where the shapes agree (another evaluation's choices, so that
  /// an evaluation in the program's precisions measures rounding alone
  /// rather than choosing otherwise at a near-tie).
  ArrayRef<RefTensor> topkChoices;
};

struct ReferenceResult {
  SmallVector<RefTensor> results;
  /// Floating-point operations of the computation, counting only allowed
  /// (query, key) pairs for attention.
  double flops = 0;
  /// Each attn.topk evaluation's k, scores and choices, in order (with
  /// ReferenceOptions::recordTopks).
  struct Topk {
    int64_t k = 0;
    RefTensor scores;
    RefTensor choices;
  };
  SmallVector<Topk> topks;
};

/// The pairs of a chosen and an unchosen entry of the `exact` evaluation's
/// top-k selections whose scores are within `relativeTolerance` of their
/// magnitude, or, given the `naive` evaluation's (in the program's
/// precisions, following the exact choices), within twice the largest
/// difference between its scores and the exact ones for that selection:
/// a computation rounding as correctly as the naive one may choose either
/// entry. (Three entries within that of each other give two pairs.) Pairs
/// in `tried` are left out. Closest first (gap over tolerance).
SmallVector<TopkNearTie> findTopkNearTies(ArrayRef<ReferenceResult::Topk> exact,
                                          ArrayRef<ReferenceResult::Topk> naive,
                                          double relativeTolerance,
                                          ArrayRef<TopkNearTie> tried = {});

/// Evaluates `func` on `args`. On failure `error` says which op or value
/// could not be evaluated.
FailureOr<ReferenceResult> evaluateReference(func::FuncOp func,
                                             ArrayRef<RefTensor> args,
                                             const ReferenceOptions &options,
                                             std::string &error);

} // namespace attn
} // namespace mlir

#endif // ATTN_REFERENCE_REFERENCE_H
