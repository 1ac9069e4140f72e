//===- WarpgroupKernel.cpp - the warp-specialised sm_90a flash kernel -----===//
//
// One CTA per (128-row query tile, head, batch), three warpgroups:
//
//   thread 0: initialises the mbarriers; TMA Q -> smem, completing on
//     mbarrier Q (after a tile list, if any: the producer issues it then)
//   producer (warpgroup 0, setmaxnreg.dec; one thread issues):
//     for the i-th key tile u the CTA visits (its range, or its tile
//     list for data-dependent masks), stage s = i mod S:
//       wait empty_k[s]; TMA K[u] -> K[s] (full_k[s])
//       wait empty_v[s]; TMA V[u] -> V[s] (full_v[s])
//   consumers (warpgroups 1 and 2, 64 query rows each, setmaxnreg.inc):
//     wait Q; S = Q K[first tile]^T; softmax -> P, factors
//     for each tile u after the first:      (FlashAttention-3's pipeline)
//       wait full_k, full_v of the previous tile; take the turn
//       issue S = Q K[u]^T                  (wgmma, K from smem)
//       acc *= factors; issue acc += P V[prev] (wgmma, P from registers)
//       hand the turn to the other consumer
//       wait S; free K[u]; scale, modifiers, mask outside the run of full
//       tiles, online softmax -> P, factors (softmaxUpdate, as on sm_80)
//       wait P V; free V[prev]
//     acc *= factors; acc += P V[last]; out = acc / l; lse
//
// With grouped heads and a selection (shape.clusterHeads), the CTAs of a
// query tile for the heads of one K/V head form a cluster: they visit the
// same tiles, every producer waits for the consumers of all of them to free
// a stage, and issues its share of the tile's panels multicast to all, so a
// tile leaves L2 once per group (NSA's group-centric loading).
//
// With head pairs (shape.consumerHeads), the same happens inside a CTA:
// its two consumers take the same 64 rows of two query heads of one group,
// each its own head and Q tile, and every K/V tile serves both.
//
// Tiles are panels of 64 columns whose 128-byte rows TMA swizzles (the
// 128B mode); the wgmma descriptors name the same swizzle, so neither side
// pays bank conflicts. The accumulator layout of a warp's 16 rows of a
// wgmma is that of mma.sync's m16n8 tiles side by side, so the score and
// softmax code is the sm_80 kernel's.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelBuilder.h"
#include "WarpgroupMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>
#include <optional>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {
/// Registers per thread after setmaxnreg: the producer needs few, the
/// consumers hold S, P and the accumulators (24 x 128 + 240 x 256 fits the
/// 64K registers of a multiprocessor).
constexpr uint32_t kProducerRegisters = 24;
constexpr uint32_t kConsumerRegisters = 240;
/// With two CTAs per multiprocessor, each has 32K registers: 24 x 128 +
/// 232 x 128.
constexpr uint32_t kPairedConsumerRegisters = 232;
/// Persistent CTAs: the producer's item loop (the item's place, the range
/// table's row, Q's loads) spilled at 24 registers; 32 x 128 + 232 x 256
/// is what a launch at 168 a thread gives (ptxas 13.0: no spills either
/// side).
constexpr uint32_t kPersistentProducerRegisters = 32;
constexpr uint32_t kPersistentConsumerRegisters = 232;

/// i64 / i32 arithmetic on shared addresses and descriptors.
struct Ints {
  OpBuilder &b;
  Location loc;
  Value i64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 64).getResult();
  }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 32).getResult();
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value toI64(Value index) {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  }
  Value toI32(Value index) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
  }
};
} // namespace

/// The warp-specialised kernel's shared memory: the tiles (from a base
/// rounded up to the swizzle's period) and the mbarriers after them, with
/// the operations both roles use on them.
struct FlashKernelBuilder::WarpgroupStorage {
  FlashKernelBuilder &k;
  Ints n;
  Value base;
  // Q's tile, then the K stages, the V stages and the barriers, as
  // GpuKernelShape::warpgroupTileBytes and sharedBytes count them (a tile
  // list, if any, follows the barriers).
  int64_t stages = k.shape.stages;
  int64_t queryBytes = k.shape.warpgroupQueryBytes();
  // One head's Q tile (all of Q's unless heads come two to a CTA).
  int64_t headQueryBytes = queryBytes / k.shape.consumerHeads;
  int64_t keyBytes = 2 * k.shape.tileKeys() * k.shape.headDim;
  int64_t valueBytes = 2 * k.shape.tileKeys() * k.shape.valueDim;
  int64_t keyBase = queryBytes;
  int64_t valueBase = keyBase + stages * keyBytes;
  int64_t barrierBase = k.shape.warpgroupTileBytes();
  // The key tiles the CTA visits, in order: [first, first + count), or the
  // entries of a tile list (data-dependent masks). With paired key blocks
  // (and no union, whose sources pair their own), `count` tiles hold the
  // `blocks` visited blocks two by two.
  Value first = {}, count = {}, tileList = {}, blocks = {};
  // A cluster of the CTAs of a group's heads (shape.clusterHeads): its size
  // and this CTA's rank in it (i32).
  int64_t cluster = k.shape.clusterHeads;
  Value rank = {};
  // Persistent CTAs (shape.persistentCtas): the range table, which each
  // work item reads; the key tiles the CTA's earlier items visited (i32:
  // stages and phases run on across items); the parity of Q's barriers
  // for the current item.
  Value rangeTable = {}, tileBase = {}, queryPhase = {};
  // Q's tensor map (its address).
  Value queryMap = {};

  ListedTile visited(Value i) {
    if (!blocks)
      return k.sourceBlock(tileList, count, first, i);
    return k.pairedTile(i, tileList, first, blocks);
  }
  /// Sets count (and blocks) for `visitedBlocks` blocks visited.
  void countTiles(Value visitedBlocks) {
    if (k.shape.keyBlocksPerTile == 1 || !k.keySources.empty()) {
      count = visitedBlocks;
      return;
    }
    blocks = visitedBlocks;
    count = k.visitsOf(visitedBlocks);
  }

  Value barrierAt(Value slot) {
    return sharedPointer(
        n.b, n.loc,
        n.add(base, n.add(n.i64(barrierBase),
                          arith::MulIOp::create(n.b, n.loc, n.toI64(slot),
                                                n.i64(8)))));
  }
  // Barrier slots: 0 Q, then per stage s: 1 + s full K, 1 + S + s full V,
  // 1 + 2 S + s empty K, 1 + 3 S + s empty V; then (persistent) Q empty.
  Value queryBarrier() { return barrierAt(k.c(0)); }
  Value queryEmpty() { return barrierAt(k.c(1 + 4 * stages)); }
  Value keyFull(Value s) { return barrierAt(k.add(k.c(1), s)); }
  Value valueFull(Value s) { return barrierAt(k.add(k.c(1 + stages), s)); }
  Value keyEmpty(Value s) { return barrierAt(k.add(k.c(1 + 2 * stages), s)); }
  Value valueEmpty(Value s) { return barrierAt(k.add(k.c(1 + 3 * stages), s)); }
  /// The shared address of the tile at `offset` of stage `stage`.
  Value tileAddress(int64_t offset, Value stage, int64_t stageBytes) {
    Value stageOffset =
        arith::MulIOp::create(n.b, n.loc, n.toI64(stage), n.i64(stageBytes));
    return n.add(base, n.add(n.i64(offset), stageOffset));
  }
  Value keyTile(Value stage) { return tileAddress(keyBase, stage, keyBytes); }
  Value valueTile(Value stage) {
    return tileAddress(valueBase, stage, valueBytes);
  }
  /// TMA of `panels` panels of `rows` rows starting at (row, head) into the
  /// tile at shared address `address` (panels `panelRows` rows apart; 0:
  /// `rows`), completing on `bar`. A K or V tile
  /// (`firstBox`: its first panel's number among the tile's K and V panels)
  /// in a cluster: rank r issues the panels whose number is r modulo the
  /// cluster's size, each multicast to every CTA of the cluster (the tile
  /// completes on each one's `bar`).
  void loadPanels(Value map, Value address, int64_t panels, int64_t rows,
                  Value row, Value headIndex, Value bar,
                  std::optional<int64_t> firstBox = std::nullopt,
                  int64_t panelRows = 0) {
    if (!panelRows)
      panelRows = rows;
    bool shared = firstBox && cluster > 1;
    Value everyCta =
        shared
            ? arith::ConstantIntOp::create(n.b, n.loc, (1 << cluster) - 1, 16)
                  .getResult()
            : Value();
    for (int64_t p = 0; p < panels; ++p) {
      OpBuilder::InsertionGuard guard(n.b);
      if (shared) {
        Value mine =
            arith::CmpIOp::create(n.b, n.loc, arith::CmpIPredicate::eq, rank,
                                  n.i32((*firstBox + p) % cluster));
        auto issue = scf::IfOp::create(n.b, n.loc, mine, false);
        n.b.setInsertionPointToStart(issue.thenBlock());
      }
      Value destination = clusterPointer(
          n.b, n.loc, n.add(address, n.i64(p * panelRows * kPanelRowBytes)));
      loadTensorBox(n.b, n.loc, map, destination,
                    {n.i32(p * kPanelColumns), n.toI32(row), n.toI32(headIndex),
                     n.toI32(k.batch)},
                    bar, everyCta);
    }
  }
  /// TMA of the CTA's query tile into its place, completing on the Q
  /// barrier (one thread issues).
  /// With heads two to a CTA, each head's tile follows the other's.
  void loadQuery(Value queryMap) {
    NVVM::MBarrierArriveExpectTxOp::create(
        n.b, n.loc, Type(), queryBarrier(), n.i32(queryBytes),
        NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
    int64_t heads = k.shape.consumerHeads;
    for (int64_t h = 0; h < heads; ++h)
      loadPanels(queryMap, n.add(base, n.i64(h * headQueryBytes)),
                 k.shape.headDim / kPanelColumns, k.shape.blockQ(), k.rowBase,
                 h ? k.add(k.head, k.c(h)) : k.head, queryBarrier());
  }
  /// The phase parity of the stage that tile number i uses.
  // The stage of the i-th visited tile and the parity of its round, in
  // 32-bit arithmetic (index is 64-bit: a division by a constant would be
  // twice the work on the uniform datapath, every iteration).
  // (i counts the current work item's tiles; tileBase, the earlier ones'.)
  Value tileNumber(Value i) {
    Value local = n.toI32(i);
    return tileBase ? arith::AddIOp::create(n.b, n.loc, tileBase, local)
                    : local;
  }
  Value stageOf(Value i) {
    return arith::IndexCastUIOp::create(
        n.b, n.loc, n.b.getIndexType(),
        arith::RemUIOp::create(n.b, n.loc, tileNumber(i), n.i32(stages)));
  }
  Value phaseOf(Value i) {
    return arith::AndIOp::create(
        n.b, n.loc,
        arith::DivUIOp::create(n.b, n.loc, tileNumber(i), n.i32(stages)),
        n.i32(1));
  }
  /// The parity of Q's full barrier for the current item.
  Value queryParity() { return queryPhase ? queryPhase : n.i32(0); }
  void wait(Value bar, Value phase) { waitParity(n.b, n.loc, bar, phase); }
};

void FlashKernelBuilder::buildWarpSpecialized(
    const KernelBuffers &kernelBuffers, Value rangeTable,
    ArrayRef<Value> tensorMaps) {
  buffers = kernelBuffers;
  Ints n{b, loc};

  smem = dynamicSharedMemory(b, loc);
  // The swizzle repeats every 1024 bytes and wgmma's descriptors assume
  // tiles at that alignment: round the base up (the kernel asks for 1024
  // bytes more than its tiles).
  Value rawBase =
      n.toI64(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
  Value base = arith::AndIOp::create(
      b, loc, n.add(rawBase, n.i64(kSwizzleAtomBytes - 1)),
      n.i64(~(kSwizzleAtomBytes - 1)));
  WarpgroupStorage st{*this, n, base};

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  Value warpgroup = div(tid, c(128));
  bool persistent = shape.persistentCtas > 0;
  assert(
      (!persistent ||
       (!shape.tileListEntries && st.cluster == 1 && shape.consumerHeads == 1 &&
        shape.ctasPerMultiprocessor == 1 && buffers.unionSources.empty() &&
        !buffers.merge && !buffers.compressed)) &&
      "persistent CTAs take the plain 128-row form");
  assert((shape.keyBlocksPerTile == 1 || (!persistent && st.cluster == 1)) &&
         "paired key blocks take neither persistent CTAs nor clusters");
  Value queryTileIndex;
  if (persistent) {
    // The CTA's first work item (the producer and consumers walk them all).
    queryLength = dim(buffers.query, 2);
    keyLength = dim(buffers.key, 2);
    numQueryHeads = dim(buffers.query, 1);
    queryTileIndex =
        locateWorkItem(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  } else {
    queryTileIndex = locateCta();
    head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  }
  if (int64_t heads = shape.interleavedHeads; heads > 1 && !persistent) {
    // CTAs start in the order of x + X y: walk groups of `heads` heads,
    // each group's last query tiles first, its heads side by side.
    Value tiles = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
    Value tile = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    Value linear = add(tile, mul(tiles, head));
    Value span = mul(tiles, c(heads));
    Value inGroup = rem(linear, span);
    head = add(mul(div(linear, span), c(heads)), rem(inGroup, c(heads)));
    queryTileIndex = sub(sub(tiles, c(1)), div(inGroup, c(heads)));
  }
  // Heads two to a CTA: grid y is the pair, `head` its first until the
  // consumers take their own.
  if (shape.consumerHeads > 1)
    head = mul(head, c(shape.consumerHeads));
  if (!persistent) {
    kvHead = div(head, div(numQueryHeads, dim(buffers.key, 1)));
    rowBase = mul(queryTileIndex, c(shape.blockQ()));
  }
  if (st.cluster > 1)
    st.rank = NVVM::ClusterId::create(b, loc, b.getI32Type());

  // The tensor maps by address (tensorMapSlot): Q's, then K's and V's of
  // each key source.
  SmallVector<Value> mapPointers;
  for (Value map : tensorMaps)
    mapPointers.push_back(tensorMapSlot(b, loc, map));
  keyMap = mapPointers[1];
  valueMap = mapPointers[2];
  st.queryMap = mapPointers.front();
  st.rangeTable = rangeTable;

  // Thread 0 initialises the barriers; a CTA barrier publishes them. Q's
  // load needs nothing else, so the same thread starts it at once: its
  // latency then overlaps the range table's read, the CTA barrier and the
  // roles' set-up, a tile list's building included (H200: Nsight Compute's
  // stall samples had the consumers waiting on Q for about 6% of their
  // time). A list whose temporaries overlap Q's tile (they did not fit past
  // it) has the producer load Q after it instead.
  bool earlyQuery = shape.queryLoadsFirst();
  {
    auto leader = ifZero(tid);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leader.thenBlock());
    NVVM::MBarrierInitOp::create(b, loc, st.queryBarrier(), n.i32(1), Value());
    for (int64_t s = 0; s < st.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, st.keyFull(c(s)), n.i32(1), Value());
      NVVM::MBarrierInitOp::create(b, loc, st.valueFull(c(s)), n.i32(1),
                                   Value());
      // Lane 0 of each consumer warp releases a stage (of every CTA of
      // the cluster: each one's loads write into all of them).
      NVVM::MBarrierInitOp::create(b, loc, st.keyEmpty(c(s)),
                                   n.i32(shape.warps * st.cluster), Value());
      NVVM::MBarrierInitOp::create(b, loc, st.valueEmpty(c(s)),
                                   n.i32(shape.warps * st.cluster), Value());
    }
    // Lane 0 of each consumer warp frees Q's tile for the next item.
    if (persistent)
      NVVM::MBarrierInitOp::create(b, loc, st.queryEmpty(), n.i32(shape.warps),
                                   Value());
    NVVM::FenceMbarrierInitOp::create(b, loc);
    if (earlyQuery)
      st.loadQuery(mapPointers.front());
  }

  // A selection's slots (warp 0 lists them after the barrier below) are
  // read now, so that their latency and the range tables' overlap.
  if (shape.tileListEntries) {
    for (Attribute predicate : op.getMask())
      if (auto indices = dyn_cast<BlockIndicesAttr>(predicate);
          indices && shape.selectionSlots)
        selection = indices;
    prefetchSelectionSlot();
  }

  // Key-tile bounds of this query tile and its run of full tiles (a union:
  // the visited tiles of every source in turn). Persistent CTAs read each
  // work item's in turn.
  KeyTileBounds bounds;
  if (!persistent) {
    bounds = buffers.unionSources.empty()
                 ? keyTileBounds(rangeTable, queryTileIndex)
                 : setUpKeySources(queryTileIndex,
                                   ArrayRef<Value>(mapPointers).drop_front());
    st.first = bounds.first;
    st.countTiles(arith::SubIOp::create(b, loc, bounds.end, bounds.first));
  }
  barrier();

  // Data-dependent masks: the whole CTA lists the tiles to visit (as the
  // sm_80 kernel does) before the roles split; both roles walk the list.
  if (shape.tileListEntries) {
    warp = div(tid, c(32));
    if (llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>))
      queryRange = cooperativeRange(buffers.qSegments, rowBase, shape.blockQ(),
                                    queryLength, 0);
    // A union lists its lead's tiles; the loop numbers the others after.
    if (keySources.empty()) {
      Value listed;
      std::tie(st.tileList, listed) = buildTileList(bounds.first, bounds.end);
      st.countTiles(listed);
    } else {
      st.count = listUnionLead();
    }
    // The segment ranges were built in the tile area, which TMA now fills.
    documentChunks = {};
  }

  // A cluster's loads write into every CTA's tiles and its consumers
  // arrive on every CTA's barriers: no CTA may load before all have
  // initialised their barriers and finished with the tile area (a list's
  // temporaries), nor exit while another may still do either.
  if (st.cluster > 1)
    clusterBarrier(b, loc);
  auto roles = scf::IfOp::create(b, loc, lt(warpgroup, c(1)),
                                 /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(roles.thenBlock());
    buildProducer(st, earlyQuery ? Value() : mapPointers.front(), bounds);
    b.setInsertionPointToStart(roles.elseBlock());
    buildConsumers(st, warpgroup, bounds);
  }
  if (st.cluster > 1)
    clusterBarrier(b, loc);
}

Value FlashKernelBuilder::locateWorkItem(Value item) {
  Value tiles = ceilDiv(queryLength, shape.blockQ());
  Value rows = mul(numQueryHeads, dim(buffers.query, 0));
  Value rest = rem(item, rows);
  head = rem(rest, numQueryHeads);
  batch = div(rest, numQueryHeads);
  kvHead = div(head, div(numQueryHeads, dim(buffers.key, 1)));
  // Every head's last query tile first: under a causal mask the longest.
  Value queryTileIndex = sub(sub(tiles, c(1)), div(item, rows));
  rowBase = mul(queryTileIndex, c(shape.blockQ()));
  return queryTileIndex;
}

void FlashKernelBuilder::forEachWorkItem(
    WarpgroupStorage &st,
    function_ref<void(const KeyTileBounds &, Value)> body) {
  Ints &n = st.n;
  Value tiles = ceilDiv(queryLength, shape.blockQ());
  Value items = mul(mul(tiles, numQueryHeads), dim(buffers.query, 0));
  Value first = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value stride = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  // Items first, first + stride, ... (the grid is at most the items).
  Value count = div(add(sub(items, first), sub(stride, c(1))), stride);
  Value located[] = {batch, head, kvHead, rowBase, warpRow};
  scf::ForOp::create(
      b, loc, c(0), count, c(1), ValueRange{n.i32(0)},
      [&](OpBuilder &, Location, Value j, ValueRange state) {
        Value queryTileIndex = locateWorkItem(add(first, mul(j, stride)));
        KeyTileBounds bounds = keyTileBounds(st.rangeTable, queryTileIndex);
        st.first = bounds.first;
        st.count = arith::SubIOp::create(b, loc, bounds.end, bounds.first);
        st.tileBase = state.front();
        st.queryPhase = arith::AndIOp::create(b, loc, n.toI32(j), n.i32(1));
        body(bounds, j);
        scf::YieldOp::create(b, loc,
                             ValueRange{arith::AddIOp::create(
                                 b, loc, state.front(), n.toI32(st.count))});
      });
  // (The values of the loop's body are not visible after it.)
  batch = located[0];
  head = located[1];
  kvHead = located[2];
  rowBase = located[3];
  warpRow = located[4];
  st.first = st.count = st.tileBase = st.queryPhase = Value();
}

void FlashKernelBuilder::buildProducer(WarpgroupStorage &st, Value queryMap,
                                       const KeyTileBounds &bounds) {
  Ints &n = st.n;
  NVVM::SetMaxRegisterOp::create(
      b, loc,
      shape.persistentCtas ? kPersistentProducerRegisters : kProducerRegisters,
      NVVM::SetMaxRegisterAction::decrease);
  auto issuer = ifZero(tid);
  b.setInsertionPointToStart(issuer.thenBlock());
  if (shape.persistentCtas) {
    // The first item's Q came at the start; each later one's once the
    // consumers' products that read the one before have completed.
    forEachWorkItem(st, [&](const KeyTileBounds &itemBounds, Value item) {
      {
        OpBuilder::InsertionGuard guard(b);
        auto later = scf::IfOp::create(b, loc, lt(c(0), item),
                                       /*withElseRegion=*/false);
        b.setInsertionPointToStart(later.thenBlock());
        Value previous = n.toI32(arith::SubIOp::create(b, loc, item, c(1)));
        st.wait(st.queryEmpty(),
                arith::AndIOp::create(b, loc, previous, n.i32(1)));
        st.loadQuery(st.queryMap);
      }
      produceTiles(st, itemBounds);
    });
    return;
  }
  if (queryMap)
    st.loadQuery(queryMap);
  produceTiles(st, bounds);
}

void FlashKernelBuilder::produceTiles(WarpgroupStorage &st,
                                      const KeyTileBounds &bounds) {
  Ints &n = st.n;
  int64_t blockKv = shape.blockKv, tileKeys = shape.tileKeys();
  int64_t headPanels = shape.headDim / kPanelColumns;
  int64_t valuePanels = shape.valueDim / kPanelColumns;
  scf::ForOp::create(
      b, loc, c(0), st.count, c(1), ValueRange{},
      [&](OpBuilder &, Location, Value i, ValueRange) {
        ListedTile tile = st.visited(i);
        Value stage = st.stageOf(i);
        // The first round finds every stage empty: waiting on the parity
        // before the barrier's first phase returns at once.
        Value phase = arith::XOrIOp::create(b, loc, st.phaseOf(i), n.i32(1));
        onKeySource(
            tile.tile, {}, bounds,
            [&](Value keyTile, const KeyTileBounds &) {
              // A box of blockKv rows a block: with paired blocks, the
              // second's rows follow the first's in each panel (8 KiB in, a
              // whole swizzle period, so the products' descriptors read
              // one tile). A tile of one block loads that block twice: its
              // second half's scores are masked (past the keys), and P of
              // 0 times finite values adds nothing.
              Value firstKey = mul(keyTile, c(blockKv));
              Value secondKey;
              if (pairedBlock) {
                Value single =
                    arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          pairedBlock, blockPastKeys());
                secondKey = mul(arith::SelectOp::create(b, loc, single, keyTile,
                                                        pairedBlock),
                                c(blockKv));
              }
              auto loadTile = [&](Value map, Value address, int64_t panels,
                                  Value bar, int64_t firstBox) {
                st.loadPanels(map, address, panels, blockKv, firstKey, kvHead,
                              bar, firstBox, tileKeys);
                if (secondKey)
                  st.loadPanels(map,
                                n.add(address, n.i64(blockKv * kPanelRowBytes)),
                                panels, blockKv, secondKey, kvHead, bar,
                                firstBox, tileKeys);
              };
              st.wait(st.keyEmpty(stage), phase);
              NVVM::MBarrierArriveExpectTxOp::create(
                  b, loc, Type(), st.keyFull(stage), n.i32(st.keyBytes),
                  NVVM::MemScopeKind::CTA, false, Value());
              loadTile(keyMap, st.keyTile(stage), headPanels, st.keyFull(stage),
                       /*firstBox=*/0);
              st.wait(st.valueEmpty(stage), phase);
              NVVM::MBarrierArriveExpectTxOp::create(
                  b, loc, Type(), st.valueFull(stage), n.i32(st.valueBytes),
                  NVVM::MemScopeKind::CTA, false, Value());
              loadTile(valueMap, st.valueTile(stage), valuePanels,
                       st.valueFull(stage), /*firstBox=*/headPanels);
              return SmallVector<Value>();
            },
            tile.second);
        scf::YieldOp::create(b, loc);
      });
}

void FlashKernelBuilder::buildConsumers(WarpgroupStorage &st, Value warpgroup,
                                        const KeyTileBounds &ctaBounds) {
  Ints &n = st.n;
  MLIRContext *context = b.getContext();
  int64_t headDim = shape.headDim, valueDim = shape.valueDim;
  int64_t blockQ = shape.blockQ(), tileKeys = shape.tileKeys();
  int64_t stages = st.stages;
  NVVM::SetMaxRegisterOp::create(
      b, loc,
      shape.persistentCtas               ? kPersistentConsumerRegisters
      : shape.ctasPerMultiprocessor == 2 ? kPairedConsumerRegisters
                                         : kConsumerRegisters,
      NVVM::SetMaxRegisterAction::increase);
  Value consumer = arith::SubIOp::create(b, loc, warpgroup, c(1));
  warp = arith::SubIOp::create(b, loc, div(tid, c(32)), c(4));
  // Heads two to a CTA: each consumer has the CTA's rows of its own head
  // (and its own Q tile); else the two split the rows.
  bool ownHeads = shape.consumerHeads > 1;
  int64_t scoreCount = tileKeys / 2, accCount = valueDim / 2;
  int64_t slots = 2, accBase = 2 * slots;
  int64_t stateSize = accBase + accCount;

  // Descriptors. Q and K are K-major (rows of head-dim elements): a k16
  // step moves 32 bytes along the row inside a panel; 8-row groups are
  // 1024 bytes apart. V is MN-major (rows are keys, the product's k): a k16
  // step is 16 rows, and the value dims continue in the next panel.
  Value consumerRows = arith::MulIOp::create(
      b, loc, n.toI64(consumer),
      n.i64(ownHeads ? st.headQueryBytes : 64 * kPanelRowBytes));
  // Each product's descriptors are its tile's plus the step's byte offset
  // / 16 in the start-address field (addresses stay below 256 KB: no
  // carry out of it), so the swizzle fields are built once per tile.
  auto offsetDescriptor = [&](Value descriptor, int64_t byteOffset) {
    return byteOffset ? n.add(descriptor, n.i64(byteOffset >> 4)) : descriptor;
  };
  auto panelStep = [&](int64_t rows, int64_t step) {
    return (step / 4) * rows * kPanelRowBytes + (step % 4) * 32;
  };
  Value queryTileDescriptor = swizzledDescriptor(
      b, loc, n.add(st.base, consumerRows), 16, kSwizzleAtomBytes);
  auto queryDescriptor = [&](int64_t step) {
    return offsetDescriptor(queryTileDescriptor, panelStep(blockQ, step));
  };
  auto keyDescriptor = [&](Value keyTileDescriptor, int64_t step) {
    return offsetDescriptor(keyTileDescriptor, panelStep(tileKeys, step));
  };
  auto valueDescriptor = [&](Value valueTileDescriptor, int64_t step) {
    return offsetDescriptor(valueTileDescriptor, step * 16 * kPanelRowBytes);
  };

  // One work item (the CTA's, or each of a persistent CTA's in turn).
  auto consumeItem = [&](const KeyTileBounds &bounds) {
    if (ownHeads)
      head = add(head, consumer);
    warpRow = add(rowBase, mul(ownHeads ? rem(warp, c(4)) : warp, c(16)));
    st.wait(st.queryBarrier(), st.queryParity());
    // The paired form's scores are 64 x 64 products: from shared memory,
    // each k16 step reads as many bytes of Q as of K, and with the K and V
    // tiles that TMA writes, a tile's traffic exceeds what shared memory
    // serves while the tensor cores run at their rate. Its Q fragments stay
    // in registers instead (32 per thread at head dim 128; read once). H200,
    // builds timed in alternation: NSA's 64 x 64 selection 1.03x, SCOUT
    // 1.02x. The 128-row form's 128-key products read Q for twice the work;
    // there it gave dense 1.02-1.03x but tile lists and score tables (4
    // documents, prefix-LM's layout, a bias table) 0.95-0.98x, so it keeps Q
    // in shared memory.
    // Heads two to a CTA multiply 64 x 64 products too; with paired key
    // blocks, 64 x 128 ones, which read Q for twice the work, and whose
    // scores beside Q's fragments made ptxas spill (148 bytes).
    bool queryInRegisters = shape.ctasPerMultiprocessor == 2 ||
                            (ownHeads && shape.keyBlocksPerTile == 1);
    SmallVector<Value> queryWords;
    if (queryInRegisters) {
      // Step s's four words in mma.sync's A layout: rows g and g + 8 of the
      // warp's 16 (g = lane / 4), columns 16 s + 2 t and 16 s + 8 + 2 t (t =
      // lane % 4). In the swizzled panels, 16-byte chunk j of row r sits at
      // chunk j ^ (r % 8), and r % 8 = g for both rows.
      Value group = div(lane, c(4));
      Value rowBytes = n.toI64(
          add(mul(add(mul(rem(warp, c(4)), c(16)), group), c(kPanelRowBytes)),
              mul(rem(lane, c(4)), c(4))));
      Value rows = n.add(n.add(st.base, consumerRows), rowBytes);
      for (int64_t step = 0; step < headDim / 16; ++step) {
        int64_t panel = step / 4 * blockQ * kPanelRowBytes;
        for (int64_t half = 0; half < 2; ++half) {
          Value chunk = n.toI64(
              arith::XOrIOp::create(b, loc, c(2 * (step % 4) + half), group));
          Value address =
              n.add(n.add(rows, n.i64(panel)),
                    arith::MulIOp::create(b, loc, chunk, n.i64(16)));
          for (int64_t lower = 0; lower < 2; ++lower)
            queryWords.push_back(LLVM::LoadOp::create(
                b, loc, b.getI32Type(),
                sharedPointer(
                    b, loc,
                    n.add(address, n.i64(lower * 8 * kPanelRowBytes)))));
        }
      }
    }
    if (buffers.compressed) {
      // The compress epilogue's scratch: the consumer's rows of Q, which its
      // products have all read (waited for) by then. Named barriers 3 and 4
      // (1 and 2 are the turns).
      Value rawBase =
          n.toI64(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
      Value offset =
          arith::SubIOp::create(b, loc, n.add(st.base, consumerRows), rawBase);
      segmentScratch = sharedView(
          b, loc, smem,
          arith::IndexCastOp::create(b, loc, b.getIndexType(), offset), 4,
          valueDim, b.getF32Type());
      segmentBarrier = n.toI32(add(consumer, c(3)));
      segmentFirstRow =
          ownHeads ? rowBase : add(rowBase, mul(consumer, c(kSegmentRows)));
    }
    Value negInf = w.f32(-std::numeric_limits<double>::infinity());
    Value zero = w.f32(0.0);
    SmallVector<Value> init(slots, negInf);
    init.append(slots, zero);
    init.append(accCount, zero);
    SmallVector<Type> scoreFields(scoreCount, b.getF32Type());
    auto scoreStruct = LLVM::LLVMStructType::getLiteral(context, scoreFields);
    auto mmaShape = NVVM::MMAShapeAttr::get(context, 64, tileKeys, 16);
    NVVM::WGMMATypes operandType =
        elementType.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;

    // acc += P V[stage] for P of the previous tile (wordsOf: its A operands).
    auto valueProduct = [&](ArrayRef<Value> words, Value stage,
                            ArrayRef<Value> acc) {
      SmallVector<Value> result(acc);
      Value tile =
          swizzledDescriptor(b, loc, st.valueTile(stage),
                             tileKeys * kPanelRowBytes, kSwizzleAtomBytes);
      for (int64_t step = 0; step < tileKeys / 16; ++step)
        result =
            multiplyRegisterA(b, loc, elementType, words.slice(4 * step, 4),
                              valueDescriptor(tile, step), result);
      return result;
    };
    // Lane 0 of each consumer warp frees a K or V stage once its products
    // have read it: in every CTA of a cluster, whose producers all write it.
    auto release = [&](Value emptyBarrier) {
      auto leader = ifZero(lane);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(leader.thenBlock());
      if (st.cluster == 1) {
        NVVM::MBarrierArriveOp::create(b, loc, Type(), emptyBarrier, Value());
        return;
      }
      for (int64_t r = 0; r < st.cluster; ++r)
        arriveInCluster(b, loc, emptyBarrier, n.i32(r));
    };
    // Persistent CTAs: lane 0 of each consumer warp frees Q's tile once the
    // warp's products that read it are complete.
    auto freeQuery = [&]() {
      if (!shape.persistentCtas)
        return;
      auto leader = ifZero(lane);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(leader.thenBlock());
      NVVM::MBarrierArriveOp::create(b, loc, Type(), st.queryEmpty(), Value());
    };
    // Ping-pong (FlashAttention-3): the two consumers take turns on the
    // tensor cores through named barriers 1 and 2 (0 is the CTA barrier), so
    // that one's softmax runs while the other's products do. Consumer 1 lets
    // consumer 0 go first (in a CTA with key tiles: every arrival is matched).
    Value threadsOfBoth = n.i32(256);
    Value myTurn = n.toI32(add(consumer, c(1)));
    Value otherTurn = n.toI32(arith::SubIOp::create(b, loc, c(2), consumer));
    Value numTiles = st.count;

    // The turns: wait for mine before issuing products; after issuing, hand
    // the tensor cores to the other consumer, except on consumer 1's last
    // tile (consumer 0 has no turn left to take).
    auto takeTurn = [&]() {
      if (!shape.pingPong)
        return;
      NVVM::BarrierOp::create(b, loc, Type(), myTurn, threadsOfBoth,
                              NVVM::BarrierReductionAttr(), Value());
    };
    auto passTurn = [&](Value i) {
      if (!shape.pingPong)
        return;
      Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         add(i, c(1)), numTiles);
      Value skip = arith::AndIOp::create(
          b, loc, last,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, consumer,
                                c(1)));
      auto pass = scf::IfOp::create(
          b, loc,
          arith::XOrIOp::create(b, loc, skip,
                                arith::ConstantIntOp::create(b, loc, 1, 1)),
          /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(pass.thenBlock());
      NVVM::BarrierArriveOp::create(b, loc, otherTurn, threadsOfBoth);
    };
    // S = Q K[stage]^T, issued (not awaited): wgmma's struct with Q from
    // shared memory, or the f32 results of the products with Q from
    // registers (read only after the wait, through pinRegisters).
    struct PendingScores {
      Value fromShared;
      SmallVector<Value> fromRegisters;
    };
    auto scoreProduct = [&](Value stage) -> PendingScores {
      Value keys =
          swizzledDescriptor(b, loc, st.keyTile(stage), 16, kSwizzleAtomBytes);
      if (queryInRegisters) {
        Value poison = LLVM::PoisonOp::create(b, loc, b.getF32Type());
        SmallVector<Value> scores(scoreCount, poison);
        for (int64_t step = 0; step < headDim / 16; ++step)
          scores = multiplyRegisterA(
              b, loc, elementType,
              ArrayRef<Value>(queryWords).slice(4 * step, 4),
              keyDescriptor(keys, step), scores, /*mnMajorB=*/false,
              /*accumulate=*/step > 0);
        return {Value(), scores};
      }
      Value scores = LLVM::PoisonOp::create(b, loc, scoreStruct);
      for (int64_t step = 0; step < headDim / 16; ++step)
        scores = NVVM::WgmmaMmaAsyncOp::create(
            b, loc, scoreStruct, scores, queryDescriptor(step),
            keyDescriptor(keys, step), mmaShape, operandType, operandType,
            NVVM::WGMMATypes::f32,
            step ? NVVM::WGMMAScaleOut::one : NVVM::WGMMAScaleOut::zero,
            NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
            NVVM::MMALayout::row, NVVM::MMALayout::col,
            NVVM::MMAIntOverflowAttr());
      return {scores, {}};
    };
    // With a tile list, the ping-pong form reads the i-th visited tile's
    // entry (from shared memory) before issuing the tile's products: a load
    // after the wgmma wait would sit between S and its softmax, on the
    // critical path of the consumers' turns (H200, Nsight Compute: the
    // 4-document kernel's loop ran 12% longer than causal 4k's with the same
    // instructions, its consumers waiting longer for their turns; 0.504 ->
    // 0.493 ms). The paired form (one consumer) was slower with it (select16
    // at 64k 1.158 -> 1.171 ms) and reads it after the wait.
    bool readTileEarly = shape.pingPong && st.tileList;
    // The softmax of a listed tile's scores: the new state (acc rescaled),
    // then P as A operands. With a tile list, the data-dependent predicates
    // are evaluated per element unless every pair of the tile passes them.
    auto softmaxOf = [&](const PendingScores &scores, ListedTile listed,
                         ArrayRef<Value> state,
                         SmallVectorImpl<Value> *factors) {
      SmallVector<Value> raw;
      if (scores.fromShared) {
        for (int64_t k = 0; k < scoreCount; ++k)
          raw.push_back(
              LLVM::ExtractValueOp::create(b, loc, scores.fromShared, k));
      } else {
        raw = pinRegisters(b, loc, scores.fromRegisters);
      }
      auto uniform = [&]() -> Value {
        return selection ? tileSelectedByAll(listed.tile) : listed.uniform;
      };
      SmallVector<Type> types(raw.size(), b.getF32Type());
      SmallVector<Value> x = onKeySource(
          listed.tile, types, bounds,
          [&](Value keyTile, const KeyTileBounds &sourceBounds) {
            // A union's listed lead: its tile's documents bit.
            if (Value leadBit = listedUniform) {
              auto leadUniform = [&]() { return leadBit; };
              return tileScores(raw, keyTile, sourceBounds, leadUniform);
            }
            return tileScores(raw, keyTile, sourceBounds,
                              st.tileList ? function_ref<Value()>(uniform)
                                          : function_ref<Value()>());
          },
          listed.second);
      return softmaxUpdate(x, state, factors);
    };

    // acc scaled by the per-row-slot factors of a softmax step (rows g and
    // g + 8 of the warp: accumulator entries 4t, 4t + 1 and 4t + 2, 4t + 3).
    auto rescale = [&](ArrayRef<Value> acc, ArrayRef<Value> factors) {
      SmallVector<Value> result;
      for (auto [index, value] : llvm::enumerate(acc))
        result.push_back(
            arith::MulFOp::create(b, loc, value, factors[(index % 4) / 2]));
      return result;
    };
    // The same, skipped by a warp none of whose rows moved its reference
    // point (softmaxUpdate's factors of exactly 1): after the first tiles
    // that is most tiles, and the multiplies were an eighth of the loop's
    // instructions with 64-key tiles (H200, Nsight Compute, NSA's branches).
    // The branch holds no product, so ptxas keeps the wgmma pipeline.
    auto rescaleIfMoved = [&](ArrayRef<Value> acc, ArrayRef<Value> factors) {
      Value moved;
      for (Value factor : factors) {
        Value rowMoved = arith::CmpFOp::create(
            b, loc, arith::CmpFPredicate::UNE, factor, w.f32(1.0));
        moved =
            moved ? arith::OrIOp::create(b, loc, moved, rowMoved) : rowMoved;
      }
      Value anyMoved = NVVM::VoteSyncOp::create(
          b, loc, b.getI1Type(), n.i32(-1), moved, NVVM::VoteSyncKind::any);
      auto branch =
          scf::IfOp::create(b, loc, ValueRange(acc).getTypes(), anyMoved, true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(branch.thenBlock());
      scf::YieldOp::create(b, loc, rescale(acc, factors));
      b.setInsertionPointToStart(branch.elseBlock());
      scf::YieldOp::create(b, loc, acc);
      return SmallVector<Value>(branch.getResults());
    };

    // Tile j (after the first), as FlashAttention-3's intra-warpgroup
    // pipeline: issue S_j = Q K_j^T; rescale acc by the previous softmax's
    // factors while it runs; issue acc += P_{j-1} V_{j-1}; the softmax of
    // S_j as soon as S_j is done, while P V still runs. The loop carries
    // P_{j-1} and its factors; the first tile's products are S only and the
    // last P V follows the loop. No product sits in a branch of its own
    // (ptxas would serialise every wgmma): a CTA without key tiles skips all
    // of them.
    // Separate branches: the loop's state starts afresh at the later
    // branch's first tile (the scores' softmax starts from no keys), and the
    // rows of the earlier one, once its last P V is in, are held normalised
    // and rounded (zeros while it has none) for the merge epilogue. A row's
    // accumulators still hold the earlier branch's sums until its first
    // later tile with a key: that step's factor (from a max of -inf) is 0
    // and clears them before its P V. A row masked in the first later tiles
    // keeps a factor of 1 until then (its reference point has not moved),
    // and a row with no later key at all has a sum of 0 and stores zeros.
    bool branches = buffers.separateBranches;
    Value boundary = branches ? keySources[1].start : Value();
    int64_t heldCount = branches ? slots * valueDim / 8 : 0;
    SmallVector<Value> noneHeld(heldCount, n.i32(0));
    auto startAfresh = [&](ArrayRef<Value> state, Value atBoundary) {
      SmallVector<Value> fresh(state);
      for (int64_t slot = 0; slot < slots; ++slot) {
        fresh[slot] =
            arith::SelectOp::create(b, loc, atBoundary, negInf, state[slot]);
        fresh[slots + slot] = arith::SelectOp::create(b, loc, atBoundary, zero,
                                                      state[slots + slot]);
      }
      return fresh;
    };
    // `held`, or the rows of `state` where `finished` (it ends the earlier
    // branch); with `andState`, then `state`, or `init` where finished (the
    // later branch has no keys).
    // (A branch, not selects: the rows are normalised only where they end.)
    auto holdIf = [&](Value finished, ValueRange state, ValueRange held,
                      bool andState) {
      SmallVector<Value> otherwise(held);
      if (andState)
        llvm::append_range(otherwise, state);
      auto hold = scf::IfOp::create(b, loc, ValueRange(otherwise).getTypes(),
                                    finished, true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(hold.thenBlock());
      SmallVector<Value> rows = heldRowWords(state);
      if (andState)
        llvm::append_range(rows, init);
      scf::YieldOp::create(b, loc, rows);
      b.setInsertionPointToStart(hold.elseBlock());
      scf::YieldOp::create(b, loc, otherwise);
      return SmallVector<Value>(hold.getResults());
    };
    auto work = scf::IfOp::create(b, loc, lt(c(0), numTiles), true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(work.thenBlock());
      if (shape.pingPong) {
        auto second = scf::IfOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, consumer,
                                  c(1)),
            /*withElseRegion=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(second.thenBlock());
        NVVM::BarrierArriveOp::create(b, loc, n.i32(1), threadsOfBoth);
      }
      ListedTile firstTile = readTileEarly ? st.visited(c(0)) : ListedTile{};
      // (Stage and phase 0, but for a persistent CTA's later items.)
      Value firstStage = st.stageOf(c(0));
      st.wait(st.keyFull(firstStage), st.phaseOf(c(0)));
      takeTurn();
      NVVM::WgmmaFenceAlignedOp::create(b, loc);
      PendingScores firstScores = scoreProduct(firstStage);
      NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
      passTurn(c(0));
      NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
      release(st.keyEmpty(firstStage));
      SmallVector<Value> factors;
      SmallVector<Value> started =
          softmaxOf(firstScores, readTileEarly ? firstTile : st.visited(c(0)),
                    init, &factors);
      started.append(factors);
      int64_t wordsEnd = static_cast<int64_t>(started.size()) - slots;
      int64_t factorsEnd = wordsEnd + slots;
      started.append(noneHeld);

      auto loop = scf::ForOp::create(
          b, loc, c(1), numTiles, c(1), started,
          [&](OpBuilder &, Location, Value i, ValueRange state) {
            Value stage = st.stageOf(i);
            Value previous = st.stageOf(add(i, c(stages - 1)));
            SmallVector<Value> carried(state.begin(),
                                       state.begin() + stateSize);
            SmallVector<Value> previousWords(state.begin() + stateSize,
                                             state.begin() + wordsEnd);
            SmallVector<Value> previousFactors(state.begin() + wordsEnd,
                                               state.begin() + factorsEnd);
            SmallVector<Value> held(state.begin() + factorsEnd, state.end());
            Value atBoundary =
                branches ? arith::CmpIOp::create(
                               b, loc, arith::CmpIPredicate::eq, i, boundary)
                         : Value();
            ListedTile early = readTileEarly ? st.visited(i) : ListedTile{};
            st.wait(st.keyFull(stage), st.phaseOf(i));
            st.wait(st.valueFull(previous),
                    st.phaseOf(arith::SubIOp::create(b, loc, i, c(1))));
            takeTurn();
            NVVM::WgmmaFenceAlignedOp::create(b, loc);
            PendingScores scores = scoreProduct(stage);
            NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
            SmallVector<Value> acc = rescaleIfMoved(
                ArrayRef<Value>(carried).drop_front(accBase), previousFactors);
            // The rescale wrote the accumulators' registers.
            NVVM::WgmmaFenceAlignedOp::create(b, loc);
            acc = valueProduct(previousWords, previous, acc);
            NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
            passTurn(i);
            // S is the older group: its softmax runs while P V does.
            NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
            release(st.keyEmpty(stage));
            SmallVector<Value> next;
            SmallVector<Value> updated = softmaxOf(
                scores, readTileEarly ? early : st.visited(i),
                branches ? startAfresh(carried, atBoundary) : carried, &next);
            NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
            release(st.valueEmpty(previous));
            acc = pinRegisters(b, loc, acc);
            std::copy(acc.begin(), acc.end(), updated.begin() + accBase);
            updated.append(next);
            if (branches) {
              // The earlier branch's state: its sums with every P V in.
              std::copy(acc.begin(), acc.end(), carried.begin() + accBase);
              llvm::append_range(updated,
                                 holdIf(atBoundary, carried, held, false));
            }
            scf::YieldOp::create(b, loc, updated);
          });

      // Every product that reads Q is done: the next item's may load.
      freeQuery();
      // The merge epilogue's reads, issued before the last tile's P V so that
      // their latency overlaps it and the normalisation (Nsight Compute:
      // 3.3% of NSA's merging kernel's stall samples waited on them).
      SmallVector<MergeRowInputs> mergeInputs;
      if (buffers.merge)
        mergeInputs = loadMergeRows();
      // The last tile's P V.
      ValueRange results = loop.getResults();
      SmallVector<Value> state(results.begin(), results.begin() + stateSize);
      Value i = arith::SubIOp::create(b, loc, numTiles, c(1));
      Value stage = st.stageOf(i);
      st.wait(st.valueFull(stage), st.phaseOf(i));
      SmallVector<Value> acc =
          rescale(ArrayRef<Value>(state).drop_front(accBase),
                  SmallVector<Value>(results.begin() + wordsEnd,
                                     results.begin() + factorsEnd));
      NVVM::WgmmaFenceAlignedOp::create(b, loc);
      SmallVector<Value> lastWords(results.begin() + stateSize,
                                   results.begin() + wordsEnd);
      acc = valueProduct(lastWords, stage, acc);
      NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
      NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
      // A persistent CTA's producer fills this stage again for a later
      // item (a CTA of one item ends here and never needs it back).
      if (shape.persistentCtas)
        release(st.valueEmpty(stage));
      std::copy(acc.begin(), acc.end(), state.begin() + accBase);
      SmallVector<Value> held(results.begin() + factorsEnd, results.end());
      if (branches) {
        // A later branch without tiles: the loop's state is the earlier one's.
        Value laterEmpty = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::eq, boundary, numTiles);
        SmallVector<Value> chosen = holdIf(laterEmpty, state, held, true);
        held.assign(chosen.begin(), chosen.begin() + heldCount);
        state.assign(chosen.begin() + heldCount, chosen.end());
      }
      storeRows(state, mergeInputs, held);
    }
    // No key tile: every row is empty (zeros, and an LSE of -inf).
    b.setInsertionPointToStart(work.elseBlock());
    freeQuery();
    storeRows(init);
    b.setInsertionPointAfter(work);
  };

  // The next item's Q overwrites the tile once the products are done, where
  // a compress epilogue's scratch would still be; and persistent CTAs take
  // only the plain kernel (ConvertAttnToGpu).
  assert((!shape.persistentCtas ||
          (!buffers.compressed && !buffers.merge &&
           buffers.unionSources.empty() && !buffers.separateBranches)) &&
         "persistent CTAs take the plain kernel only");
  if (!shape.persistentCtas) {
    consumeItem(ctaBounds);
    return;
  }
  forEachWorkItem(st, [&](const KeyTileBounds &itemBounds, Value) {
    consumeItem(itemBounds);
  });
}
