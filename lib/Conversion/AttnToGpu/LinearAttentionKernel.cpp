//===- LinearAttentionKernel.cpp - chunked linear attention on GPUs -------===//
//
// attn.linear_attention in chunks of C tokens on the tensor cores (the GPU
// form of ChunkLinearAttention.cpp's algorithm). A CTA owns one (value
// slice, query head, batch, sequence segment) and walks its chunks carrying
// the state S = sum_j gamma_j phi(k_j) v_j^T (D x slice, f32) and, with
// `normalize`, z = sum_j gamma_j phi(k_j). Per chunk, causal:
//
//   cp.async Q, K, V[:, slice] (and the log-gates a) of chunk c+1 -> other
//   stage; wait for chunk c
//   A_j = a_0 + ... + a_j (warp 0's scan; decay only)
//   phi in place on Q and K, keys past the end zeroed; Kw_j = phi(k_j)
//   exp(A_last - A_j)
//   per warp (16 query rows):
//     W   = phi(Q) phi(K)^T, W_ij *= exp(A_i - A_j) for j <= i, else 0
//     O   = exp(A_i) phi(Q) [S | z]  +  W [V | 1]
//     out = O[:, :slice] / (O[:, z] + eps)        (the ones column gives the
//                                                  row sums: no extra pass)
//   per warp (D / 16 / warps row tiles of the state):
//     [S | z] = exp(A_last) [S | z] + Kw^T [V | 1]    (accumulators stay
//     in registers; a copy in shared memory is the next chunk's operand)
//
// Every exponent is <= 0 where it is used, so long sequences neither
// overflow nor underflow. Without `causal` the state of all keys is built
// first, then each query chunk reads it. With segments a first kernel builds
// each segment's state into a workspace and the outputs' kernel starts each
// segment from the ones before it. The products take operands of the input
// type; the state and the normaliser grow with the keys they sum, so with
// f16 the state's copy is scaled by a power of two at most 1 / n (n: those
// keys, decayed) and the products that read it scale back in f32.
//
// This file: shared-memory views, the chunk loop, the kernels' two parts
// and their entry point (LinearKernelBuilder.h lists the others).
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

Value LinearKernelBuilder::view(Value byteOffset, int64_t rows, int64_t pitch,
                                Type element) {
  return sharedView(b, loc, smem, byteOffset, rows, pitch, element);
}

LinearKernelBuilder::Stage LinearKernelBuilder::stage(Value index) {
  Type element = w.elementType;
  int64_t chunk = shape.chunk;
  Value base = mul(index, c(shape.stageBytes()));
  Stage s;
  s.query = view(base, chunk, shape.rowPitch(shape.headDim), element);
  s.key = view(add(base, c(shape.queryBytes())), chunk,
               shape.rowPitch(shape.headDim), element);
  s.value = view(add(base, c(2 * shape.queryBytes())), chunk,
                 shape.rowPitch(shape.valueSlice), element);
  if (shape.decay)
    s.gates = view(add(base, c(2 * shape.queryBytes() + shape.valueBytes())), 1,
                   chunk, b.getF32Type());
  return s;
}

void LinearKernelBuilder::zeroRows(Value rows) {
  Type outputElement = cast<MemRefType>(output.getType()).getElementType();
  Value zeroValue =
      arith::ConstantOp::create(b, loc, FloatAttr::get(outputElement, 0.0));
  int64_t slice = shape.valueSlice;
  scf::ForOp::create(b, loc, tid, mul(rows, c(slice)), c(shape.threads()),
                     ValueRange{},
                     [&](OpBuilder &, Location, Value index, ValueRange) {
                       memref::StoreOp::create(
                           b, loc, zeroValue, output,
                           ValueRange{batch, head, div(index, c(slice)),
                                      add(columnBase, rem(index, c(slice)))});
                       scf::YieldOp::create(b, loc);
                     });
}

ValueRange LinearKernelBuilder::chunkLoop(
    Value first, Value count, bool loadQuery, bool loadKeyValue,
    ValueRange init,
    function_ref<SmallVector<Value>(Value, Value, ValueRange)> body) {
  bool pipelined = shape.stages == 2;
  segmentFirst = first;
  Value end = add(first, count);
  ifThen(lt(c(0), count),
         [&]() { loadChunk(first, c(0), loadQuery, loadKeyValue); });
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
  auto loop = scf::ForOp::create(
      b, loc, first, end, c(1), init,
      [&](OpBuilder &, Location, Value chunkIndex, ValueRange carried) {
        Value next = add(chunkIndex, c(1));
        Value stageIndex = pipelined ? parity(chunkIndex) : c(0);
        NVVM::CpAsyncWaitGroupOp::create(b, loc, 0);
        // Also: every warp is done with chunk c - 1's stage and state.
        barrier();
        if (pipelined) {
          ifThen(lt(next, end), [&]() {
            loadChunk(next, parity(next), loadQuery, loadKeyValue);
          });
          NVVM::CpAsyncCommitGroupOp::create(b, loc);
        }
        SmallVector<Value> results = body(chunkIndex, stageIndex, carried);
        if (!pipelined) {
          barrier();
          ifThen(lt(next, end),
                 [&]() { loadChunk(next, c(0), loadQuery, loadKeyValue); });
          NVVM::CpAsyncCommitGroupOp::create(b, loc);
        }
        scf::YieldOp::create(b, loc, results);
      });
  return loop.getResults();
}

void LinearKernelBuilder::build(LinearKernelPart part, Value q, Value k,
                                Value v, Value gates, Value out,
                                Value scratch) {
  query = q;
  key = k;
  value = v;
  decay = gates;
  output = out;
  workspace = scratch;
  smem = dynamicSharedMemory(b, loc);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  warp = div(tid, c(32));
  columnBase = mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                   c(shape.valueSlice));
  head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  // The grid's z is (batch, segment), segment-minor.
  Value z = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  batch = div(z, c(shape.segments));
  segment = rem(z, c(shape.segments));
  segmentFirst = c(0);
  queryLength = memref::DimOp::create(b, loc, query, 2);
  keyLength = memref::DimOp::create(b, loc, key, 2);
  kvHead = div(head, div(memref::DimOp::create(b, loc, query, 1),
                         memref::DimOp::create(b, loc, key, 1)));
  matrixRow = add(rem(lane, c(8)), mul(rem(div(lane, c(8)), c(2)), c(8)));
  matrixColumn = mul(div(lane, c(16)), c(8));
  keyMatrixRow = add(rem(lane, c(8)), mul(div(lane, c(16)), c(8)));
  keyMatrixColumn = mul(rem(div(lane, c(8)), c(2)), c(8));
  stateTilesPerWarp = llvm::divideCeil(shape.headDim / 16, shape.warps);

  // Both state buffers start at zero (the first chunk reads one; the
  // padding columns are read by the last pair of tiles and dropped), and
  // so do the decayed key counts after them.
  {
    int64_t units = (2 * shape.stateBytes() + 16) / 16;
    Value zeros = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({4}, b.getI32Type()),
                               b.getI32IntegerAttr(0)));
    Value states = view(shape.stateOffset(), 1, units * 4, b.getI32Type());
    scf::ForOp::create(b, loc, tid, c(units), c(shape.threads()), ValueRange{},
                       [&](OpBuilder &, Location, Value unit, ValueRange) {
                         vector::StoreOp::create(
                             b, loc, zeros, states,
                             ValueRange{c(0), mul(unit, c(4))},
                             /*nontemporal=*/false, llvm::Align(16));
                         scf::YieldOp::create(b, loc);
                       });
    // Before anything (a segment's starting state and count) lands there.
    barrier();
  }

  int64_t stateSize =
      stateTilesPerWarp * 4 * (shape.stateColumns() / 8 - shape.normalize);
  SmallVector<Value> zeros(stateSize, w.f32(0.0));
  Value keyChunks = div(add(keyLength, c(shape.chunk - 1)), c(shape.chunk));
  bool counted = shape.decay && w.elementType.isF16();

  if (part == LinearKernelPart::SegmentStates) {
    // The state of this segment's keys alone (and its log-decay and decayed
    // count), for the outputs' kernel to combine.
    Value first, count;
    std::tie(first, count) = segmentOf(keyChunks);
    SmallVector<Value> init(zeros);
    init.push_back(w.f32(0.0));
    ValueRange result = chunkLoop(
        first, count, /*loadQuery=*/false, /*loadKeyValue=*/true, init,
        [&](Value chunkIndex, Value stageIndex, ValueRange carried) {
          prepareChunk(chunkIndex, stageIndex, false, true);
          barrier();
          SmallVector<Value> next =
              updateState(carried.drop_back(), stageIndex, Value(), Value());
          Value logDecay = carried.back();
          if (shape.decay) {
            Value prefix =
                view(shape.prefixOffset(), 1, shape.chunk, b.getF32Type());
            logDecay = arith::AddFOp::create(
                b, loc, logDecay,
                memref::LoadOp::create(b, loc, prefix,
                                       ValueRange{c(0), c(shape.chunk - 1)}));
          }
          next.push_back(logDecay);
          return next;
        });
    int64_t perTile = 4 * (shape.stateColumns() / 8 - shape.normalize);
    Value quad = rem(lane, c(4)), group = div(lane, c(4));
    forEachStateTile(result.drop_back(), [&](int64_t i, Value rowTile) {
      ValueRange tile = result.slice(i * perTile, perTile);
      for (int64_t e = 0; e < perTile; ++e) {
        int64_t t = e / 4, slot = e % 4;
        Value row = add(mul(rowTile, c(16)), add(group, c(8 * (slot / 2))));
        Value column = add(c(8 * t + slot % 2), mul(quad, c(2)));
        memref::StoreOp::create(b, loc, tile[e], workspace,
                                workspaceState(segment, row, column));
      }
      return SmallVector<Value>(tile);
    });
    if (shape.decay)
      ifThen(lt(tid, c(1)), [&]() {
        memref::StoreOp::create(b, loc, result.back(), workspace,
                                workspaceScalar(segment, 0));
        if (counted) {
          // scanGates (this thread) left the count after the segment's
          // last chunk in slot count % 2.
          Value slots = view(shape.countsOffset(), 1, 2, b.getF32Type());
          Value keys = memref::LoadOp::create(
              b, loc, slots, ValueRange{c(0), rem(count, c(2))});
          memref::StoreOp::create(b, loc, keys, workspace,
                                  workspaceScalar(segment, 1));
        }
      });
    return;
  }

  // The outputs. With segments the state starts from the segments before
  // this one (every segment without causal), written to buffer 0.
  SmallVector<Value> init(zeros);
  auto startFrom = [&](Value end, Value keysBefore) {
    SmallVector<Value> state;
    Value count;
    std::tie(state, count) = initialState(end);
    init = state;
    if (count) {
      Value slots = view(shape.countsOffset(), 1, 2, b.getF32Type());
      ifThen(lt(tid, c(1)), [&]() {
        memref::StoreOp::create(b, loc, count, slots, ValueRange{c(0), c(0)});
      });
    }
    // (The loop's first barrier orders this copy and count before the
    // first products.)
    int64_t perTile = 4 * (shape.stateColumns() / 8 - shape.normalize);
    forEachStateTile(init, [&](int64_t i, Value rowTile) {
      ValueRange tile = ValueRange(init).slice(i * perTile, perTile);
      writeStateCopy(asTiles(tile), rowTile, c(0), count ? count : keysBefore);
      return SmallVector<Value>(tile);
    });
  };
  if (shape.causal) {
    Value first, count;
    std::tie(first, count) = segmentOf(keyChunks);
    if (shape.segments > 1)
      startFrom(segment, keysSummed(first, /*after=*/false));
    // Queries before the first key (Lq > Lkv) see no keys: zeros.
    Value before =
        select(lt(keyLength, queryLength), sub(queryLength, keyLength), c(0));
    ifThen(
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, segment, c(0)),
        [&]() { zeroRows(before); });
    chunkLoop(first, count, /*loadQuery=*/true, /*loadKeyValue=*/true, init,
              [&](Value chunkIndex, Value stageIndex, ValueRange carried) {
                prepareChunk(chunkIndex, stageIndex, true, true);
                barrier();
                outputRows(chunkIndex, stageIndex, parity(chunkIndex),
                           keysSummed(chunkIndex, /*after=*/false),
                           /*intraChunk=*/true);
                return updateState(carried, stageIndex,
                                   parity(add(chunkIndex, c(1))),
                                   keysSummed(chunkIndex, /*after=*/true));
              });
    return;
  }
  // Every key for every query: the whole state first (here, or from every
  // segment's), then the queries.
  Value finalState = c(0);
  segmentFirst = c(0);
  Value allKeys = keysSummed(keyChunks, /*after=*/false);
  if (shape.segments > 1) {
    startFrom(c(shape.segments), allKeys);
  } else {
    chunkLoop(c(0), keyChunks, /*loadQuery=*/false, /*loadKeyValue=*/true, init,
              [&](Value chunkIndex, Value stageIndex, ValueRange carried) {
                prepareChunk(chunkIndex, stageIndex, false, true);
                barrier();
                return updateState(carried, stageIndex,
                                   parity(add(chunkIndex, c(1))),
                                   keysSummed(chunkIndex, /*after=*/true));
              });
    // The last state is in buffer keyChunks % 2; the queries' first loads
    // go to a stage the last key chunk may still be reading.
    barrier();
    finalState = rem(keyChunks, c(2));
  }
  Value queryChunks = div(add(queryLength, c(shape.chunk - 1)), c(shape.chunk));
  Value first, count;
  std::tie(first, count) = segmentOf(queryChunks);
  chunkLoop(first, count, /*loadQuery=*/true, /*loadKeyValue=*/false,
            ValueRange{}, [&](Value chunkIndex, Value stageIndex, ValueRange) {
              prepareChunk(chunkIndex, stageIndex, true, false);
              barrier();
              outputRows(chunkIndex, stageIndex, finalState, allKeys,
                         /*intraChunk=*/false);
              return SmallVector<Value>{};
            });
}

gpu::GPUFuncOp mlir::attn::buildLinearAttentionKernel(
    OpBuilder &builder, gpu::GPUModuleOp module, LinearAttentionOp op,
    StringRef name, const GpuLinearKernelShape &shape, LinearKernelPart part) {
  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> argumentTypes;
  // Every operand is copied by cp.async: contiguous rows.
  for (Value operand : op->getOperands())
    argumentTypes.push_back(kernelBufferType(
        cast<RankedTensorType>(operand.getType()), /*contiguousRows=*/true));
  argumentTypes.push_back(kernelBufferType(op.getResult().getType(), true));
  bool segmented = shape.segments > 1;
  if (segmented)
    argumentTypes.push_back(linearWorkspaceType(builder.getContext()));
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, argumentTypes, shape.threads(),
                           shape.chunk, shape.sharedBytes());
  kernel->setAttr(kKernelGridXAttr, builder.getI64IntegerAttr(shape.slices()));
  if (op.getDecay())
    kernel->setAttr(kKernelDecayArgumentAttr, builder.getI64IntegerAttr(3));
  if (segmented) {
    kernel->setAttr(kKernelSegmentsAttr,
                    builder.getI64IntegerAttr(shape.segments));
    kernel->setAttr(kKernelWorkspacePerHeadAttr,
                    builder.getI64IntegerAttr(shape.workspaceFloatsPerHead()));
  }

  Block &body = kernel.getBody().front();
  builder.setInsertionPointToStart(&body);
  bool hasDecay = static_cast<bool>(op.getDecay());
  unsigned outputIndex = hasDecay ? 4 : 3;
  LinearKernelBuilder(builder, loc, op, shape)
      .build(part, body.getArgument(0), body.getArgument(1),
             body.getArgument(2), hasDecay ? body.getArgument(3) : Value(),
             body.getArgument(outputIndex),
             segmented ? body.getArgument(outputIndex + 1) : Value());
  gpu::ReturnOp::create(builder, loc);

  // The feature maps' exp by the hardware's ex2.approx (as the flash
  // kernel's softmax): math.exp would need libdevice.
  kernel.walk([&](math::ExpOp exp) {
    if (!exp.getType().isF32())
      return;
    OpBuilder at(exp);
    WarpMatrix hardware{at, exp.getLoc(), at.getBF16Type()};
    Value scaled = arith::MulFOp::create(at, exp.getLoc(), exp.getOperand(),
                                         hardware.f32(kLog2E));
    exp.replaceAllUsesWith(hardware.exp2(scaled));
    exp.erase();
  });
  return kernel;
}
