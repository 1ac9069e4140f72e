//===- MaskModKeyIntervals.cpp - run-time key bounds of a mask_mod --------===//
//
// Over lengths known only at run time there is no block map, so MaskModTiles
// cannot skip a mask_mod's tiles. Most regions that users write (FlexAttention
// style) are ands and ors of comparisons linear in the row and the key:
// `j <= i`, `i - j < W`, `j < P | j <= i`. Each such comparison bounds a
// row's keys by a linear function of the row, monotone over a span of rows,
// so the span's first and last rows give the keys any row may see and those
// all of them see, as the affine atoms' intervals do (KeyIntervals.cpp); an
// and intersects them, an or takes their hull. A part of another form bounds
// nothing (an or with one, nothing at all) and leaves no key known allowed,
// so the region is still tested on every tile it does not wholly allow.
//
// Soundness rests on the region's index arithmetic not wrapping: forms keep
// coefficients within 4 and constants within 2^32, so with rows and keys
// below 2^58 (far beyond any tensor's length) every intermediate value is
// exact, and signed and unsigned compares of non-negative forms agree.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"

#include "IndexMath.h"

#include "mlir/IR/Matchers.h"

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

/// Reads an index compare of a mask_mod region as constraints linear in
/// the row and the key.
class LinearCompares {
public:
  explicit LinearCompares(Block &body)
      : row(body.getArgument(2)), key(body.getArgument(3)) {}

  /// The compare's constraints (one, or two for eq), or none.
  std::optional<SmallVector<LinearForm, 2>> read(arith::CmpIOp compare) {
    std::optional<LinearForm> lhs = linear(compare.getLhs(), 0);
    std::optional<LinearForm> rhs = linear(compare.getRhs(), 0);
    if (!lhs || !rhs)
      return std::nullopt;
    using P = arith::CmpIPredicate;
    P predicate = compare.getPredicate();
    bool isUnsigned = predicate == P::ult || predicate == P::ule ||
                      predicate == P::ugt || predicate == P::uge;
    // Unsigned compares read as signed ones only where neither side can be
    // negative.
    if (isUnsigned && !(lhs->isNonNegative() && rhs->isNonNegative()))
      return std::nullopt;
    LinearForm difference = *lhs - *rhs, one{0, 0, 1};
    switch (predicate) {
    case P::sle:
    case P::ule:
      return SmallVector<LinearForm, 2>{difference};
    case P::slt:
    case P::ult:
      return SmallVector<LinearForm, 2>{difference + one};
    case P::sge:
    case P::uge:
      return SmallVector<LinearForm, 2>{-difference};
    case P::sgt:
    case P::ugt:
      return SmallVector<LinearForm, 2>{-difference + one};
    case P::eq:
      return SmallVector<LinearForm, 2>{difference, -difference};
    case P::ne:
      return std::nullopt;
    }
    return std::nullopt;
  }

  static constexpr unsigned kMaxDepth = 16;

private:
  // Intermediate forms: small enough never to wrap (see the file comment).
  static constexpr int64_t kMaxCoefficient = 2;
  static constexpr int64_t kMaxConstant = int64_t(1) << 31;

  std::optional<LinearForm> linear(Value value, unsigned depth) {
    if (value == row)
      return LinearForm{1, 0, 0};
    if (value == key)
      return LinearForm{0, 1, 0};
    if (!value.getType().isIndex() || depth >= kMaxDepth)
      return std::nullopt;
    APInt number;
    if (matchPattern(value, m_ConstantInt(&number))) {
      if (number.getSignificantBits() > 64 ||
          std::abs(number.getSExtValue()) > kMaxConstant)
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
};

struct ConstraintMath : IndexMath {
  /// row * i + constant.
  Value affine(int64_t row, Value i, int64_t constant) {
    return add(mul(c(row), i), c(constant));
  }
};
} // namespace

/// The keys that `con <= 0` (row * i + key * j + constant) allows to the
/// rows of `rows`. Its bound on j is monotone in i, so the span's ends give
/// the least and the greatest.
static KeyInterval constraintKeys(ConstraintMath &m, const LinearForm &con,
                                  const RowSpan &rows) {
  Value everything = rows.keyLength, zero = m.c(0);
  if (con.key == 0) {
    // A bound on rows alone: the rows that break it see no key; it holds at
    // every row of the span when it holds at both ends.
    auto holds = [&](Value i) {
      return m.le(m.affine(con.row, i, con.constant), zero);
    };
    Value first = holds(rows.first), last = holds(rows.last);
    return {zero, m.select(m.either(first, last), everything, zero), zero,
            m.select(m.both(first, last), everything, zero)};
  }
  // key * j <= -(row * i + constant).
  auto bound = [&](Value i) {
    Value limit = m.affine(-con.row, i, -con.constant);
    return con.key > 0 ? m.floorDiv(limit, con.key)
                       : m.ceilDiv(m.sub(zero, limit), -con.key);
  };
  Value atFirst = bound(rows.first), atLast = bound(rows.last);
  // The bound grows with i where -row / key > 0.
  bool growing = (con.key > 0) == (con.row < 0);
  Value least = growing ? atFirst : atLast, most = growing ? atLast : atFirst;
  if (con.key > 0)
    // j <= bound(i).
    return {zero, m.add(most, m.c(1)), zero, m.add(least, m.c(1))};
  // j >= bound(i).
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
    if (depth >= LinearCompares::kMaxDepth)
      return std::nullopt;
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
    std::optional<SmallVector<LinearForm, 2>> forms = compares.read(compare);
    if (!forms)
      return std::nullopt;
    std::optional<KeyInterval> result;
    for (const LinearForm &form : *forms) {
      KeyInterval member = constraintKeys(m, form, rows);
      result = result ? both(result, member) : member;
    }
    return result;
  }

private:
  KeyInterval withoutFull(const KeyInterval &keys) {
    return {keys.begin, keys.end, m.c(0), m.c(0)};
  }

  /// A conjunction: the intersection; a part of unknown keys bounds nothing
  /// and leaves no key known allowed.
  std::optional<KeyInterval> both(const std::optional<KeyInterval> &a,
                                  const std::optional<KeyInterval> &b) {
    if (!a && !b)
      return std::nullopt;
    if (!a || !b)
      return withoutFull(a ? *a : *b);
    return KeyInterval{m.max(a->begin, b->begin), m.min(a->end, b->end),
                       m.max(a->fullBegin, b->fullBegin),
                       m.min(a->fullEnd, b->fullEnd)};
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
    auto pick = [&](Value aEnd, Value bEnd, Value joint) {
      return m.select(aEmpty, bEnd,
                      m.select(bEmpty, aEnd, m.select(overlap, joint, aEnd)));
    };
    return KeyInterval{
        m.min(a->begin, b->begin), m.max(a->end, b->end),
        pick(a->fullBegin, b->fullBegin, m.min(a->fullBegin, b->fullBegin)),
        pick(a->fullEnd, b->fullEnd, m.max(a->fullEnd, b->fullEnd))};
  }

  ConstraintMath m;
  LinearCompares compares;
  const RowSpan &rows;
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
