//===- LinearKernelSegments.cpp - linear attention's segments ------------===//
//
// Sequence segments: the workspace's layout, where a segment's state (its
// log-decay and decayed count) goes, and the state a segment starts from,
// combined from the segments before it.
//
//===----------------------------------------------------------------------===//

#include "LinearKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Value LinearKernelBuilder::workspaceState(Value seg, Value row, Value column) {
  // [B, Hq, segments, slices, D, stateColumns] f32, then the scalars.
  Value heads = memref::DimOp::create(b, loc, query, 1);
  Value slice = div(columnBase, c(shape.valueSlice));
  Value index = add(mul(add(mul(batch, heads), head), c(shape.segments)), seg);
  index = add(mul(index, c(shape.slices())), slice);
  index = add(mul(index, c(shape.headDim)), row);
  return add(mul(index, c(shape.stateColumns())), column);
}

Value LinearKernelBuilder::workspaceScalar(Value seg, int64_t which) {
  Value heads = memref::DimOp::create(b, loc, query, 1);
  Value batches = memref::DimOp::create(b, loc, query, 0);
  Value states =
      mul(mul(batches, heads), c(shape.segments * shape.slices() *
                                 shape.headDim * shape.stateColumns()));
  Value index = add(mul(add(mul(batch, heads), head), c(shape.segments)), seg);
  return add(states, add(mul(index, c(2)), c(which)));
}

std::pair<SmallVector<Value>, Value>
LinearKernelBuilder::initialState(Value end) {
  int64_t perTile = 4 * (shape.stateColumns() / 8 - shape.normalize);
  int64_t stateSize = stateTilesPerWarp * perTile;
  bool counted = shape.decay && w.elementType.isF16();
  SmallVector<Value> init(stateSize + (counted ? 1 : 0), w.f32(0.0));
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  // S = exp(ld_k) S + U_k over the segments k before this one.
  auto loop = scf::ForOp::create(
      b, loc, c(0), end, c(1), init,
      [&](OpBuilder &, Location, Value k, ValueRange carried) {
        Value factor = shape.decay
                           ? exp(memref::LoadOp::create(b, loc, workspace,
                                                        workspaceScalar(k, 0)))
                           : Value();
        SmallVector<Value> next;
        for (int64_t i = 0; i < stateTilesPerWarp; ++i) {
          // Idle warps' rows are clamped: read, never used.
          Value rowTile = arith::MinUIOp::create(
              b, loc, add(mul(warp, c(stateTilesPerWarp)), c(i)),
              c(shape.headDim / 16 - 1));
          for (int64_t e = 0; e < perTile; ++e) {
            int64_t t = e / 4, slot = e % 4;
            Value row = add(mul(rowTile, c(16)), add(group, c(8 * (slot / 2))));
            Value column = add(c(8 * t + slot % 2), mul(quad, c(2)));
            Value u = memref::LoadOp::create(b, loc, workspace,
                                             workspaceState(k, row, column));
            Value x = carried[i * perTile + e];
            next.push_back(
                arith::AddFOp::create(b, loc, factor ? mulF(x, factor) : x, u));
          }
        }
        if (counted) {
          Value n =
              memref::LoadOp::create(b, loc, workspace, workspaceScalar(k, 1));
          next.push_back(
              arith::AddFOp::create(b, loc, mulF(carried.back(), factor), n));
        }
        scf::YieldOp::create(b, loc, next);
      });
  SmallVector<Value> state(loop.getResults().take_front(stateSize));
  return {state, counted ? loop.getResults().back() : Value()};
}

std::pair<Value, Value> LinearKernelBuilder::segmentOf(Value chunks) {
  if (shape.segments == 1)
    return {c(0), chunks};
  Value perSegment = div(add(chunks, c(shape.segments - 1)), c(shape.segments));
  Value first = mul(segment, perSegment);
  Value count = select(
      lt(first, chunks),
      arith::MinUIOp::create(b, loc, perSegment, sub(chunks, first)), c(0));
  return {first, count};
}
