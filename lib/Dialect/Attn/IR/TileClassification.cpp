//===- TileClassification.cpp - mask predicates on rectangles of pairs ----===//
//
// For static lengths, each predicate decides exactly whether it holds on all,
// none or some of the (query row, key) pairs of a tile. Most affine atoms
// allow, for each row i, a contiguous key interval whose ends grow with i, so
// the corners of the tile decide. pos(i) = i + Lkv - Lq throughout.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnAttrs.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::attn;

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

namespace {
/// The keys [low(i), high(i)] a row may see, both non-decreasing in i.
struct MonotoneBand {
  int64_t lowAtFirstRow, lowAtLastRow, highAtFirstRow, highAtLastRow;

  TileClass classify(const TileBounds &tile) const {
    // Every row's interval holds the tile's keys.
    if (tile.keyBegin >= lowAtLastRow && tile.keyEnd - 1 <= highAtFirstRow)
      return TileClass::Full;
    // The intervals shift by at most one key per row, so their union is
    // contiguous: the tile is missed only if it lies beyond all of them.
    if (tile.keyEnd - 1 < lowAtFirstRow || tile.keyBegin > highAtLastRow)
      return TileClass::Empty;
    return TileClass::Partial;
  }
};
} // namespace

static int64_t firstPos(const MaskShape &shape, const TileBounds &tile) {
  return tile.rowBegin + shape.keyLength - shape.queryLength;
}
static int64_t lastPos(const MaskShape &shape, const TileBounds &tile) {
  return tile.rowEnd - 1 + shape.keyLength - shape.queryLength;
}

/// A band |pos(i) - j| <= reach, with every key inside it allowed only if
/// `dense`.
static TileClass classifyBand(const MaskShape &shape, const TileBounds &tile,
                              int64_t left, int64_t right, bool dense) {
  MonotoneBand band{firstPos(shape, tile) - left, lastPos(shape, tile) - left,
                    firstPos(shape, tile) + right, lastPos(shape, tile) + right};
  TileClass result = band.classify(tile);
  return result == TileClass::Full && !dense ? TileClass::Partial : result;
}

TileClass CausalAttr::classifyTile(const MaskShape &shape,
                                   const TileBounds &tile) const {
  // (j + 1) S - 1 <= i + S Lkv - Lq  <=>  j <= floor((i + S Lkv - Lq + 1) / S) - 1
  int64_t stride = getStride();
  auto last = [&](int64_t row) {
    return floorDiv(row + stride * shape.keyLength - shape.queryLength + 1,
                    stride) -
           1;
  };
  int64_t lowest = std::numeric_limits<int64_t>::min() / 4;
  return MonotoneBand{lowest, lowest, last(tile.rowBegin),
                      last(tile.rowEnd - 1)}
      .classify(tile);
}

TileClass WindowAttr::classifyTile(const MaskShape &shape,
                                   const TileBounds &tile) const {
  return classifyBand(shape, tile, getLeft(), getRight(), /*dense=*/true);
}

TileClass DilatedAttr::classifyTile(const MaskShape &shape,
                                    const TileBounds &tile) const {
  int64_t reach = getWindow() * getDilation();
  return classifyBand(shape, tile, reach, reach,
                      /*dense=*/getDilation() == 1);
}

TileClass NeighborhoodAttr::classifyTile(const MaskShape &shape,
                                         const TileBounds &tile) const {
  if (getConstantValue(shape) == true)
    return TileClass::Full;
  // Along the outermost axis, coordinates are index / stride_0: the tile's
  // queries and keys span two intervals of them. Farther apart than r_0 d_0
  // everywhere, no pair is a neighbour; within it everywhere, with every
  // inner axis unbounded (dilation 1, radius past its size), every pair is.
  ArrayRef<int64_t> grid = getGrid(), radius = getRadius(),
                    dilation = getDilation();
  int64_t outerStride = getNumCells() / grid.front();
  int64_t outerReach = radius.front() * dilation.front();
  int64_t queryLow = firstPos(shape, tile) / outerStride;
  int64_t queryHigh = lastPos(shape, tile) / outerStride;
  int64_t keyLow = tile.keyBegin / outerStride;
  int64_t keyHigh = (tile.keyEnd - 1) / outerStride;
  if (std::max(keyLow - queryHigh, queryLow - keyHigh) > outerReach)
    return TileClass::Empty;
  bool innerUnbounded = true;
  for (size_t axis = 1; axis < grid.size(); ++axis)
    innerUnbounded &= dilation[axis] == 1 && radius[axis] >= grid[axis] - 1;
  if (innerUnbounded && dilation.front() == 1 &&
      std::max(keyHigh - queryLow, queryHigh - keyLow) <= outerReach)
    return TileClass::Full;
  // A neighbour's row-major index is at most sum_a r_a d_a stride_a away,
  // and an axis's coordinates at most size_a - 1 apart (which keeps the
  // sum below the cell count: r_a d_a stride_a alone may pass 2^63).
  int64_t reach = 0, stride = getNumCells();
  for (auto [size, radius, dilation] :
       llvm::zip_equal(getGrid(), getRadius(), getDilation())) {
    stride /= size;
    reach += std::min<int64_t>(radius * dilation, size - 1) * stride;
  }
  return classifyBand(shape, tile, reach, reach, /*dense=*/false);
}

TileClass PrefixAttr::classifyTile(const MaskShape &,
                                   const TileBounds &tile) const {
  if (tile.keyEnd <= getLen())
    return TileClass::Full;
  if (tile.keyBegin >= getLen())
    return TileClass::Empty;
  return TileClass::Partial;
}

TileClass ChunkedAttr::classifyTile(const MaskShape &shape,
                                    const TileBounds &tile) const {
  // The chunks of the tile's positions and of its keys are two intervals:
  // disjoint, no pair; both the same one chunk, every pair.
  int64_t size = getSize();
  int64_t firstRowChunk = floorDiv(firstPos(shape, tile), size);
  int64_t lastRowChunk = floorDiv(lastPos(shape, tile), size);
  int64_t firstKeyChunk = tile.keyBegin / size;
  int64_t lastKeyChunk = (tile.keyEnd - 1) / size;
  if (lastRowChunk < firstKeyChunk || lastKeyChunk < firstRowChunk)
    return TileClass::Empty;
  if (firstRowChunk == lastRowChunk && firstKeyChunk == lastKeyChunk)
    return TileClass::Full;
  return TileClass::Partial;
}

TileClass GlobalAttr::classifyTile(const MaskShape &shape,
                                   const TileBounds &tile) const {
  int64_t count = getCount();
  if (lastPos(shape, tile) < count || tile.keyEnd <= count)
    return TileClass::Full;
  if (firstPos(shape, tile) >= count && tile.keyBegin >= count)
    return TileClass::Empty;
  return TileClass::Partial;
}

TileClass StripesAttr::classifyTile(const MaskShape &shape,
                                    const TileBounds &tile) const {
  int64_t nearest = firstPos(shape, tile) - (tile.keyEnd - 1);
  int64_t farthest = lastPos(shape, tile) - tile.keyBegin;
  bool anyDiagonal = llvm::any_of(getDiagonals(), [&](int64_t diagonal) {
    return nearest <= diagonal && diagonal <= farthest;
  });
  // Distinct columns: a column listed twice covers one key.
  llvm::SmallDenseSet<int64_t, 8> columnsInside;
  for (int64_t column : getColumns())
    if (tile.keyBegin <= column && column < tile.keyEnd)
      columnsInside.insert(column);
  if (!anyDiagonal && columnsInside.empty())
    return TileClass::Empty;
  if (static_cast<int64_t>(columnsInside.size()) == tile.keyEnd - tile.keyBegin)
    return TileClass::Full;
  return TileClass::Partial;
}

TileClass DocumentAttr::classifyTile(const MaskShape &,
                                     const TileBounds &) const {
  return TileClass::Partial;
}
bool DocumentAttr::isDataDependent() const { return true; }

TileClass BlockLayoutAttr::classifyTile(const MaskShape &,
                                        const TileBounds &) const {
  return TileClass::Partial;
}
bool BlockLayoutAttr::isDataDependent() const { return true; }
// One layout bit per block: a tile inside a block is all allowed or all not.
std::optional<std::pair<int64_t, int64_t>>
BlockLayoutAttr::getExactTileBlocks() const {
  return std::make_pair(getBlockQ(), getBlockKv());
}

TileClass BlockIndicesAttr::classifyTile(const MaskShape &,
                                         const TileBounds &) const {
  return TileClass::Partial;
}
bool BlockIndicesAttr::isDataDependent() const { return true; }
// A tile inside one query block and one key block is selected or not.
std::optional<std::pair<int64_t, int64_t>>
BlockIndicesAttr::getExactTileBlocks() const {
  return std::make_pair(getBlockQ(), getBlockKv());
}

static TileClass classifyMember(Attribute predicate, const MaskShape &shape,
                                const TileBounds &tile) {
  return cast<MaskAttrInterface>(predicate).classifyTile(shape, tile);
}

TileClass OrAttr::classifyTile(const MaskShape &shape,
                               const TileBounds &tile) const {
  bool allEmpty = true;
  for (Attribute predicate : getPredicates()) {
    TileClass member = classifyMember(predicate, shape, tile);
    if (member == TileClass::Full)
      return TileClass::Full;
    allEmpty &= member == TileClass::Empty;
  }
  return allEmpty ? TileClass::Empty : TileClass::Partial;
}

TileClass AndAttr::classifyTile(const MaskShape &shape,
                                const TileBounds &tile) const {
  bool allFull = true;
  for (Attribute predicate : getPredicates()) {
    TileClass member = classifyMember(predicate, shape, tile);
    if (member == TileClass::Empty)
      return TileClass::Empty;
    allFull &= member == TileClass::Full;
  }
  return allFull ? TileClass::Full : TileClass::Partial;
}

TileClass NotAttr::classifyTile(const MaskShape &shape,
                                const TileBounds &tile) const {
  switch (classifyMember(getPredicate(), shape, tile)) {
  case TileClass::Full:
    return TileClass::Empty;
  case TileClass::Empty:
    return TileClass::Full;
  case TileClass::Partial:
    return TileClass::Partial;
  }
  llvm_unreachable("unknown tile class");
}

static bool anyDataDependent(ArrayAttr predicates) {
  return llvm::any_of(predicates, [](Attribute predicate) {
    return cast<MaskAttrInterface>(predicate).isDataDependent();
  });
}
bool OrAttr::isDataDependent() const {
  return anyDataDependent(getPredicates());
}
bool AndAttr::isDataDependent() const {
  return anyDataDependent(getPredicates());
}
bool NotAttr::isDataDependent() const {
  return cast<MaskAttrInterface>(getPredicate()).isDataDependent();
}
