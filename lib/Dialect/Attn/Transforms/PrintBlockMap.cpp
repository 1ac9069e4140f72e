//===- PrintBlockMap.cpp - the attn-print-block-map pass ------------------===//

#include "attn/Analysis/BlockMap.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

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

/// The key-tile bounds that buildKeyTileInterval gives each query tile of
/// `map` when its lengths are the constants of `shape`: the ops are built in
/// a scratch block and folded in order (every operand is constant), four
/// bounds per query tile.
static FailureOr<SmallVector<std::array<int64_t, 4>>>
foldRunTimeBounds(AttentionOp op, const MaskShape &shape, const BlockMap &map) {
  Location loc = op.getLoc();
  // (A module of its own: ops need a region for their context.)
  OwningOpRef<ModuleOp> scratchModule = ModuleOp::create(loc);
  Block &scratch = *scratchModule->getBody();
  OpBuilder b = OpBuilder::atBlockEnd(&scratch);
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Attribute> mask = op.getTileClassificationMask();
  SmallVector<Value> bounds;
  for (int64_t qt = 0; qt < map.getNumQueryTiles(); ++qt) {
    int64_t first = qt * map.getBlockQ();
    int64_t last = std::min(first + map.getBlockQ(), shape.queryLength) - 1;
    KeyTileInterval tiles = buildKeyTileInterval(
        b, loc, mask, !op.getMaskMod().empty(),
        RowSpan{constant(first), constant(last), constant(shape.queryLength),
                constant(shape.keyLength)},
        map.getBlockKv());
    bounds.append({tiles.first, tiles.end, tiles.fullFirst, tiles.fullEnd});
  }
  DenseMap<Value, Attribute> folded;
  bool foldedAll = true;
  for (Operation &scratchOp : scratch) {
    SmallVector<Attribute> operands;
    for (Value operand : scratchOp.getOperands())
      operands.push_back(folded.lookup(operand));
    SmallVector<OpFoldResult> results;
    if (failed(scratchOp.fold(operands, results)) ||
        results.size() != scratchOp.getNumResults()) {
      foldedAll = false;
      break;
    }
    for (auto [result, value] : llvm::zip(results, scratchOp.getResults()))
      folded[value] = isa<Attribute>(result)
                          ? cast<Attribute>(result)
                          : folded.lookup(cast<Value>(result));
  }
  SmallVector<std::array<int64_t, 4>> table;
  for (size_t i = 0; foldedAll && i < bounds.size(); i += 4) {
    std::array<int64_t, 4> row;
    for (int64_t k = 0; k < 4; ++k) {
      auto integer =
          dyn_cast_or_null<IntegerAttr>(folded.lookup(bounds[i + k]));
      if (!integer) {
        foldedAll = false;
        break;
      }
      row[k] = integer.getInt();
    }
    table.push_back(row);
  }
  if (!foldedAll)
    return failure();
  return table;
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
        op.emitRemark("block map: dynamic sequence lengths, every tile is "
                      "visited and masked");
        return;
      }
      if (!BlockMap::isTractable(shape, blockQ, blockKv)) {
        op.emitRemark("block map: more than 2^24 tiles, not classified at "
                      "compile time; every tile is visited and masked");
        return;
      }
      BlockMap map =
          BlockMap::compute(op.getTileClassificationMask(),
                            !op.getMaskMod().empty(), shape, blockQ, blockKv);
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
      FailureOr<SmallVector<std::array<int64_t, 4>>> runTime = failure();
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
        auto [runFirst, runEnd, fullFirst, fullEnd] = (*runTime)[qt];
        os << "  run-time [" << runFirst << ", " << runEnd << ") full ["
           << fullFirst << ", " << fullEnd << ")";
        if (runEnd - runFirst == end - first &&
            (first == end || runFirst == first))
          ++exactRanges;
        // Sound: every non-empty tile inside the loop bounds, every tile
        // called full full in the map.
        for (int64_t kt = 0; kt < map.getNumKeyTiles(); ++kt) {
          bool visited = runFirst <= kt && kt < runEnd;
          bool full = fullFirst <= kt && kt < fullEnd;
          if ((map.get(qt, kt) != TileClass::Empty && !visited) ||
              (full && (!visited || map.get(qt, kt) != TileClass::Full))) {
            op.emitError() << "run-time key-tile bounds of query tile " << qt
                           << " are unsound at key tile " << kt;
            return signalPassFailure();
          }
        }
      }
      if (runTimeBounds)
        os << "\n  run-time bounds: sound, " << exactRanges << "/"
           << map.getNumQueryTiles() << " query tiles exact";
      op.emitRemark(text);
    });
  }
};
} // namespace
} // namespace mlir::attn
