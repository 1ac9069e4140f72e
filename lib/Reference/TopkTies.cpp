//===- TopkTies.cpp - top-k choices that another rounding may make --------===//
//
// attn.topk's choice is discontinuous: two scores a rounding apart can pick
// different entries, and everything computed from the selection follows.
// A check against the exact reference must accept either entry of such a
// near-tie; how near is judged by how far a computation in the program's
// own precisions moves the scores.
//
//===----------------------------------------------------------------------===//

#include "Evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::reference::orderTopkCandidates(const double *row,
                                                int64_t width,
                                                std::vector<int64_t> &order) {
  order.clear();
  for (int64_t n = 0; n < width; ++n)
    if (row[n] > -std::numeric_limits<double>::infinity()) // not NaN either
      order.push_back(n);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return row[a] > row[b] || (row[a] == row[b] && a < b);
  });
}

/// The largest difference between two evaluations' scores where both are
/// finite (entries no row may attend are -inf in both); 0 where their
/// shapes differ (nothing to compare).
static double largestFiniteDifference(const RefTensor &a, const RefTensor &b) {
  if (a.shape != b.shape)
    return 0;
  double largest = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    if (std::isfinite(a.data[i]) && std::isfinite(b.data[i]))
      largest = std::max(largest, std::abs(a.data[i] - b.data[i]));
  return largest;
}

SmallVector<TopkNearTie>
mlir::attn::findTopkNearTies(ArrayRef<ReferenceResult::Topk> exact,
                             ArrayRef<ReferenceResult::Topk> naive,
                             double relativeTolerance,
                             ArrayRef<TopkNearTie> tried) {
  SmallVector<TopkNearTie> ties;
  std::vector<int64_t> order;
  for (auto [evaluation, topk] : llvm::enumerate(exact)) {
    // The naive evaluation follows the exact choices, so its scores differ
    // from the exact ones by rounding alone; a compiled result may differ
    // by twice that (the --check rule for low-precision results,
    // docs/Tools.md).
    double absoluteTolerance =
        evaluation < naive.size()
            ? 2.0 *
                  largestFiniteDifference(topk.scores, naive[evaluation].scores)
            : 0.0;
    auto toleranceOf = [&](double a, double b) {
      return std::max(relativeTolerance * std::max(std::abs(a), std::abs(b)),
                      absoluteTolerance);
    };
    const RefTensor &scores = topk.scores;
    int64_t width = scores.shape.empty() ? 0 : scores.shape.back();
    int64_t k = topk.k;
    if (width == 0 || k <= 0)
      continue;
    auto e = static_cast<int64_t>(evaluation);
    for (int64_t r = 0, rows = scores.getNumElements() / width; r < rows; ++r) {
      const double *row = &scores.data[r * width];
      reference::orderTopkCandidates(row, width, order);
      auto size = static_cast<int64_t>(order.size());
      if (size <= k)
        continue;
      // Chosen entries from the last up and unchosen ones from the best
      // down, while a pair of them is within the tolerance.
      for (int64_t c = k - 1; c >= 0; --c) {
        double chosen = row[order[c]], best = row[order[k]];
        if (chosen - best > toleranceOf(chosen, best))
          break;
        for (int64_t u = k; u < size; ++u) {
          double unchosen = row[order[u]];
          double tolerance = toleranceOf(chosen, unchosen);
          if (tolerance <= 0 || chosen - unchosen > tolerance)
            break;
          TopkNearTie tie{e, r, order[c], order[u],
                          (chosen - unchosen) / tolerance};
          if (!llvm::any_of(tried, [&](const TopkNearTie &t) {
                return t.isSamePair(tie);
              }))
            ties.push_back(tie);
        }
      }
    }
  }
  // Closest first, equal ones in the order found. (A sort of positions with
  // the position as the tie-break: libstdc++'s stable_sort warns of its
  // deprecated get_temporary_buffer.)
  SmallVector<size_t> byCloseness(ties.size());
  for (size_t i = 0; i < byCloseness.size(); ++i)
    byCloseness[i] = i;
  llvm::sort(byCloseness, [&](size_t a, size_t b) {
    return std::make_pair(ties[a].closeness, a) <
           std::make_pair(ties[b].closeness, b);
  });
  SmallVector<TopkNearTie> sorted;
  sorted.reserve(ties.size());
  for (size_t i : byCloseness)
    sorted.push_back(ties[i]);
  return sorted;
}
