//===- MaskModKeyIntervals.cpp - run-time key bounds of a mask_mod --------===//
//
// Over lengths known only at run time there is no block map, so MaskModTiles
// cannot skip a mask_mod's tiles. Most regions that users write (FlexAttention
// style) are ands and ors of compares that bound a row's keys monotonically
// in the row: sides linear in the row and the key (`j <= i`, `i - j < W`,
// `j < P | j <= i`), or a floor division of the key against one of the row
// (chunks, `i / C == j / C`). The span's first and last rows then give the
// keys any row may see and those all of them see, as the affine atoms'
// intervals do (KeyIntervals.cpp); an and intersects them, an or takes their
// hull. A part of another form bounds nothing (an or with one, nothing at
// all) and leaves no key known allowed, so the region is still tested on
// every tile it does not wholly allow.
//
// Soundness rests on the region's index arithmetic not wrapping: linear
// forms keep coefficients within 2 and constants within 2^31, key divisors
// within 2^16, so with rows and keys below 2^40 (far beyond any tensor's
// length) every value the region and the bounds compute is exact, and
// signed and unsigned compares of non-negative sides agree.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"

#include "KeyIntervalMath.h"

#include "mlir/IR/Matchers.h"

#include <functional>

using namespace mlir;
using namespace mlir::attn;

namespace {
/// row * i + key * j + constant.
struct LinearForm {
  int64_t row = 0, key = 0, constant = 0;

  LinearForm operator+(const LinearForm &other) const {
    return {row + other.row, key + other.key, constant + other.constant};
  }
  LinearForm operator-() const { return {-row, -key, -constant}; }
  LinearForm operator-(const LinearForm &other) const { return *this + -other; }
  bool isNonNegative() const { return row >= 0 && key >= 0 && constant >= 0; }
  bool isSmall(int64_t maxCoefficient, int64_t maxConstant) const {
    return std::abs(row) <= maxCoefficient && std::abs(key) <= maxCoefficient &&
           std::abs(constant) <= maxConstant;
  }
};

struct ConstraintMath : KeyIntervalMath {
  /// row * i + constant.
  Value affine(int64_t row, Value i, int64_t constant) {
    return add(mul(c(row), i), c(constant));
  }
};

/// One conjunct of a compare, a bound on a row's keys monotone in the row:
/// `j <= at(i)` (Upper), `j >= at(i)` (Lower), or, where the key does not
/// take part, `at(i)` an i1 that holds for the row (Rows).
struct KeyBound {
  enum Kind { Upper, Lower, Rows } kind;
  /// Whether at(i) does not decrease as i grows (Upper and Lower).
  bool growing;
  std::function<Value(ConstraintMath &, Value)> at;
};

/// `floor(inner / divisor)` of a linear form of one variable.
struct FloorForm {
  LinearForm inner;
  int64_t divisor;
};

/// Reads an index compare of a mask_mod region as bounds on the key
/// monotone in the row: sides linear in the row and the key, or a floor
/// division of the key (plus a constant) against one of the row or a form
/// of the row alone (chunks: `i / C == j / C`).
class MonotoneCompares {
public:
  explicit MonotoneCompares(Block &body)
      : row(body.getArgument(2)), key(body.getArgument(3)) {}

  /// The compare's bounds (one, or two for eq), or none.
  std::optional<SmallVector<KeyBound, 2>> read(arith::CmpIOp compare) {
    std::optional<Order> order = orderOf(compare.getPredicate());
    if (!order)
      return std::nullopt;
    using P = arith::CmpIPredicate;
    bool isUnsigned = llvm::is_contained({P::ult, P::ule, P::ugt, P::uge},
                                         compare.getPredicate());
    std::optional<LinearForm> lhs = linear(compare.getLhs(), 0);
    std::optional<LinearForm> rhs = linear(compare.getRhs(), 0);
    if (lhs && rhs)
      return readLinear(*order, isUnsigned, *lhs, *rhs);
    // A floor division of the key on one side, the row's on the other.
    std::optional<FloorForm> keyFloor = floorOf(compare.getLhs(), key);
    Value other = compare.getRhs();
    if (!keyFloor) {
      keyFloor = floorOf(compare.getRhs(), key);
      other = compare.getLhs();
      order = swapped(*order);
    }
    if (!keyFloor)
      return std::nullopt;
    return readKeyFloor(*order, isUnsigned, *keyFloor, other);
  }

  static constexpr unsigned kMaxDepth = 16;

private:
  // Intermediate forms: small enough never to wrap (see the file comment).
  static constexpr int64_t kMaxCoefficient = 2;
  static constexpr int64_t kMaxConstant = int64_t(1) << 31;
  static constexpr int64_t kMaxKeyDivisor = int64_t(1) << 16;

  /// A compare's order, signed and unsigned alike: lhs <= rhs, <, >=, >,
  /// ==; none for ne.
  enum class Order { AtMost, Below, AtLeast, Above, Equal };
  static std::optional<Order> orderOf(arith::CmpIPredicate predicate) {
    using P = arith::CmpIPredicate;
    switch (predicate) {
    case P::sle:
    case P::ule:
      return Order::AtMost;
    case P::slt:
    case P::ult:
      return Order::Below;
    case P::sge:
    case P::uge:
      return Order::AtLeast;
    case P::sgt:
    case P::ugt:
      return Order::Above;
    case P::eq:
      return Order::Equal;
    case P::ne:
      return std::nullopt;
    }
    return std::nullopt;
  }

  /// The order of `rhs ? lhs` for `lhs ? rhs`.
  static Order swapped(Order order) {
    switch (order) {
    case Order::AtMost:
      return Order::AtLeast;
    case Order::Below:
      return Order::Above;
    case Order::AtLeast:
      return Order::AtMost;
    case Order::Above:
      return Order::Below;
    case Order::Equal:
      return Order::Equal;
    }
    return order;
  }

  std::optional<SmallVector<KeyBound, 2>>
  readLinear(Order order, bool isUnsigned, LinearForm lhs, LinearForm rhs) {
    // Unsigned compares read as signed ones only where neither side can be
    // negative.
    if (isUnsigned && !(lhs.isNonNegative() && rhs.isNonNegative()))
      return std::nullopt;
    LinearForm difference = lhs - rhs, one{0, 0, 1};
    switch (order) {
    case Order::AtMost:
      return SmallVector<KeyBound, 2>{atMostZero(difference)};
    case Order::Below:
      return SmallVector<KeyBound, 2>{atMostZero(difference + one)};
    case Order::AtLeast:
      return SmallVector<KeyBound, 2>{atMostZero(-difference)};
    case Order::Above:
      return SmallVector<KeyBound, 2>{atMostZero(-difference + one)};
    case Order::Equal:
      return SmallVector<KeyBound, 2>{atMostZero(difference),
                                      atMostZero(-difference)};
    }
    return std::nullopt;
  }

  /// `con <= 0` (row * i + key * j + constant) as a bound on the key.
  static KeyBound atMostZero(LinearForm con) {
    if (con.key == 0)
      return {KeyBound::Rows, con.row < 0,
              [con](ConstraintMath &m, Value i) -> Value {
                return m.le(m.affine(con.row, i, con.constant), m.c(0));
              }};
    // key * j <= -(row * i + constant).
    if (con.key > 0)
      return {KeyBound::Upper, con.row < 0, [con](ConstraintMath &m, Value i) {
                return m.floorDiv(m.affine(-con.row, i, -con.constant),
                                  con.key);
              }};
    return {KeyBound::Lower, con.row > 0, [con](ConstraintMath &m, Value i) {
              return m.ceilDiv(m.affine(con.row, i, con.constant), -con.key);
            }};
  }

  /// `floor((j + a) / C) pred t(i)` as bounds on the key, for t linear in
  /// the row or a floor division of it: floor((j + a) / C) <= t iff
  /// j <= C t + C - 1 - a, and >= t iff j >= C t - a.
  std::optional<SmallVector<KeyBound, 2>>
  readKeyFloor(Order order, bool isUnsigned, FloorForm keyFloor, Value other) {
    std::function<Value(ConstraintMath &, Value)> term;
    bool growing = true, termNonNegative;
    if (std::optional<LinearForm> form = linear(other, 0);
        form && form->key == 0) {
      LinearForm t = *form;
      growing = t.row >= 0;
      termNonNegative = t.isNonNegative();
      term = [t](ConstraintMath &m, Value i) {
        return m.affine(t.row, i, t.constant);
      };
    } else if (std::optional<FloorForm> rowFloor = floorOf(other, row)) {
      FloorForm t = *rowFloor;
      termNonNegative = t.inner.constant >= 0;
      term = [t](ConstraintMath &m, Value i) {
        return m.floorDiv(m.add(i, m.c(t.inner.constant)), t.divisor);
      };
    } else {
      return std::nullopt;
    }
    if (isUnsigned && !(termNonNegative && keyFloor.inner.constant >= 0))
      return std::nullopt;
    int64_t divisor = keyFloor.divisor, shift = keyFloor.inner.constant;
    // j <= C t + offset (Upper), j >= C t + offset (Lower).
    auto bound = [=](KeyBound::Kind kind, int64_t offset) {
      return KeyBound{kind, growing, [=](ConstraintMath &m, Value i) {
                        return m.add(m.mul(m.c(divisor), term(m, i)),
                                     m.c(offset));
                      }};
    };
    KeyBound atMost = bound(KeyBound::Upper, divisor - 1 - shift);
    KeyBound atLeast = bound(KeyBound::Lower, -shift);
    switch (order) {
    case Order::AtMost:
      return SmallVector<KeyBound, 2>{atMost};
    case Order::Below:
      return SmallVector<KeyBound, 2>{bound(KeyBound::Upper, -1 - shift)};
    case Order::AtLeast:
      return SmallVector<KeyBound, 2>{atLeast};
    case Order::Above:
      return SmallVector<KeyBound, 2>{bound(KeyBound::Lower, divisor - shift)};
    case Order::Equal:
      return SmallVector<KeyBound, 2>{atMost, atLeast};
    }
    return std::nullopt;
  }

  /// `value` as floor((variable + a) / C): floordivsi by a positive
  /// constant, or divui / divsi where the dividend cannot be negative.
  std::optional<FloorForm> floorOf(Value value, Value variable) {
    Operation *op = value.getDefiningOp();
    if (!isa_and_nonnull<arith::FloorDivSIOp, arith::DivUIOp, arith::DivSIOp>(
            op))
      return std::nullopt;
    APInt number;
    if (!matchPattern(op->getOperand(1), m_ConstantInt(&number)) ||
        number.slt(1) || number.sgt(kMaxKeyDivisor))
      return std::nullopt;
    std::optional<LinearForm> inner = linear(op->getOperand(0), 1);
    bool isKey = variable == key;
    if (!inner || inner->row != (isKey ? 0 : 1) ||
        inner->key != (isKey ? 1 : 0))
      return std::nullopt;
    if (!isa<arith::FloorDivSIOp>(op) && inner->constant < 0)
      return std::nullopt;
    return FloorForm{*inner, number.getSExtValue()};
  }

  /// `value` as a linear form, each value read once (a region may share
  /// subexpressions).
  std::optional<LinearForm> linear(Value value, unsigned depth) {
    if (value == row)
      return LinearForm{1, 0, 0};
    if (value == key)
      return LinearForm{0, 1, 0};
    if (auto it = forms.find(value); it != forms.end())
      return it->second;
    if (!value.getType().isIndex() || depth >= kMaxDepth)
      return std::nullopt;
    return forms[value] = readLinear(value, depth);
  }

  std::optional<LinearForm> readLinear(Value value, unsigned depth) {
    APInt number;
    if (matchPattern(value, m_ConstantInt(&number))) {
      // (On the APInt: no absolute value of the most negative index.)
      if (number.slt(-kMaxConstant) || number.sgt(kMaxConstant))
        return std::nullopt;
      return LinearForm{0, 0, number.getSExtValue()};
    }
    Operation *op = value.getDefiningOp();
    if (!op || !isa<arith::AddIOp, arith::SubIOp>(op))
      return std::nullopt;
    std::optional<LinearForm> lhs = linear(op->getOperand(0), depth + 1);
    std::optional<LinearForm> rhs = linear(op->getOperand(1), depth + 1);
    if (!lhs || !rhs)
      return std::nullopt;
    LinearForm result = isa<arith::AddIOp>(op) ? *lhs + *rhs : *lhs - *rhs;
    if (!result.isSmall(kMaxCoefficient, kMaxConstant))
      return std::nullopt;
    return result;
  }

  Value row, key;
  DenseMap<Value, std::optional<LinearForm>> forms;
};
} // namespace

/// The keys that `bound` allows to the rows of `rows`: it is monotone in
/// the row, so the span's ends give its least and greatest values.
static KeyInterval boundKeys(ConstraintMath &m, const KeyBound &bound,
                             const RowSpan &rows) {
  Value everything = rows.keyLength, zero = m.c(0);
  Value atFirst = bound.at(m, rows.first), atLast = bound.at(m, rows.last);
  if (bound.kind == KeyBound::Rows)
    // The rows that break it see no key; it holds at every row of the span
    // when it holds at both ends.
    return {zero, m.select(m.either(atFirst, atLast), everything, zero), zero,
            m.select(m.both(atFirst, atLast), everything, zero)};
  Value least = bound.growing ? atFirst : atLast;
  Value most = bound.growing ? atLast : atFirst;
  if (bound.kind == KeyBound::Upper)
    return {zero, m.add(most, m.c(1)), zero, m.add(least, m.c(1))};
  return {least, everything, most, everything};
}

namespace {
/// The keys of a tree of andi, ori and linear compares, built over a span
/// of rows.
class RegionKeys {
public:
  RegionKeys(OpBuilder &builder, Location loc, Block &body, const RowSpan &rows)
      : m{{builder, loc}}, compares(body), rows(rows) {}

  /// The keys `allowed` may hold for the span, or none where nothing is
  /// known. Its full keys are allowed to every row (empty where a part of
  /// the tree is of another form).
  std::optional<KeyInterval> keys(Value allowed, unsigned depth) {
    // (Each value once: a region may share subexpressions.)
    if (auto it = known.find(allowed); it != known.end())
      return it->second;
    if (depth >= MonotoneCompares::kMaxDepth)
      return std::nullopt;
    return known[allowed] = readKeys(allowed, depth);
  }

private:
  std::optional<KeyInterval> readKeys(Value allowed, unsigned depth) {
    APInt bit;
    if (allowed.getType().isInteger(1) &&
        matchPattern(allowed, m_ConstantInt(&bit)))
      return bit.isOne()
                 ? KeyInterval{m.c(0), rows.keyLength, m.c(0), rows.keyLength}
                 : KeyInterval{m.c(0), m.c(0), m.c(0), m.c(0)};
    Operation *op = allowed.getDefiningOp();
    if (isa_and_nonnull<arith::AndIOp, arith::OrIOp>(op) &&
        allowed.getType().isInteger(1)) {
      std::optional<KeyInterval> lhs = keys(op->getOperand(0), depth + 1);
      std::optional<KeyInterval> rhs = keys(op->getOperand(1), depth + 1);
      return isa<arith::AndIOp>(op) ? both(lhs, rhs) : either(lhs, rhs);
    }
    auto compare = dyn_cast_or_null<arith::CmpIOp>(op);
    if (!compare || !compare.getLhs().getType().isIndex())
      return std::nullopt;
    std::optional<SmallVector<KeyBound, 2>> bounds = compares.read(compare);
    if (!bounds)
      return std::nullopt;
    std::optional<KeyInterval> result;
    for (const KeyBound &bound : *bounds) {
      KeyInterval member = boundKeys(m, bound, rows);
      result = result ? both(result, member) : member;
    }
    return result;
  }

  /// A conjunction: the intersection; a part of unknown keys bounds nothing
  /// and leaves no key known allowed.
  std::optional<KeyInterval> both(const std::optional<KeyInterval> &a,
                                  const std::optional<KeyInterval> &b) {
    if (!a && !b)
      return std::nullopt;
    if (!a || !b)
      return m.withoutFull(a ? *a : *b);
    return m.intersect(*a, *b);
  }

  /// A disjunction: the hull; its full keys are either part's, or both
  /// parts' where they overlap.
  std::optional<KeyInterval> either(const std::optional<KeyInterval> &a,
                                    const std::optional<KeyInterval> &b) {
    if (!a || !b)
      return std::nullopt;
    Value aEmpty = m.le(a->fullEnd, a->fullBegin);
    Value bEmpty = m.le(b->fullEnd, b->fullBegin);
    Value overlap =
        m.le(m.max(a->fullBegin, b->fullBegin), m.min(a->fullEnd, b->fullEnd));
    // One end of the full keys: a's, b's, or their joint interval's.
    auto pick = [&](Value aSide, Value bSide, Value joint) {
      return m.select(aEmpty, bSide,
                      m.select(bEmpty, aSide, m.select(overlap, joint, aSide)));
    };
    return KeyInterval{
        m.min(a->begin, b->begin), m.max(a->end, b->end),
        pick(a->fullBegin, b->fullBegin, m.min(a->fullBegin, b->fullBegin)),
        pick(a->fullEnd, b->fullEnd, m.max(a->fullEnd, b->fullEnd))};
  }

  ConstraintMath m;
  MonotoneCompares compares;
  const RowSpan &rows;
  DenseMap<Value, std::optional<KeyInterval>> known;
};
} // namespace

std::optional<KeyInterval>
mlir::attn::buildMaskModKeyInterval(OpBuilder &builder, Location loc,
                                    Region &maskMod, const RowSpan &rows) {
  if (maskMod.empty())
    return std::nullopt;
  Block &body = maskMod.front();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (body.getNumArguments() != 4 || !yield || yield->getNumOperands() != 1)
    return std::nullopt;
  return RegionKeys(builder, loc, body, rows).keys(yield->getOperand(0), 0);
}
