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

/// What a retry found: the near-ties the reference took the other way and
/// the comparisons with that reference, which all pass.
struct NearTieResolution {
  SmallVector<TopkNearTie> swaps;
  SmallVector<ComparisonResult> comparisons;
};

/// A check that failed where the reference's top-k met near-ties (rows
/// whose last chosen and best unchosen scores a correct rounding may
/// order either way; findTopkNearTies) is retried with the reference
/// taking the other entry: each near-tie in turn is kept when it lowers
/// the count of failing entries, until every result passes. Returns the
/// swaps and passing comparisons, or failure (no near-ties, more than
/// `maxTies`, or no choice that passes). `failing` is the first
/// comparison's; evaluations take the inputs `args`.
FailureOr<NearTieResolution>
retryAtTopkNearTies(func::FuncOp func, ArrayRef<RefTensor> args,
                    const ReferenceResult &exact, const ReferenceResult *naive,
                    ArrayRef<ComparisonResult> failing, CompareResults compare,
                    double relativeTolerance, size_t maxTies,
                    llvm::raw_ostream &notes);

} // namespace mlir::attn

#endif // ATTN_TOOLS_ATTN_RUN_NEARTIERETRY_H
