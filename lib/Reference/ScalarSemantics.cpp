//===- ScalarSemantics.cpp - arith and math on the reference's scalars ----===//
//
// Integers are held as their signed value at their width (RefScalar), so
// wrapping arithmetic and unsigned ops read the bits the compiled code
// holds. Floats are computed in double; the caller rounds to the result's
// type.
//
//===----------------------------------------------------------------------===//

#include "ScalarSemantics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn::reference;

static bool compareFloats(arith::CmpFPredicate predicate, double a, double b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (predicate) {
  case arith::CmpFPredicate::AlwaysFalse:
    return false;
  case arith::CmpFPredicate::OEQ:
    return !unordered && a == b;
  case arith::CmpFPredicate::OGT:
    return !unordered && a > b;
  case arith::CmpFPredicate::OGE:
    return !unordered && a >= b;
  case arith::CmpFPredicate::OLT:
    return !unordered && a < b;
  case arith::CmpFPredicate::OLE:
    return !unordered && a <= b;
  case arith::CmpFPredicate::ONE:
    return !unordered && a != b;
  case arith::CmpFPredicate::ORD:
    return !unordered;
  case arith::CmpFPredicate::UEQ:
    return unordered || a == b;
  case arith::CmpFPredicate::UGT:
    return unordered || a > b;
  case arith::CmpFPredicate::UGE:
    return unordered || a >= b;
  case arith::CmpFPredicate::ULT:
    return unordered || a < b;
  case arith::CmpFPredicate::ULE:
    return unordered || a <= b;
  case arith::CmpFPredicate::UNE:
    return unordered || a != b;
  case arith::CmpFPredicate::UNO:
    return unordered;
  case arith::CmpFPredicate::AlwaysTrue:
    return true;
  }
  return false;
}

static bool compareIntegers(arith::CmpIPredicate predicate, int64_t a,
                            int64_t b) {
  switch (predicate) {
  case arith::CmpIPredicate::eq:
    return a == b;
  case arith::CmpIPredicate::ne:
    return a != b;
  case arith::CmpIPredicate::slt:
    return a < b;
  case arith::CmpIPredicate::sle:
    return a <= b;
  case arith::CmpIPredicate::sgt:
    return a > b;
  case arith::CmpIPredicate::sge:
    return a >= b;
  case arith::CmpIPredicate::ult:
    return static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  case arith::CmpIPredicate::ule:
    return static_cast<uint64_t>(a) <= static_cast<uint64_t>(b);
  case arith::CmpIPredicate::ugt:
    return static_cast<uint64_t>(a) > static_cast<uint64_t>(b);
  case arith::CmpIPredicate::uge:
    return static_cast<uint64_t>(a) >= static_cast<uint64_t>(b);
  }
  return false;
}

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The bit width of an integer or index type (index: 64; others: 64).
static unsigned integerWidth(Type type) {
  type = getElementTypeOrSelf(type);
  return type.isInteger() ? type.getIntOrFloatBitWidth() : 64;
}

/// The bits `v` as a `width`-bit integer, held as arith's signed value (i1
/// as 0 or 1, as the reference keeps booleans).
static int64_t wrapInteger(uint64_t v, unsigned width) {
  return width == 1 ? static_cast<int64_t>(v & 1)
                    : llvm::SignExtend64(v, std::min(width, 64u));
}

/// The unsigned value of a `width`-bit integer held as its signed value.
static uint64_t unsignedValue(int64_t v, unsigned width) {
  return static_cast<uint64_t>(v) &
         llvm::maskTrailingOnes<uint64_t>(std::min(width, 64u));
}

/// `value` rounded once to `semantics`.
static APFloat
roundedTo(double value, const llvm::fltSemantics &semantics,
          llvm::RoundingMode mode = APFloat::rmNearestTiesToEven) {
  APFloat rounded(value);
  bool losesInfo;
  rounded.convert(semantics, mode, &losesInfo);
  return rounded;
}

/// `value` as a double (exact for the types a double holds; f80's and
/// f128's extremes round).
static double toDouble(APFloat value) {
  bool losesInfo;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

/// `bits` (signed or not) as the float type of `op`'s result, rounded once
/// to nearest even as the compiled conversion does (through a double, an
/// integer past 2^53 would round twice).
static double integerToFloat(Operation *op, uint64_t bits, bool isSigned) {
  auto type = cast<FloatType>(getElementTypeOrSelf(op->getResult(0).getType()));
  APFloat value(type.getFloatSemantics());
  value.convertFromAPInt(APInt(64, bits), isSigned,
                         APFloat::rmNearestTiesToEven);
  return toDouble(value);
}

/// APFloat's name for arith's rounding mode.
static llvm::RoundingMode toApfloatRounding(arith::RoundingMode mode) {
  switch (mode) {
  case arith::RoundingMode::to_nearest_even:
    return APFloat::rmNearestTiesToEven;
  case arith::RoundingMode::downward:
    return APFloat::rmTowardNegative;
  case arith::RoundingMode::upward:
    return APFloat::rmTowardPositive;
  case arith::RoundingMode::toward_zero:
    return APFloat::rmTowardZero;
  case arith::RoundingMode::to_nearest_away:
    return APFloat::rmNearestTiesToAway;
  }
  llvm_unreachable("every rounding mode is named");
}

/// The value of a scalar arith/math op; std::nullopt if unsupported.
/// Integers wrap at their width; unsigned ops read unsigned values.
/// IEEE 754-2019's maximum (`larger`) or minimum, as arith.maximumf and
/// minimumf compute them: NaN propagates and -0 orders below +0 (std::max
/// and std::min take the first of two equal zeros).
static double ieeeExtremum(double a, double b, bool larger) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) == larger ? b : a;
  return larger ? std::max(a, b) : std::min(a, b);
}

std::optional<RefScalar>
mlir::attn::reference::evalScalarOp(Operation *op, ArrayRef<RefScalar> x,
                                    unsigned result) {
  // An operand's signed value: i1, kept as 0 / 1, is 0 / -1 (maxsi of true
  // and false is false).
  auto i = [&](unsigned n) {
    return integerWidth(op->getOperand(n).getType()) == 1 ? -x[n].integer
                                                          : x[n].integer;
  };
  auto f = [&](unsigned n) { return x[n].real; };
  auto real = [](double value) { return RefScalar::ofReal(value); };
  auto integer = [](int64_t value) { return RefScalar::ofInteger(value); };
  ElementKind resultKind = op->getNumResults()
                               ? kindOf(op->getResult(0).getType())
                               : ElementKind::F64;
  unsigned width =
      op->getNumResults() ? integerWidth(op->getResult(0).getType()) : 64;
  unsigned sourceWidth =
      op->getNumOperands() ? integerWidth(op->getOperand(0).getType()) : 64;
  auto wrap = [&](uint64_t bits) { return integer(wrapInteger(bits, width)); };
  auto u = [&](unsigned n) { return unsignedValue(i(n), sourceWidth); };
  // Division by zero and a signed division's overflow (INT_MIN / -1) are
  // undefined in arith. Here, as in the compiled code (the CPU pipeline's
  // attn-guard-integer-division), a quotient or remainder by 0 is 0, and a
  // signed quotient by -1 is the wrapped negation (exact: floor and ceil
  // agree), its remainder 0.
  auto byZero = [&]() { return i(1) == 0; };
  auto byMinusOne = [&]() { return i(1) == -1; };
  auto negation = [&]() { return wrap(0 - uint64_t(i(0))); };
  return llvm::TypeSwitch<Operation *, std::optional<RefScalar>>(op)
      .Case([&](arith::AddFOp) { return real(f(0) + f(1)); })
      .Case([&](arith::SubFOp) { return real(f(0) - f(1)); })
      .Case([&](arith::MulFOp) { return real(f(0) * f(1)); })
      .Case([&](arith::DivFOp) { return real(f(0) / f(1)); })
      .Case([&](arith::NegFOp) { return real(-f(0)); })
      .Case([&](arith::MaximumFOp) {
        return real(ieeeExtremum(f(0), f(1), /*larger=*/true));
      })
      .Case([&](arith::MinimumFOp) {
        return real(ieeeExtremum(f(0), f(1), /*larger=*/false));
      })
      .Case([&](arith::MaxNumFOp) { return real(std::fmax(f(0), f(1))); })
      .Case([&](arith::MinNumFOp) { return real(std::fmin(f(0), f(1))); })
      .Case(
          [&](arith::AddIOp) { return wrap(uint64_t(i(0)) + uint64_t(i(1))); })
      .Case(
          [&](arith::SubIOp) { return wrap(uint64_t(i(0)) - uint64_t(i(1))); })
      .Case(
          [&](arith::MulIOp) { return wrap(uint64_t(i(0)) * uint64_t(i(1))); })
      .Case([&](arith::DivSIOp) {
        return byZero()       ? integer(0)
               : byMinusOne() ? negation()
                              : wrap(uint64_t(i(0) / i(1)));
      })
      .Case([&](arith::DivUIOp) {
        return u(1) == 0 ? integer(0) : wrap(u(0) / u(1));
      })
      .Case([&](arith::RemSIOp) {
        return byZero() || byMinusOne() ? integer(0) : wrap(i(0) % i(1));
      })
      .Case([&](arith::RemUIOp) {
        return u(1) == 0 ? integer(0) : wrap(u(0) % u(1));
      })
      .Case([&](arith::FloorDivSIOp) {
        return byZero()       ? integer(0)
               : byMinusOne() ? negation()
                              : wrap(uint64_t(floorDiv(i(0), i(1))));
      })
      .Case([&](arith::CeilDivSIOp) {
        if (byZero())
          return integer(0);
        if (byMinusOne())
          return negation();
        int64_t quotient = i(0) / i(1);
        bool roundsUp = i(0) % i(1) != 0 && ((i(0) < 0) == (i(1) < 0));
        return wrap(uint64_t(quotient) + (roundsUp ? 1 : 0));
      })
      .Case([&](arith::CeilDivUIOp) {
        return u(1) == 0 ? integer(0) : wrap(u(0) / u(1) + (u(0) % u(1) != 0));
      })
      .Case([&](arith::MaxSIOp) { return wrap(std::max(i(0), i(1))); })
      .Case([&](arith::MinSIOp) { return wrap(std::min(i(0), i(1))); })
      .Case([&](arith::MaxUIOp) { return x[u(0) >= u(1) ? 0 : 1]; })
      .Case([&](arith::MinUIOp) { return x[u(0) <= u(1) ? 0 : 1]; })
      .Case(
          [&](arith::AndIOp) { return wrap(uint64_t(i(0)) & uint64_t(i(1))); })
      .Case([&](arith::OrIOp) { return wrap(uint64_t(i(0)) | uint64_t(i(1))); })
      .Case(
          [&](arith::XOrIOp) { return wrap(uint64_t(i(0)) ^ uint64_t(i(1))); })
      // A shift by the width or more is poison in arith; 0 here.
      .Case([&](arith::ShLIOp) {
        uint64_t amount = unsignedValue(i(1), width);
        return amount < width ? wrap(uint64_t(i(0)) << amount) : integer(0);
      })
      .Case([&](arith::ShRUIOp) {
        uint64_t amount = unsignedValue(i(1), width);
        return amount < width ? wrap(u(0) >> amount) : integer(0);
      })
      .Case([&](arith::ShRSIOp) {
        uint64_t amount = unsignedValue(i(1), width);
        return amount < width ? wrap(uint64_t(i(0) >> amount)) : integer(0);
      })
      .Case([&](arith::CmpFOp cmp) {
        return integer(compareFloats(cmp.getPredicate(), f(0), f(1)) ? 1 : 0);
      })
      .Case([&](arith::CmpIOp cmp) {
        return integer(compareIntegers(cmp.getPredicate(), i(0), i(1)) ? 1 : 0);
      })
      .Case([&](arith::SelectOp) { return i(0) != 0 ? x[1] : x[2]; })
      .Case<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(
          [&](Operation *) { return wrap(uint64_t(i(0))); })
      .Case<arith::IndexCastUIOp, arith::ExtUIOp>(
          [&](Operation *) { return wrap(u(0)); })
      .Case([&](arith::SIToFPOp) {
        return real(integerToFloat(op, i(0), /*isSigned=*/true));
      })
      .Case([&](arith::UIToFPOp) {
        return real(integerToFloat(op, u(0), /*isSigned=*/false));
      })
      .Case([&](arith::FPToSIOp) {
        return wrap(uint64_t(saturatingInteger(std::trunc(f(0)))));
      })
      .Case([&](arith::FPToUIOp) {
        double truncated = std::trunc(f(0));
        // Above int64's range an unsigned conversion still has a value.
        if (truncated >= 0x1p63 && truncated < 0x1p64)
          return wrap(static_cast<uint64_t>(truncated));
        return wrap(uint64_t(saturatingInteger(truncated)));
      })
      .Case(
          [&](arith::ExtFOp) { return real(roundToElement(f(0), resultKind)); })
      // The operand's bits as the result type; a float is taken at its own
      // precision first (the reference may hold it in a double's).
      .Case([&](arith::BitcastOp) -> std::optional<RefScalar> {
        Type from = getElementTypeOrSelf(op->getOperand(0).getType());
        Type to = getElementTypeOrSelf(op->getResult(0).getType());
        auto fromFloat = dyn_cast<FloatType>(from);
        APInt bits = fromFloat
                         ? roundedTo(f(0), fromFloat.getFloatSemantics())
                               .bitcastToAPInt()
                         : APInt(from.getIntOrFloatBitWidth(),
                                 static_cast<uint64_t>(x[0].integer),
                                 /*isSigned=*/true, /*implicitTrunc=*/true);
        auto toFloat = dyn_cast<FloatType>(to);
        if (!toFloat)
          return wrap(bits.getZExtValue());
        return real(toDouble(APFloat(toFloat.getFloatSemantics(), bits)));
      })
      // Once, in the mode the op names (default: to nearest even) from the
      // double that holds the value: through a float, an f64 would round
      // twice on its way to bf16 or f16.
      .Case([&](arith::TruncFOp truncf) {
        return real(toDouble(
            roundedTo(f(0),
                      cast<FloatType>(getElementTypeOrSelf(truncf.getType()))
                          .getFloatSemantics(),
                      toApfloatRounding(truncf.getRoundingmode().value_or(
                          arith::RoundingMode::to_nearest_even)))));
      })
      // A float remainder takes the dividend's sign, as fmod (and LLVM's
      // frem) does.
      .Case([&](arith::RemFOp) { return real(std::fmod(f(0), f(1))); })
      .Case([&](math::ExpOp) { return real(std::exp(f(0))); })
      .Case([&](math::Exp2Op) { return real(std::exp2(f(0))); })
      .Case([&](math::LogOp) { return real(std::log(f(0))); })
      .Case([&](math::Log2Op) { return real(std::log2(f(0))); })
      .Case([&](math::TanhOp) { return real(std::tanh(f(0))); })
      .Case([&](math::SqrtOp) { return real(std::sqrt(f(0))); })
      .Case([&](math::RsqrtOp) { return real(1.0 / std::sqrt(f(0))); })
      .Case([&](math::AbsFOp) { return real(std::fabs(f(0))); })
      .Case([&](math::ErfOp) { return real(std::erf(f(0))); })
      .Case([&](math::SinOp) { return real(std::sin(f(0))); })
      .Case([&](math::CosOp) { return real(std::cos(f(0))); })
      .Case([&](math::TanOp) { return real(std::tan(f(0))); })
      .Case([&](math::AsinOp) { return real(std::asin(f(0))); })
      .Case([&](math::AcosOp) { return real(std::acos(f(0))); })
      .Case([&](math::AtanOp) { return real(std::atan(f(0))); })
      .Case([&](math::Atan2Op) { return real(std::atan2(f(0), f(1))); })
      .Case([&](math::SinhOp) { return real(std::sinh(f(0))); })
      .Case([&](math::CoshOp) { return real(std::cosh(f(0))); })
      .Case([&](math::AsinhOp) { return real(std::asinh(f(0))); })
      .Case([&](math::AcoshOp) { return real(std::acosh(f(0))); })
      .Case([&](math::AtanhOp) { return real(std::atanh(f(0))); })
      .Case([&](math::Log10Op) { return real(std::log10(f(0))); })
      .Case([&](math::Log1pOp) { return real(std::log1p(f(0))); })
      .Case([&](math::ExpM1Op) { return real(std::expm1(f(0))); })
      .Case([&](math::CbrtOp) { return real(std::cbrt(f(0))); })
      .Case([&](math::ErfcOp) { return real(std::erfc(f(0))); })
      .Case([&](math::PowFOp) { return real(std::pow(f(0), f(1))); })
      // (Beyond 2^53 an i64 exponent does not convert exactly, and only a
      // base of magnitude 1 then has a finite, non-zero power: its sign
      // comes from the exponent's parity.)
      .Case([&](math::FPowIOp) {
        int64_t exponent = i(1);
        if (exponent > (int64_t(1) << 53) || exponent < -(int64_t(1) << 53)) {
          double magnitude =
              std::pow(std::fabs(f(0)), static_cast<double>(exponent));
          return real(f(0) < 0 && (exponent & 1) ? -magnitude : magnitude);
        }
        return real(std::pow(f(0), static_cast<double>(exponent)));
      })
      .Case([&](math::CopySignOp) { return real(std::copysign(f(0), f(1))); })
      .Case([&](math::FmaOp) { return real(std::fma(f(0), f(1), f(2))); })
      .Case([&](math::FloorOp) { return real(std::floor(f(0))); })
      .Case([&](math::CeilOp) { return real(std::ceil(f(0))); })
      .Case([&](math::TruncOp) { return real(std::trunc(f(0))); })
      // math.round rounds halves away from zero, as std::round does;
      // roundeven rounds them to even, as nearbyint in the default mode.
      .Case([&](math::RoundOp) { return real(std::round(f(0))); })
      .Case([&](math::RoundEvenOp) { return real(std::nearbyint(f(0))); })
      .Case([&](math::IsNaNOp) { return integer(std::isnan(f(0)) ? 1 : 0); })
      .Case([&](math::IsInfOp) { return integer(std::isinf(f(0)) ? 1 : 0); })
      .Case([&](math::IsFiniteOp) {
        return integer(std::isfinite(f(0)) ? 1 : 0);
      })
      // |INT_MIN| wraps back to INT_MIN, as LLVM's abs without poison.
      .Case([&](math::AbsIOp) {
        return wrap(i(0) < 0 ? 0 - uint64_t(i(0)) : uint64_t(i(0)));
      })
      .Case([&](math::CountLeadingZerosOp) {
        uint64_t bits = u(0);
        return wrap(bits ? llvm::countl_zero(bits) - (64 - sourceWidth)
                         : sourceWidth);
      })
      .Case([&](math::CountTrailingZerosOp) {
        uint64_t bits = u(0);
        return wrap(bits ? llvm::countr_zero(bits) : sourceWidth);
      })
      .Case([&](math::CtPopOp) { return wrap(llvm::popcount(u(0))); })
      // As attn-expand-math computes it: wrapping at the width; a negative
      // exponent gives 1 / b^|n| truncated, and 0 for b = 0 (the pipelines'
      // integer division by 0). (On i1, true is -1: b^n = n ? b : true.)
      .Case([&](math::IPowIOp) {
        int64_t exponent = i(1);
        if (exponent < 0) {
          if (i(0) == 1)
            return wrap(1);
          if (i(0) == -1)
            return wrap(exponent & 1 ? uint64_t(-1) : 1);
          return wrap(0);
        }
        uint64_t power = 1, square = uint64_t(i(0));
        for (uint64_t bits = uint64_t(exponent); bits; bits >>= 1) {
          if (bits & 1)
            power *= square;
          square *= square;
        }
        return wrap(power);
      })
      // Normal in the operand's own type (not in the double it is held in).
      .Case([&](math::IsNormalOp) {
        auto type = cast<FloatType>(getElementTypeOrSelf(op->getOperand(0)));
        const llvm::fltSemantics &semantics = type.getFloatSemantics();
        double magnitude = std::fabs(f(0));
        return integer(
            magnitude >= toDouble(APFloat::getSmallestNormalized(semantics)) &&
                    magnitude <= toDouble(APFloat::getLargest(semantics))
                ? 1
                : 0);
      })
      // llvm-project#175012's clamp: maximumf(minimumf(x, hi), lo).
      .Case([&](math::ClampFOp) {
        return real(ieeeExtremum(ieeeExtremum(f(0), f(2), /*larger=*/false),
                                 f(1), /*larger=*/true));
      })
      .Case([&](math::SincosOp) {
        return real(result == 0 ? std::sin(f(0)) : std::cos(f(0)));
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// The two results of addui_extended (sum, overflow bit) and of
/// mulsi/mului_extended (the product's low and high halves) on scalars.
std::optional<std::pair<RefScalar, RefScalar>>
mlir::attn::reference::evalExtendedOp(Operation *op, ArrayRef<RefScalar> x) {
  unsigned width = integerWidth(op->getResult(0).getType());
  // The operands' bits at the width (wrapInteger's signed values).
  APInt a(width, static_cast<uint64_t>(x[0].integer), /*isSigned=*/true,
          /*implicitTrunc=*/true);
  APInt b(width, static_cast<uint64_t>(x[1].integer), /*isSigned=*/true,
          /*implicitTrunc=*/true);
  auto value = [&](const APInt &bits) {
    return RefScalar::ofInteger(wrapInteger(bits.getZExtValue(), width));
  };
  if (isa<arith::AddUIExtendedOp>(op)) {
    bool overflow = false;
    APInt sum = a.uadd_ov(b, overflow);
    return std::make_pair(value(sum), RefScalar::ofInteger(overflow ? 1 : 0));
  }
  bool isSigned = isa<arith::MulSIExtendedOp>(op);
  if (!isSigned && !isa<arith::MulUIExtendedOp>(op))
    return std::nullopt;
  APInt product = isSigned ? a.sext(2 * width) * b.sext(2 * width)
                           : a.zext(2 * width) * b.zext(2 * width);
  return std::make_pair(value(product.trunc(width)),
                        value(product.extractBits(width, width)));
}
