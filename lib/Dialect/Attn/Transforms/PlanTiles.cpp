//===- PlanTiles.cpp - the attn-plan-tiles pass ---------------------------===//

#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Dialect/Attn/Transforms/TilePlanning.h"

#include "RegisterBlocking.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNPLANTILESPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

static int64_t sizeOr(int64_t size, int64_t fallback) {
  return ShapedType::isDynamic(size) ? fallback : size;
}

static int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Tiles of rows, batch x heads x query tiles, saturating at int64's
/// largest (a program's sizes may be huge).
static int64_t taskCount(int64_t batch, int64_t heads, int64_t queryLength,
                         int64_t blockQ) {
  int64_t tasks = 0;
  int64_t queryTiles = queryLength / blockQ + (queryLength % blockQ != 0);
  if (llvm::MulOverflow(batch, heads, tasks) ||
      llvm::MulOverflow(tasks, queryTiles, tasks))
    return std::numeric_limits<int64_t>::max();
  return tasks;
}

TilingAttr mlir::attn::planCpuTiles(AttentionOp op, const CpuTarget &target) {
  auto queryType = cast<RankedTensorType>(op.getQuery().getType());
  auto valueType = cast<RankedTensorType>(op.getValue().getType());
  // Unknown sizes: plan for long sequences and a common head size.
  int64_t batch = sizeOr(queryType.getDimSize(0), 1);
  int64_t heads = sizeOr(queryType.getDimSize(1), 1);
  int64_t queryLength = sizeOr(queryType.getDimSize(2), 4096);
  int64_t keyLength = sizeOr(op.getMaskShape().keyLength, 4096);
  // Head dims and lengths past this many elements decide nothing the
  // limit does not, for caches below 8 GB (no tile's working set then fits
  // half the L2; every tile is shorter than the keys), and the sums below
  // stay within int64.
  constexpr int64_t kLargestPlannedSize = int64_t(1) << 24;
  int64_t headDim =
      std::min(sizeOr(queryType.getDimSize(3), 128), kLargestPlannedSize);
  int64_t valueDim =
      std::min(sizeOr(valueType.getDimSize(3), 128), kLargestPlannedSize);
  int64_t plannedKeys = std::min(keyLength, kLargestPlannedSize);
  int64_t lanes = std::max<int64_t>(target.vectorBits / 32, 1);
  constexpr int64_t f32 = 4;

  // Tiles inside the blocks of a predicate whose per-tile test is then
  // exact (block selections, layouts) need no per-element test of it
  // (attn-tile-attention).
  int64_t selectedQ = 0, selectedKv = 0;
  for (Attribute predicate : op.getMask())
    if (std::optional<std::pair<int64_t, int64_t>> blocks =
            cast<MaskAttrInterface>(predicate).getExactTileBlocks())
      std::tie(selectedQ, selectedKv) = *blocks;
  int64_t bestQ = 0, bestKv = 0, bestScore = -1;
  for (int64_t blockQ : {8, 16, 32, 64, 128, 256}) {
    // No taller than the queries (rounded to a whole tile of rows).
    if (blockQ > 8 && blockQ / 2 >= queryLength)
      continue;
    if (selectedQ && selectedQ % blockQ != 0 && blockQ > 8)
      continue;
    int64_t tasks = taskCount(batch, heads, queryLength, blockQ);
    for (int64_t blockKv : {16, 32, 64, 128, 256, 512}) {
      if (blockKv % lanes != 0 && blockKv != 16)
        continue;
      if (blockKv > roundUp(plannedKeys, lanes) && blockKv > 16)
        continue;
      if (selectedKv && selectedKv % blockKv != 0 && blockKv > 16)
        continue;
      int64_t working =
          f32 * (blockQ * headDim + blockKv * headDim + blockKv * valueDim +
                 blockQ * blockKv + 2 * blockQ * valueDim);
      if (working > target.l2Bytes / 2)
        continue;
      // Prefer: enough query tiles for every core, score tile in L1, then
      // the largest tiles, then the squarest (K/V reuse against rescaling).
      int64_t score = blockQ * blockKv * 1024 + std::min(blockQ, blockKv);
      if (f32 * blockQ * blockKv <= target.l1Bytes)
        score += int64_t(1) << 40;
      if (tasks >= 2 * target.cores)
        score += int64_t(1) << 50;
      if (score > bestScore) {
        bestScore = score;
        bestQ = blockQ;
        bestKv = blockKv;
      }
    }
  }
  if (bestScore < 0) {
    // Even the smallest tiles exceed the cache: take them anyway.
    bestQ = 8;
    bestKv = 16;
  }
  // Split-KV: when the rows alone cannot keep every core busy twice over,
  // split each row's key tiles (at least four per split) among more tasks,
  // up to the tiling's limit. Without rows (no queries, no batch) there is
  // nothing to split.
  int64_t tasks = taskCount(batch, heads, queryLength, bestQ);
  int64_t keyTiles = keyLength / bestKv + (keyLength % bestKv != 0);
  int64_t splits = 1;
  while (tasks > 0 && tasks < 2 * target.cores / splits &&
         splits * 2 <= kMaxKvSplits && keyTiles / (splits * 2) >= 4)
    splits *= 2;
  return TilingAttr::get(op.getContext(), bestQ, bestKv, splits);
}

namespace mlir::attn {
namespace {
struct AttnPlanTilesPass : impl::AttnPlanTilesPassBase<AttnPlanTilesPass> {
  using Base::Base;

  void runOnOperation() override {
    // (0 reads the host; a negative size is a mistake, not a request.)
    for (auto [name, value] :
         {std::pair<StringRef, int64_t>{"l1-bytes", l1Bytes},
          {"l2-bytes", l2Bytes},
          {"cores", cores}}) {
      if (value >= 0)
        continue;
      getOperation()->emitError()
          << "attn-plan-tiles: " << name
          << " must be 0 (read the host) or positive, but is " << value;
      return signalPassFailure();
    }
    if (failed(
            checkVectorBitsOption(getOperation(), getArgument(), vectorBits)))
      return signalPassFailure();
    CpuTarget target = CpuTarget::detectHost();
    if (l1Bytes > 0)
      target.l1Bytes = l1Bytes;
    if (l2Bytes > 0)
      target.l2Bytes = l2Bytes;
    if (vectorBits > 0)
      target.vectorBits = vectorBits;
    // (The plan compares tasks against twice the count, which must not
    // overflow.)
    if (cores > 0)
      target.cores =
          std::min<int64_t>(cores, std::numeric_limits<int64_t>::max() / 2);
    getOperation()->walk([&](AttentionOp op) {
      if (!op.getTiling())
        op.setTilingAttr(planCpuTiles(op, target));
    });
  }
};
} // namespace
} // namespace mlir::attn
