//===- NearTieRetry.cpp - a failed check retried at top-k near-ties -------===//
//
// A top-k's choice is discontinuous in its scores: where two entries score
// within a rounding of each other, a correct computation may choose either,
// and everything computed from the selection follows it. The exact
// reference cannot know which one the compiled code met, so a failed check
// is retried with the reference taking the other entry at near-ties. Rows
// of a selection usually steer disjoint outputs (their query blocks), so a
// swap is kept when it lowers the count of failing entries, and the ties
// are tried one at a time, closest first: a heuristic that finds the
// compiled code's choices without trying every combination, and that only
// ever passes a check whose every result then meets its bound.
//
// A kept swap may be only half right: where the reference chose {5, 13}
// and the compiled code {5, 12}, the swap 5 -> 12 takes block 12 and lowers
// the failing count, but drops block 5. A later tie that shares an entry
// with a kept swap (13 -> 12) is therefore tried in its place rather than
// left out: the two cannot both hold.
//
//===----------------------------------------------------------------------===//

#include "NearTieRetry.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

FailureOr<CheckReferences>
mlir::attn::evaluateCheckReferences(func::FuncOp func, ArrayRef<RefTensor> args,
                                    bool withNaive, ArrayRef<TopkNearTie> swaps,
                                    std::string &error) {
  ReferenceOptions options;
  options.exactIntegers = true;
  options.recordTopks = true;
  options.topkSwaps.assign(swaps.begin(), swaps.end());
  FailureOr<ReferenceResult> exact =
      evaluateReference(func, args, options, error);
  if (failed(exact))
    return failure();
  CheckReferences references{std::move(*exact), std::nullopt};
  if (!withNaive)
    return references;
  SmallVector<RefTensor> choices;
  for (const ReferenceResult::Topk &topk : references.exact.topks)
    choices.push_back(topk.choices);
  ReferenceOptions naiveOptions;
  naiveOptions.emulateElementPrecision = true;
  naiveOptions.exactIntegers = true;
  naiveOptions.recordTopks = true;
  naiveOptions.topkChoices = choices;
  FailureOr<ReferenceResult> naive =
      evaluateReference(func, args, naiveOptions, error);
  if (failed(naive))
    return failure();
  references.naive = std::move(*naive);
  return references;
}

static int64_t countOutliers(ArrayRef<ComparisonResult> comparisons) {
  int64_t count = 0;
  for (const ComparisonResult &comparison : comparisons)
    count += comparison.outliers;
  return count;
}

static ArrayRef<ReferenceResult::Topk> naiveTopks(const CheckReferences &r) {
  return r.naive ? ArrayRef<ReferenceResult::Topk>(r.naive->topks)
                 : ArrayRef<ReferenceResult::Topk>();
}

FailureOr<NearTieResolution> mlir::attn::retryAtTopkNearTies(
    func::FuncOp func, ArrayRef<RefTensor> args, const CheckReferences &first,
    ArrayRef<ComparisonResult> failing, CompareResults compare,
    double relativeTolerance, size_t maxTries, llvm::raw_ostream &notes) {
  // The references of the swaps kept so far (none: `first`).
  std::optional<CheckReferences> kept;
  NearTieResolution best;
  int64_t bestOutliers = countOutliers(failing);
  SmallVector<TopkNearTie> tried;
  size_t found = 0;
  while (tried.size() < maxTries) {
    const CheckReferences &current = kept ? *kept : first;
    // Ties as the current references see them: an earlier swap changes
    // the scores of later selections.
    SmallVector<TopkNearTie> ties = findTopkNearTies(
        current.exact.topks, naiveTopks(current), relativeTolerance, tried);
    found = std::max(found, ties.size() + tried.size());
    if (ties.empty())
      break;
    TopkNearTie tie = ties.front();
    tried.push_back(tie);
    SmallVector<TopkNearTie> candidate;
    for (const TopkNearTie &swap : best.swaps)
      if (!swap.conflictsWith(tie))
        candidate.push_back(swap);
    candidate.push_back(tie);
    std::string error;
    FailureOr<CheckReferences> retried = evaluateCheckReferences(
        func, args, first.naive.has_value(), candidate, error);
    if (failed(retried)) {
      notes << "topk near-tie retry: reference: " << error << "\n";
      return failure();
    }
    // Every swap must still be a near-tie of the scores it was applied to:
    // replacing a swap at one top-k changes the scores that a kept swap at
    // a later top-k was found in.
    SmallVector<TopkNearTie> stillTies = findTopkNearTies(
        retried->exact.topks, naiveTopks(*retried), relativeTolerance);
    if (!llvm::all_of(candidate, [&](const TopkNearTie &swap) {
          return llvm::any_of(stillTies, [&](const TopkNearTie &tie) {
            return tie.isSamePair(swap);
          });
        }))
      continue;
    SmallVector<ComparisonResult> comparisons =
        compare(retried->exact, retried->naive ? &*retried->naive : nullptr);
    int64_t outliers = countOutliers(comparisons);
    if (outliers >= bestOutliers)
      continue;
    bestOutliers = outliers;
    best.swaps = std::move(candidate);
    best.comparisons = std::move(comparisons);
    kept = std::move(*retried);
    if (llvm::all_of(best.comparisons,
                     [](const ComparisonResult &c) { return c.passed; }))
      return best;
  }
  if (!tried.empty())
    notes << "topk near-ties: retried " << tried.size() << " of " << found
          << "; no choice made every result pass\n";
  return failure();
}
