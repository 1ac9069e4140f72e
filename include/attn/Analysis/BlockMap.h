//===- BlockMap.h - which tiles of an attention a mask touches --*- C++ -*-===//
//
// For static sequence lengths and a tiling (block_q x block_kv), the block
// map classifies every (query tile, key tile) as empty (never visited), full
// (visited without evaluating the mask) or partial (visited, mask evaluated
// per element). Predicates that read operands make their tiles partial here;
// a run-time block map decides those.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_ANALYSIS_BLOCKMAP_H
#define ATTN_ANALYSIS_BLOCKMAP_H

#include "attn/Dialect/Attn/IR/AttnInterfaces.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace mlir {
class Region;
} // namespace mlir

namespace mlir::attn {

class BlockMap {
public:
  /// Classifies the tiles of `mask` (a conjunction: a tile is empty if one
  /// predicate empties it, full if every one fills it) and, if `maskMod` is a
  /// non-empty mask_mod region, of that region too (MaskModTiles: a tile is
  /// full only where the region is true at every pair, and empty where it
  /// is false at every pair).
  static BlockMap compute(ArrayRef<Attribute> mask, Region *maskMod,
                          const MaskShape &shape, int64_t blockQ,
                          int64_t blockKv);

  /// Whether the map of `shape`'s blockQ x blockKv tiles is small enough to
  /// compute at compile time (at most 2^24 tiles: 256k x 256k tokens at 64 x
  /// 64). Lowerings without one visit every tile and test its elements.
  static bool isTractable(const MaskShape &shape, int64_t blockQ,
                          int64_t blockKv);

  int64_t getNumQueryTiles() const { return numQueryTiles; }
  int64_t getNumKeyTiles() const { return numKeyTiles; }
  int64_t getBlockQ() const { return blockQ; }
  int64_t getBlockKv() const { return blockKv; }
  /// The rows and keys of tile (queryTile, keyTile) of `shape` (the last
  /// tiles of each dimension may be short).
  TileBounds getTileBounds(const MaskShape &shape, int64_t queryTile,
                           int64_t keyTile) const {
    return {queryTile * blockQ,
            std::min((queryTile + 1) * blockQ, shape.queryLength),
            keyTile * blockKv,
            std::min((keyTile + 1) * blockKv, shape.keyLength)};
  }
  TileClass get(int64_t queryTile, int64_t keyTile) const {
    return classes[queryTile * numKeyTiles + keyTile];
  }
  /// The key tiles [first, last + 1) between the first and last non-empty
  /// tile of a query tile: the loop bounds of the flash lowering.
  std::pair<int64_t, int64_t> getKeyTileRange(int64_t queryTile) const {
    return ranges[queryTile];
  }
  /// The flash loops' bounds, four per query tile: its key-tile range
  /// [first, end) and the first run of full tiles in it [fullFirst, fullEnd)
  /// (empty if none), the tiles that need no mask.
  SmallVector<int64_t> getLoopBoundsTable() const;
  int64_t count(TileClass tileClass) const;
  /// Tiles inside the key-tile ranges (what a loop over the ranges visits).
  int64_t countVisited() const;
  bool isDataDependent() const { return dataDependent; }

private:
  int64_t numQueryTiles = 0, numKeyTiles = 0, blockQ = 0, blockKv = 0;
  bool dataDependent = false;
  std::vector<TileClass> classes;
  std::vector<std::pair<int64_t, int64_t>> ranges;
};

} // namespace mlir::attn

#endif // ATTN_ANALYSIS_BLOCKMAP_H
