//===- KernelTileSkipping.cpp - skipping key tiles of data-dependent masks ===//
//
// Tile tests for masks that read operands (documents, block layouts): a
// test per tile (a CTA-wide reduction for documents), or, with a static key
// length, a test of every candidate tile in parallel compacted into a
// shared-memory list that the flash loop runs over.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelBuilder.h"

#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Value FlashKernelBuilder::tileMayHaveKeys(Value keyTile,
                                          std::pair<Value, Value> keyRange) {
  Value firstKey = mul(keyTile, c(shape.blockKv));
  Value keys = arith::MinUIOp::create(
      b, loc, c(shape.blockKv),
      arith::SubIOp::create(b, loc, keyLength, firstKey));
  Value rows = arith::MinUIOp::create(
      b, loc, c(shape.blockQ()),
      arith::SubIOp::create(b, loc, queryLength, rowBase));
  AttentionPoint point = pointAt(Value(), Value());
  Value mayHave = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (Attribute predicate : op.getMask()) {
    auto mask = cast<MaskAttrInterface>(predicate);
    if (!mask.isDataDependent())
      continue;
    if (isa<DocumentAttr>(predicate)) {
      // The generic hook scans the tile's segment ids one by one in every
      // thread; here the CTA reduces them together (one id per thread).
      auto [keyLow, keyHigh] =
          keyRange.first ? keyRange
                         : cooperativeRange(buffers.kvSegments, firstKey,
                                            shape.blockKv, keyLength, 1);
      Value disjoint = arith::OrIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, keyHigh,
                                queryRange.first),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                queryRange.second, keyLow));
      mayHave = arith::AndIOp::create(
          b, loc, mayHave,
          arith::XOrIOp::create(b, loc, disjoint,
                                arith::ConstantIntOp::create(b, loc, 1, 1)));
      continue;
    }
    mayHave =
        arith::AndIOp::create(b, loc, mayHave,
                              mask.buildTileMayHaveKeys(b, loc, point, rowBase,
                                                        rows, firstKey, keys));
  }
  return mayHave;
}

std::pair<Value, Value>
FlashKernelBuilder::cooperativeRange(Value segments, Value firstIndex,
                                     int64_t count, Value length,
                                     int64_t scratchSlot) {
  Type i32 = b.getI32Type();
  Value lowest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::max(), 32);
  Value highest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::min(), 32);
  Value low = lowest, high = highest;
  for (int64_t firstThread = 0; firstThread < count;
       firstThread += shape.threads()) {
    Value offset = add(tid, c(firstThread));
    Value index = add(firstIndex, offset);
    Value valid =
        arith::AndIOp::create(b, loc, lt(offset, c(count)), lt(index, length));
    Value safe = arith::SelectOp::create(b, loc, valid, index, c(0));
    Value id =
        memref::LoadOp::create(b, loc, segments, ValueRange{batch, safe});
    low = arith::MinSIOp::create(
        b, loc, low, arith::SelectOp::create(b, loc, valid, id, lowest));
    high = arith::MaxSIOp::create(
        b, loc, high, arith::SelectOp::create(b, loc, valid, id, highest));
  }
  std::tie(low, high) = w.warpMinMax(low, high);
  // Each warp's lane 0 leaves its pair in the scratch slot; after a
  // barrier every thread reduces the warps' pairs.
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // Every warp of the CTA takes part (the warp-specialised kernel's
  // producer too: the lists are built before the roles split).
  int64_t warps = shape.threads() / 32;
  auto scratchType =
      MemRefType::get({2, warps}, i32, MemRefLayoutAttrInterface(), space);
  Value scratch = memref::ViewOp::create(
      b, loc, scratchType, smem,
      c(shape.listLayout().scratch + scratchSlot * 2 * warps * 4),
      ValueRange{});
  auto isLeader = ifZero(lane);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(isLeader.thenBlock());
    memref::StoreOp::create(b, loc, low, scratch, ValueRange{c(0), warp});
    memref::StoreOp::create(b, loc, high, scratch, ValueRange{c(1), warp});
  }
  barrier();
  low = lowest;
  high = highest;
  for (int64_t w = 0; w < warps; ++w) {
    low = arith::MinSIOp::create(
        b, loc, low,
        memref::LoadOp::create(b, loc, scratch, ValueRange{c(0), c(w)}));
    high = arith::MaxSIOp::create(
        b, loc, high,
        memref::LoadOp::create(b, loc, scratch, ValueRange{c(1), c(w)}));
  }
  return {low, high};
}

void FlashKernelBuilder::storeListLength(Value list, int64_t entries,
                                         Value length) {
  memref::StoreOp::create(
      b, loc, arith::IndexCastOp::create(b, loc, b.getI32Type(), length), list,
      c(entries));
}

Value FlashKernelBuilder::loadListLength(Value list, int64_t entries) {
  // The warp-specialised kernel built parts of the list in its tile area,
  // which TMA (the async proxy) overwrites after this barrier: order the
  // generic accesses before it.
  if (shape.warpgroups)
    NVVM::FenceProxyOp::create(
        b, loc,
        NVVM::ProxyKindAttr::get(b.getContext(), NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
  barrier();
  return arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      memref::LoadOp::create(b, loc, list, c(entries)));
}

std::pair<Value, Value> FlashKernelBuilder::selectionSlotBlock(Value slot) {
  int64_t selectedQ = selection.getBlockQ();
  int64_t perBlock = cast<MemRefType>(buffers.indices.getType()).getDimSize(3);
  Value queryBlock = div(slot, c(perBlock));
  Value absoluteBlock = add(div(rowBase, c(selectedQ)), queryBlock);
  Value real = lt(mul(absoluteBlock, c(selectedQ)), queryLength);
  Value safeBlock = arith::SelectOp::create(b, loc, real, absoluteBlock, c(0));
  Value block = memref::LoadOp::create(
      b, loc, buffers.indices,
      ValueRange{batch, kvHead, safeBlock, rem(slot, c(perBlock))});
  Value none = arith::ConstantIntOp::create(b, loc, -1, 32);
  return {arith::SelectOp::create(b, loc, real, block, none), queryBlock};
}

bool FlashKernelBuilder::selectionFlagsRead() {
  return selection.getBlockQ() < shape.blockQ();
}

bool FlashKernelBuilder::selectionListedByWarp() {
  return shape.selectionSlots <= 32 &&
         selection.getBlockKv() / shape.blockKv == 1;
}

void FlashKernelBuilder::prefetchSelectionSlot() {
  if (!selection || !selectionListedByWarp() || selectionFlagsRead())
    return;
  // (Every thread reads its lane's slot: warp 0's is the one used, and the
  // other warps' reads of the same few bytes cost no more than a branch.)
  Value inSlots = lt(lane, c(shape.selectionSlots));
  prefetchedSlotBlock =
      selectionSlotBlock(arith::SelectOp::create(b, loc, inSlots, lane, c(0)))
          .first;
}

std::pair<Value, Value> FlashKernelBuilder::buildSelectionList(Value first,
                                                               Value end) {
  int64_t entries = shape.tileListEntries, slots = shape.selectionSlots;
  int64_t threads = shape.threads();
  int64_t tilesPerBlock = selection.getBlockKv() / shape.blockKv;
  Type i32 = b.getI32Type();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto vectorType = [&](int64_t size) {
    return MemRefType::get({size}, i32, MemRefLayoutAttrInterface(), space);
  };
  GpuKernelShape::ListLayout layout = shape.listLayout();
  Value flags = memref::ViewOp::create(b, loc, vectorType(entries), smem,
                                       c(layout.flags), ValueRange{});
  Value list = memref::ViewOp::create(b, loc, vectorType(entries + 1), smem,
                                      c(layout.list), ValueRange{});
  Value selected = memref::ViewOp::create(b, loc, vectorType(slots), smem,
                                          c(layout.selected), ValueRange{});
  selectionFlags = flags;
  auto i32Constant = [&](int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32).getResult();
  };
  auto inRange = [&](Value tile) {
    return arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, first, tile),
        lt(tile, end));
  };
  // The tiles of selected block `block`, each with whether it is one of
  // [first, end) (none for a block of -1).
  auto tilesOf = [&](Value block) {
    Value isBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                          block, i32Constant(0));
    Value safe = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        arith::SelectOp::create(b, loc, isBlock, block, i32Constant(0)));
    SmallVector<std::pair<Value, Value>> tiles;
    for (int64_t k = 0; k < tilesPerBlock; ++k) {
      Value tile = add(mul(safe, c(tilesPerBlock)), c(k));
      tiles.push_back(
          {tile, arith::AndIOp::create(b, loc, isBlock, inRange(tile))});
    }
    return tiles;
  };

  // Warp 0 lists up to 32 slots of one tile each (below). With one query
  // block per CTA every listed tile is selected by all its rows, so the
  // per-tile flags are never read: warp 0 reads the slots itself and the
  // CTA skips clearing and setting the flags and their two barriers.
  bool warpList = selectionListedByWarp();
  bool flagsRead = selectionFlagsRead();
  // A list sized by the slots (a key length known only at run time, or a
  // static one too long for a flag a tile) has no per-tile flags: it holds
  // at most a tile per candidate, and the CTA lists them itself (below).
  assert((!shape.slotSizedList || !flagsRead) &&
         "a list sized by the slots serves CTAs of one query block");
  if (shape.slotSizedList && !warpList) {
    assert(entries == slots * tilesPerBlock && entries <= threads &&
           "KernelShapes' slotListEntries");
    return buildCandidateList(list, flags, tilesOf);
  }
  if (!warpList || flagsRead) {
    for (int64_t firstTile = 0; firstTile < entries; firstTile += threads) {
      Value tile = add(tid, c(firstTile));
      auto inTable = scf::IfOp::create(b, loc, lt(tile, c(entries)), false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(inTable.thenBlock());
      memref::StoreOp::create(b, loc, i32Constant(0), flags, tile);
    }
    barrier();

    // A slot per thread: its block goes to the shared list of the CTA's
    // selections, and its tiles get the bit of its query block.
    for (int64_t firstSlot = 0; firstSlot < slots; firstSlot += threads) {
      Value slot = add(tid, c(firstSlot));
      auto inSlots = scf::IfOp::create(b, loc, lt(slot, c(slots)), false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(inSlots.thenBlock());
      auto [block, queryBlock] = selectionSlotBlock(slot);
      memref::StoreOp::create(b, loc, block, selected, slot);
      Value bit = arith::ShLIOp::create(
          b, loc, i32Constant(1),
          arith::IndexCastOp::create(b, loc, i32, queryBlock));
      for (auto [tile, candidate] : tilesOf(block)) {
        auto visit = scf::IfOp::create(b, loc, candidate, false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(visit.thenBlock());
        memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::ori, bit,
                                    flags, tile);
      }
    }
    barrier();
  }

  // Up to 32 slots of one tile each: warp 0 lists them, a slot per lane.
  // A lane keeps its tile if no lower lane holds it (match.any), and ballot
  // ranks give the places: slot order, each tile once, in a few warp
  // instructions instead of thread 0's dependent loads per slot while the
  // CTA waits (the barrier stalls of NSA's selected branch).
  if (warpList) {
    auto firstWarp = ifZero(warp);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(firstWarp.thenBlock());
    Value inSlots = lt(lane, c(slots));
    Value safeSlot = arith::SelectOp::create(b, loc, inSlots, lane, c(0));
    Value block =
        flagsRead
            ? memref::LoadOp::create(b, loc, selected, safeSlot).getResult()
        : prefetchedSlotBlock ? prefetchedSlotBlock
                              : selectionSlotBlock(safeSlot).first;
    auto [tile, candidate] = tilesOf(block).front();
    candidate = arith::AndIOp::create(b, loc, candidate, inSlots);
    Value tileI32 = arith::IndexCastOp::create(b, loc, i32, tile);
    auto ballotOf = [&](Value predicate) -> Value {
      return NVVM::VoteSyncOp::create(
          b, loc, i32, i32Constant(-1), predicate,
          NVVM::VoteSyncKindAttr::get(b.getContext(),
                                      NVVM::VoteSyncKind::ballot));
    };
    Value candidates = ballotOf(candidate);
    Value same = arith::AndIOp::create(
        b, loc,
        NVVM::MatchSyncOp::create(b, loc, i32, i32Constant(-1), tileI32,
                                  NVVM::MatchSyncKind::any),
        candidates);
    Value laneI32 = arith::IndexCastOp::create(b, loc, i32, lane);
    Value lanesBelow = arith::SubIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, i32Constant(1), laneI32),
        i32Constant(1));
    Value fresh = arith::AndIOp::create(
        b, loc, candidate,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              arith::AndIOp::create(b, loc, same, lanesBelow),
                              i32Constant(0)));
    Value kept = ballotOf(fresh);
    auto popcount = [&](Value x) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                        LLVM::CtPopOp::create(b, loc, x));
    };
    {
      auto keep = scf::IfOp::create(b, loc, fresh, false);
      OpBuilder::InsertionGuard keepGuard(b);
      b.setInsertionPointToStart(keep.thenBlock());
      memref::StoreOp::create(
          b, loc, tileI32, list,
          popcount(arith::AndIOp::create(b, loc, kept, lanesBelow)));
    }
    auto firstLane = ifZero(lane);
    b.setInsertionPointToStart(firstLane.thenBlock());
    storeListLength(list, entries, popcount(kept));
    b.setInsertionPointAfter(firstWarp);
    return {list, loadListLength(list, entries)};
  }

  // Thread 0 lists each selected tile once (the top bit marks it listed),
  // in slot order: the online softmax does not depend on the order.
  auto leader = ifZero(tid);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leader.thenBlock());
    Value listed = i32Constant(int64_t(1) << kListedBit);
    auto compact = scf::ForOp::create(
        b, loc, c(0), c(slots), c(1), ValueRange{c(0)},
        [&](OpBuilder &, Location, Value slot, ValueRange count) {
          Value block = memref::LoadOp::create(b, loc, selected, slot);
          Value total = count[0];
          for (auto [tile, candidate] : tilesOf(block)) {
            Value safeTile =
                arith::SelectOp::create(b, loc, candidate, tile, c(0));
            Value flag = memref::LoadOp::create(b, loc, flags, safeTile);
            Value fresh = arith::AndIOp::create(
                b, loc, candidate,
                arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::eq,
                    arith::AndIOp::create(b, loc, flag, listed),
                    i32Constant(0)));
            auto keep = scf::IfOp::create(b, loc, fresh, false);
            {
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPointToStart(keep.thenBlock());
              memref::StoreOp::create(
                  b, loc, arith::OrIOp::create(b, loc, flag, listed), flags,
                  tile);
              memref::StoreOp::create(
                  b, loc, arith::IndexCastOp::create(b, loc, i32, tile), list,
                  total);
            }
            total =
                arith::SelectOp::create(b, loc, fresh, add(total, c(1)), total);
          }
          scf::YieldOp::create(b, loc, ValueRange{total});
        });
    storeListLength(list, entries, compact.getResult(0));
  }
  return {list, loadListLength(list, entries)};
}

std::pair<Value, Value> FlashKernelBuilder::rankAcrossCta(Value kept,
                                                          Value counts) {
  Type i32 = b.getI32Type();
  Value all = arith::ConstantIntOp::create(b, loc, -1, 32);
  Value ballot = NVVM::VoteSyncOp::create(
      b, loc, i32, all, kept,
      NVVM::VoteSyncKindAttr::get(b.getContext(), NVVM::VoteSyncKind::ballot));
  auto popcount = [&](Value x) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                      LLVM::CtPopOp::create(b, loc, x));
  };
  Value one = arith::ConstantIntOp::create(b, loc, 1, 32);
  Value lanesBelow = arith::SubIOp::create(
      b, loc,
      arith::ShLIOp::create(b, loc, one,
                            arith::IndexCastOp::create(b, loc, i32, lane)),
      one);
  {
    auto firstLane = ifZero(lane);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(firstLane.thenBlock());
    memref::StoreOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, i32, popcount(ballot)),
        counts, warp);
  }
  barrier();
  Value before = c(0), total = c(0);
  for (int64_t other = 0; other < shape.threads() / 32; ++other) {
    Value count = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        memref::LoadOp::create(b, loc, counts, c(other)));
    total = add(total, count);
    before = add(before, arith::SelectOp::create(b, loc, lt(c(other), warp),
                                                 count, c(0))
                             .getResult());
  }
  return {add(before, popcount(arith::AndIOp::create(b, loc, ballot,
                                                     lanesBelow))),
          total};
}

std::pair<Value, Value> FlashKernelBuilder::buildCandidateList(
    Value list, Value candidates,
    function_ref<SmallVector<std::pair<Value, Value>>(Value)> tilesOf) {
  int64_t entries = shape.tileListEntries;
  int64_t tilesPerBlock = selection.getBlockKv() / shape.blockKv;
  Type i32 = b.getI32Type();
  auto i32Constant = [&](int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32).getResult();
  };
  // A candidate a thread: tile k of slot s is candidate s * tilesPerBlock
  // + k, its tile or -1 (no block, or outside [first, end)).
  Value isCandidate = lt(tid, c(entries));
  Value candidate = arith::SelectOp::create(b, loc, isCandidate, tid, c(0));
  {
    auto inCandidates = scf::IfOp::create(b, loc, isCandidate, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inCandidates.thenBlock());
    Value block = selectionSlotBlock(div(candidate, c(tilesPerBlock))).first;
    Value tile = i32Constant(-1);
    for (auto [k, pair] : llvm::enumerate(tilesOf(block))) {
      auto [blockTile, inRange] = pair;
      Value mine =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                rem(candidate, c(tilesPerBlock)), c(k));
      tile = arith::SelectOp::create(
          b, loc, arith::AndIOp::create(b, loc, mine, inRange),
          arith::IndexCastOp::create(b, loc, i32, blockTile), tile);
    }
    memref::StoreOp::create(b, loc, tile, candidates, candidate);
  }
  barrier();
  // A candidate is listed if no earlier one holds its tile: candidate
  // order (slot order), each tile once. The entries are few (at most a
  // thread each), so each thread compares its tile with all of them.
  Value tile = memref::LoadOp::create(b, loc, candidates, candidate);
  auto compare = scf::ForOp::create(
      b, loc, c(0), c(entries), c(1),
      ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1).getResult()},
      [&](OpBuilder &, Location, Value other, ValueRange seen) {
        Value same = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::eq,
            memref::LoadOp::create(b, loc, candidates, other), tile);
        Value earlier =
            arith::AndIOp::create(b, loc, same, lt(other, candidate));
        scf::YieldOp::create(
            b, loc, ValueRange{arith::OrIOp::create(b, loc, seen[0], earlier)});
      });
  Value fresh = arith::AndIOp::create(
      b, loc,
      arith::AndIOp::create(b, loc, isCandidate,
                            arith::CmpIOp::create(b, loc,
                                                  arith::CmpIPredicate::sge,
                                                  tile, i32Constant(0))),
      arith::XOrIOp::create(b, loc, compare.getResult(0),
                            arith::ConstantIntOp::create(b, loc, 1, 1)));
  // Places: candidate order, through the warps' counts in the scratch.
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  Value counts = memref::ViewOp::create(
      b, loc,
      MemRefType::get({shape.threads() / 32}, i32, MemRefLayoutAttrInterface(),
                      space),
      smem, c(shape.listLayout().scratch), ValueRange{});
  auto [place, total] = rankAcrossCta(fresh, counts);
  {
    auto keep = scf::IfOp::create(b, loc, fresh, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(keep.thenBlock());
    memref::StoreOp::create(b, loc, tile, list, place);
  }
  {
    auto leader = ifZero(tid);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leader.thenBlock());
    storeListLength(list, entries, total);
  }
  return {list, loadListLength(list, entries)};
}

Value FlashKernelBuilder::rowSelected(Value flag, Value tileRow) {
  // One query block per CTA: every listed tile is selected by all rows.
  if (selection.getBlockQ() >= shape.blockQ())
    return arith::ConstantIntOp::create(b, loc, 1, 1);
  Value queryBlock = arith::IndexCastOp::create(
      b, loc, b.getI32Type(),
      div(arith::SubIOp::create(b, loc, tileRow, rowBase),
          c(selection.getBlockQ())));
  Value bit = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, flag, queryBlock),
      arith::ConstantIntOp::create(b, loc, 1, 32));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit,
                               arith::ConstantIntOp::create(b, loc, 0, 32));
}

Value FlashKernelBuilder::tileSelectedByAll(Value keyTile) {
  if (selection.getBlockQ() >= shape.blockQ())
    return arith::ConstantIntOp::create(b, loc, 1, 1);
  // The query blocks of the CTA with real rows: ceil((Lq - rowBase) / bq),
  // at most blockQ / bq.
  int64_t selectedQ = selection.getBlockQ();
  Value realBlocks = arith::MinUIOp::create(
      b, loc, c(shape.blockQ() / selectedQ),
      div(add(arith::SubIOp::create(b, loc, queryLength, rowBase),
              c(selectedQ - 1)),
          c(selectedQ)));
  Type i32 = b.getI32Type();
  Value one = arith::ConstantIntOp::create(b, loc, 1, 32);
  Value wanted = arith::SubIOp::create(
      b, loc,
      arith::ShLIOp::create(
          b, loc, one, arith::IndexCastOp::create(b, loc, i32, realBlocks)),
      one);
  Value flag = memref::LoadOp::create(b, loc, selectionFlags, keyTile);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                               arith::AndIOp::create(b, loc, flag, wanted),
                               wanted);
}

std::pair<Value, Value> FlashKernelBuilder::buildTileList(Value first,
                                                          Value end) {
  if (shape.selectionSlots)
    return buildSelectionList(first, end);
  int64_t entries = shape.tileListEntries, blockKv = shape.blockKv;
  int64_t threads = shape.threads();
  Type i32 = b.getI32Type();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto vectorType = [&](int64_t size) {
    return MemRefType::get({size}, i32, MemRefLayoutAttrInterface(), space);
  };
  GpuKernelShape::ListLayout layout = shape.listLayout();
  Value flags = memref::ViewOp::create(b, loc, vectorType(entries), smem,
                                       c(layout.flags), ValueRange{});
  Value list = memref::ViewOp::create(b, loc, vectorType(entries + 1), smem,
                                      c(layout.list), ValueRange{});
  Value lowest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::max(), 32);
  Value highest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::min(), 32);

  // Documents: the min and max kv segment id of every 32 keys, one id per
  // thread and a shuffle tree per warp.
  bool documents = llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>);
  assert(documents == shape.documentMask &&
         "the shape reserves the chunks' room for a document mask only");
  int64_t chunks = shape.documentChunkCount();
  Value chunkMin, chunkMax;
  // (With the launch's key-tile ranges, each tile's test reads its two.)
  if (documents && !buffers.keyTileRanges) {
    int64_t chunkBase = layout.chunks;
    chunkMin = memref::ViewOp::create(b, loc, vectorType(chunks), smem,
                                      c(chunkBase), ValueRange{});
    chunkMax = memref::ViewOp::create(b, loc, vectorType(chunks), smem,
                                      c(chunkBase + 4 * chunks), ValueRange{});
    documentChunks = {chunkMin, chunkMax};
    // Only the keys of tiles [first, end); each thread keeps 4 loads in
    // flight per round. A load takes `width` ids: 4 (16 bytes, 8 lanes a
    // chunk, 3 shuffle steps) where the rows allow, else 1 (a chunk a warp,
    // 5 steps; at 16k keys 4x the rounds, each a dependent L2 latency and
    // shuffle tree). Vectors need rows of a multiple of 4 ids (the key
    // length is the row's, so the vector of a key below it stays inside the
    // row) starting on 16 bytes; the base's alignment is known only at run
    // time, so both scans are built and the kernel picks one.
    Value lastKey =
        arith::MinUIOp::create(b, loc, mul(end, c(blockKv)), keyLength);
    auto scan = [&](int64_t width, Value segments) {
      int64_t perRound = 4 * threads * width;
      Value firstRound = div(mul(first, c(blockKv)), c(perRound));
      Value rounds = div(add(lastKey, c(perRound - 1)), c(perRound));
      scf::ForOp::create(
          b, loc, firstRound, rounds, c(1), ValueRange{},
          [&](OpBuilder &, Location, Value round, ValueRange) {
            SmallVector<Value> keys, ids, valids;
            for (int64_t k = 0; k < 4; ++k) {
              Value key =
                  mul(add(mul(add(mul(round, c(4)), c(k)), c(threads)), tid),
                      c(width));
              Value valid = lt(key, lastKey);
              SmallVector<Value, 2> at{
                  batch, arith::SelectOp::create(b, loc, valid, key, c(0))};
              keys.push_back(key);
              valids.push_back(valid);
              ids.push_back(
                  width == 1
                      ? memref::LoadOp::create(b, loc, segments, at).getResult()
                      : vector::LoadOp::create(
                            b, loc, VectorType::get({width}, i32), segments, at,
                            /*nontemporal=*/false, llvm::Align(4 * width))
                            .getResult());
            }
            for (int64_t k = 0; k < 4; ++k) {
              Value low = ids[k], high = ids[k];
              if (width > 1) {
                low = vector::ReductionOp::create(
                    b, loc, vector::CombiningKind::MINSI, ids[k]);
                high = vector::ReductionOp::create(
                    b, loc, vector::CombiningKind::MAXSI, ids[k]);
              }
              low = arith::SelectOp::create(b, loc, valids[k], low, lowest);
              high = arith::SelectOp::create(b, loc, valids[k], high, highest);
              std::tie(low, high) = w.warpMinMax(low, high, 32 / width);
              Value chunk = div(keys[k], c(32));
              Value chunkLeader = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::eq,
                  arith::RemUIOp::create(b, loc, lane, c(32 / width)), c(0));
              auto leader =
                  scf::IfOp::create(b, loc,
                                    arith::AndIOp::create(b, loc, chunkLeader,
                                                          lt(chunk, c(chunks))),
                                    false);
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPointToStart(leader.thenBlock());
              memref::StoreOp::create(b, loc, low, chunkMin, chunk);
              memref::StoreOp::create(b, loc, high, chunkMax, chunk);
            }
            scf::YieldOp::create(b, loc);
          });
    };
    // Rows of a multiple of 4 contiguous ids start on 16 bytes when the
    // first does (the buffers' layouts are strided, known at run time).
    auto metadata =
        memref::ExtractStridedMetadataOp::create(b, loc, buffers.kvSegments);
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(
        b, loc, buffers.kvSegments);
    Value firstId = add(base, mul(metadata.getOffset(), c(4)));
    auto multipleOf = [&](Value x, int64_t n) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                   arith::RemUIOp::create(b, loc, x, c(n)),
                                   c(0));
    };
    Value vectorRows = multipleOf(firstId, 16);
    for (Value condition :
         {multipleOf(metadata.getStrides()[0], 4),
          multipleOf(metadata.getSizes()[1], 4),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                metadata.getStrides()[1], c(1))
              .getResult()})
      vectorRows = arith::AndIOp::create(b, loc, vectorRows, condition);
    auto pick = scf::IfOp::create(b, loc, vectorRows, /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(pick.thenBlock());
      // The same view with the unit stride vector.load needs in its type.
      auto segmentsType = cast<MemRefType>(buffers.kvSegments.getType());
      auto rowsType = MemRefType::get(
          segmentsType.getShape(), i32,
          StridedLayoutAttr::get(b.getContext(), kDyn, {kDyn, 1}));
      Value rows = memref::ReinterpretCastOp::create(
          b, loc, rowsType, buffers.kvSegments,
          OpFoldResult(metadata.getOffset()),
          metadata.getConstifiedMixedSizes(),
          {OpFoldResult(metadata.getStrides()[0]),
           OpFoldResult(b.getIndexAttr(1))});
      scan(4, rows);
      b.setInsertionPointToStart(pick.elseBlock());
      scan(1, buffers.kvSegments);
    }
    barrier();
  }

  auto eq = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  };

  // A tile per thread: in range and may have keys (bit 0), and uniform
  // (bit 1).
  for (int64_t firstTile = 0; firstTile < entries; firstTile += threads) {
    Value tile = add(tid, c(firstTile));
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, first, tile),
        lt(tile, end));
    auto check = scf::IfOp::create(b, loc, i32, inRange, true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(check.thenBlock());
      std::pair<Value, Value> keyRange;
      if (documents)
        keyRange = tileSegmentRange(tile);
      Value flag =
          arith::ExtUIOp::create(b, loc, i32, tileMayHaveKeys(tile, keyRange));
      if (listMarksUniformTiles()) {
        // (Nested layouts: a listed tile is uniform for them.)
        Value uniform = arith::ConstantIntOp::create(b, loc, 1, 1);
        if (documents) {
          auto [low, high] = keyRange;
          uniform = arith::AndIOp::create(
              b, loc, eq(low, high),
              arith::AndIOp::create(b, loc,
                                    eq(queryRange.first, queryRange.second),
                                    eq(low, queryRange.first)));
        }
        flag = arith::OrIOp::create(
            b, loc, flag,
            arith::ShLIOp::create(b, loc,
                                  arith::ExtUIOp::create(b, loc, i32, uniform),
                                  arith::ConstantIntOp::create(b, loc, 1, 32)));
      }
      scf::YieldOp::create(b, loc, flag);
      b.setInsertionPointToStart(check.elseBlock());
      scf::YieldOp::create(
          b, loc,
          ValueRange{arith::ConstantIntOp::create(b, loc, 0, 32).getResult()});
    }
    auto inTable = scf::IfOp::create(b, loc, lt(tile, c(entries)), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inTable.thenBlock());
    memref::StoreOp::create(b, loc, check.getResult(0), flags, tile);
  }
  barrier();

  // The CTA compacts the flags into the list, each entry a tile with its
  // uniform bit, a round of `threads` tiles at a time: a ballot per warp
  // ranks a thread's tile among its warp's, the warps' counts (in the
  // reductions' scratch, free by now) place the warps, and the running
  // total the round. (One thread walking the flags took a dependent shared
  // load per tile while the others waited: 6% of the 16k document case's
  // stall samples.) The length goes last.
  int64_t warpCount = threads / 32;
  Value counts = memref::ViewOp::create(b, loc, vectorType(warpCount), smem,
                                        c(layout.scratch), ValueRange{});
  auto i32Constant = [&](int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32).getResult();
  };
  Value total = c(0);
  int64_t rounds = llvm::divideCeil(entries, threads);
  for (int64_t round = 0; round < rounds; ++round) {
    Value tile = add(first, add(tid, c(round * threads)));
    Value inRange = lt(tile, end);
    Value flag = memref::LoadOp::create(
        b, loc, flags,
        arith::SelectOp::create(b, loc, inRange, tile, c(0)).getResult());
    Value set = arith::AndIOp::create(
        b, loc, inRange,
        arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ne,
            arith::AndIOp::create(b, loc, flag, i32Constant(1)),
            i32Constant(0)));
    auto [place, roundTotal] = rankAcrossCta(set, counts);
    {
      auto keep = scf::IfOp::create(b, loc, set, false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(keep.thenBlock());
      Value uniformBit = arith::ShLIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, flag, i32Constant(1)),
          i32Constant(kUniformBit));
      memref::StoreOp::create(
          b, loc,
          arith::OrIOp::create(b, loc,
                               arith::IndexCastOp::create(b, loc, i32, tile),
                               uniformBit),
          list, add(total, place));
    }
    total = add(total, roundTotal);
    // The counts are rewritten by the next round.
    barrier();
  }
  {
    auto leader = ifZero(tid);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leader.thenBlock());
    storeListLength(list, entries, total);
  }
  return {list, loadListLength(list, entries)};
}

bool FlashKernelBuilder::listMarksUniformTiles() {
  // Documents can tell that every pair of a tile passes them (one segment
  // on both sides); block layouts whose blocks nest the tiles (the CTA's
  // rows one head's) pass every pair of each tile they list. Only when
  // they are the data-dependent predicates.
  bool documents = false, layouts = false, others = false;
  for (Attribute predicate : op.getMask()) {
    if (!cast<MaskAttrInterface>(predicate).isDataDependent())
      continue;
    if (isa<DocumentAttr>(predicate))
      documents = true;
    else if (layoutNestsTiles(predicate))
      layouts = true;
    else
      others = true;
  }
  return !others && (documents || layouts);
}

bool FlashKernelBuilder::layoutNestsTiles(Attribute predicate) {
  auto layout = dyn_cast<BlockLayoutAttr>(predicate);
  return layout && !shape.splitKeys && shape.packedGroup == 1 &&
         layout.getBlockQ() % shape.blockQ() == 0 &&
         layout.getBlockKv() % shape.blockKv == 0;
}

FlashKernelBuilder::ListedTile
FlashKernelBuilder::listedTile(Value list, Value length, Value index) {
  // Past the end (a look-ahead), the last entry: loaded, never visited.
  Value safe = arith::MinUIOp::create(
      b, loc, index,
      arith::SubIOp::create(
          b, loc, arith::MaxUIOp::create(b, loc, length, c(1)), c(1)));
  Value entry = memref::LoadOp::create(b, loc, list, safe);
  Value tileMask =
      arith::ConstantIntOp::create(b, loc, (int64_t(1) << kUniformBit) - 1, 32);
  Value tile = arith::IndexCastOp::create(
      b, loc, b.getIndexType(), arith::AndIOp::create(b, loc, entry, tileMask));
  if (!listMarksUniformTiles())
    return {tile, arith::ConstantIntOp::create(b, loc, 0, 1)};
  Value uniform = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(
          b, loc, entry,
          arith::ConstantIntOp::create(b, loc, int64_t(1) << kUniformBit, 32)),
      arith::ConstantIntOp::create(b, loc, 0, 32));
  return {tile, uniform};
}

std::pair<Value, Value> FlashKernelBuilder::tileSegmentRange(Value keyTile) {
  if (Value ranges = buffers.keyTileRanges)
    return {memref::LoadOp::create(b, loc, ranges,
                                   ValueRange{batch, keyTile, c(0)}),
            memref::LoadOp::create(b, loc, ranges,
                                   ValueRange{batch, keyTile, c(1)})};
  auto [chunkMin, chunkMax] = documentChunks;
  int64_t chunks = cast<MemRefType>(chunkMin.getType()).getDimSize(0);
  Value low, high;
  // A tile of fewer than 32 keys (16, where shared memory shrank the tiles)
  // takes its chunk's range: a superset of its own, which skips and marks
  // uniform only tiles that its own would.
  int64_t perTile = std::max<int64_t>(shape.blockKv / 32, 1);
  Value firstChunk = shape.blockKv >= 32
                         ? mul(keyTile, c(perTile))
                         : div(mul(keyTile, c(shape.blockKv)), c(32));
  for (int64_t k = 0; k < perTile; ++k) {
    Value chunk =
        arith::MinUIOp::create(b, loc, add(firstChunk, c(k)), c(chunks - 1));
    Value chunkLow = memref::LoadOp::create(b, loc, chunkMin, chunk);
    Value chunkHigh = memref::LoadOp::create(b, loc, chunkMax, chunk);
    low = low ? arith::MinSIOp::create(b, loc, low, chunkLow).getResult()
              : chunkLow;
    high = high ? arith::MaxSIOp::create(b, loc, high, chunkHigh).getResult()
                : chunkHigh;
  }
  return {low, high};
}
