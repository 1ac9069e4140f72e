//===- CeilDivValueBounds.cpp - value bounds of arith's ceiling divisions -===//
//
// Upstream's value-bounds models of arith cover sums, differences, products
// and floor divisions, not ceiling divisions. The tile loops count their
// tiles by ceildivui(L, b), so without a model a tile's index had no upper
// bound, `L - i * b` no lower bound, and a tile's rows `minui(L - i * b, b)`
// were bounded by the tile size alone (attn-scratch-bytes bounded a 5-row
// run's row temporaries by a million rows under a million-row tiling).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include <type_traits>

using namespace mlir;

namespace {
/// ceildiv(x, c) for a constant c >= 1, which is the affine ceilDiv for a
/// signed quotient, and for an unsigned one where x is proven
/// non-negative (a negative x is huge to ceildivui). Nothing is added
/// otherwise. attn-scratch-bytes asks for non-negativity (isNonNegative)
/// and upper bounds in terms of the function's sizes, which a tile count
/// ceildivui(L, b) then relates to the tile index that it bounds.
template <typename DivOp>
struct CeilDivValueBounds
    : public ValueBoundsOpInterface::ExternalModel<CeilDivValueBounds<DivOp>,
                                                   DivOp> {
  void populateBoundsForIndexValue(Operation *op, Value value,
                                   ValueBoundsConstraintSet &cstr) const {
    auto div = cast<DivOp>(op);
    assert(value == div.getResult() && "invalid value");
    std::optional<int64_t> divisor = getConstantIntValue(div.getRhs());
    if (!divisor || *divisor < 1)
      return;
    if constexpr (std::is_same_v<DivOp, arith::CeilDivUIOp>) {
      OpFoldResult zero = Builder(op->getContext()).getIndexAttr(0);
      if (!cstr.populateAndCompare(
              div.getLhs(), ValueBoundsConstraintSet::ComparisonOperator::GE,
              zero))
        return;
    }
    cstr.bound(value) == cstr.getExpr(div.getLhs()).ceilDiv(*divisor);
  }

  /// A quotient of tensors (or vectors) has its operands' shape.
  void populateBoundsForShapedValueDim(Operation *op, Value value, int64_t dim,
                                       ValueBoundsConstraintSet &cstr) const {
    auto div = cast<DivOp>(op);
    assert(value == div.getResult() && "invalid value");
    cstr.bound(value)[dim] == cstr.getExpr(div.getLhs(), dim);
  }
};
} // namespace

void mlir::attn::registerCeilDivValueBoundsExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, arith::ArithDialect *) {
    arith::CeilDivUIOp::attachInterface<CeilDivValueBounds<arith::CeilDivUIOp>>(
        *context);
    arith::CeilDivSIOp::attachInterface<CeilDivValueBounds<arith::CeilDivSIOp>>(
        *context);
  });
}
