//===- ExpandMath.cpp - the attn-expand-math pass -------------------------===//
//
// Passes.td says what and why. Each pattern takes a float scalar or vector
// (the CPU pipeline runs the pass after vectorisation and bufferisation).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEXPANDMATHPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
/// Builds float arithmetic on values of one scalar or vector type.
struct FloatBuilder {
  PatternRewriter &b;
  Location loc;
  Type type;

  Value constant(double value) {
    auto element = cast<FloatType>(getElementTypeOrSelf(type));
    APFloat number(value);
    bool losesInfo;
    number.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                   &losesInfo);
    return createScalarOrSplatConstant(b, loc, type, number);
  }
  Value compare(arith::CmpFPredicate predicate, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, predicate, x, y);
  }
  Value equals(Value x, double value) {
    return compare(arith::CmpFPredicate::OEQ, x, constant(value));
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
};

/// `element`, as a vector of `like`'s shape where `like` is a vector.
Type withShapeOf(Type like, Type element) {
  if (auto vector = dyn_cast<VectorType>(like))
    return vector.clone(element);
  return element;
}

bool isFloatScalarOrVector(Type type) {
  return isa<FloatType>(type) ||
         (isa<VectorType>(type) &&
          isa<FloatType>(cast<VectorType>(type).getElementType()));
}

/// `x` widened to f32 where its elements are narrower (f16, bf16): Kahan's
/// forms below take several roundings, each of which would cost a bf16
/// result most of its digits; the result is rounded back once.
static Value widenToF32(PatternRewriter &rewriter, Location loc, Value x) {
  Type type = x.getType();
  if (cast<FloatType>(getElementTypeOrSelf(type)).getWidth() >= 32)
    return x;
  return arith::ExtFOp::create(rewriter, loc,
                               withShapeOf(type, rewriter.getF32Type()), x);
}

/// `op` replaced by `result`, rounded back to the op's type if it was
/// computed wider.
static void replaceRounded(PatternRewriter &rewriter, Operation *op,
                           Value result) {
  Type type = op->getResult(0).getType();
  if (result.getType() != type)
    result = arith::TruncFOp::create(rewriter, op->getLoc(), type, result);
  rewriter.replaceOp(op, result);
}

/// expm1(x) = (u - 1) x / log u with u = exp x: the rounding of u cancels
/// between the two factors (Kahan). Where u is 1, x itself (-0 stays -0);
/// where u - 1 is -1 or u is +inf, those.
struct ExpandExpM1 : OpRewritePattern<math::ExpM1Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpM1Op op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatScalarOrVector(op.getType()))
      return failure();
    Value x = widenToF32(rewriter, op.getLoc(), op.getOperand());
    FloatBuilder f{rewriter, op.getLoc(), x.getType()};
    Value u = math::ExpOp::create(rewriter, op.getLoc(), x);
    Value uMinusOne = f.sub(u, f.constant(1.0));
    Value general = f.div(f.mul(uMinusOne, x),
                          math::LogOp::create(rewriter, op.getLoc(), u));
    Value result = f.select(f.equals(u, INFINITY), u, general);
    result = f.select(f.equals(uMinusOne, -1.0), uMinusOne, result);
    replaceRounded(rewriter, op, f.select(f.equals(u, 1.0), x, result));
    return success();
  }
};

/// log1p(x) = log(u) x / (u - 1) with u = 1 + x (Kahan). Where u is 1, x
/// itself; where u is +inf, log u.
struct ExpandLog1p : OpRewritePattern<math::Log1pOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::Log1pOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatScalarOrVector(op.getType()))
      return failure();
    Value x = widenToF32(rewriter, op.getLoc(), op.getOperand());
    FloatBuilder f{rewriter, op.getLoc(), x.getType()};
    Value u = f.add(f.constant(1.0), x);
    Value logU = math::LogOp::create(rewriter, op.getLoc(), u);
    Value general = f.div(f.mul(logU, x), f.sub(u, f.constant(1.0)));
    Value result = f.select(f.equals(u, INFINITY), logU, general);
    replaceRounded(rewriter, op, f.select(f.equals(u, 1.0), x, result));
    return success();
  }
};

/// isinf(x) = |x| == inf.
struct ExpandIsInf : OpRewritePattern<math::IsInfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IsInfOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getOperand().getType();
    if (!isFloatScalarOrVector(type))
      return failure();
    FloatBuilder f{rewriter, op.getLoc(), type};
    Value magnitude =
        math::AbsFOp::create(rewriter, op.getLoc(), op.getOperand());
    rewriter.replaceOp(op, f.equals(magnitude, INFINITY));
    return success();
  }
};

/// fpowi(x, n) = pow(|x|, n), negated (copysign x) where n is odd. A
/// constant exponent of magnitude at most 16 stays fpowi on an i32, which
/// LLVM multiplies out.
struct ExpandFPowI : OpRewritePattern<math::FPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  static constexpr int64_t kLargestMultipliedOut = 16;

  LogicalResult matchAndRewrite(math::FPowIOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!isFloatScalarOrVector(type))
      return failure();
    Location loc = op.getLoc();
    Value x = op.getLhs(), n = op.getRhs();
    Type exponentType = n.getType();
    APInt constantExponent;
    if (matchPattern(n, m_ConstantInt(&constantExponent)) &&
        constantExponent.getSignificantBits() <= 32 &&
        std::abs(constantExponent.getSExtValue()) <= kLargestMultipliedOut) {
      if (getElementTypeOrSelf(exponentType).isInteger(32))
        return failure();
      Value narrow = createScalarOrSplatConstant(
          rewriter, loc, withShapeOf(exponentType, rewriter.getI32Type()),
          APInt(32, constantExponent.getSExtValue(), /*isSigned=*/true));
      rewriter.replaceOpWithNewOp<math::FPowIOp>(op, x, narrow);
      return success();
    }
    FloatBuilder f{rewriter, loc, type};
    Value magnitude = math::AbsFOp::create(rewriter, loc, x);
    Value exponent = arith::SIToFPOp::create(rewriter, loc, type, n);
    Value power = math::PowFOp::create(rewriter, loc, magnitude, exponent);
    // n's lowest bit (exact, whatever the float exponent rounds to).
    Value one = createScalarOrSplatConstant(
        rewriter, loc, exponentType,
        APInt(getElementTypeOrSelf(exponentType).getIntOrFloatBitWidth(), 1));
    Value odd = arith::TruncIOp::create(
        rewriter, loc, withShapeOf(exponentType, rewriter.getI1Type()),
        arith::AndIOp::create(rewriter, loc, n, one));
    Value signed_ = math::CopySignOp::create(rewriter, loc, power, x);
    rewriter.replaceOp(op, f.select(odd, signed_, power));
    return success();
  }
};

/// clampf(x, lo, hi) = maximumf(minimumf(x, hi), lo): the fixed semantics
/// of llvm-project#175012 (CUDA's and SPIR-V's clamp). MLIR 22's own
/// expansion computes maximumf(minimumf(x, lo), hi), which is hi for every
/// x in range. A NaN operand gives NaN; where lo > hi, lo.
struct ExpandClampF : OpRewritePattern<math::ClampFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ClampFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatScalarOrVector(op.getType()))
      return failure();
    Value below = arith::MinimumFOp::create(
        rewriter, op.getLoc(), op.getValue(), op.getMax(), op.getFastmath());
    rewriter.replaceOpWithNewOp<arith::MaximumFOp>(op, below, op.getMin(),
                                                   op.getFastmath());
    return success();
  }
};

/// isnormal(x) = smallest normal <= |x| <= largest finite, in x's own type
/// (ordered compares: NaN is not normal).
struct ExpandIsNormal : OpRewritePattern<math::IsNormalOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IsNormalOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getOperand().getType();
    if (!isFloatScalarOrVector(type))
      return failure();
    Location loc = op.getLoc();
    const llvm::fltSemantics &semantics =
        cast<FloatType>(getElementTypeOrSelf(type)).getFloatSemantics();
    auto bound = [&](const APFloat &value) {
      return createScalarOrSplatConstant(rewriter, loc, type, value);
    };
    Value magnitude = math::AbsFOp::create(rewriter, loc, op.getOperand());
    Value aboveSubnormals = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGE, magnitude,
        bound(APFloat::getSmallestNormalized(semantics)));
    Value finite =
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLE,
                              magnitude, bound(APFloat::getLargest(semantics)));
    rewriter.replaceOpWithNewOp<arith::AndIOp>(op, aboveSubnormals, finite);
    return success();
  }
};

/// ipowi(b, n): b^n wrapping at the width, by squaring and multiplying
/// over n's bits without branches (vectors take it lane by lane); a
/// constant n multiplies out only the squares it needs. A negative n gives
/// 1 for b = 1, -1 or 1 for b = -1 (n odd or even), else 0: 1 / b^|n|
/// truncated, with 0 for b = 0 as the pipelines' integer division by 0
/// gives (attn-guard-integer-division). Index operands compute on i64.
/// On i1, whose true is -1 as a signed value, that makes b^n = n ? b : true.
struct ExpandIPowI : OpRewritePattern<math::IPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IPowIOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    Type element = getElementTypeOrSelf(type);
    if (!element.isSignlessIntOrIndex() || isa<TensorType>(type))
      return failure();
    Location loc = op.getLoc();
    Value base = op.getLhs(), exponent = op.getRhs();
    Type computed = type;
    if (element.isIndex()) {
      computed = withShapeOf(type, rewriter.getI64Type());
      base = arith::IndexCastOp::create(rewriter, loc, computed, base);
      exponent = arith::IndexCastOp::create(rewriter, loc, computed, exponent);
    }
    unsigned width = getElementTypeOrSelf(computed).getIntOrFloatBitWidth();
    auto constant = [&](int64_t value) {
      return createScalarOrSplatConstant(
          rewriter, loc, computed,
          APInt(width, static_cast<uint64_t>(value), /*isSigned=*/true,
                /*implicitTrunc=*/true));
    };
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulIOp::create(rewriter, loc, x, y);
    };
    auto compare = [&](arith::CmpIPredicate predicate, Value x,
                       Value y) -> Value {
      return arith::CmpIOp::create(rewriter, loc, predicate, x, y);
    };
    auto select = [&](Value condition, Value x, Value y) -> Value {
      return arith::SelectOp::create(rewriter, loc, condition, x, y);
    };
    Value one = constant(1), zero = constant(0);
    auto negativePower = [&]() {
      Value odd =
          compare(arith::CmpIPredicate::ne,
                  arith::AndIOp::create(rewriter, loc, exponent, one), zero);
      Value minusOne = constant(-1);
      Value ofMinusOne = select(odd, minusOne, one);
      Value power = select(compare(arith::CmpIPredicate::eq, base, minusOne),
                           ofMinusOne, zero);
      return select(compare(arith::CmpIPredicate::eq, base, one), one, power);
    };
    Value result;
    APInt known;
    if (matchPattern(op.getRhs(), m_ConstantInt(&known))) {
      if (known.isNegative()) {
        result = negativePower();
      } else {
        // The set bits of n, lowest first; the square for the next bit only
        // while one remains.
        Value square = base;
        for (unsigned bit = 0, last = known.getActiveBits(); bit < last;
             ++bit) {
          if (known[bit])
            result = result ? mul(result, square) : square;
          if (bit + 1 < last)
            square = mul(square, square);
        }
        if (!result)
          result = one;
      }
    } else {
      // Bits 0 .. width - 2 of n (bit width - 1 is the sign).
      Value power = one, square = base;
      for (unsigned bit = 0; bit + 1 < width; ++bit) {
        Value mask = createScalarOrSplatConstant(
            rewriter, loc, computed, APInt::getOneBitSet(width, bit));
        Value set =
            compare(arith::CmpIPredicate::ne,
                    arith::AndIOp::create(rewriter, loc, exponent, mask), zero);
        power = select(set, mul(power, square), power);
        if (bit + 2 < width)
          square = mul(square, square);
      }
      result = select(compare(arith::CmpIPredicate::slt, exponent, zero),
                      negativePower(), power);
    }
    if (computed != type)
      result = arith::IndexCastOp::create(rewriter, loc, type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The integer type of `type`'s bits (a float scalar or vector).
static Type bitsTypeOf(Builder &b, Type type) {
  return withShapeOf(
      type,
      b.getIntegerType(getElementTypeOrSelf(type).getIntOrFloatBitWidth()));
}

/// `x` rounded to `type` in `mode`: the default truncf (nearest even), then
/// one step of its bits where the mode rounds the other way, decided in
/// x's type, where the rounded value and the differences to its neighbours
/// are exact. +-1 on the bits moves away from or toward zero (through
/// subnormals, from the largest finite to inf and back: formats with an
/// implicit leading bit only); NaN and exact values fail every compare.
static Value roundInMode(PatternRewriter &rewriter, Location loc, Value x,
                         Type type, arith::RoundingMode mode) {
  Value rounded = arith::TruncFOp::create(rewriter, loc, type, x);
  if (mode == arith::RoundingMode::to_nearest_even)
    return rounded;
  FloatBuilder f{rewriter, loc, x.getType()};
  Type bitsType = bitsTypeOf(rewriter, type);
  unsigned width = getElementTypeOrSelf(bitsType).getIntOrFloatBitWidth();
  auto integer = [&](int64_t value) {
    return createScalarOrSplatConstant(rewriter, loc, bitsType,
                                       APInt(width, value));
  };
  Value bits = arith::BitcastOp::create(rewriter, loc, bitsType, rounded);
  Value away = arith::AddIOp::create(rewriter, loc, bits, integer(1));
  Value toward = arith::SubIOp::create(rewriter, loc, bits, integer(1));
  Value negative = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::slt, bits, integer(0));
  Value exact = arith::ExtFOp::create(rewriter, loc, x.getType(), rounded);
  Value step, stepped;
  switch (mode) {
  case arith::RoundingMode::upward:
    step = f.compare(arith::CmpFPredicate::OLT, exact, x);
    stepped = f.select(negative, toward, away);
    break;
  case arith::RoundingMode::downward:
    step = f.compare(arith::CmpFPredicate::OGT, exact, x);
    stepped = f.select(negative, away, toward);
    break;
  case arith::RoundingMode::toward_zero: {
    Value magnitude = math::AbsFOp::create(rewriter, loc, exact);
    step = f.compare(arith::CmpFPredicate::OGT, magnitude,
                     math::AbsFOp::create(rewriter, loc, x));
    stepped = toward;
    break;
  }
  case arith::RoundingMode::to_nearest_away: {
    // Only a tie that went to the even neighbour nearer zero changes.
    Value magnitude = math::AbsFOp::create(rewriter, loc, exact);
    Value target = math::AbsFOp::create(rewriter, loc, x);
    Value awayMagnitude = math::AbsFOp::create(
        rewriter, loc,
        arith::ExtFOp::create(
            rewriter, loc, x.getType(),
            arith::BitcastOp::create(rewriter, loc, type, away).getResult()));
    Value tie = f.compare(arith::CmpFPredicate::OEQ, f.sub(target, magnitude),
                          f.sub(awayMagnitude, target));
    step = arith::AndIOp::create(
        rewriter, loc, f.compare(arith::CmpFPredicate::OLT, magnitude, target),
        tie);
    stepped = away;
    break;
  }
  case arith::RoundingMode::to_nearest_even:
    llvm_unreachable("returned above");
  }
  return arith::BitcastOp::create(rewriter, loc, type,
                                  f.select(step, stepped, bits));
}

/// `x` (wider than f32) rounded to f32 to odd: toward zero, the last bit
/// set where that was inexact. No bf16 value or midpoint then lies between
/// x and the result, so a second rounding to bf16, in any mode, is x's one
/// rounding (two roundings to nearest through f32 are not).
static Value roundToOddF32(PatternRewriter &rewriter, Location loc, Value x) {
  Type f32 = withShapeOf(x.getType(), rewriter.getF32Type());
  Value truncated =
      roundInMode(rewriter, loc, x, f32, arith::RoundingMode::toward_zero);
  FloatBuilder f{rewriter, loc, x.getType()};
  Value inexact = f.compare(
      arith::CmpFPredicate::ONE,
      arith::ExtFOp::create(rewriter, loc, x.getType(), truncated), x);
  Type bitsType = bitsTypeOf(rewriter, f32);
  Value bits = arith::BitcastOp::create(rewriter, loc, bitsType, truncated);
  Value odd = arith::OrIOp::create(
      rewriter, loc, bits,
      createScalarOrSplatConstant(rewriter, loc, bitsType, APInt(32, 1)));
  return arith::BitcastOp::create(rewriter, loc, f32,
                                  f.select(inexact, odd, bits));
}

/// Whether `op` rounds to bf16 from a type wider than f32.
static bool isBf16FromWide(arith::TruncFOp op) {
  return getElementTypeOrSelf(op.getType()).isBF16() &&
         getElementTypeOrSelf(op.getIn().getType()).getIntOrFloatBitWidth() >
             32;
}

/// Whether `op` rounds to x86's f80 in a mode other than to nearest even:
/// f80 stores its leading bit, which a step on the bits does not take.
static bool isModeToF80(arith::TruncFOp op) {
  std::optional<arith::RoundingMode> mode = op.getRoundingmode();
  return mode && *mode != arith::RoundingMode::to_nearest_even &&
         getElementTypeOrSelf(op.getType()).isF80();
}

/// truncf in a rounding mode, and to bf16 from a type wider than f32.
/// Lowered as LLVM's constrained fptrunc, a mode only asserts the
/// environment's: the CPU rounded to nearest whatever the mode, NVPTX
/// emitted cvt.rn, and to bf16 the CPU called compiler-rt's __truncsfbf2 or
/// __truncdfbf2, which nothing links. bf16 from f64 rounded twice through
/// f32 (the GPU before sm_90): it goes through f32 rounded to odd here.
struct ExpandRoundedTruncF : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    bool bf16FromWide = isBf16FromWide(op);
    if (!isFloatScalarOrVector(type) || isModeToF80(op) ||
        !(op.getRoundingmode() || bf16FromWide))
      return failure();
    Location loc = op.getLoc();
    arith::RoundingMode mode =
        op.getRoundingmode().value_or(arith::RoundingMode::to_nearest_even);
    Value x = op.getIn();
    if (bf16FromWide)
      x = roundToOddF32(rewriter, loc, x);
    rewriter.replaceOp(op, roundInMode(rewriter, loc, x, type, mode));
    return success();
  }
};

/// A truncf to f80 in a mode other than to nearest even, which the
/// expansion does not take, is an error (its lowering ignored the mode).
static LogicalResult refuseUnexpandedModes(Operation *root) {
  WalkResult walk = root->walk([](arith::TruncFOp op) {
    if (!isModeToF80(op))
      return WalkResult::advance();
    op.emitOpError() << "rounds to " << op.getType() << " in mode '"
                     << arith::stringifyRoundingMode(*op.getRoundingmode())
                     << "', which this lowering implements only for f16, "
                        "bf16, f32 and f64 results";
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

/// libdevice's fmod for remainders of `type` (a scalar float): the f64 one
/// for f64, else the f32 one (f16 and bf16 go through f32, where fmod is
/// exact: its result is representable in the operands' type).
static std::pair<StringRef, FloatType> libdeviceFmod(MLIRContext *context,
                                                     FloatType type) {
  if (type.isF64())
    return {"__nv_fmod", Float64Type::get(context)};
  return {"__nv_fmodf", Float32Type::get(context)};
}

/// Whether `op` is a remainder that RemainderToLibdevice rewrites.
static bool isScalarRemainder(arith::RemFOp op) {
  auto type = dyn_cast<FloatType>(op.getType());
  return type && type.getWidth() <= 64;
}

/// arith.remf of a scalar as a call to libdevice's fmod, declared in its
/// symbol table beforehand (declareLibdeviceFmods): NVPTX has no frem, and
/// the kernels' conversion refused the llvm.frem that arith-to-LLVM makes.
struct RemainderToLibdevice : OpRewritePattern<arith::RemFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::RemFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isScalarRemainder(op))
      return failure();
    StringRef name =
        libdeviceFmod(op.getContext(), cast<FloatType>(op.getType())).first;
    Operation *table = SymbolTable::getNearestSymbolTable(op);
    auto callee = dyn_cast_or_null<func::FuncOp>(
        table ? SymbolTable::lookupSymbolIn(table, name) : nullptr);
    if (!callee)
      return failure();
    Location loc = op.getLoc();
    Value lhs = widenToF32(rewriter, loc, op.getLhs());
    Value rhs = widenToF32(rewriter, loc, op.getRhs());
    replaceRounded(
        rewriter, op,
        func::CallOp::create(rewriter, loc, callee, ValueRange{lhs, rhs})
            .getResult(0));
    return success();
  }
};

/// Declares libdevice's fmod in each symbol table under `root` (root
/// included, none above it: a pass may not touch its parent) that holds a
/// scalar remf. A symbol of that name that is not a func.func of the
/// expected type is an error.
static LogicalResult declareLibdeviceFmods(Operation *root) {
  OpBuilder b(root->getContext());
  WalkResult walk = root->walk([&](arith::RemFOp op) {
    if (!isScalarRemainder(op))
      return WalkResult::advance();
    Operation *table = SymbolTable::getNearestSymbolTable(op);
    if (!table || (table != root && !root->isProperAncestor(table)))
      return WalkResult::advance();
    auto [name, computed] =
        libdeviceFmod(op.getContext(), cast<FloatType>(op.getType()));
    FunctionType expected = b.getFunctionType({computed, computed}, {computed});
    Operation *existing = SymbolTable::lookupSymbolIn(table, name);
    if (!existing) {
      b.setInsertionPointToStart(&table->getRegion(0).front());
      func::FuncOp::create(b, op.getLoc(), name, expected).setPrivate();
      return WalkResult::advance();
    }
    auto func = dyn_cast<func::FuncOp>(existing);
    if (func && func.getFunctionType() == expected)
      return WalkResult::advance();
    existing->emitOpError() << "takes the name of libdevice's fmod, which "
                               "remainders call as a func.func of type "
                            << expected;
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

struct AttnExpandMathPass
    : public attn::impl::AttnExpandMathPassBase<AttnExpandMathPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(refuseUnexpandedModes(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    attn::populateMathExpansionPatterns(patterns);
    if (libdeviceRemainders) {
      if (failed(declareLibdeviceFmods(getOperation())))
        return signalPassFailure();
      patterns.add<RemainderToLibdevice>(&getContext());
    }
    // (Each op is rewritten once; the ops the patterns create are not
    // visited, so fpowi's narrowed constant form stays.)
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void mlir::attn::populateMathExpansionPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandExpM1, ExpandLog1p, ExpandIsInf, ExpandFPowI, ExpandClampF,
               ExpandIsNormal, ExpandIPowI, ExpandRoundedTruncF>(
      patterns.getContext());
}
