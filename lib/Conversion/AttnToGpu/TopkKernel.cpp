//===- TopkKernel.cpp - attn.topk, a warp per row -------------------------===//
//
// A warp copies its row of scores to shared memory (-inf and NaN as -inf:
// never selected), each lane keeping the best of its entries (j = lane +
// 32 i) as it goes; then WarpTopk's rounds pick the k best and store them
// ascending.
//
//===----------------------------------------------------------------------===//

#include "IndexArithmetic.h"
#include "WarpMatrix.h"
#include "WarpTopk.h"

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

Value mlir::attn::topkRows(OpBuilder &b, Location loc, Value scores) {
  gpu_lowering::IndexArithmetic a(b, loc);
  Value rows = a.c(1);
  for (int64_t dim = 0; dim + 1 < cast<MemRefType>(scores.getType()).getRank();
       ++dim)
    rows = a.mul(rows, a.size(scores, dim));
  return rows;
}

int64_t mlir::attn::topkSharedBytes(TopkOp op) {
  int64_t width = cast<ShapedType>(op.getScores().getType()).getShape().back();
  if (ShapedType::isDynamic(width))
    return ShapedType::kDynamic;
  return kTopkWarps * 4 * (width + op.getK());
}

Value mlir::attn::topkSharedBytes(OpBuilder &b, Location loc, TopkOp op,
                                  Value scores) {
  gpu_lowering::IndexArithmetic a(b, loc);
  if (!ShapedType::isDynamic(topkSharedBytes(op)))
    return a.c(topkSharedBytes(op));
  Value width =
      a.size(scores, cast<MemRefType>(scores.getType()).getRank() - 1);
  return a.mul(a.add(width, a.c(op.getK())), a.c(kTopkWarps * 4));
}

int64_t mlir::attn::topkSharedLimit(int64_t sharedMemoryLimit) {
  return sharedMemoryLimit - 1024;
}

gpu::GPUFuncOp mlir::attn::buildTopkKernel(OpBuilder &builder,
                                           gpu::GPUModuleOp module, TopkOp op,
                                           StringRef name,
                                           int64_t sharedMemoryLimit) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = op.getLoc();
  auto scoresType = cast<RankedTensorType>(op.getScores().getType());
  auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
  int64_t k = op.getK();
  // A row of any width (its shared memory sized at the launch) may use up
  // to the most a kernel can opt in to.
  int64_t sharedBytes = topkSharedBytes(op);
  if (ShapedType::isDynamic(sharedBytes))
    sharedBytes = topkSharedLimit(sharedMemoryLimit);
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name,
                           {kernelBufferType(scoresType, false),
                            kernelBufferType(indicesType, false)},
                           32 * kTopkWarps, /*blockQ=*/0, sharedBytes);
  Block &body = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value scores = body.getArgument(0), indices = body.getArgument(1);
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  // Sizes the type leaves open come from the buffer.
  gpu_lowering::IndexArithmetic sizes(b, loc);
  auto sizeOf = [&](int64_t dim) { return sizes.size(scores, dim); };
  int64_t lastDim = scoresType.getRank() - 1;
  Value width = sizeOf(lastDim);
  Value rows = topkRows(b, loc, scores);
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
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  Value copy = memref::ViewOp::create(
      b, loc,
      MemRefType::get({kTopkWarps, ShapedType::kDynamic}, f32,
                      MemRefLayoutAttrInterface(), space),
      smem, c(0), ValueRange{width});
  Value picks = memref::ViewOp::create(
      b, loc,
      MemRefType::get({kTopkWarps, k}, b.getI32Type(),
                      MemRefLayoutAttrInterface(), space),
      smem, arith::MulIOp::create(b, loc, width, c(4 * kTopkWarps)),
      ValueRange{});

  auto inside = scf::IfOp::create(b, loc, lt(row, rows), false);
  b.setInsertionPointToStart(inside.thenBlock());
  // The row's position in the scores (all but the last dimension).
  SmallVector<Value> at(lastDim);
  Value rest = row;
  for (int64_t dim = lastDim - 1; dim >= 0; --dim) {
    at[dim] = arith::RemUIOp::create(b, loc, rest, sizeOf(dim));
    rest = arith::DivUIOp::create(b, loc, rest, sizeOf(dim));
  }
  auto withColumn = [&](Value column) {
    SmallVector<Value> indicesAt(at);
    indicesAt.push_back(column);
    return indicesAt;
  };
  auto toI32 = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), v).getResult();
  };
  Value noIndex = toI32(width);

  // The copy, 8 loads in flight per lane; scanning up, a strictly larger
  // value wins, so each lane's best has the lowest index of its value.
  constexpr int64_t kInFlight = 8;
  auto copyLoop = scf::ForOp::create(
      b, loc, lane, width, c(32 * kInFlight), ValueRange{negInf, noIndex},
      [&](OpBuilder &, Location, Value first, ValueRange best) {
        SmallVector<Value> columns, valid, loaded;
        for (int64_t u = 0; u < kInFlight; ++u) {
          Value j = arith::AddIOp::create(b, loc, first, c(32 * u));
          columns.push_back(j);
          valid.push_back(lt(j, width));
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

  gpu_lowering::WarpTopk selection{b, loc, copy, picks, warp, width, k, lane};
  selection.pick(copyLoop.getResult(0), copyLoop.getResult(1),
                 [&](Value slot, Value index) {
                   memref::StoreOp::create(b, loc, index, indices,
                                           withColumn(slot));
                 });
  b.setInsertionPointToEnd(&body);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
