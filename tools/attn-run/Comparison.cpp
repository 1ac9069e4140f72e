//===- Comparison.cpp - the numerics rule of DESIGN.md section 5 ----------===//

#include "Comparison.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

/// Max |a - b| over the entries, treating equal infinities as exact and
/// counting the entries where `a` is NaN (or infinite) and `b` is not.
static double maxAbsDifference(llvm::function_ref<double(int64_t)> a,
                               const RefTensor &b, int64_t &bad) {
  double worst = 0;
  for (int64_t i = 0; i < b.getNumElements(); ++i) {
    double x = a(i), y = b.data[i];
    if (x == y)
      continue;
    if (std::isnan(x) || std::isinf(x) || std::isinf(y)) {
      if (!std::isnan(y))
        ++bad;
      continue;
    }
    worst = std::max(worst, std::fabs(x - y));
  }
  return worst;
}

ComparisonResult mlir::attn::compareToReference(const HostArray &actual,
                                                const RefTensor &exact,
                                                const RefTensor *naive) {
  ComparisonResult result;
  if (!isFloatKind(actual.getKind())) {
    // (Indices chosen from low-precision scores, a top-k's, may take the
    // naive computation's choice where the exact one is a near tie.)
    for (int64_t i = 0; i < exact.getNumElements(); ++i)
      result.mismatches += actual.get(i) != exact.data[i] &&
                           (!naive || actual.get(i) != naive->data[i]);
    result.passed = result.mismatches == 0;
    return result;
  }
  double scale = 0;
  for (double value : exact.data)
    if (std::isfinite(value))
      scale = std::max(scale, std::fabs(value));
  result.maxAbsError = maxAbsDifference(
      [&](int64_t i) { return actual.get(i); }, exact, result.nanCount);
  result.relativeError = scale > 0 ? result.maxAbsError / scale : 0;
  ElementKind kind = actual.getKind();
  double naiveBound = 0;
  if (naive) {
    int64_t ignored = 0;
    double naiveError = maxAbsDifference(
        [&](int64_t i) { return naive->data[i]; }, exact, ignored);
    naiveBound = 2.0 * naiveError + 1e-5;
  }
  if (kind == ElementKind::F16 || kind == ElementKind::BF16)
    result.bound = naiveBound;
  else // (f32 from low-precision tensors: their rounding counts too)
    result.bound = std::max(1e-4 * std::max(scale, 1e-6), naiveBound);
  result.passed = result.nanCount == 0 && result.maxAbsError <= result.bound;
  return result;
}
