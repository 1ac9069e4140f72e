//===- Comparison.h - the numerics rule of --check --------------*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_RUN_COMPARISON_H
#define ATTN_TOOLS_ATTN_RUN_COMPARISON_H

#include "attn/Reference/Reference.h"
#include "attn/Support/HostArray.h"

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace mlir::attn {

struct ComparisonResult {
  double maxAbsError = 0;
  /// maxAbsError / max |reference|.
  double relativeError = 0;
  /// The bound the error had to meet.
  double bound = 0;
  /// Entries that are NaN in the result but not in the reference.
  int64_t nanCount = 0;
  /// Entries that differ for an integer result.
  int64_t mismatches = 0;
  /// What fails: entries beyond the bound or NaN (float results), or rows
  /// that match neither reference (integer results).
  int64_t outliers = 0;
  bool passed = false;
  /// The element a failure reports (row-major; -1 if none): the first that
  /// differs (integer results), else the first NaN or infinity that the
  /// reference does not have, else the largest error; with its value and
  /// the reference's.
  int64_t shownElement = -1;
  double shownActual = 0, shownExpected = 0;
};

/// Compares `actual` with the exact reference. `naive` is the same
/// computation in the program's precisions, given when the result is
/// computed from f16 or bf16 tensors. f16 and bf16 results pass when their
/// max error is at most twice that of `naive` plus 1e-5; f32 results within
/// 1e-4 of the reference's largest magnitude, or that bound where it is
/// larger. Each row (last dimension) of an integer result must match the
/// reference's, or `naive`'s. NaN never passes.
ComparisonResult compareToReference(const HostArray &actual,
                                    const RefTensor &exact,
                                    const RefTensor *naive);

/// For each result of `func`, whether it is computed from an f16 or bf16
/// tensor (an argument, or a value on the way).
SmallVector<bool> dependsOnLowPrecision(func::FuncOp func);

} // namespace mlir::attn

#endif // ATTN_TOOLS_ATTN_RUN_COMPARISON_H
