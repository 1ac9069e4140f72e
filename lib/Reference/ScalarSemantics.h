//===- ScalarSemantics.h - arith and math on the reference's scalars -*- C++
//-*-===//
//
// The value of one arith or math op on scalars, as the compiled code computes
// it: integers wrap at their width, floats are computed in double (the
// evaluator rounds each result to its type when emulating the program's
// precision).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_REFERENCE_SCALARSEMANTICS_H
#define ATTN_LIB_REFERENCE_SCALARSEMANTICS_H

#include "Evaluator.h"

#include <optional>
#include <utility>

namespace mlir::attn::reference {

/// The value of result `result` of a scalar arith or math op on
/// `operands` (every result of such an op has one type: math.sincos's two);
/// std::nullopt if the reference does not evaluate the op.
std::optional<RefScalar>
evalScalarOp(Operation *op, ArrayRef<RefScalar> operands, unsigned result = 0);

/// The two results of addui_extended (sum, overflow bit) and of
/// mulsi/mului_extended (the product's low and high halves) on scalars;
/// std::nullopt for other ops.
std::optional<std::pair<RefScalar, RefScalar>>
evalExtendedOp(Operation *op, ArrayRef<RefScalar> operands);

} // namespace mlir::attn::reference

#endif // ATTN_LIB_REFERENCE_SCALARSEMANTICS_H
