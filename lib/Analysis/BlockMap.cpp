//===- BlockMap.cpp - which tiles of an attention a mask touches ----------===//

#include "attn/Analysis/BlockMap.h"

#include "attn/Analysis/MaskModTiles.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace mlir::attn;

bool BlockMap::isTractable(const MaskShape &shape, int64_t blockQ,
                           int64_t blockKv) {
  constexpr int64_t kMaxTiles = int64_t(1) << 24;
  if (!shape.isStatic() || blockQ < 1 || blockKv < 1)
    return false;
  int64_t queryTiles = llvm::divideCeil(shape.queryLength, blockQ);
  int64_t keyTiles = llvm::divideCeil(shape.keyLength, blockKv);
  return queryTiles <= kMaxTiles && keyTiles <= kMaxTiles &&
         queryTiles * keyTiles <= kMaxTiles;
}

BlockMap BlockMap::compute(ArrayRef<Attribute> mask, Region *maskMod,
                           const MaskShape &shape, int64_t blockQ,
                           int64_t blockKv) {
  BlockMap map;
  map.blockQ = blockQ;
  map.blockKv = blockKv;
  map.numQueryTiles = (shape.queryLength + blockQ - 1) / blockQ;
  map.numKeyTiles = (shape.keyLength + blockKv - 1) / blockKv;
  map.dataDependent = llvm::any_of(mask, [](Attribute predicate) {
    return cast<MaskAttrInterface>(predicate).isDataDependent();
  });
  std::optional<MaskModTiles> regionTiles;
  if (maskMod && !maskMod->empty())
    regionTiles.emplace(*maskMod);
  map.classes.reserve(map.numQueryTiles * map.numKeyTiles);
  for (int64_t qt = 0; qt < map.numQueryTiles; ++qt) {
    int64_t first = map.numKeyTiles, last = -1;
    for (int64_t kt = 0; kt < map.numKeyTiles; ++kt) {
      TileBounds tile = map.getTileBounds(shape, qt, kt);
      TileClass tileClass = TileClass::Full;
      for (Attribute predicate : mask) {
        TileClass member =
            cast<MaskAttrInterface>(predicate).classifyTile(shape, tile);
        if (member == TileClass::Empty) {
          tileClass = TileClass::Empty;
          break;
        }
        if (member == TileClass::Partial)
          tileClass = TileClass::Partial;
      }
      if (regionTiles && tileClass != TileClass::Empty) {
        TileClass region = regionTiles->classify(tile);
        if (region != TileClass::Full)
          tileClass = region;
      }
      map.classes.push_back(tileClass);
      if (tileClass != TileClass::Empty) {
        first = std::min(first, kt);
        last = kt;
      }
    }
    map.ranges.push_back(last < 0 ? std::make_pair(int64_t(0), int64_t(0))
                                  : std::make_pair(first, last + 1));
  }
  return map;
}

int64_t BlockMap::count(TileClass tileClass) const {
  return llvm::count(classes, tileClass);
}

int64_t BlockMap::countVisited() const {
  int64_t visited = 0;
  for (auto [first, end] : ranges)
    visited += end - first;
  return visited;
}

SmallVector<int64_t> BlockMap::getLoopBoundsTable() const {
  SmallVector<int64_t> table;
  for (int64_t qt = 0; qt < numQueryTiles; ++qt) {
    auto [first, end] = getKeyTileRange(qt);
    int64_t fullFirst = first;
    while (fullFirst < end && get(qt, fullFirst) != TileClass::Full)
      ++fullFirst;
    int64_t fullEnd = fullFirst;
    while (fullEnd < end && get(qt, fullEnd) == TileClass::Full)
      ++fullEnd;
    table.append({first, end, fullFirst, fullEnd});
  }
  return table;
}
