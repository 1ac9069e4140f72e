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
  int64_t warps = shape.warps;
  auto scratchType =
      MemRefType::get({2, warps}, i32, MemRefLayoutAttrInterface(), space);
  Value scratch = memref::ViewOp::create(b, loc, scratchType, smem,
                                         c(shape.sharedBytes() -
                                           GpuKernelShape::kScratchBytes +
                                           scratchSlot * 2 * warps * 4),
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

std::pair<Value, Value> FlashKernelBuilder::buildTileList(Value first,
                                                          Value end) {
  int64_t entries = shape.tileListEntries, blockKv = shape.blockKv;
  int64_t threads = shape.threads();
  Type i32 = b.getI32Type();
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto vectorType = [&](int64_t size) {
    return MemRefType::get({size}, i32, MemRefLayoutAttrInterface(), space);
  };
  Value flags = memref::ViewOp::create(b, loc, vectorType(entries), smem,
                                       c(shape.tileBytes()), ValueRange{});
  Value list =
      memref::ViewOp::create(b, loc, vectorType(entries + 1), smem,
                             c(shape.tileBytes() + 4 * entries), ValueRange{});
  Value lowest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::max(), 32);
  Value highest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::min(), 32);

  // Documents: the min and max kv segment id of every 32 keys, one id per
  // thread and a shuffle tree per warp (in the K stages, still unused).
  bool documents = llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>);
  int64_t chunks = entries * blockKv / 32;
  Value chunkMin, chunkMax;
  if (documents) {
    // After the list (the K stages are overwritten by the first tile).
    int64_t chunkBase = shape.tileBytes() + 4 * (2 * entries + 1);
    chunkMin = memref::ViewOp::create(b, loc, vectorType(chunks), smem,
                                      c(chunkBase), ValueRange{});
    chunkMax = memref::ViewOp::create(b, loc, vectorType(chunks), smem,
                                      c(chunkBase + 4 * chunks), ValueRange{});
    documentChunks = {chunkMin, chunkMax};
    // Only the keys of tiles [first, end); each thread keeps 4 loads in
    // flight per round.
    int64_t perRound = 4 * threads;
    Value lastKey =
        arith::MinUIOp::create(b, loc, mul(end, c(blockKv)), keyLength);
    Value firstRound = div(mul(first, c(blockKv)), c(perRound));
    Value rounds = div(add(lastKey, c(perRound - 1)), c(perRound));
    scf::ForOp::create(
        b, loc, firstRound, rounds, c(1), ValueRange{},
        [&](OpBuilder &, Location, Value round, ValueRange) {
          SmallVector<Value> keys, ids, valids;
          for (int64_t k = 0; k < 4; ++k) {
            Value key = add(mul(add(mul(round, c(4)), c(k)), c(threads)), tid);
            Value valid = lt(key, lastKey);
            keys.push_back(key);
            valids.push_back(valid);
            ids.push_back(memref::LoadOp::create(
                b, loc, buffers.kvSegments,
                ValueRange{batch,
                           arith::SelectOp::create(b, loc, valid, key, c(0))}));
          }
          for (int64_t k = 0; k < 4; ++k) {
            Value low =
                arith::SelectOp::create(b, loc, valids[k], ids[k], lowest);
            Value high =
                arith::SelectOp::create(b, loc, valids[k], ids[k], highest);
            std::tie(low, high) = w.warpMinMax(low, high);
            Value chunk = div(keys[k], c(32));
            auto leader = scf::IfOp::create(
                b, loc,
                arith::AndIOp::create(
                    b, loc,
                    arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          lane, c(0)),
                    lt(chunk, c(chunks))),
                false);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(leader.thenBlock());
            memref::StoreOp::create(b, loc, low, chunkMin, chunk);
            memref::StoreOp::create(b, loc, high, chunkMax, chunk);
          }
          scf::YieldOp::create(b, loc);
        });
    barrier();
  }

  // A tile per thread: in range and may have keys.
  for (int64_t firstTile = 0; firstTile < entries; firstTile += threads) {
    Value tile = add(tid, c(firstTile));
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, first, tile),
        lt(tile, end));
    auto check = scf::IfOp::create(b, loc, b.getI1Type(), inRange, true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(check.thenBlock());
      std::pair<Value, Value> keyRange;
      if (documents)
        keyRange = tileSegmentRange(tile);
      scf::YieldOp::create(b, loc, tileMayHaveKeys(tile, keyRange));
      b.setInsertionPointToStart(check.elseBlock());
      scf::YieldOp::create(
          b, loc,
          ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1).getResult()});
    }
    auto inTable = scf::IfOp::create(b, loc, lt(tile, c(entries)), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inTable.thenBlock());
    memref::StoreOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, i32, check.getResult(0)), flags,
        tile);
  }
  barrier();

  // Thread 0 compacts the flags; the length goes last.
  auto leader = ifZero(tid);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leader.thenBlock());
    auto compact = scf::ForOp::create(
        b, loc, first, end, c(1), ValueRange{c(0)},
        [&](OpBuilder &, Location, Value tile, ValueRange count) {
          Value flag = memref::LoadOp::create(b, loc, flags, tile);
          Value set = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ne, flag,
              arith::ConstantIntOp::create(b, loc, 0, 32));
          auto keep = scf::IfOp::create(b, loc, set, false);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(keep.thenBlock());
            memref::StoreOp::create(
                b, loc, arith::IndexCastOp::create(b, loc, i32, tile), list,
                count[0]);
          }
          scf::YieldOp::create(
              b, loc,
              ValueRange{arith::SelectOp::create(b, loc, set,
                                                 add(count[0], c(1)), count[0])
                             .getResult()});
        });
    memref::StoreOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, i32, compact.getResult(0)),
        list, c(entries));
  }
  barrier();
  Value count = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      memref::LoadOp::create(b, loc, list, c(entries)));
  return {list, count};
}

std::pair<Value, Value> FlashKernelBuilder::tileSegmentRange(Value keyTile) {
  auto [chunkMin, chunkMax] = documentChunks;
  int64_t chunks = cast<MemRefType>(chunkMin.getType()).getDimSize(0);
  Value low, high;
  int64_t perTile = shape.blockKv / 32;
  for (int64_t k = 0; k < perTile; ++k) {
    Value chunk = arith::MinUIOp::create(
        b, loc, add(mul(keyTile, c(perTile)), c(k)), c(chunks - 1));
    Value chunkLow = memref::LoadOp::create(b, loc, chunkMin, chunk);
    Value chunkHigh = memref::LoadOp::create(b, loc, chunkMax, chunk);
    low = low ? arith::MinSIOp::create(b, loc, low, chunkLow).getResult()
              : chunkLow;
    high = high ? arith::MaxSIOp::create(b, loc, high, chunkHigh).getResult()
                : chunkHigh;
  }
  return {low, high};
}
