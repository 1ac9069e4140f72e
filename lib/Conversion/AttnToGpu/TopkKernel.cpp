//===- TopkKernel.cpp - attn.topk, a warp per row -------------------------===//
//
// A warp copies its row of scores to shared memory (-inf and NaN as -inf:
// never selected), each lane keeping the best of its entries (j = lane +
// 32 i). Then k rounds each take the row's largest entry by a warp
// reduction of the lanes' bests, (value, index) pairs with ties to the
// lower index, and mark it taken; only the lane that held it needs a new
// best, which the warp finds together (lane i reads that lane's entry i,
// and a second reduction). A round that finds only -inf ends the picks
// (slots left over are -1). Each pick is then stored at its rank among the
// picks: ascending indices, as attn.topk defines.
//
//===----------------------------------------------------------------------===//

#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;

int64_t mlir::attn::topkRows(TopkOp op) {
  auto scores = cast<ShapedType>(op.getScores().getType());
  return scores.getNumElements() /
         std::max<int64_t>(scores.getShape().back(), 1);
}

int64_t mlir::attn::topkSharedBytes(TopkOp op) {
  int64_t width = cast<ShapedType>(op.getScores().getType()).getShape().back();
  return kTopkWarps * 4 * (width + op.getK());
}

gpu::GPUFuncOp mlir::attn::buildTopkKernel(OpBuilder &builder,
                                           gpu::GPUModuleOp module, TopkOp op,
                                           StringRef name) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = op.getLoc();
  auto scoresType = cast<RankedTensorType>(op.getScores().getType());
  auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
  int64_t width = scoresType.getShape().back(), k = op.getK();
  int64_t rows = topkRows(op);
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name,
                           {kernelBufferType(scoresType, false),
                            kernelBufferType(indicesType, false)},
                           32 * kTopkWarps, /*blockQ=*/0, topkSharedBytes(op));
  Block &body = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value scores = body.getArgument(0), indices = body.getArgument(1);
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto i32 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 32).getResult();
  };
  auto lt = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y)
        .getResult();
  };
  Type f32 = b.getF32Type();
  Value negInf = arith::ConstantFloatOp::create(
      b, loc, b.getF32Type(), APFloat(-std::numeric_limits<float>::infinity()));
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, c(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, c(32));
  Value row = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc,
                            gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                            c(kTopkWarps)),
      warp);
  // Shared memory: each warp's row copy (f32), then each warp's picks.
  Value smem = gpu_lowering::dynamicSharedMemory(b, loc);
  auto view = [&](int64_t offset, int64_t columns, Type element) {
    return gpu_lowering::sharedView(b, loc, smem, c(offset), kTopkWarps,
                                    columns, element);
  };
  Value copy = view(0, width, f32);
  Value picks = view(4 * kTopkWarps * width, k, b.getI32Type());

  auto inside = scf::IfOp::create(b, loc, lt(row, c(rows)), false);
  b.setInsertionPointToStart(inside.thenBlock());
  // The row's position in the scores (all but the last dimension).
  SmallVector<Value> at(scoresType.getRank() - 1);
  Value rest = row;
  for (int64_t dim = scoresType.getRank() - 2; dim >= 0; --dim) {
    at[dim] =
        arith::RemUIOp::create(b, loc, rest, c(scoresType.getDimSize(dim)));
    rest = arith::DivUIOp::create(b, loc, rest, c(scoresType.getDimSize(dim)));
  }
  auto withColumn = [&](Value column) {
    SmallVector<Value> indicesAt(at);
    indicesAt.push_back(column);
    return indicesAt;
  };
  Value width32 = i32(32);
  Value noIndex = i32(width);
  // (value, index) of the larger, ties to the lower index.
  auto better = [&](Value x, Value i, Value y, Value j) {
    return arith::OrIOp::create(
        b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, y, x),
        arith::AndIOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, y, x),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j, i)));
  };
  // The warp's best of the lanes' (value, index), in every lane, by two
  // warp reductions (redux.sync) instead of shuffle trees: the largest key,
  // a signed integer in the values' order (negative floats' magnitude bits
  // flipped; -0 as +0, equal floats), then the lowest index among the
  // lanes that hold it.
  auto warpBest = [&](Value value, Value index) {
    Type i32Type = b.getI32Type();
    Value all = i32(-1), magnitude = i32(0x7FFFFFFF);
    auto slt = [&](Value x, Value y) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
    };
    auto flipNegative = [&](Value x) {
      return arith::SelectOp::create(
          b, loc, slt(x, i32(0)), arith::XOrIOp::create(b, loc, x, magnitude),
          x);
    };
    Value bits = arith::BitcastOp::create(b, loc, i32Type, value);
    bits = arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bits,
                              i32(std::numeric_limits<int32_t>::min())),
        i32(0), bits);
    Value key = flipNegative(bits);
    Value best =
        NVVM::ReduxOp::create(b, loc, i32Type, key, NVVM::ReduxKind::MAX, all);
    Value holds =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, key, best);
    Value bestIndex = NVVM::ReduxOp::create(
        b, loc, i32Type,
        arith::SelectOp::create(b, loc, holds, index,
                                i32(std::numeric_limits<int32_t>::max())),
        NVVM::ReduxKind::MIN, all);
    // The key back to its float (flipping is its own inverse).
    Value bestValue =
        arith::BitcastOp::create(b, loc, b.getF32Type(), flipNegative(best));
    return std::make_pair(bestValue, bestIndex);
  };
  auto toI32 = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), v).getResult();
  };

  // The copy, 8 loads in flight per lane; scanning up, a strictly larger
  // value wins, so each lane's best has the lowest index of its value.
  constexpr int64_t kInFlight = 8;
  auto copyLoop = scf::ForOp::create(
      b, loc, lane, c(width), c(32 * kInFlight), ValueRange{negInf, noIndex},
      [&](OpBuilder &, Location, Value first, ValueRange best) {
        SmallVector<Value> columns, valid, loaded;
        for (int64_t u = 0; u < kInFlight; ++u) {
          Value j = arith::AddIOp::create(b, loc, first, c(32 * u));
          columns.push_back(j);
          valid.push_back(lt(j, c(width)));
          loaded.push_back(
              memref::LoadOp::create(b, loc, scores,
                                     withColumn(arith::SelectOp::create(
                                         b, loc, valid.back(), j, c(0)))));
        }
        Value bestValue = best[0], bestIndex = best[1];
        for (int64_t u = 0; u < kInFlight; ++u) {
          Value x = loaded[u];
          if (x.getType().getIntOrFloatBitWidth() < 32)
            x = arith::ExtFOp::create(b, loc, f32, x);
          else if (!x.getType().isF32())
            x = arith::TruncFOp::create(b, loc, f32, x);
          // Neither -inf nor NaN: a candidate (past the row: -inf, not
          // stored).
          Value candidate = arith::AndIOp::create(
              b, loc, valid[u],
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                    negInf));
          x = arith::SelectOp::create(b, loc, candidate, x, negInf);
          auto store = scf::IfOp::create(b, loc, valid[u], false);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(store.thenBlock());
            memref::StoreOp::create(b, loc, x, copy,
                                    ValueRange{warp, columns[u]});
          }
          Value wins = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             x, bestValue);
          bestValue = arith::SelectOp::create(b, loc, wins, x, bestValue);
          bestIndex = arith::SelectOp::create(b, loc, wins, toI32(columns[u]),
                                              bestIndex);
        }
        scf::YieldOp::create(b, loc, ValueRange{bestValue, bestIndex});
      });
  NVVM::SyncWarpOp::create(b, loc, i32(-1));

  // k rounds; `found` counts the picks.
  int64_t perLane = llvm::divideCeil(width, 32);
  Value lane32 = toI32(lane);
  auto rounds = scf::ForOp::create(
      b, loc, c(0), c(k), c(1),
      ValueRange{c(0), copyLoop.getResult(0), copyLoop.getResult(1)},
      [&](OpBuilder &, Location, Value slot, ValueRange carried) {
        Value found = carried[0], mine = carried[1], mineIndex = carried[2];
        auto [value, index] = warpBest(mine, mineIndex);
        Value picked = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             value, negInf);
        auto record = scf::IfOp::create(
            b, loc,
            arith::AndIOp::create(
                b, loc, picked,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      c(0))),
            false);
        {
          OpBuilder::InsertionGuard insertion(b);
          b.setInsertionPointToStart(record.thenBlock());
          memref::StoreOp::create(b, loc, index, picks,
                                  ValueRange{warp, found});
          memref::StoreOp::create(
              b, loc, negInf, copy,
              ValueRange{warp, arith::IndexCastOp::create(
                                   b, loc, b.getIndexType(), index)});
        }
        NVVM::SyncWarpOp::create(b, loc, i32(-1));
        // The owner's new best: lane i reads the owner's entries i, i + 32,
        // ... (without a pick the owner is lane 0 and nothing changed, but
        // rescanning it is harmless).
        Value owner = arith::RemUIOp::create(
            b, loc, arith::SelectOp::create(b, loc, picked, index, i32(0)),
            width32);
        Value ownerIndex =
            arith::IndexCastOp::create(b, loc, b.getIndexType(), owner);
        auto rescan = scf::ForOp::create(
            b, loc, lane, c(perLane), c(32), ValueRange{negInf, noIndex},
            [&](OpBuilder &, Location, Value i, ValueRange best) {
              Value j = arith::AddIOp::create(
                  b, loc, ownerIndex, arith::MulIOp::create(b, loc, i, c(32)));
              Value inRow = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::ult, j, c(width));
              Value x = memref::LoadOp::create(
                  b, loc, copy,
                  ValueRange{warp,
                             arith::SelectOp::create(b, loc, inRow, j, c(0))});
              x = arith::SelectOp::create(b, loc, inRow, x, negInf);
              Value wins = better(best[0], best[1], x, toI32(j));
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{arith::SelectOp::create(b, loc, wins, x, best[0]),
                             arith::SelectOp::create(b, loc, wins, toI32(j),
                                                     best[1])});
            });
        auto [ownerBest, ownerBestIndex] =
            warpBest(rescan.getResult(0), rescan.getResult(1));
        Value isOwner = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              lane32, owner);
        scf::YieldOp::create(
            b, loc,
            ValueRange{
                arith::SelectOp::create(
                    b, loc, picked, arith::AddIOp::create(b, loc, found, c(1)),
                    found),
                arith::SelectOp::create(b, loc, isOwner, ownerBest, mine),
                arith::SelectOp::create(b, loc, isOwner, ownerBestIndex,
                                        mineIndex)});
      });
  Value found = rounds.getResult(0);

  // Pick s goes to slot rank(s); the slots after the picks hold -1.
  scf::ForOp::create(
      b, loc, lane, c(k), c(32), ValueRange{},
      [&](OpBuilder &, Location, Value s, ValueRange) {
        auto isPick = scf::IfOp::create(b, loc, lt(s, found), true);
        OpBuilder::InsertionGuard insertion(b);
        b.setInsertionPointToStart(isPick.thenBlock());
        Value mine = memref::LoadOp::create(b, loc, picks, ValueRange{warp, s});
        auto rank = scf::ForOp::create(
            b, loc, c(0), found, c(1), ValueRange{c(0)},
            [&](OpBuilder &, Location, Value t, ValueRange count) {
              Value other =
                  memref::LoadOp::create(b, loc, picks, ValueRange{warp, t});
              Value before = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::slt, other, mine);
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{arith::SelectOp::create(
                      b, loc, before,
                      arith::AddIOp::create(b, loc, count[0], c(1)),
                      count[0])});
            });
        memref::StoreOp::create(b, loc, mine, indices,
                                withColumn(rank.getResult(0)));
        b.setInsertionPointToStart(isPick.elseBlock());
        memref::StoreOp::create(b, loc, i32(-1), indices, withColumn(s));
        b.setInsertionPointAfter(isPick);
        scf::YieldOp::create(b, loc);
      });
  b.setInsertionPointToEnd(&body);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
