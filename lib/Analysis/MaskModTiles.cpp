//===- MaskModTiles.cpp - tile classes of a mask_mod region ---------------===//

#include "attn/Analysis/MaskModTiles.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

using Interval = MaskModTiles::Interval;

static constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

/// A value's integer width: 64 for index; 0 for a type that is not an
/// integer and for integers wider than 64 bits, which an int64_t interval
/// cannot hold.
static unsigned widthOf(Type type) {
  if (type.isIndex())
    return 64;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth() <= 64 ? integer.getWidth() : 0;
  return 0;
}

/// Every value of a `width`-bit integer as a signed number; booleans are 0
/// or 1 (as i1's unsigned reading, which and/or/xor keep).
static Interval everything(unsigned width) {
  if (width == 1)
    return {0, 1};
  if (width == 0 || width >= 64)
    return {kMin, kMax};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

static bool isExact(Interval v) { return v.lo == v.hi; }
static bool isNonNegative(Interval v) { return v.lo >= 0; }

/// `v` if every value fits `width` bits (signed), else every value: an op
/// that may wrap says nothing about its result. A boolean keeps its low
/// bit.
static Interval fit(Interval v, unsigned width) {
  Interval range = everything(width);
  if (width == 1)
    return isExact(v) ? Interval{v.lo & 1, v.lo & 1} : range;
  if (v.lo < range.lo || v.hi > range.hi)
    return range;
  return v;
}

static Interval boolean(bool canBeFalse, bool canBeTrue) {
  assert((canBeFalse || canBeTrue) && "a boolean has at least one value");
  return {canBeFalse ? 0 : 1, canBeTrue ? 1 : 0};
}

/// a < b and a <= b: true where every pair satisfies it, false where none
/// does.
static Interval lessThan(Interval a, Interval b) {
  return boolean(/*canBeFalse=*/a.hi >= b.lo, /*canBeTrue=*/a.lo < b.hi);
}
static Interval lessOrEqual(Interval a, Interval b) {
  return boolean(/*canBeFalse=*/a.hi > b.lo, /*canBeTrue=*/a.lo <= b.hi);
}
static Interval equal(Interval a, Interval b) {
  bool disjoint = a.hi < b.lo || b.hi < a.lo;
  bool same = isExact(a) && isExact(b) && a.lo == b.lo;
  return boolean(/*canBeFalse=*/!same, /*canBeTrue=*/!disjoint);
}
static Interval logicalNot(Interval v) { return {1 - v.hi, 1 - v.lo}; }

static Interval compare(arith::CmpIPredicate predicate, Interval a, Interval b,
                        unsigned width) {
  using P = arith::CmpIPredicate;
  bool isUnsigned = predicate == P::ult || predicate == P::ule ||
                    predicate == P::ugt || predicate == P::uge;
  if (width == 1 && !isUnsigned) {
    // As signed numbers, i1's true is -1.
    a = {-a.hi, -a.lo};
    b = {-b.hi, -b.lo};
  }
  if (isUnsigned) {
    // As unsigned numbers the negative ones come after the non-negative
    // ones, in the same order among themselves: sides of one sign compare
    // as signed, a negative side is the greater, a side of both signs
    // decides nothing.
    auto sign = [](Interval v) { return v.lo >= 0 ? 1 : v.hi < 0 ? -1 : 0; };
    int signA = sign(a), signB = sign(b);
    if (!signA || !signB)
      return {0, 1};
    if (signA != signB) {
      bool aGreater = signA < 0;
      bool holds =
          predicate == P::ugt || predicate == P::uge ? aGreater : !aGreater;
      return boolean(!holds, holds);
    }
  }
  switch (predicate) {
  case P::eq:
    return equal(a, b);
  case P::ne:
    return logicalNot(equal(a, b));
  case P::slt:
  case P::ult:
    return lessThan(a, b);
  case P::sle:
  case P::ule:
    return lessOrEqual(a, b);
  case P::sgt:
  case P::ugt:
    return lessThan(b, a);
  case P::sge:
  case P::uge:
    return lessOrEqual(b, a);
  }
  return {0, 1};
}

/// a op b at the four corners (exact for add, sub and mul, which are
/// monotone in each side); every value if one overflows.
template <typename Op>
static Interval corners(Interval a, Interval b, Op overflows) {
  int64_t lo = kMax, hi = kMin;
  for (int64_t x : {a.lo, a.hi})
    for (int64_t y : {b.lo, b.hi}) {
      int64_t r;
      if (overflows(x, y, r))
        return {kMin, kMax};
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    }
  return {lo, hi};
}

/// The positive constant divisor `v` holds, if it is one.
static std::optional<int64_t> positiveConstant(Interval v) {
  if (isExact(v) && v.lo > 0)
    return v.lo;
  return std::nullopt;
}

/// x rem c (truncated: the sign of x) over [lo, hi]. Where the interval
/// stays in one sign and one multiple of c the remainder grows with x;
/// otherwise it takes every value of its sign below c.
static Interval remainder(Interval v, int64_t c) {
  bool oneQuotient = v.lo / c == v.hi / c;
  if (v.lo >= 0)
    return oneQuotient ? Interval{v.lo % c, v.hi % c} : Interval{0, c - 1};
  if (v.hi <= 0)
    return oneQuotient ? Interval{v.lo % c, v.hi % c} : Interval{-(c - 1), 0};
  return {-(c - 1), c - 1};
}

/// The interval of a cast of `v` from `from` bits to `to`: an extension (by
/// sign if `signExtend`, else by zero) or a truncation (`signExtend`: the
/// value stays if it fits).
static Interval castInterval(Interval v, unsigned from, unsigned to,
                             bool signExtend) {
  if (from == 1 && signExtend)
    v = {-v.hi, -v.lo};
  else if (!signExtend && !isNonNegative(v))
    v = from < 64 ? Interval{0, (int64_t(1) << from) - 1}
                  : Interval{kMin, kMax};
  return fit(v, to);
}

MaskModTiles::MaskModTiles(Region &region) {
  if (!region.hasOneBlock())
    return;
  Block &body = region.front();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (body.getNumArguments() != 4 || !yield || yield->getNumOperands() != 1 ||
      !yield->getOperand(0).getType().isInteger(1) ||
      !llvm::all_of(body.getArgumentTypes(),
                    [](Type type) { return type.isIndex(); }))
    return;

  llvm::DenseMap<Value, unsigned> slots;
  auto addSlot = [&](Value value, Interval start) {
    unsigned slot = widths.size();
    slots[value] = slot;
    widths.push_back(widthOf(value.getType()));
    initial.push_back(start);
    return slot;
  };
  // Batch and head: any index a launch may have; rows and keys per tile.
  for (BlockArgument argument : body.getArguments())
    addSlot(argument, {0, kMax});
  // A value from above the region, or a constant: fixed for every tile.
  auto slotOf = [&](Value value) -> unsigned {
    if (auto it = slots.find(value); it != slots.end())
      return it->second;
    unsigned width = widthOf(value.getType());
    APInt constant;
    if (width && matchPattern(value, m_ConstantInt(&constant))) {
      int64_t v = width == 1 ? int64_t(constant.getZExtValue())
                             : constant.getSExtValue();
      return addSlot(value, {v, v});
    }
    return addSlot(value, everything(width));
  };
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() == 1 &&
        matchPattern(op.getResult(0), m_Constant())) {
      slotOf(op.getResult(0));
      continue;
    }
    Step step{&op, {}, 0};
    for (Value operand : op.getOperands())
      step.operands.push_back(slotOf(operand));
    step.firstResult = widths.size();
    for (Value result : op.getResults())
      addSlot(result, everything(widthOf(result.getType())));
    steps.push_back(std::move(step));
  }
  allowedSlot = slotOf(yield->getOperand(0));
}

Interval MaskModTiles::evaluate(const Step &step, unsigned result,
                                ArrayRef<Interval> values) const {
  unsigned width = widths[step.firstResult + result];
  auto operand = [&](unsigned i) { return values[step.operands[i]]; };
  auto operandWidth = [&](unsigned i) { return widths[step.operands[i]]; };
  Interval unknown = everything(width);
  // Ops on other types (floats, vectors) say nothing.
  if (!width ||
      llvm::any_of(step.operands, [&](unsigned slot) { return !widths[slot]; }))
    return unknown;
  // Arithmetic that reads i1 as a number other than by its low bit (true is
  // -1 to a signed op): left unknown rather than modelled.
  if (width == 1 &&
      isa<arith::MulIOp, arith::DivSIOp, arith::DivUIOp, arith::FloorDivSIOp,
          arith::CeilDivSIOp, arith::CeilDivUIOp, arith::RemSIOp,
          arith::RemUIOp, arith::MinSIOp, arith::MaxSIOp, arith::ShLIOp,
          arith::ShRSIOp, arith::ShRUIOp>(step.op))
    return unknown;
  // Division by a positive constant c, monotone in the dividend.
  auto divided = [&](int64_t (*divide)(int64_t, int64_t),
                     bool needsNonNegative) -> Interval {
    std::optional<int64_t> c = positiveConstant(operand(1));
    Interval x = operand(0);
    if (!c || (needsNonNegative && !isNonNegative(x)))
      return unknown;
    return fit({divide(x.lo, *c), divide(x.hi, *c)}, width);
  };
  auto truncating = [](int64_t x, int64_t c) { return x / c; };
  auto floors = [](int64_t x, int64_t c) {
    return llvm::divideFloorSigned(x, c);
  };
  auto ceils = [](int64_t x, int64_t c) {
    return llvm::divideCeilSigned(x, c);
  };
  // A shift by a constant below the width (a larger one is poison).
  auto shiftAmount = [&]() -> std::optional<int64_t> {
    Interval amount = operand(1);
    if (isExact(amount) && amount.lo >= 0 && amount.lo < int64_t(width))
      return amount.lo;
    return std::nullopt;
  };
  // x >> c: floor division by 2^c, monotone in x (on a non-negative x the
  // logical shift is the same).
  auto shiftedRight = [&](bool needsNonNegative) -> Interval {
    std::optional<int64_t> c = shiftAmount();
    Interval x = operand(0);
    if (!c || (needsNonNegative && !isNonNegative(x)))
      return unknown;
    return {x.lo >> *c, x.hi >> *c};
  };
  auto minimum = [&]() -> Interval {
    return {std::min(operand(0).lo, operand(1).lo),
            std::min(operand(0).hi, operand(1).hi)};
  };
  auto maximum = [&]() -> Interval {
    return {std::max(operand(0).lo, operand(1).lo),
            std::max(operand(0).hi, operand(1).hi)};
  };
  auto bothNonNegative = [&] {
    return isNonNegative(operand(0)) && isNonNegative(operand(1));
  };
  return llvm::TypeSwitch<Operation *, Interval>(step.op)
      .Case([&](arith::AddIOp) {
        return fit(corners(operand(0), operand(1),
                           [](int64_t x, int64_t y, int64_t &r) {
                             return llvm::AddOverflow(x, y, r);
                           }),
                   width);
      })
      .Case([&](arith::SubIOp) {
        return fit(corners(operand(0), operand(1),
                           [](int64_t x, int64_t y, int64_t &r) {
                             return llvm::SubOverflow(x, y, r);
                           }),
                   width);
      })
      .Case([&](arith::MulIOp) {
        return fit(corners(operand(0), operand(1),
                           [](int64_t x, int64_t y, int64_t &r) {
                             return llvm::MulOverflow(x, y, r);
                           }),
                   width);
      })
      .Case([&](arith::ShLIOp) -> Interval {
        // x * 2^c, if no bit leaves the width.
        std::optional<int64_t> c = shiftAmount();
        if (!c || *c >= 63)
          return unknown;
        return fit(corners(operand(0), {int64_t(1) << *c, int64_t(1) << *c},
                           [](int64_t x, int64_t y, int64_t &r) {
                             return llvm::MulOverflow(x, y, r);
                           }),
                   width);
      })
      .Case([&](arith::ShRSIOp) { return shiftedRight(false); })
      .Case([&](arith::ShRUIOp) { return shiftedRight(true); })
      .Case([&](arith::DivSIOp) { return divided(truncating, false); })
      .Case([&](arith::DivUIOp) { return divided(truncating, true); })
      .Case([&](arith::FloorDivSIOp) { return divided(floors, false); })
      .Case([&](arith::CeilDivSIOp) { return divided(ceils, false); })
      .Case([&](arith::CeilDivUIOp) { return divided(ceils, true); })
      .Case([&](arith::RemSIOp) -> Interval {
        std::optional<int64_t> c = positiveConstant(operand(1));
        return c ? fit(remainder(operand(0), *c), width) : unknown;
      })
      .Case([&](arith::RemUIOp) -> Interval {
        std::optional<int64_t> c = positiveConstant(operand(1));
        if (!c || !isNonNegative(operand(0)))
          return unknown;
        return fit(remainder(operand(0), *c), width);
      })
      .Case([&](arith::MinSIOp) { return minimum(); })
      .Case([&](arith::MaxSIOp) { return maximum(); })
      // Unsigned order is the signed one where both sides are non-negative
      // (and i1's 0 / 1 reading is its unsigned one).
      .Case([&](arith::MinUIOp) {
        return bothNonNegative() ? minimum() : unknown;
      })
      .Case([&](arith::MaxUIOp) {
        return bothNonNegative() ? maximum() : unknown;
      })
      .Case([&](arith::CmpIOp cmp) {
        return compare(cmp.getPredicate(), operand(0), operand(1),
                       operandWidth(0));
      })
      .Case([&](arith::AndIOp) -> Interval {
        Interval a = operand(0), b = operand(1);
        if (width == 1)
          return {a.lo & b.lo, a.hi & b.hi};
        // Non-negative on either side bounds the result by it.
        if (bothNonNegative())
          return {0, std::min(a.hi, b.hi)};
        if (isNonNegative(a) || isNonNegative(b))
          return {0, isNonNegative(a) ? a.hi : b.hi};
        return unknown;
      })
      .Case([&](arith::OrIOp) -> Interval {
        Interval a = operand(0), b = operand(1);
        if (width == 1)
          return {a.lo | b.lo, a.hi | b.hi};
        return unknown;
      })
      .Case([&](arith::XOrIOp) -> Interval {
        Interval a = operand(0), b = operand(1);
        if (width == 1 && isExact(a) && isExact(b))
          return {a.lo ^ b.lo, a.lo ^ b.lo};
        return unknown;
      })
      .Case([&](arith::SelectOp) -> Interval {
        Interval condition = operand(0);
        if (isExact(condition))
          return condition.lo ? operand(1) : operand(2);
        return {std::min(operand(1).lo, operand(2).lo),
                std::max(operand(1).hi, operand(2).hi)};
      })
      .Case([&](arith::ExtSIOp) {
        return castInterval(operand(0), operandWidth(0), width, true);
      })
      .Case([&](arith::ExtUIOp) {
        return castInterval(operand(0), operandWidth(0), width, false);
      })
      .Case([&](arith::TruncIOp) {
        return castInterval(operand(0), operandWidth(0), width, true);
      })
      .Case([&](arith::IndexCastOp) {
        return castInterval(operand(0), operandWidth(0), width, true);
      })
      .Case([&](arith::IndexCastUIOp) {
        return castInterval(operand(0), operandWidth(0), width, false);
      })
      .Default([&](Operation *) { return unknown; });
}

TileClass MaskModTiles::classify(const TileBounds &tile) const {
  if (!allowedSlot)
    return TileClass::Partial;
  SmallVector<Interval, 32> values(initial.begin(), initial.end());
  values[2] = {tile.rowBegin, tile.rowEnd - 1};
  values[3] = {tile.keyBegin, tile.keyEnd - 1};
  for (const Step &step : steps)
    for (unsigned r = 0, e = step.op->getNumResults(); r < e; ++r)
      values[step.firstResult + r] = evaluate(step, r, values);
  Interval allowed = values[*allowedSlot];
  if (allowed.lo == 1)
    return TileClass::Full;
  if (allowed.hi == 0)
    return TileClass::Empty;
  return TileClass::Partial;
}
