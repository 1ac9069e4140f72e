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
/// finite (entries no row may attend are -inf in both).
static double largestFiniteDifference(const RefTensor &a, const RefTensor &b) {
  if (a.data.size() != b.data.size())
    return std::numeric_limits<double>::infinity();
  double largest = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    if (std::isfinite(a.data[i]) && std::isfinite(b.data[i]))
      largest = std::max(largest, std::abs(a.data[i] - b.data[i]));
  return largest;
}

SmallVector<TopkNearTie>
mlir::attn::findTopkNearTies(ArrayRef<ReferenceResult::TopkInput> exact,
                             ArrayRef<ReferenceResult::TopkInput> naive,
                             double relativeTolerance) {
  SmallVector<TopkNearTie> ties;
  std::vector<int64_t> order;
  for (auto [evaluation, input] : llvm::enumerate(exact)) {
    // The naive evaluation's selections may differ from the exact ones and
    // then feed later selections other scores; its difference still bounds
    // how far a correct rounding moves them.
    double absoluteTolerance =
        evaluation < naive.size()
            ? 2.0 * largestFiniteDifference(input.scores,
                                            naive[evaluation].scores)
            : 0.0;
    const RefTensor &scores = input.scores;
    int64_t width = scores.shape.empty() ? 0 : scores.shape.back();
    int64_t k = input.k;
    if (width == 0 || k <= 0)
      continue;
    for (int64_t r = 0, rows = scores.getNumElements() / width; r < rows; ++r) {
      const double *row = &scores.data[r * width];
      reference::orderTopkCandidates(row, width, order);
      if (static_cast<int64_t>(order.size()) <= k)
        continue;
      double last = row[order[k - 1]], next = row[order[k]];
      double gap = last - next;
      if (gap <= relativeTolerance * std::max(std::abs(last), std::abs(next)) ||
          gap <= absoluteTolerance)
        ties.push_back({static_cast<int64_t>(evaluation), r});
    }
  }
  return ties;
}
