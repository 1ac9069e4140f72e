//===- NearTieRetry.cpp - a failed check retried at top-k near-ties -------===//
//
// A top-k's choice is discontinuous in its scores: where two entries score
// within a rounding of each other, a correct computation may choose either,
// and everything computed from the selection follows it. The exact
// reference cannot know which one the compiled code met, so a failed check
// is retried with the reference taking the other entry at near-ties. Rows
// of different query blocks affect disjoint outputs, so each swap is kept
// only when it lowers the count of failing entries: one pass over the ties
// finds the compiled code's choices without trying every combination.
//
//===----------------------------------------------------------------------===//

#include "NearTieRetry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

static int64_t countOutliers(ArrayRef<ComparisonResult> comparisons) {
  int64_t count = 0;
  for (const ComparisonResult &comparison : comparisons)
    count += comparison.outliers;
  return count;
}

static bool allPassed(ArrayRef<ComparisonResult> comparisons) {
  return llvm::all_of(comparisons,
                      [](const ComparisonResult &c) { return c.passed; });
}

FailureOr<NearTieResolution> mlir::attn::retryAtTopkNearTies(
    func::FuncOp func, ArrayRef<RefTensor> args, const ReferenceResult &exact,
    const ReferenceResult *naive, ArrayRef<ComparisonResult> failing,
    CompareResults compare, double relativeTolerance, size_t maxTies,
    llvm::raw_ostream &notes) {
  SmallVector<TopkNearTie> ties = findTopkNearTies(
      exact.topkInputs,
      naive ? ArrayRef<ReferenceResult::TopkInput>(naive->topkInputs)
            : ArrayRef<ReferenceResult::TopkInput>(),
      relativeTolerance);
  if (ties.empty())
    return failure();
  if (ties.size() > maxTies) {
    notes << "topk near-ties: " << ties.size() << ", more than the " << maxTies
          << " a check retries\n";
    return failure();
  }
  // The reference with `swaps` taken the other way, compared.
  auto evaluate = [&](ArrayRef<TopkNearTie> swaps)
      -> FailureOr<SmallVector<ComparisonResult>> {
    std::string error;
    ReferenceOptions options;
    options.topkSwaps.assign(swaps.begin(), swaps.end());
    FailureOr<ReferenceResult> swapped =
        evaluateReference(func, args, options, error);
    if (failed(swapped))
      return failure();
    if (!naive)
      return compare(*swapped, nullptr);
    options.emulateElementPrecision = true;
    FailureOr<ReferenceResult> swappedNaive =
        evaluateReference(func, args, options, error);
    if (failed(swappedNaive))
      return failure();
    return compare(*swapped, &*swappedNaive);
  };
  NearTieResolution best;
  int64_t bestOutliers = countOutliers(failing);
  for (const TopkNearTie &tie : ties) {
    SmallVector<TopkNearTie> candidate = best.swaps;
    candidate.push_back(tie);
    FailureOr<SmallVector<ComparisonResult>> retried = evaluate(candidate);
    if (failed(retried) || countOutliers(*retried) >= bestOutliers)
      continue;
    bestOutliers = countOutliers(*retried);
    best.swaps = std::move(candidate);
    best.comparisons = std::move(*retried);
    if (allPassed(best.comparisons))
      return best;
  }
  return failure();
}
