//===- SegmentRangesKernel.cpp - key tiles' kv segment-id ranges ----------===//
//
// A document mask's tile list asks of every key tile whether its kv segment
// ids can meet the query tile's: their min and max. Every CTA of the flash
// kernel used to scan the ids of all the tiles it may visit for them (at 16k
// keys causal, 8k ids per CTA on average, 32k at 64k, while the whole CTA
// waited). They do not depend on the query tile, so a first kernel of the
// launch computes them once per (batch, key tile), and the flash kernel's
// list reads two ids per tile.
//
//===----------------------------------------------------------------------===//

#include "IndexArithmetic.h"
#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

MemRefType mlir::attn::keyTileRangesType(AttentionOp op, int64_t blockKv) {
  auto segments = cast<ShapedType>(op.getKvSegments().getType());
  int64_t tiles = llvm::divideCeil(segments.getDimSize(1), blockKv);
  return MemRefType::get({segments.getDimSize(0), tiles, 2},
                         IntegerType::get(op.getContext(), 32));
}

int64_t mlir::attn::keyTileRangesGridX(AttentionOp op, int64_t blockKv) {
  return llvm::divideCeil(keyTileRangesType(op, blockKv).getDimSize(1),
                          kSegmentRangeWarps);
}

gpu::GPUFuncOp mlir::attn::buildSegmentRangesKernel(OpBuilder &builder,
                                                    gpu::GPUModuleOp module,
                                                    AttentionOp op,
                                                    StringRef name,
                                                    int64_t blockKv) {
  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  auto segmentsType = cast<RankedTensorType>(op.getKvSegments().getType());
  MemRefType rangesType = keyTileRangesType(op, blockKv);
  gpu::GPUFuncOp kernel = createKernelFunction(
      builder, loc, name,
      {kernelBufferType(segmentsType, /*contiguousRows=*/false), rangesType},
      32 * kSegmentRangeWarps, /*blockQ=*/0, /*sharedBytes=*/0);
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  IndexArithmetic x{b, loc};
  WarpMatrix w{b, loc, b.getF32Type()};
  Value segments = entry.getArgument(0), ranges = entry.getArgument(1);
  int64_t keyLength = segmentsType.getDimSize(1);
  int64_t tiles = rangesType.getDimSize(1);

  // A warp per key tile of the grid's batch y: each lane the min and max of
  // keys lane, lane + 32, ... of the tile, then a shuffle tree.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = x.rem(tid, x.c(32));
  Value tile = x.add(x.mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                           x.c(kSegmentRangeWarps)),
                     x.div(tid, x.c(32)));
  Value batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  auto inside = scf::IfOp::create(b, loc, x.lt(tile, x.c(tiles)),
                                  /*withElseRegion=*/false);
  b.setInsertionPointToStart(inside.thenBlock());
  Value lowest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::max(), 32);
  Value highest = arith::ConstantIntOp::create(
      b, loc, std::numeric_limits<int32_t>::min(), 32);
  Value firstKey = x.mul(tile, x.c(blockKv));
  Value endKey = arith::MinUIOp::create(b, loc, x.add(firstKey, x.c(blockKv)),
                                        x.c(keyLength));
  auto scan = scf::ForOp::create(
      b, loc, x.add(firstKey, lane), endKey, x.c(32),
      ValueRange{lowest, highest},
      [&](OpBuilder &nb, Location nl, Value key, ValueRange range) {
        Value id =
            memref::LoadOp::create(nb, nl, segments, ValueRange{batch, key});
        scf::YieldOp::create(
            nb, nl,
            ValueRange{arith::MinSIOp::create(nb, nl, range[0], id),
                       arith::MaxSIOp::create(nb, nl, range[1], id)});
      });
  auto [low, high] = w.warpMinMax(scan.getResult(0), scan.getResult(1));
  auto leader = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, x.c(0)),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(leader.thenBlock());
  memref::StoreOp::create(b, loc, low, ranges, ValueRange{batch, tile, x.c(0)});
  memref::StoreOp::create(b, loc, high, ranges,
                          ValueRange{batch, tile, x.c(1)});
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
