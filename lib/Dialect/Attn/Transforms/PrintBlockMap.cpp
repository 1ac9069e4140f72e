//===- PrintBlockMap.cpp - the attn-print-block-map pass ------------------===//

#include "attn/Analysis/BlockMap.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

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
      for (int64_t qt = 0; qt < map.getNumQueryTiles(); ++qt) {
        os << "\n  ";
        for (int64_t kt = 0; kt < map.getNumKeyTiles(); ++kt)
          os << tileCharacter(map.get(qt, kt));
        auto [first, end] = map.getKeyTileRange(qt);
        os << "  [" << first << ", " << end << ")";
      }
      op.emitRemark(text);
    });
  }
};
} // namespace
} // namespace mlir::attn
