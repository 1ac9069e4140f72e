//===- KeyIntervals.cpp - run-time key bounds of mask predicates ----------===//
//
// The affine atoms allow each row an interval of keys whose ends grow with
// the row (BlockMap's MonotoneBand, at compile time), so the first and last
// rows of a span bound its keys: the union of the rows' intervals is
// [low(first), high(last)] and their intersection [low(last), high(first)].
// These build the same bounds from lengths known only at run time. Index
// arithmetic is signed (pos(i) = i + Lkv - Lq may be negative).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/IR/AttnAttrs.h"

#include "KeyIntervalMath.h"

using namespace mlir;
using namespace mlir::attn;

namespace {
struct IntervalMath : KeyIntervalMath {
  /// pos(row) for keys that each cover `stride` tokens.
  Value position(const RowSpan &rows, Value row, int64_t stride = 1) {
    Value tokens =
        stride == 1 ? rows.keyLength : mul(rows.keyLength, c(stride));
    return add(row, sub(tokens, rows.queryLength));
  }
};
} // namespace

/// pos(i) - left <= j <= pos(i) + right for every row; `dense`: every key
/// in the band is allowed.
static KeyInterval band(IntervalMath &m, const RowSpan &rows, int64_t left,
                        int64_t right, bool dense) {
  Value firstPos = m.position(rows, rows.first);
  Value lastPos = m.position(rows, rows.last);
  Value begin = m.sub(firstPos, m.c(left));
  Value end = m.add(lastPos, m.c(right + 1));
  if (!dense)
    return m.withoutFull(begin, end);
  return {begin, end, m.sub(lastPos, m.c(left)),
          m.add(firstPos, m.c(right + 1))};
}

std::optional<KeyInterval>
CausalAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                             const RowSpan &rows) const {
  IntervalMath m{{builder, loc}};
  // (j + 1) S - 1 <= pos_S(i)  <=>  j < floor((pos_S(i) + 1) / S)
  int64_t stride = getStride();
  auto end = [&](Value row) {
    return m.floorDiv(m.add(m.position(rows, row, stride), m.c(1)), stride);
  };
  return KeyInterval{m.c(0), end(rows.last), m.c(0), end(rows.first)};
}

std::optional<KeyInterval>
WindowAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                             const RowSpan &rows) const {
  IntervalMath m{{builder, loc}};
  return band(m, rows, getLeft(), getRight(), /*dense=*/true);
}

std::optional<KeyInterval>
DilatedAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                              const RowSpan &rows) const {
  IntervalMath m{{builder, loc}};
  int64_t reach = getWindow() * getDilation();
  return band(m, rows, reach, reach, /*dense=*/getDilation() == 1);
}

std::optional<KeyInterval> PrefixAttr::buildKeyInterval(OpBuilder &builder,
                                                        Location loc,
                                                        const RowSpan &) const {
  IntervalMath m{{builder, loc}};
  return KeyInterval{m.c(0), m.c(getLen()), m.c(0), m.c(getLen())};
}

std::optional<KeyInterval>
ChunkedAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                              const RowSpan &rows) const {
  IntervalMath m{{builder, loc}};
  // A row at pos >= 0 sees its chunk's keys; one before the keys, none.
  int64_t size = getSize();
  Value firstPos = m.position(rows, rows.first);
  Value firstChunk = m.floorDiv(firstPos, size);
  Value lastChunk = m.floorDiv(m.position(rows, rows.last), size);
  Value begin = m.mul(m.max(firstChunk, m.c(0)), m.c(size));
  Value end = m.mul(m.max(m.add(lastChunk, m.c(1)), m.c(0)), m.c(size));
  // All rows in one chunk, none before the keys: that chunk is full.
  Value oneChunk = m.both(m.eq(firstChunk, lastChunk), m.le(m.c(0), firstPos));
  Value fullBegin = m.mul(firstChunk, m.c(size));
  Value fullEnd = m.select(oneChunk, m.add(fullBegin, m.c(size)), fullBegin);
  return KeyInterval{begin, end, fullBegin, fullEnd};
}

std::optional<KeyInterval>
GlobalAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                             const RowSpan &rows) const {
  IntervalMath m{{builder, loc}};
  // Rows at pos < count see every key; the others the first count.
  Value count = m.c(getCount());
  Value everything = m.max(rows.keyLength, count);
  Value end =
      m.select(m.lt(m.position(rows, rows.first), count), everything, count);
  Value fullEnd =
      m.select(m.lt(m.position(rows, rows.last), count), everything, count);
  return KeyInterval{m.c(0), end, m.c(0), fullEnd};
}

std::optional<KeyInterval> OrAttr::buildKeyInterval(OpBuilder &builder,
                                                    Location loc,
                                                    const RowSpan &rows) const {
  // The hull of the members' keys; no key is known allowed (a member's
  // full keys would do, but one is seldom worth the selects).
  IntervalMath m{{builder, loc}};
  std::optional<KeyInterval> hull;
  for (Attribute predicate : getPredicates()) {
    std::optional<KeyInterval> member =
        cast<MaskAttrInterface>(predicate).buildKeyInterval(builder, loc, rows);
    if (!member)
      return std::nullopt;
    hull = hull ? m.withoutFull(m.min(hull->begin, member->begin),
                                m.max(hull->end, member->end))
                : m.withoutFull(member->begin, member->end);
  }
  return hull;
}

/// The intersection of `predicates`' keys: members without an interval
/// bound nothing and leave no key known allowed.
static std::optional<KeyInterval> intersect(OpBuilder &builder, Location loc,
                                            ArrayRef<Attribute> predicates,
                                            const RowSpan &rows) {
  IntervalMath m{{builder, loc}};
  std::optional<KeyInterval> result;
  bool fullKnown = true;
  for (Attribute predicate : predicates) {
    std::optional<KeyInterval> member =
        cast<MaskAttrInterface>(predicate).buildKeyInterval(builder, loc, rows);
    if (!member) {
      fullKnown = false;
      continue;
    }
    if (!result) {
      result = member;
      continue;
    }
    result = m.intersect(*result, *member);
  }
  if (result && !fullKnown)
    *result = m.withoutFull(*result);
  return result;
}

std::optional<KeyInterval>
AndAttr::buildKeyInterval(OpBuilder &builder, Location loc,
                          const RowSpan &rows) const {
  return intersect(builder, loc, getPredicates().getValue(), rows);
}

KeyInterval mlir::attn::buildMaskKeyInterval(OpBuilder &builder, Location loc,
                                             ArrayRef<Attribute> mask,
                                             Region *maskMod,
                                             const RowSpan &rows) {
  IntervalMath m{{builder, loc}};
  std::optional<KeyInterval> keys = intersect(builder, loc, mask, rows);
  if (!keys) {
    // No predicate bounds the keys: every key is full only without any.
    Value fullEnd = mask.empty() ? rows.keyLength : m.c(0);
    keys = KeyInterval{m.c(0), rows.keyLength, m.c(0), fullEnd};
  }
  if (maskMod && !maskMod->empty()) {
    // The region's linear conjuncts bound the keys too; without them no
    // key is known allowed (the region is tested per element).
    if (std::optional<KeyInterval> region =
            buildMaskModKeyInterval(builder, loc, *maskMod, rows))
      *keys = m.intersect(*keys, *region);
    else
      *keys = m.withoutFull(*keys);
  }
  Value zero = m.c(0);
  Value begin = m.min(m.max(keys->begin, zero), rows.keyLength);
  Value end = m.max(m.min(keys->end, rows.keyLength), begin);
  return {begin, end, m.max(keys->fullBegin, zero),
          m.min(keys->fullEnd, rows.keyLength)};
}

KeyTileInterval
mlir::attn::buildKeyTileInterval(OpBuilder &builder, Location loc,
                                 ArrayRef<Attribute> mask, Region *maskMod,
                                 const RowSpan &rows, int64_t blockKv) {
  IntervalMath m{{builder, loc}};
  KeyInterval keys = buildMaskKeyInterval(builder, loc, mask, maskMod, rows);
  Value tiles = m.ceilDiv(rows.keyLength, blockKv);
  Value first = m.floorDiv(keys.begin, blockKv);
  // (An empty intersection of atoms' keys visits no tile, not the one its
  // ends fall in: finer than the block map, which classifies atoms alone.)
  Value end = m.select(m.lt(keys.begin, keys.end),
                       m.max(m.ceilDiv(keys.end, blockKv), first), first);
  // A tile is full when its keys below Lkv are: the last, short tile too
  // when the full keys reach Lkv.
  // Both in [first, end], fullFirst <= fullEnd: the lowerings compare tile
  // numbers unsigned.
  Value fullFirst =
      m.min(m.max(m.ceilDiv(keys.fullBegin, blockKv), first), end);
  Value reachesEnd = m.le(rows.keyLength, keys.fullEnd);
  Value fullEnd = m.max(
      m.min(m.select(reachesEnd, tiles, m.floorDiv(keys.fullEnd, blockKv)),
            end),
      fullFirst);
  return {first, end, fullFirst, fullEnd};
}
