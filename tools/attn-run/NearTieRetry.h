//===- NearTieRetry.h - a failed check retried at top-k near-ties -*- C++ -*-//

#ifndef ATTN_TOOLS_ATTN_RUN_NEARTIERETRY_H
#define ATTN_TOOLS_ATTN_RUN_NEARTIERETRY_H

#include "Comparison.h"

#include "attn/Reference/Reference.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::attn {

/// Compares the results with an exact reference evaluation and, where
/// given, the naive one.
using CompareResults = llvm::function_ref<SmallVector<ComparisonResult>(
    const ReferenceResult &exact, const ReferenceResult *naive)>;

/// The references a check compares with: the exact evaluation and, for
/// results computed from f16 or bf16 tensors, the naive one (in the
/// program's precisions), which takes the exact evaluation's top-k choices
/// so that it differs by rounding alone.
struct CheckReferences {
  ReferenceResult exact;
  std::optional<ReferenceResult> naive;
};

/// Evaluates the references for a check: the exact one with `swaps` taken
/// the other way, and the naive one if `withNaive`. Both record their
/// top-k selections.
FailureOr<CheckReferences> evaluateCheckReferences(func::FuncOp func,
                                                   ArrayRef<RefTensor> args,
                                                   bool withNaive,
                                                   ArrayRef<TopkNearTie> swaps,
                                                   std::string &error);

/// What a retry found: the near-ties the reference took the other way and
/// the comparisons with that reference, which all pass.
struct NearTieResolution {
  SmallVector<TopkNearTie> swaps;
  SmallVector<ComparisonResult> comparisons;
};

/// A check that failed where the reference's top-k met near-ties (rows
/// whose last chosen and best unchosen scores a correct rounding may order
/// either way; findTopkNearTies) is retried with the reference taking the
/// other entry: the closest near-tie not yet tried, at most `maxTries` of
/// them, each kept when it lowers the count of failing entries (in place
/// of a kept swap it conflicts with), until every result passes. Returns the
/// swaps and passing comparisons, or failure (saying on `notes` what was
/// tried).
FailureOr<NearTieResolution> retryAtTopkNearTies(
    func::FuncOp func, ArrayRef<RefTensor> args, const CheckReferences &first,
    ArrayRef<ComparisonResult> failing, CompareResults compare,
    double relativeTolerance, size_t maxTries, llvm::raw_ostream &notes);

} // namespace mlir::attn

#endif // ATTN_TOOLS_ATTN_RUN_NEARTIERETRY_H
