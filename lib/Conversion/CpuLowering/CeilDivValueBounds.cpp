//===- CeilDivValueBounds.cpp - value bounds of arith's ceiling divisions -===//
//
// Upstream's value-bounds models of arith cover sums, differences, products
// and floor divisions, not ceiling divisions. The tile loops count their
// tiles by ceildivui(L, b), so without a model a tile's index had no upper
// bound, `L - i * b` no lower bound, and a tile's rows `minui(L - i * b, b)`
// were bounded by the tile size alone (attn-scratch-bytes then took a 5-row
// run under a million-row tiling for a million rows).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;

namespace {
/// ceildiv(x, c) for a constant c >= 1 and an x proven non-negative, where
/// the unsigned and signed quotients agree with the affine ceilDiv. Nothing
/// is added otherwise (a negative x is huge to ceildivui).
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
    OpFoldResult zero = Builder(op->getContext()).getIndexAttr(0);
    if (!cstr.populateAndCompare(
            div.getLhs(), ValueBoundsConstraintSet::ComparisonOperator::GE,
            zero))
      return;
    cstr.bound(value) == cstr.getExpr(div.getLhs()).ceilDiv(*divisor);
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
