//===- IntegerDivisionGuards.cpp - total integer division
//------------------===//
//
// The attn-guard-integer-division pass (Passes.td says why): x86's idiv
// traps on a zero divisor and on INT_MIN / -1, both undefined in arith. Each
// division whose divisor may be 0 (or, signed, -1) divides by 1 there, which
// gives the reference's remainder there (0; lib/Reference/ScalarSemantics.cpp)
// and, with selects, its quotients: 0 by 0, and by -1 the wrapped negation
// (exact, so floor and ceil agree).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "ArithRewriteSupport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNGUARDINTEGERDIVISIONPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// Which of a guarded division's results stand where the divisor was 0 or
/// -1. A remainder by the safe divisor 1 is already the reference's 0; a
/// quotient by 1 is the dividend, replaced by 0 (by 0) or its negation (by
/// -1).
enum class Result { Quotient, Remainder };

/// Whether `divisor` is a constant (a scalar or a splat) that is neither 0
/// nor, for signed ops, -1: such a division cannot trap.
bool isSafeConstantDivisor(Value divisor, bool isSigned) {
  APInt value;
  if (!matchPattern(divisor, m_ConstantInt(&value)))
    return false;
  return !value.isZero() && !(isSigned && value.isAllOnes());
}

/// `value` as a constant of `type`: a scalar (integer or index), or a splat
/// of a vector or tensor; a tensor with open sizes takes them from `like`,
/// a value of that type.
Value splatConstant(OpBuilder &builder, Location loc, Type type, Value like,
                    int64_t value) {
  // (Upstream's createScalarOrSplatConstant takes neither index scalars nor
  // open sizes.)
  Type elementType = getElementTypeOrSelf(type);
  TypedAttr element = builder.getIntegerAttr(elementType, value);
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return arith::ConstantOp::create(builder, loc, element);
  if (shaped.hasStaticShape())
    return arith::ConstantOp::create(
        builder, loc,
        SplatElementsAttr::get(shaped, ArrayRef<Attribute>(element)));
  // Only tensors reach here: vectors' scalable sizes are static.
  Value scalar = arith::ConstantOp::create(builder, loc, element);
  SmallVector<Value> openSizes;
  for (auto [dim, size] : llvm::enumerate(shaped.getShape()))
    if (ShapedType::isDynamic(size))
      openSizes.push_back(tensor::DimOp::create(builder, loc, like, dim));
  return tensor::SplatOp::create(builder, loc, scalar,
                                 cast<RankedTensorType>(type), openSizes);
}

template <typename DivOp> struct GuardDivision : OpRewritePattern<DivOp> {
  GuardDivision(MLIRContext *context, bool isSigned, Result result)
      : OpRewritePattern<DivOp>(context), isSigned(isSigned), result(result) {}

  LogicalResult matchAndRewrite(DivOp op,
                                PatternRewriter &rewriter) const override {
    Value dividend = op.getLhs(), divisor = op.getRhs();
    Type type = op.getType();
    // Memrefs of integers never reach these ops; vectors and tensors do.
    if (isa<ShapedType>(type) && !isa<VectorType, RankedTensorType>(type))
      return failure();
    if (isSafeConstantDivisor(divisor, isSigned))
      return failure();
    Location loc = op.getLoc();
    Type elementType = getElementTypeOrSelf(type);
    auto constant = [&](int64_t value) {
      return splatConstant(rewriter, loc, type, divisor, value);
    };
    // On i1, 1 is -1: there is no safe divisor to substitute. A quotient
    // (0 by 0; a by true, signed or not, as -a wraps to a) is a & d, and a
    // remainder is 0.
    if (elementType.isInteger(1)) {
      if (result == Result::Remainder)
        rewriter.replaceOp(op, constant(0));
      else
        rewriter.replaceOpWithNewOp<arith::AndIOp>(op, dividend, divisor);
      return success();
    }
    Value zero = constant(0);
    auto equals = [&](Value constantValue) {
      return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                   divisor, constantValue)
          .getResult();
    };
    Value isZero = equals(zero);
    Value isMinusOne = isSigned ? equals(constant(-1)) : Value();
    Value unsafe = isMinusOne
                       ? arith::OrIOp::create(rewriter, loc, isZero, isMinusOne)
                             .getResult()
                       : isZero;
    Value safeDivisor =
        arith::SelectOp::create(rewriter, loc, unsafe, constant(1), divisor);
    if (result == Result::Remainder) {
      rewriter.replaceOpWithNewOp<DivOp>(op, dividend, safeDivisor);
      return success();
    }
    Value quotient =
        DivOp::create(rewriter, loc, dividend, safeDivisor).getResult();
    if (isMinusOne) {
      Value negation = arith::SubIOp::create(rewriter, loc, zero, dividend);
      quotient = arith::SelectOp::create(rewriter, loc, isMinusOne, negation,
                                         quotient);
    }
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isZero, zero, quotient);
    return success();
  }

  bool isSigned;
  Result result;
};

struct AttnGuardIntegerDivisionPass
    : attn::impl::AttnGuardIntegerDivisionPassBase<
          AttnGuardIntegerDivisionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    attn::populateIntegerDivisionGuardPatterns(patterns);
    // (The walk driver does not visit the divisions it creates.)
    attn::applyPatternsAlone(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::attn::populateIntegerDivisionGuardPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns
      .add<GuardDivision<arith::DivSIOp>, GuardDivision<arith::FloorDivSIOp>,
           GuardDivision<arith::CeilDivSIOp>>(context, /*isSigned=*/true,
                                              Result::Quotient);
  patterns.add<GuardDivision<arith::RemSIOp>>(context, /*isSigned=*/true,
                                              Result::Remainder);
  patterns
      .add<GuardDivision<arith::DivUIOp>, GuardDivision<arith::CeilDivUIOp>>(
          context, /*isSigned=*/false, Result::Quotient);
  patterns.add<GuardDivision<arith::RemUIOp>>(context, /*isSigned=*/false,
                                              Result::Remainder);
}
