//===- KeySplitCombine.cpp - decode's key splits combined -----------------===//
//
// Decode launches a CTA per (tile of packed rows, K/V head, batch): with a
// few K/V heads and batches that is fewer CTAs than the GPU has
// multiprocessors (8 x 8 on an H200's 132), each streaming a whole cache.
// With GpuKernelShape::keySplits the CTAs of a tile take contiguous shares
// of the key tiles and store partial results (FlashDecoding); this kernel
// combines them into the outputs as a split-keys CTA combines its warps.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelBuilder.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

/// [splits, B, Hq, Lq] followed by `last`.
static MemRefType
splitWorkspaceType(AttentionOp op, const GpuKernelShape &shape, int64_t last) {
  ArrayRef<int64_t> query = op.getQuery().getType().getShape();
  return MemRefType::get({shape.keySplits, query[0], query[1], query[2], last},
                         Float32Type::get(op.getContext()));
}

MemRefType mlir::attn::keySplitAccumulatorsType(AttentionOp op,
                                                const GpuKernelShape &shape) {
  return splitWorkspaceType(op, shape, shape.valueDim);
}

MemRefType mlir::attn::keySplitStatisticsType(AttentionOp op,
                                              const GpuKernelShape &shape) {
  return splitWorkspaceType(op, shape, 2);
}

int64_t mlir::attn::keySplitCombineGridX(AttentionOp op) {
  return llvm::divideCeil(
      cast<RankedTensorType>(op.getOutput().getType()).getNumElements(),
      kElementwiseThreads);
}

void FlashKernelBuilder::buildKeySplitCombine(
    const KernelBuffers &kernelBuffers) {
  buffers = kernelBuffers;
  ArrayRef<int64_t> outputShape =
      cast<MemRefType>(buffers.output.getType()).getShape();
  int64_t heads = outputShape[1], rows = outputShape[2],
          columns = outputShape[3];
  int64_t elements = outputShape[0] * heads * rows * columns;
  Value element = add(mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                          c(kElementwiseThreads)),
                      gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  auto inside = scf::IfOp::create(b, loc, lt(element, c(elements)), false);
  b.setInsertionPointToStart(inside.thenBlock());
  Value column = rem(element, c(columns));
  Value row = div(element, c(columns));
  Value queryRow = rem(row, c(rows));
  Value rowHead = rem(div(row, c(rows)), c(heads));
  batch = div(row, c(rows * heads));
  CombinedParts combined =
      combineParts(shape.keySplits, [&](int64_t split) -> std::array<Value, 3> {
        auto statistic = [&](int64_t index) -> Value {
          return memref::LoadOp::create(
              b, loc, buffers.splitStatistics,
              ValueRange{c(split), batch, rowHead, queryRow, c(index)});
        };
        return {statistic(0), statistic(1),
                memref::LoadOp::create(
                    b, loc, buffers.splitAccumulators,
                    ValueRange{c(split), batch, rowHead, queryRow, column})};
      });
  storeCombined(combined, rowHead, queryRow, column);
}

gpu::GPUFuncOp mlir::attn::buildKeySplitCombineKernel(
    OpBuilder &builder, gpu::GPUModuleOp module, AttentionOp op, StringRef name,
    const GpuKernelShape &shape) {
  assert(shape.keySplits > 1 && "a combine kernel of split keys");
  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> argumentTypes{keySplitAccumulatorsType(op, shape),
                                  keySplitStatisticsType(op, shape)};
  // The sink, output and LSE as the split kernel would take them.
  if (Value sink = op.getSink())
    argumentTypes.push_back(kernelBufferType(
        cast<RankedTensorType>(sink.getType()), /*contiguousRows=*/false));
  argumentTypes.push_back(
      kernelBufferType(cast<RankedTensorType>(op.getOutput().getType()),
                       /*contiguousRows=*/true));
  if (Value lse = op.getLse())
    argumentTypes.push_back(kernelBufferType(
        cast<RankedTensorType>(lse.getType()), /*contiguousRows=*/false));
  gpu::GPUFuncOp kernel = createKernelFunction(
      builder, loc, name, argumentTypes, kElementwiseThreads, /*blockQ=*/0,
      /*sharedBytes=*/0);
  Block &body = kernel.getBody().front();
  builder.setInsertionPointToStart(&body);
  KernelBuffers buffers;
  unsigned next = 0;
  buffers.splitAccumulators = body.getArgument(next++);
  buffers.splitStatistics = body.getArgument(next++);
  if (op.getSink())
    buffers.sink = body.getArgument(next++);
  buffers.output = body.getArgument(next++);
  if (op.getLse())
    buffers.lse = body.getArgument(next++);
  FlashKernelBuilder combine(builder, loc, op, shape,
                             op.getQuery().getType().getElementType());
  combine.buildKeySplitCombine(buffers);
  builder.setInsertionPointToEnd(&body);
  gpu::ReturnOp::create(builder, loc);
  return kernel;
}
