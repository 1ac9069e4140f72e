//===- TopkKernel.cpp - attn.topk, a warp per row -------------------------===//
//
// A warp copies its row of scores to shared memory (-inf and NaN as -inf:
// never selected), then k rounds each take the row's largest entry by a
// warp reduction of (value, index) pairs, ties to the lower index, and
// mark it taken. A round that finds only -inf ends the picks (slots left
// over are -1). Each pick is then stored at its rank among the picks:
// ascending indices, as attn.topk defines.
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
  scf::ForOp::create(
      b, loc, lane, c(width), c(32), ValueRange{},
      [&](OpBuilder &, Location, Value j, ValueRange) {
        Value x = memref::LoadOp::create(b, loc, scores, withColumn(j));
        if (x.getType().getIntOrFloatBitWidth() < 32)
          x = arith::ExtFOp::create(b, loc, f32, x);
        else if (!x.getType().isF32())
          x = arith::TruncFOp::create(b, loc, f32, x);
        // Neither -inf nor NaN: a candidate.
        Value candidate =
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, negInf);
        memref::StoreOp::create(
            b, loc, arith::SelectOp::create(b, loc, candidate, x, negInf), copy,
            ValueRange{warp, j});
        scf::YieldOp::create(b, loc);
      });
  NVVM::SyncWarpOp::create(b, loc, i32(-1));

  // k rounds; `found` counts the picks.
  Value width32 = i32(32);
  auto rounds = scf::ForOp::create(
      b, loc, c(0), c(k), c(1), ValueRange{c(0)},
      [&](OpBuilder &, Location, Value slot, ValueRange carried) {
        Value found = carried[0];
        // The lane's best: scanning up, a strictly larger value wins, so
        // ties keep the lower index.
        auto scan = scf::ForOp::create(
            b, loc, lane, c(width), c(32), ValueRange{negInf, c(width)},
            [&](OpBuilder &, Location, Value j, ValueRange best) {
              Value x =
                  memref::LoadOp::create(b, loc, copy, ValueRange{warp, j});
              Value better = arith::CmpFOp::create(
                  b, loc, arith::CmpFPredicate::OGT, x, best[0]);
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{
                      arith::SelectOp::create(b, loc, better, x, best[0]),
                      arith::SelectOp::create(b, loc, better, j, best[1])});
            });
        Value value = scan.getResult(0);
        Value index = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                                 scan.getResult(1));
        for (int64_t offset : {16, 8, 4, 2, 1}) {
          Value mask = i32(offset);
          Value otherValue =
              gpu::ShuffleOp::create(b, loc, value, mask, width32,
                                     gpu::ShuffleMode::XOR)
                  .getShuffleResult();
          Value otherIndex =
              gpu::ShuffleOp::create(b, loc, index, mask, width32,
                                     gpu::ShuffleMode::XOR)
                  .getShuffleResult();
          Value larger = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OGT, otherValue, value);
          Value tie = arith::AndIOp::create(
              b, loc,
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                    otherValue, value),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                    otherIndex, index));
          Value take = arith::OrIOp::create(b, loc, larger, tie);
          value = arith::SelectOp::create(b, loc, take, otherValue, value);
          index = arith::SelectOp::create(b, loc, take, otherIndex, index);
        }
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
        scf::YieldOp::create(
            b, loc,
            ValueRange{arith::SelectOp::create(
                b, loc, picked, arith::AddIOp::create(b, loc, found, c(1)),
                found)});
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
