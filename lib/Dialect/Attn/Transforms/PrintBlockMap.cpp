//===- PrintBlockMap.cpp - the attn-print-block-map pass ------------------===//

#include "attn/Analysis/BlockMap.h"
#include "attn/Analysis/MaskModTiles.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <array>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNPRINTBLOCKMAPPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

static char tileCharacter(TileClass tileClass) {
  switch (tileClass) {
  case TileClass::Empty:
    return '.';
  case TileClass::Partial:
    return '+';
  case TileClass::Full:
    return '#';
  }
  llvm_unreachable("unknown tile class");
}

/// The integer values that `build` makes of constants: its ops are built in
/// a scratch module and folded in order; failure if one does not fold.
static FailureOr<SmallVector<int64_t>>
foldToIntegers(Location loc,
               function_ref<SmallVector<Value>(OpBuilder &)> build) {
  // (A module of its own: ops need a region for their context.)
  OwningOpRef<ModuleOp> scratchModule = ModuleOp::create(loc);
  Block &scratch = *scratchModule->getBody();
  OpBuilder b = OpBuilder::atBlockEnd(&scratch);
  SmallVector<Value> values = build(b);
  DenseMap<Value, Attribute> folded;
  for (Operation &scratchOp : scratch) {
    SmallVector<Attribute> operands;
    for (Value operand : scratchOp.getOperands())
      operands.push_back(folded.lookup(operand));
    SmallVector<OpFoldResult> results;
    if (failed(scratchOp.fold(operands, results)) ||
        results.size() != scratchOp.getNumResults())
      return failure();
    for (auto [result, value] : llvm::zip(results, scratchOp.getResults()))
      folded[value] = isa<Attribute>(result)
                          ? cast<Attribute>(result)
                          : folded.lookup(cast<Value>(result));
  }
  SmallVector<int64_t> integers;
  for (Value value : values) {
    auto integer = dyn_cast_or_null<IntegerAttr>(folded.lookup(value));
    if (!integer)
      return failure();
    integers.push_back(integer.getValue().getSExtValue());
  }
  return integers;
}

/// The key-tile bounds that buildKeyTileInterval gives each query tile of
/// `map` when its lengths are the constants of `shape`: four per query tile.
static FailureOr<SmallVector<int64_t>>
foldRunTimeBounds(AttentionOp op, const MaskShape &shape, const BlockMap &map) {
  return foldToIntegers(op.getLoc(), [&](OpBuilder &b) {
    Location loc = op.getLoc();
    auto constant = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    SmallVector<Attribute> mask = op.getTileClassificationMask();
    SmallVector<Value> bounds;
    for (int64_t qt = 0; qt < map.getNumQueryTiles(); ++qt) {
      int64_t first = qt * map.getBlockQ();
      int64_t last = std::min(first + map.getBlockQ(), shape.queryLength) - 1;
      KeyTileInterval tiles = buildKeyTileInterval(
          b, loc, mask, &op.getMaskMod(),
          RowSpan{constant(first), constant(last), constant(shape.queryLength),
                  constant(shape.keyLength)},
          map.getBlockKv());
      bounds.append({tiles.first, tiles.end, tiles.fullFirst, tiles.fullEnd});
    }
    return bounds;
  });
}

/// The pairs of tile (qt, kt) of `map` that the mask's predicates that read
/// no operand (their point hooks) and the mask_mod region (at batches 0 and
/// 1, heads 0 and 2) all allow, folded pair by pair: whether any pair is
/// allowed and whether every one is. The block map classifies each predicate
/// alone, so a conjunction may leave a tile it calls partial without a pair,
/// or with every pair allowed.
struct TilePairs {
  bool any, all;
};
static FailureOr<TilePairs> foldTilePairs(AttentionOp op,
                                          const MaskShape &shape,
                                          const BlockMap &map, int64_t qt,
                                          int64_t kt) {
  Region *maskMod = op.getMaskMod().empty() ? nullptr : &op.getMaskMod();
  FailureOr<SmallVector<int64_t>> allowed =
      foldToIntegers(op.getLoc(), [&](OpBuilder &b) {
        Location loc = op.getLoc();
        auto constant = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(b, loc, v);
        };
        SmallVector<Value> pairs;
        TileBounds tile = map.getTileBounds(shape, qt, kt);
        for (int64_t i = tile.rowBegin; i < tile.rowEnd; ++i)
          for (int64_t j = tile.keyBegin; j < tile.keyEnd; ++j)
            for (int64_t batch : {0, 1})
              for (int64_t head : {0, 2}) {
                if (!maskMod && (batch || head))
                  continue;
                AttentionPoint point;
                point.batch = constant(batch);
                point.head = constant(head);
                point.kvHead = constant(0);
                point.numQueryHeads = constant(1);
                point.row = constant(i);
                point.column = constant(j);
                point.queryLength = constant(shape.queryLength);
                point.keyLength = constant(shape.keyLength);
                Value all = arith::ConstantIntOp::create(b, loc, 1, 1);
                for (Attribute predicate : op.getTileClassificationMask()) {
                  auto hooks = cast<MaskAttrInterface>(predicate);
                  if (!hooks.isDataDependent())
                    all = arith::AndIOp::create(
                        b, loc, all, hooks.buildPredicate(b, loc, point));
                }
                if (maskMod)
                  all = arith::AndIOp::create(
                      b, loc, all,
                      inlineRegionBody(
                          b, *maskMod,
                          {point.batch, point.head, point.row, point.column}));
                pairs.push_back(all);
              }
        return pairs;
      });
  if (failed(allowed))
    return failure();
  auto isSet = [](int64_t bit) { return bit != 0; };
  return TilePairs{llvm::any_of(*allowed, isSet),
                   llvm::all_of(*allowed, isSet)};
}

/// A pair of a tile: batch, head, row, key.
using Pair = std::array<int64_t, 4>;

/// The first pair of `tile` (for batches 0 and 1, heads 0 and 2) where the
/// mask_mod region folded to constants contradicts `regionClass` (full: it
/// must allow every pair; empty: none), or none; failure if the region does
/// not fold.
static FailureOr<std::optional<Pair>>
contradictingPair(AttentionOp op, TileClass regionClass,
                  const TileBounds &tile) {
  if (regionClass == TileClass::Partial)
    return std::optional<Pair>();
  SmallVector<Pair> pairs;
  FailureOr<SmallVector<int64_t>> allowed =
      foldToIntegers(op.getLoc(), [&](OpBuilder &b) {
        Location loc = op.getLoc();
        SmallVector<Value> results;
        for (int64_t batch : {0, 1})
          for (int64_t head : {0, 2})
            for (int64_t i = tile.rowBegin; i < tile.rowEnd; ++i)
              for (int64_t j = tile.keyBegin; j < tile.keyEnd; ++j) {
                Pair pair = {batch, head, i, j};
                SmallVector<Value> args;
                for (int64_t value : pair)
                  args.push_back(arith::ConstantIndexOp::create(b, loc, value));
                // (Constants from above the region are cloned beside it, so
                // that they fold too.)
                results.push_back(inlineRegionBody(b, op.getMaskMod(), args));
                pairs.push_back(pair);
              }
        return results;
      });
  if (failed(allowed))
    return failure();
  bool wanted = regionClass == TileClass::Full;
  for (auto [bit, pair] : llvm::zip(*allowed, pairs))
    if ((bit != 0) != wanted)
      return std::optional(pair);
  return std::optional<Pair>();
}

namespace mlir::attn {
namespace {
struct AttnPrintBlockMapPass
    : impl::AttnPrintBlockMapPassBase<AttnPrintBlockMapPass> {
  using Base::Base;

  void runOnOperation() override {
    if (blockQ < 1 || blockKv < 1) {
      getOperation()->emitError()
          << "attn-print-block-map needs positive tile sizes, got block-q="
          << static_cast<int64_t>(blockQ)
          << " block-kv=" << static_cast<int64_t>(blockKv);
      return signalPassFailure();
    }
    getOperation()->walk([&](AttentionOp op) {
      MaskShape shape = op.getMaskShape();
      if (!shape.isStatic()) {
        op.emitRemark("block map: dynamic sequence lengths, not classified at "
                      "compile time; key-tile bounds from the mask's run-time "
                      "key intervals");
        return;
      }
      if (!BlockMap::isTractable(shape, blockQ, blockKv)) {
        op.emitRemark("block map: more than 2^24 tiles, not classified at "
                      "compile time; key-tile bounds from the mask's run-time "
                      "key intervals");
        return;
      }
      BlockMap map =
          BlockMap::compute(op.getTileClassificationMask(), &op.getMaskMod(),
                            shape, blockQ, blockKv);
      int64_t total = map.getNumQueryTiles() * map.getNumKeyTiles();
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "block map: " << map.getNumQueryTiles() << "x"
         << map.getNumKeyTiles() << " tiles of " << blockQ << "x" << blockKv
         << ", full " << map.count(TileClass::Full) << ", partial "
         << map.count(TileClass::Partial) << ", empty "
         << map.count(TileClass::Empty) << ", visited " << map.countVisited()
         << "/" << total
         << llvm::format(" (%.1f%%)",
                         total ? 100.0 * map.countVisited() / total : 0.0);
      if (map.isDataDependent())
        os << ", data-dependent (decided at run time)";
      FailureOr<SmallVector<int64_t>> runTime = failure();
      if (runTimeBounds) {
        runTime = foldRunTimeBounds(op, shape, map);
        if (failed(runTime)) {
          op.emitError("run-time key-tile bounds do not fold to constants");
          return signalPassFailure();
        }
      }
      // Query tiles whose run-time bounds visit exactly the map's range.
      int64_t exactRanges = 0;
      for (int64_t qt = 0; qt < map.getNumQueryTiles(); ++qt) {
        os << "\n  ";
        for (int64_t kt = 0; kt < map.getNumKeyTiles(); ++kt)
          os << tileCharacter(map.get(qt, kt));
        auto [first, end] = map.getKeyTileRange(qt);
        os << "  [" << first << ", " << end << ")";
        if (!runTimeBounds)
          continue;
        ArrayRef<int64_t> bounds = ArrayRef(*runTime).slice(4 * qt, 4);
        int64_t runFirst = bounds[0], runEnd = bounds[1], fullFirst = bounds[2],
                fullEnd = bounds[3];
        os << "  run-time [" << runFirst << ", " << runEnd << ") full ["
           << fullFirst << ", " << fullEnd << ")";
        if (std::max<int64_t>(runEnd - runFirst, 0) == end - first &&
            (first == end || runFirst == first))
          ++exactRanges;
        // Sound: every tile with an allowed pair inside the loop bounds
        // (a tile the map visits, unless its pairs show none), every tile
        // called full full in the map or at each of its pairs.
        for (int64_t kt = 0; kt < map.getNumKeyTiles(); ++kt) {
          bool visited = runFirst <= kt && kt < runEnd;
          bool full = fullFirst <= kt && kt < fullEnd;
          bool missed = false, notFull = false;
          if (map.get(qt, kt) != TileClass::Empty && !visited) {
            FailureOr<TilePairs> pairs = foldTilePairs(op, shape, map, qt, kt);
            missed = failed(pairs) || pairs->any;
          }
          if (full && visited && map.get(qt, kt) != TileClass::Full) {
            FailureOr<TilePairs> pairs = foldTilePairs(op, shape, map, qt, kt);
            notFull = failed(pairs) || !pairs->all;
          }
          if (missed || notFull || (full && !visited)) {
            op.emitError() << "run-time key-tile bounds of query tile " << qt
                           << " are unsound at key tile " << kt;
            return signalPassFailure();
          }
        }
      }
      if (runTimeBounds)
        os << "\n  run-time bounds: sound, " << exactRanges << "/"
           << map.getNumQueryTiles() << " query tiles exact";
      if (checkMaskMod && !op.getMaskMod().empty()) {
        MaskModTiles regionTiles(op.getMaskMod());
        int64_t decided = 0;
        bool folds = true;
        for (int64_t qt = 0; folds && qt < map.getNumQueryTiles(); ++qt)
          for (int64_t kt = 0; folds && kt < map.getNumKeyTiles(); ++kt) {
            TileBounds tile = map.getTileBounds(shape, qt, kt);
            TileClass regionClass = regionTiles.classify(tile);
            auto pair = contradictingPair(op, regionClass, tile);
            // (A region that reads a tensor cannot be folded.)
            if (failed(pair)) {
              folds = false;
              break;
            }
            if (*pair) {
              op.emitError()
                  << "mask_mod tile class of tile (" << qt << ", " << kt
                  << ") is unsound: called "
                  << (regionClass == TileClass::Full ? "full" : "empty")
                  << ", but (b, h, i, j) = (" << (**pair)[0] << ", "
                  << (**pair)[1] << ", " << (**pair)[2] << ", " << (**pair)[3]
                  << ") is "
                  << (regionClass == TileClass::Full ? "refused" : "allowed");
              return signalPassFailure();
            }
            decided += regionClass != TileClass::Partial;
          }
        if (folds)
          os << "\n  mask_mod classes: sound, " << decided << " of "
             << map.getNumQueryTiles() * map.getNumKeyTiles()
             << " tiles decided";
        else
          os << "\n  mask_mod classes: not checked (the region does not "
                "fold to constants)";
      }
      op.emitRemark(text);
    });
  }
};
} // namespace
} // namespace mlir::attn
