//===- Comparison.cpp - the numerics rule of --check ----------------------===//

#include "Comparison.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

/// Max |a - b| over the entries, treating equal infinities as exact and
/// counting the entries where either is NaN, or one is infinite and the
/// other is not the same infinity. NaN never passes (docs/Tools.md),
/// not even against a NaN reference: the inputs or the program make one,
/// and a check that cannot see a wrong value there must say so.
static double maxAbsDifference(llvm::function_ref<double(int64_t)> a,
                               const RefTensor &b, int64_t &bad) {
  double worst = 0;
  for (int64_t i = 0; i < b.getNumElements(); ++i) {
    double x = a(i), y = b.data[i];
    if (std::isnan(x) || std::isnan(y)) {
      ++bad;
      continue;
    }
    if (x == y)
      continue;
    if (std::isinf(x) || std::isinf(y)) {
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
    // Indices chosen from low-precision scores (a top-k's) may take the
    // naive computation's choice where the exact one is a near tie: a row
    // (the last dimension) passes whole as the one or the other, never as
    // a mix of both (which could list an index twice).
    int64_t count = exact.getNumElements();
    int64_t width = exact.shape.empty() ? 1 : exact.shape.back();
    for (int64_t row = 0; width > 0 && row < count; row += width) {
      auto matches = [&](const RefTensor &reference) {
        for (int64_t i = row; i < row + width; ++i)
          if (actual.get(i) != reference.data[i])
            return false;
        return true;
      };
      if (matches(exact) || (naive && matches(*naive)))
        continue;
      ++result.outliers;
      for (int64_t i = row; i < row + width; ++i) {
        bool differs = actual.get(i) != exact.data[i];
        if (differs && result.shownElement < 0)
          result.shownElement = i;
        result.mismatches += differs;
      }
    }
    result.passed = result.mismatches == 0;
    if (result.shownElement >= 0) {
      result.shownActual = actual.get(result.shownElement);
      result.shownExpected = exact.data[result.shownElement];
    }
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
  result.outliers = result.nanCount;
  int64_t firstNonFinite = -1, worst = -1;
  double worstError = -1;
  for (int64_t i = 0; i < exact.getNumElements(); ++i) {
    double x = actual.get(i), y = exact.data[i];
    if (std::isfinite(x) && std::isfinite(y)) {
      double error = std::fabs(x - y);
      if (error > result.bound)
        ++result.outliers;
      if (error > worstError) {
        worstError = error;
        worst = i;
      }
    } else if (firstNonFinite < 0 && !(x == y && std::isinf(x))) {
      firstNonFinite = i;
    }
  }
  result.shownElement = firstNonFinite >= 0 ? firstNonFinite : worst;
  if (result.shownElement >= 0) {
    result.shownActual = actual.get(result.shownElement);
    result.shownExpected = exact.data[result.shownElement];
  }
  return result;
}

SmallVector<bool> mlir::attn::dependsOnLowPrecision(func::FuncOp func) {
  auto isLowPrecision = [](Value value) {
    Type element = getElementTypeOrSelf(value.getType());
    return element.isF16() || element.isBF16();
  };
  SmallVector<bool> result;
  auto ret = dyn_cast<func::ReturnOp>(func.getBody().back().getTerminator());
  if (!ret)
    return SmallVector<bool>(func.getNumResults(), true);
  for (Value returned : ret.getOperands()) {
    // Back through the values the result is computed from: defining ops'
    // operands, and a loop's operands for its region's arguments.
    SmallVector<Value> work = {returned};
    DenseSet<Value> seen;
    bool low = false;
    while (!work.empty() && !low) {
      Value value = work.pop_back_val();
      if (!seen.insert(value).second)
        continue;
      low = isLowPrecision(value);
      Operation *producer = value.getDefiningOp();
      if (!producer)
        producer = cast<BlockArgument>(value).getOwner()->getParentOp();
      if (!producer || producer == func.getOperation())
        continue;
      llvm::append_range(work, producer->getOperands());
      // What its regions compute (a score_mod's bf16 steps) too.
      producer->walk([&](Operation *nested) {
        if (nested != producer)
          llvm::append_range(work, nested->getResults());
      });
    }
    result.push_back(low);
  }
  return result;
}
