//===- FlashKernel.cpp - the flash attention kernel for NVIDIA GPUs -------===//
//
// One CTA per (query tile, head, batch); warp w owns query rows
// [16 w, 16 w + 16) of the tile.
//
//   cp.async Q -> smem; K[first], V[first] -> stage 0
//   Q fragments <- ldmatrix                       (kept in registers)
//   for key tile u in [first, end):               (block-map bounds)
//     wait K[u]; barrier
//     S = Q K[u]^T                                (mma.sync m16n8k16)
//     scale, modifiers; mask only outside the run of full tiles
//     m' = max(m, rowmax S); c = 2^(m - m'); P = 2^(S - m')
//     l = c l + rowsum P; acc = c acc
//     cp.async K[u+1] -> other stage
//     wait V[u]; barrier
//     acc += P V[u]                               (P straight from the S
//                                                  accumulators, no smem)
//     cp.async V[u+1] -> other stage
//   out = acc / l; lse = (m + log2 l) ln 2
//
// Scores are kept in log2 units (scale * log2 e folded in), so that every
// exponential is one ex2.approx. Data-dependent masks (documents, block
// layouts) skip whole tiles: neither loaded nor multiplied.
//
//===----------------------------------------------------------------------===//

#include "WarpMatrix.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

static constexpr double kLog2E = 1.4426950408889634;
static constexpr double kLn2 = 0.6931471805599453;
static constexpr int64_t kDyn = ShapedType::kDynamic;

MemRefType mlir::attn::kernelBufferType(RankedTensorType type,
                                        bool contiguousRows) {
  SmallVector<int64_t> strides(type.getRank(), kDyn);
  if (contiguousRows && !strides.empty())
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(type.getContext(), kDyn, ArrayRef(strides));
  return MemRefType::get(type.getShape(), type.getElementType(), layout);
}

namespace {

/// The kernel's buffers, in argument order.
struct KernelBuffers {
  Value query, key, value, bias, qSegments, kvSegments, layout, indices;
  Value output, lse;
};

class FlashKernelBuilder {
public:
  FlashKernelBuilder(OpBuilder &builder, Location loc, AttentionOp op,
                     const GpuKernelShape &shape, Type elementType)
      : b(builder), loc(loc), op(op),
        shape(shape), w{builder, loc, elementType}, elementType(elementType) {}

  void build(const KernelBuffers &buffers, Value rangeTable);

private:
  Value c(int64_t value) { return w.index(value); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value dim(Value memref, int64_t index) {
    return memref::DimOp::create(b, loc, memref, index);
  }

  /// A [rows, pitch] view of the dynamic shared memory at `byteOffset`.
  Value sharedTile(Value byteOffset, int64_t rows, int64_t dim);
  /// cp.async of rows [firstRow, firstRow + rows) of buffer[batch, head]
  /// into `tile`, 16 bytes per copy; rows past `length` are zero-filled.
  void copyTile(Value buffer, Value head, Value firstRow, Value length,
                Value tile, int64_t rows, int64_t dim);
  void commitGroup();
  void waitGroups(int64_t pending);
  void barrier() { gpu::BarrierOp::create(b, loc); }

  /// Whether the data-dependent predicates may allow a pair of key tile u.
  Value tileMayHaveKeys(Value keyTile);
  /// The scores of one key tile in log2 units, masked if `masked`.
  SmallVector<Value> finishScores(ArrayRef<Value> raw, Value keyTile,
                                  bool masked);
  AttentionPoint pointAt(Value row, Value column);

  OpBuilder &b;
  Location loc;
  AttentionOp op;
  const GpuKernelShape &shape;
  WarpMatrix w;
  Type elementType;

  // Set up by build().
  KernelBuffers buffers;
  Value smem, tid, lane, warp, batch, head, kvHead, queryLength, keyLength,
      numQueryHeads, rowBase, warpRow;
  bool dataDependent = false;
};

} // namespace

Value FlashKernelBuilder::sharedTile(Value byteOffset, int64_t rows,
                                     int64_t dim) {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto type = MemRefType::get({rows, shape.rowPitch(dim)}, elementType,
                              MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, loc, type, smem, byteOffset, ValueRange{});
}

void FlashKernelBuilder::copyTile(Value buffer, Value headIndex, Value firstRow,
                                  Value length, Value tile, int64_t rows,
                                  int64_t dim) {
  int64_t perRow = dim / 8;
  int64_t total = rows * perRow;
  int64_t threads = shape.threads();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  for (int64_t first = 0; first < total; first += threads) {
    auto emitCopy = [&]() {
      FlashKernelBuilder &self = *this;
      Value linear = self.add(tid, self.c(first));
      Value row = self.div(linear, self.c(perRow));
      Value col = self.mul(self.rem(linear, self.c(perRow)), self.c(8));
      Value globalRow = self.add(firstRow, row);
      Value valid = self.lt(globalRow, length);
      // Rows past the end read row 0 (which exists whenever a tile is
      // visited) with a source size of 0: the copy writes zeros.
      Value sourceRow =
          arith::SelectOp::create(b, loc, valid, globalRow, self.c(0));
      Value sourceElements =
          arith::SelectOp::create(b, loc, valid, self.c(8), self.c(0));
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, tile, ValueRange{row, col}, buffer,
          ValueRange{batch, headIndex, sourceRow, col}, b.getIndexAttr(8),
          sourceElements, b.getUnitAttr());
    };
    if (first + threads <= total) {
      emitCopy();
      continue;
    }
    auto inside = scf::IfOp::create(b, loc, lt(add(tid, c(first)), c(total)),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    emitCopy();
  }
}

// Groups are committed and awaited with NVVM's ops rather than nvgpu's:
// every iteration commits the same number of groups, empty ones included
// (a tile that is not loaded), and cp.async.wait_group counts groups, not
// tokens; nvgpu's group op needs a token from a copy in scope.
void FlashKernelBuilder::commitGroup() {
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}

void FlashKernelBuilder::waitGroups(int64_t pending) {
  NVVM::CpAsyncWaitGroupOp::create(b, loc, pending);
}

AttentionPoint FlashKernelBuilder::pointAt(Value row, Value column) {
  AttentionPoint point;
  point.batch = batch;
  point.head = head;
  point.kvHead = kvHead;
  point.row = row;
  point.column = column;
  point.queryLength = queryLength;
  point.keyLength = keyLength;
  point.numQueryHeads = numQueryHeads;
  point.qSegments = buffers.qSegments;
  point.kvSegments = buffers.kvSegments;
  point.layout = buffers.layout;
  point.indices = buffers.indices;
  point.bias = buffers.bias;
  return point;
}

Value FlashKernelBuilder::tileMayHaveKeys(Value keyTile) {
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
    mayHave =
        arith::AndIOp::create(b, loc, mayHave,
                              mask.buildTileMayHaveKeys(b, loc, point, rowBase,
                                                        rows, firstKey, keys));
  }
  return mayHave;
}

SmallVector<Value> FlashKernelBuilder::finishScores(ArrayRef<Value> raw,
                                                    Value keyTile,
                                                    bool masked) {
  double scale = *op.getScaleOrDefault();
  bool modified = !op.getScore().empty() || !op.getScoreMod().empty();
  Value toLog2 = w.f32(modified ? kLog2E : scale * kLog2E);
  Value scaleValue = w.f32(scale);
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  Value firstKey = mul(keyTile, c(shape.blockKv));
  SmallVector<Value> scores;
  for (auto [index, score] : llvm::enumerate(raw)) {
    int64_t tile = index / 4, slot = index % 4;
    Value row = add(warpRow, add(group, c(8 * (slot / 2))));
    Value column = add(firstKey, add(mul(quad, c(2)), c(8 * tile + slot % 2)));
    Value x = score;
    if (modified) {
      AttentionPoint point = pointAt(row, column);
      x = arith::MulFOp::create(b, loc, x, scaleValue);
      x = buildModifiedScore(
          b, loc, op.getScore().getValue(),
          op.getScoreMod().empty() ? nullptr : &op.getScoreMod(), x, point);
    }
    x = arith::MulFOp::create(b, loc, x, toLog2);
    if (masked) {
      AttentionPoint point = pointAt(row, column);
      Value allowed = arith::AndIOp::create(
          b, loc, lt(column, keyLength),
          buildAllowed(b, loc, op.getMask().getValue(),
                       op.getMaskMod().empty() ? nullptr : &op.getMaskMod(),
                       point));
      x = arith::SelectOp::create(b, loc, allowed, x, negInf);
    }
    scores.push_back(x);
  }
  return scores;
}

void FlashKernelBuilder::build(const KernelBuffers &kernelBuffers,
                               Value rangeTable) {
  buffers = kernelBuffers;
  int64_t headDim = shape.headDim, valueDim = shape.valueDim;
  int64_t blockQ = shape.blockQ(), blockKv = shape.blockKv;
  int64_t scoreTiles = blockKv / 8, valueTiles = valueDim / 8;
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({kDyn}, b.getI8Type(), MemRefLayoutAttrInterface(),
                      space));
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  warp = div(tid, c(32));
  Value queryTileIndex = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  queryLength = dim(buffers.query, 2);
  keyLength = dim(buffers.key, 2);
  numQueryHeads = dim(buffers.query, 1);
  kvHead = div(head, div(numQueryHeads, dim(buffers.key, 1)));
  rowBase = mul(queryTileIndex, c(blockQ));
  warpRow = add(rowBase, mul(warp, c(16)));
  for (Attribute predicate : op.getMask())
    dataDependent |= cast<MaskAttrInterface>(predicate).isDataDependent();

  // Shared memory: the query tile, then the K stages, then the V stages.
  int64_t queryBytes = 2 * blockQ * shape.rowPitch(headDim);
  int64_t keyBytes = 2 * blockKv * shape.rowPitch(headDim);
  int64_t valueBytes = 2 * blockKv * shape.rowPitch(valueDim);
  Value queryTile = sharedTile(c(0), blockQ, headDim);
  auto keyStage = [&](Value stage) {
    return sharedTile(add(c(queryBytes), mul(stage, c(keyBytes))), blockKv,
                      headDim);
  };
  auto valueStage = [&](Value stage) {
    return sharedTile(
        add(c(queryBytes + shape.stages * keyBytes), mul(stage, c(valueBytes))),
        blockKv, valueDim);
  };

  // Key-tile bounds of this query tile and its run of full tiles.
  Value numKeyTiles = div(add(keyLength, c(blockKv - 1)), c(blockKv));
  Value first = c(0), end = numKeyTiles, fullFirst = c(0), fullEnd = c(0);
  if (rangeTable) {
    auto entry = [&](int64_t column) {
      Value raw = memref::LoadOp::create(b, loc, rangeTable,
                                         ValueRange{queryTileIndex, c(column)});
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw)
          .getResult();
    };
    first = entry(0);
    end = entry(1);
    fullFirst = entry(2);
    fullEnd = entry(3);
  } else if (op.getMask().empty() && op.getMaskMod().empty()) {
    fullEnd = numKeyTiles;
  }
  bool anyMask = !op.getMask().empty() || !op.getMaskMod().empty();
  int64_t staticKeyLength =
      cast<MemRefType>(buffers.key.getType()).getDimSize(2);
  bool keyTilesAllComplete =
      !ShapedType::isDynamic(staticKeyLength) && staticKeyLength % blockKv == 0;

  auto loadKeyValue = [&](Value keyTile, Value stage, bool keys) {
    Value firstKey = mul(keyTile, c(blockKv));
    if (keys)
      copyTile(buffers.key, kvHead, firstKey, keyLength, keyStage(stage),
               blockKv, headDim);
    else
      copyTile(buffers.value, kvHead, firstKey, keyLength, valueStage(stage),
               blockKv, valueDim);
  };
  // Loads of tile u (if `condition`), then a group commit either way, so
  // that every iteration commits the same number of groups.
  auto prefetch = [&](Value condition, Value keyTile, Value stage, bool keys) {
    auto guarded = scf::IfOp::create(b, loc, condition, false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(guarded.thenBlock());
      loadKeyValue(keyTile, stage, keys);
    }
    commitGroup();
  };

  // Prologue: Q, then K and V of the first tile.
  copyTile(buffers.query, head, rowBase, queryLength, queryTile, blockQ,
           headDim);
  commitGroup();
  Value firstVisited = lt(first, end);
  if (dataDependent) {
    auto check = scf::IfOp::create(b, loc, b.getI1Type(), firstVisited, true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(check.thenBlock());
      scf::YieldOp::create(b, loc, tileMayHaveKeys(first));
      b.setInsertionPointToStart(check.elseBlock());
      scf::YieldOp::create(
          b, loc,
          ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1).getResult()});
    }
    firstVisited = check.getResult(0);
  }
  prefetch(firstVisited, first, c(0), true);
  prefetch(firstVisited, first, c(0), false);

  // The warp's query fragments: rows warpRow + [0, 16), 16 columns a step.
  Value matrixRow = add(rem(lane, c(8)), mul(rem(div(lane, c(8)), c(2)), c(8)));
  Value matrixColumn = mul(div(lane, c(16)), c(8));
  Value queryRow = add(mul(warp, c(16)), matrixRow);
  auto queryFragment = [&](int64_t step) {
    std::array<Value, 4> r = w.loadMatrices(
        queryTile, queryRow, add(c(16 * step), matrixColumn), false);
    return OperandA{r[0], r[1], r[2], r[3]};
  };
  waitGroups(2);
  barrier();
  SmallVector<OperandA> queryFragments;
  if (shape.queryInRegisters)
    for (int64_t step = 0; step < headDim / 16; ++step)
      queryFragments.push_back(queryFragment(step));

  // Loop state: the running max (log2 units) and this lane's partial sum
  // of rows g and g + 8, the accumulators, and whether tile u is visited.
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0);
  SmallVector<Value> init = {negInf, negInf, zero, zero};
  init.append(4 * valueTiles, zero);
  if (dataDependent)
    init.push_back(firstVisited);
  // ldmatrix addresses of K (as the B operand of S) and V (B of P V).
  Value keyMatrixRow = add(rem(lane, c(8)), mul(div(lane, c(16)), c(8)));
  Value keyMatrixColumn = mul(rem(div(lane, c(8)), c(2)), c(8));

  auto loop = scf::ForOp::create(
      b, loc, first, end, c(1), init,
      [&](OpBuilder &, Location, Value keyTile, ValueRange state) {
        Value stage =
            rem(arith::SubIOp::create(b, loc, keyTile, first), c(shape.stages));
        Value nextStage =
            rem(add(arith::SubIOp::create(b, loc, keyTile, first), c(1)),
                c(shape.stages));
        Value nextTile = add(keyTile, c(1));
        Value visited = dataDependent ? state.back() : Value();
        SmallVector<Value> carried(state.begin(),
                                   state.begin() + 4 + 4 * valueTiles);

        // S, the softmax update and the rescale of the accumulators;
        // yields m0, m1, l0, l1, acc..., then P packed as A operands.
        int64_t probabilityWords = 4 * (blockKv / 16);
        auto scoresAndSoftmax = [&]() -> SmallVector<Value> {
          Value keys = keyStage(stage);
          SmallVector<Accumulator> scores(scoreTiles,
                                          Accumulator{zero, zero, zero, zero});
          for (int64_t step = 0; step < headDim / 16; ++step) {
            OperandA a = shape.queryInRegisters ? queryFragments[step]
                                                : queryFragment(step);
            for (int64_t pair = 0; pair < scoreTiles / 2; ++pair) {
              std::array<Value, 4> r =
                  w.loadMatrices(keys, add(c(16 * pair), keyMatrixRow),
                                 add(c(16 * step), keyMatrixColumn), false);
              scores[2 * pair] =
                  w.multiply(a, OperandB{r[0], r[1]}, scores[2 * pair]);
              scores[2 * pair + 1] =
                  w.multiply(a, OperandB{r[2], r[3]}, scores[2 * pair + 1]);
            }
          }
          SmallVector<Value> raw;
          for (const Accumulator &tile : scores)
            raw.append(tile.begin(), tile.end());

          SmallVector<Value> x;
          bool maybeMasked = anyMask || !keyTilesAllComplete;
          if (!maybeMasked) {
            x = finishScores(raw, keyTile, false);
          } else {
            Value inFullRun = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                      fullFirst, keyTile),
                lt(keyTile, fullEnd));
            Value complete =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                      mul(nextTile, c(blockKv)), keyLength);
            Value unmasked = arith::AndIOp::create(b, loc, inFullRun, complete);
            SmallVector<Type> types(raw.size(), b.getF32Type());
            auto branch = scf::IfOp::create(b, loc, types, unmasked, true);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(branch.thenBlock());
            scf::YieldOp::create(b, loc, finishScores(raw, keyTile, false));
            b.setInsertionPointToStart(branch.elseBlock());
            scf::YieldOp::create(b, loc, finishScores(raw, keyTile, true));
            x = SmallVector<Value>(branch.getResults());
          }

          SmallVector<Value> result(4 + 4 * valueTiles);
          SmallVector<Value> probabilities(x.size());
          for (int64_t half = 0; half < 2; ++half) {
            Value rowMax = negInf;
            for (int64_t tile = 0; tile < scoreTiles; ++tile)
              for (int64_t k = 0; k < 2; ++k)
                rowMax = arith::MaximumFOp::create(b, loc, rowMax,
                                                   x[4 * tile + 2 * half + k]);
            rowMax = w.rowMax(rowMax);
            Value oldMax = carried[half];
            Value newMax = arith::MaximumFOp::create(b, loc, oldMax, rowMax);
            // Shift by 0 while the row has no key: no -inf - -inf.
            Value empty = arith::CmpFOp::create(
                b, loc, arith::CmpFPredicate::OEQ, newMax, negInf);
            Value shift = arith::SelectOp::create(b, loc, empty, zero, newMax);
            Value correction =
                w.exp2(arith::SubFOp::create(b, loc, oldMax, shift));
            Value sum =
                arith::MulFOp::create(b, loc, carried[2 + half], correction);
            for (int64_t tile = 0; tile < scoreTiles; ++tile)
              for (int64_t k = 0; k < 2; ++k) {
                int64_t index = 4 * tile + 2 * half + k;
                Value p =
                    w.exp2(arith::SubFOp::create(b, loc, x[index], shift));
                probabilities[index] = p;
                sum = arith::AddFOp::create(b, loc, sum, p);
              }
            result[half] = newMax;
            result[2 + half] = sum;
            for (int64_t tile = 0; tile < valueTiles; ++tile)
              for (int64_t k = 0; k < 2; ++k) {
                int64_t index = 4 + 4 * tile + 2 * half + k;
                result[index] =
                    arith::MulFOp::create(b, loc, carried[index], correction);
              }
          }
          // Two accumulator tiles of P are one A operand of P V.
          for (int64_t step = 0; step < blockKv / 16; ++step) {
            const Value *lo = &probabilities[8 * step];
            const Value *hi = &probabilities[8 * step + 4];
            result.push_back(w.pack(lo[0], lo[1]));
            result.push_back(w.pack(lo[2], lo[3]));
            result.push_back(w.pack(hi[0], hi[1]));
            result.push_back(w.pack(hi[2], hi[3]));
          }
          return result;
        };

        auto valueProduct = [&](ArrayRef<Value> updated) {
          SmallVector<Value> acc(updated.begin() + 4,
                                 updated.begin() + 4 + 4 * valueTiles);
          Value values = valueStage(stage);
          for (int64_t step = 0; step < blockKv / 16; ++step) {
            const Value *p = &updated[4 + 4 * valueTiles + 4 * step];
            OperandA a{p[0], p[1], p[2], p[3]};
            for (int64_t pair = 0; pair < valueTiles / 2; ++pair) {
              std::array<Value, 4> r =
                  w.loadMatrices(values, add(c(16 * step), matrixRow),
                                 add(c(16 * pair), matrixColumn), true);
              for (int64_t half = 0; half < 2; ++half) {
                Value *tile = &acc[4 * (2 * pair + half)];
                Accumulator d =
                    w.multiply(a, OperandB{r[2 * half], r[2 * half + 1]},
                               Accumulator{tile[0], tile[1], tile[2], tile[3]});
                std::copy(d.begin(), d.end(), tile);
              }
            }
          }
          return acc;
        };

        // Runs `body` if this tile is visited, else yields `otherwise`.
        auto ifVisited = [&](function_ref<SmallVector<Value>()> body,
                             ArrayRef<Value> otherwise,
                             TypeRange types) -> SmallVector<Value> {
          if (!dataDependent)
            return body();
          auto branch = scf::IfOp::create(b, loc, types, visited, true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(branch.thenBlock());
          scf::YieldOp::create(b, loc, body());
          b.setInsertionPointToStart(branch.elseBlock());
          scf::YieldOp::create(b, loc, otherwise);
          return SmallVector<Value>(branch.getResults());
        };

        waitGroups(1);
        barrier();
        SmallVector<Value> idle(carried);
        for (int64_t i = 0; i < probabilityWords; ++i)
          idle.push_back(arith::ConstantIntOp::create(b, loc, 0, 32));
        SmallVector<Type> updatedTypes;
        for (Value v : idle)
          updatedTypes.push_back(v.getType());
        SmallVector<Value> updated =
            ifVisited(scoresAndSoftmax, idle, updatedTypes);

        Value nextVisited = lt(nextTile, end);
        if (dataDependent) {
          auto check =
              scf::IfOp::create(b, loc, b.getI1Type(), nextVisited, true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(check.thenBlock());
          scf::YieldOp::create(b, loc, tileMayHaveKeys(nextTile));
          b.setInsertionPointToStart(check.elseBlock());
          scf::YieldOp::create(
              b, loc,
              ValueRange{
                  arith::ConstantIntOp::create(b, loc, 0, 1).getResult()});
          nextVisited = check.getResult(0);
        }
        prefetch(nextVisited, nextTile, nextStage, true);

        waitGroups(1);
        barrier();
        SmallVector<Value> accTypesHolder(updated.begin() + 4,
                                          updated.begin() + 4 + 4 * valueTiles);
        SmallVector<Type> accTypes(accTypesHolder.size(), b.getF32Type());
        SmallVector<Value> acc = ifVisited(
            [&]() { return valueProduct(updated); }, accTypesHolder, accTypes);
        prefetch(nextVisited, nextTile, nextStage, false);

        SmallVector<Value> yielded(updated.begin(), updated.begin() + 4);
        yielded.append(acc);
        if (dataDependent)
          yielded.push_back(nextVisited);
        scf::YieldOp::create(b, loc, yielded);
      });

  // Epilogue: normalise and store rows g and g + 8 of the warp.
  ValueRange state = loop.getResults();
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  Type outputElement =
      cast<MemRefType>(buffers.output.getType()).getElementType();
  for (int64_t half = 0; half < 2; ++half) {
    Value row = add(warpRow, add(group, c(8 * half)));
    Value sum = w.rowSum(state[2 + half]);
    Value positive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, sum, zero);
    Value inverse = arith::SelectOp::create(
        b, loc, positive, arith::DivFOp::create(b, loc, w.f32(1.0), sum), zero);
    auto inside = scf::IfOp::create(b, loc, lt(row, queryLength), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    for (int64_t tile = 0; tile < valueTiles; ++tile) {
      SmallVector<Value> pair;
      for (int64_t k = 0; k < 2; ++k) {
        Value x = arith::MulFOp::create(
            b, loc, state[4 + 4 * tile + 2 * half + k], inverse);
        if (outputElement.getIntOrFloatBitWidth() < 32)
          x = arith::TruncFOp::create(b, loc, outputElement, x);
        else if (outputElement.getIntOrFloatBitWidth() > 32)
          x = arith::ExtFOp::create(b, loc, outputElement, x);
        pair.push_back(x);
      }
      Value vector = vector::FromElementsOp::create(
          b, loc, VectorType::get({2}, outputElement), pair);
      Value column = add(c(8 * tile), mul(quad, c(2)));
      vector::StoreOp::create(b, loc, vector, buffers.output,
                              ValueRange{batch, head, row, column});
    }
    if (buffers.lse) {
      auto first = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, quad, c(0)),
          false);
      b.setInsertionPointToStart(first.thenBlock());
      Value log2Sum =
          LLVM::CallIntrinsicOp::create(
              b, loc, b.getF32Type(), b.getStringAttr("llvm.nvvm.lg2.approx.f"),
              ValueRange{sum})
              .getResult(0);
      Value lse = arith::MulFOp::create(
          b, loc, arith::AddFOp::create(b, loc, state[half], log2Sum),
          w.f32(kLn2));
      lse = arith::SelectOp::create(b, loc, positive, lse, negInf);
      memref::StoreOp::create(b, loc, lse, buffers.lse,
                              ValueRange{batch, head, row});
    }
  }
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

FailureOr<gpu::GPUFuncOp>
mlir::attn::buildFlashKernel(OpBuilder &builder, gpu::GPUModuleOp module,
                             AttentionOp op, StringRef name,
                             const GpuKernelShape &shape) {
  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());

  SmallVector<Type> argumentTypes;
  auto add = [&](Value tensor, bool contiguousRows) {
    if (tensor)
      argumentTypes.push_back(kernelBufferType(
          cast<RankedTensorType>(tensor.getType()), contiguousRows));
  };
  add(op.getQuery(), true);
  add(op.getKey(), true);
  add(op.getValue(), true);
  add(op.getBias(), false);
  add(op.getQSegments(), false);
  add(op.getKvSegments(), false);
  add(op.getLayout(), false);
  add(op.getIndices(), false);
  add(op.getOutput(), true);
  add(op.getLse(), false);

  // The range table of a static shape, as a constant global.
  Value rangeTableHolder;
  MaskShape maskShape = op.getMaskShape();
  memref::GlobalOp tableGlobal;
  if (maskShape.isStatic()) {
    BlockMap map =
        BlockMap::compute(op.getMask().getValue(), !op.getMaskMod().empty(),
                          maskShape, shape.blockQ(), shape.blockKv);
    SmallVector<int32_t> table;
    for (int64_t qt = 0; qt < map.getNumQueryTiles(); ++qt) {
      auto [first, end] = map.getKeyTileRange(qt);
      int64_t fullFirst = first;
      while (fullFirst < end && map.get(qt, fullFirst) != TileClass::Full)
        ++fullFirst;
      int64_t fullEnd = fullFirst;
      while (fullEnd < end && map.get(qt, fullEnd) == TileClass::Full)
        ++fullEnd;
      for (int64_t v : {first, end, fullFirst, fullEnd})
        table.push_back(static_cast<int32_t>(v));
    }
    auto type =
        MemRefType::get({map.getNumQueryTiles(), 4}, builder.getI32Type());
    auto tensorType =
        RankedTensorType::get(type.getShape(), builder.getI32Type());
    tableGlobal = memref::GlobalOp::create(
        builder, loc, (name + "_tiles").str(), builder.getStringAttr("private"),
        type, DenseElementsAttr::get(tensorType, ArrayRef(table)),
        /*constant=*/true, builder.getI64IntegerAttr(16));
  }

  auto kernel = gpu::GPUFuncOp::create(
      builder, loc, name, builder.getFunctionType(argumentTypes, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(builder.getDenseI32ArrayAttr(
      {static_cast<int32_t>(shape.threads()), 1, 1}));
  kernel->setAttr(kKernelBlockQAttr, builder.getI64IntegerAttr(shape.blockQ()));
  kernel->setAttr(kKernelThreadsAttr,
                  builder.getI64IntegerAttr(shape.threads()));
  kernel->setAttr(kKernelSharedBytesAttr,
                  builder.getI64IntegerAttr(shape.sharedBytes()));

  Block &body = kernel.getBody().front();
  builder.setInsertionPointToStart(&body);
  KernelBuffers buffers;
  unsigned next = 0;
  auto take = [&](Value tensor) {
    return tensor ? body.getArgument(next++) : Value();
  };
  buffers.query = take(op.getQuery());
  buffers.key = take(op.getKey());
  buffers.value = take(op.getValue());
  buffers.bias = take(op.getBias());
  buffers.qSegments = take(op.getQSegments());
  buffers.kvSegments = take(op.getKvSegments());
  buffers.layout = take(op.getLayout());
  buffers.indices = take(op.getIndices());
  buffers.output = take(op.getOutput());
  buffers.lse = take(op.getLse());
  if (tableGlobal)
    rangeTableHolder = memref::GetGlobalOp::create(
        builder, loc, tableGlobal.getType(), tableGlobal.getSymName());

  Type elementType = op.getQuery().getType().getElementType();
  FlashKernelBuilder(builder, loc, op, shape, elementType)
      .build(buffers, rangeTableHolder);
  gpu::ReturnOp::create(builder, loc);

  // Hooks that build tensor code (a constant table, say) cannot run in a
  // kernel: report which and give up on this op.
  Operation *tensorUser = nullptr;
  kernel.walk([&](Operation *nested) {
    for (Type type : nested->getResultTypes())
      if (isa<TensorType>(type))
        tensorUser = nested;
    return tensorUser ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (tensorUser) {
    InFlightDiagnostic diag =
        op.emitOpError("cannot be lowered to a GPU kernel: its score "
                       "modifiers or mask build tensor values ('")
        << tensorUser->getName()
        << "'), which the GPU lowering does not support";
    kernel.erase();
    if (tableGlobal)
      tableGlobal.erase();
    return failure();
  }
  return kernel;
}
