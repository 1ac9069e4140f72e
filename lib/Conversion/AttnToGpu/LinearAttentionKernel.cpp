//===- LinearAttentionKernel.cpp - chunked linear attention on GPUs -------===//
//
// attn.linear_attention in chunks of C tokens on the tensor cores (the GPU
// form of ChunkLinearAttention.cpp's algorithm). A CTA of four warps owns
// one (value slice, query head, batch) and walks the sequence carrying the
// state S = sum_j gamma_j phi(k_j) v_j^T (D x slice, f32) and, with
// `normalize`, z = sum_j gamma_j phi(k_j). Per chunk, causal:
//
//   cp.async Q, K, V[:, slice] (and the log-gates a) of chunk c+1 -> other
//   stage; wait for chunk c
//   A_j = a_0 + ... + a_j (warp 0's scan; decay only)
//   phi in place on Q and K (bf16), keys past the end zeroed; Kw_j = phi(k_j)
//   exp(A_last - A_j)
//   per warp (16 query rows):
//     W   = phi(Q) phi(K)^T, W_ij *= exp(A_i - A_j) for j <= i, else 0
//     O   = exp(A_i) phi(Q) [S | z]  +  W [V | 1]
//     out = O[:, :slice] / (O[:, z] + eps)        (the ones column gives the
//                                                  row sums: no extra pass)
//   per warp (D / 16 / warps row tiles of the state):
//     [S | z] = exp(A_last) [S | z] + Kw^T [V | 1]    (accumulators stay
//     in registers; a bf16 copy in shared memory is the next chunk's operand)
//
// Every exponent is <= 0 where it is used, so long sequences neither
// overflow nor underflow. Without `causal` the state of all keys is built
// first, then each query chunk reads it. The products take operands of the
// input type; the state and the normaliser grow with the keys they sum, so
// with f16 the state's copy is scaled by a power of two at most 1 / n (n:
// those keys, decayed) and the products that read it scale back in f32.
//
//===----------------------------------------------------------------------===//

#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

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

namespace {

constexpr double kLog2E = 1.4426950408889634;

class LinearKernelBuilder {
public:
  LinearKernelBuilder(OpBuilder &builder, Location loc, LinearAttentionOp op,
                      const GpuLinearKernelShape &shape)
      : b(builder), loc(loc), op(op),
        shape(shape), w{builder, loc,
                        op.getQuery().getType().getElementType()} {}

  /// Builds `part` of the kernel (both parts read the same arguments; the
  /// workspace only with segments).
  void build(LinearKernelPart part, Value query, Value key, Value value,
             Value decay, Value output, Value workspace);

private:
  Value c(int64_t value) { return w.index(value); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value mulF(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  /// exp(x) by the hardware's ex2.approx.
  Value exp(Value x) { return w.exp2(mulF(x, w.f32(kLog2E))); }
  void barrier() { gpu::BarrierOp::create(b, loc); }
  /// Runs `body` under `condition` (no results).
  void ifThen(Value condition, function_ref<void()> body) {
    auto branch = scf::IfOp::create(b, loc, condition, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    body();
  }

  /// `body` when the warp's 16 query rows of the chunk reach key block
  /// `block` (block <= warp: causal), else `current` unchanged.
  SmallVector<Accumulator>
  ifWarpReaches(int64_t block, ArrayRef<Accumulator> current,
                function_ref<SmallVector<Accumulator>()> body);

  /// tiles += a [V | 1] for the keys [16 step, 16 step + 16) of `values`
  /// (the ones column only with `normalize`).
  void multiplyValues(const OperandA &a, Value values, int64_t step,
                      MutableArrayRef<Accumulator> tiles);

  /// A [rows, pitch] view of shared memory at `byteOffset`.
  Value view(Value byteOffset, int64_t rows, int64_t pitch, Type element);
  Value view(int64_t byteOffset, int64_t rows, int64_t pitch, Type element) {
    return view(c(byteOffset), rows, pitch, element);
  }
  struct Stage {
    Value query, key, value, gates;
  };
  /// Stage `index`'s tiles.
  Stage stage(Value index);

  /// cp.async of `rows` rows of `columns` columns of buffer[batch, head]
  /// from (firstRow, firstColumn) into `tile`; rows where `valid` is false
  /// are zero-filled.
  void copyRows(Value buffer, Value headIndex, Value tile, int64_t columns,
                Value firstColumn, function_ref<Value(Value)> valid,
                function_ref<Value(Value)> sourceRow);
  /// Loads chunk `chunkIndex` into stage `stageIndex`: Q (query rows of the
  /// chunk's positions), K, V and the gates as `what` says.
  void loadChunk(Value chunkIndex, Value stageIndex, bool loadQuery,
                 bool loadKeyValue);
  /// The query row of chunk position `position` and whether it exists.
  std::pair<Value, Value> queryRowAt(Value position);

  /// Rewrites a [chunk, dim] tile in place, eight elements per thread step:
  /// each element x of row r becomes f(r, x) (and, with `second`, f(r, x)
  /// weight(r) into `second`).
  void transformTile(Value tile, int64_t dim,
                     function_ref<Value(Value, Value)> f, Value second = {},
                     function_ref<Value(Value)> weight = {});
  /// A pair of 16-bit ones of the operand type (a B operand of ones).
  Value onesPair() {
    return arith::ConstantIntOp::create(
        b, loc, w.elementType.isBF16() ? 0x3F803F80 : 0x3C003C00, 32);
  }
  /// f16 operands: the scale of the state's copy after `keys` (f32) keys,
  /// a power of two at most 1 / keys, and its inverse; bf16: none.
  std::pair<Value, Value> stateScale(Value keys);
  /// The keys summed into the state (decayed) before chunk c, and after.
  Value keysSummed(Value chunkIndex, bool after);
  /// The parity of chunk c within its segment: its stage, and the state
  /// buffer and count slot that it reads.
  Value parity(Value chunkIndex) {
    return rem(sub(chunkIndex, segmentFirst), c(2));
  }
  /// Warp 0's inclusive prefix sums of the chunk's gates into shared memory.
  /// With f16 operands also the decayed count of the keys summed into the
  /// state after chunk `chunkIndex` (keysSummed's slot).
  void scanGates(Value gates, Value prefix, Value chunkIndex);
  /// phi of every element of the chunk's Q and/or K (keys past the end
  /// zeroed; with decay also the weighted keys), V converted to bf16.
  void prepareChunk(Value chunkIndex, Value stageIndex, bool queries,
                    bool keysValues);

  /// The warp's 16 rows of phi(Q) [S | z] (+ W [V | 1] when causal) for
  /// chunk `chunkIndex` read from stage `stageIndex` and state buffer
  /// `stateIndex` (summing `stateKeys` keys); stores the rows.
  void outputRows(Value chunkIndex, Value stageIndex, Value stateIndex,
                  Value stateKeys, bool intraChunk);
  /// [S | z] = decay [S | z] + Kw^T [V | 1] for this warp's row tiles of
  /// the state (then summing `stateKeys` keys), copied in the operand type
  /// into state buffer `stateIndex`.
  SmallVector<Value> updateState(ValueRange state, Value stageIndex,
                                 Value stateIndex, Value stateKeys);
  /// The copy of this warp's state accumulators `acc` (row tile `rowTile`)
  /// in the operand type in state buffer `stateIndex`, scaled for f16.
  void writeStateCopy(ArrayRef<Accumulator> acc, Value rowTile,
                      Value stateIndex, Value stateKeys);
  /// Runs `body(i, rowTile)` for each of this warp's state row tiles
  /// (guarded where warps outnumber them); `body` returns the tile's new
  /// carried values (`carried` slice i when skipped).
  SmallVector<Value>
  forEachStateTile(ValueRange carried,
                   function_ref<SmallVector<Value>(int64_t, Value)> body);
  /// Segments: the element index in the workspace of state (row, column)
  /// of segment `seg`, and of its scalar `which` (0: log-decay, 1: count).
  Value workspaceState(Value seg, Value row, Value column);
  Value workspaceScalar(Value seg, int64_t which);
  /// Segments: the state the CTA's segment starts from, combined from the
  /// workspace's segments [0, end) (each decayed over the ones after it),
  /// as carried accumulators; with f16 and decay also its count.
  std::pair<SmallVector<Value>, Value> initialState(Value end);
  /// Stores the warp's rows: `numerator` accumulators (and `denominator`,
  /// rows g and g + 8 of this lane) at chunk-local row base `rowBase`.
  void storeRows(ArrayRef<Accumulator> numerator, Value denominatorLow,
                 Value denominatorHigh, Value chunkIndex);
  /// Zeroes output rows [0, rows) of the CTA's slice.
  void zeroRows(Value rows);

  /// A loop over `count` chunks that loads chunk c + 1 while c is worked
  /// on (two stages) and carries `init`; `body` gets the chunk, its stage
  /// and the carried values and returns the new ones.
  ValueRange
  chunkLoop(Value first, Value count, bool loadQuery, bool loadKeyValue,
            ValueRange init,
            function_ref<SmallVector<Value>(Value, Value, ValueRange)> body);
  /// This CTA's segment of `chunks` chunks: its first chunk and count.
  std::pair<Value, Value> segmentOf(Value chunks);

  OpBuilder &b;
  Location loc;
  LinearAttentionOp op;
  const GpuLinearKernelShape &shape;
  /// Products of the input type (f16 or bf16).
  WarpMatrix w;

  Value smem, tid, lane, warp, batch, head, kvHead, columnBase;
  /// The sequence segment of this CTA (0 without segments), the first chunk
  /// of the segment its loop walks, and the workspace (segments only).
  Value segment, segmentFirst, workspace;
  Value queryLength, keyLength;
  Value query, key, value, decay, output;
  /// ldmatrix lane addresses (FlashKernel.cpp's): A operands and
  /// transposed B operands; B operands from row-major [n][k] tiles (and A
  /// operands from transposed [k][m] ones).
  Value matrixRow, matrixColumn, keyMatrixRow, keyMatrixColumn;
  int64_t stateTilesPerWarp = 0;
};

} // namespace

SmallVector<Accumulator> LinearKernelBuilder::ifWarpReaches(
    int64_t block, ArrayRef<Accumulator> current,
    function_ref<SmallVector<Accumulator>()> body) {
  if (block == 0)
    return body();
  auto flatten = [](ArrayRef<Accumulator> tiles) {
    SmallVector<Value> flat;
    for (const Accumulator &tile : tiles)
      flat.append(tile.begin(), tile.end());
    return flat;
  };
  SmallVector<Type> types(4 * current.size(), b.getF32Type());
  auto branch = scf::IfOp::create(
      b, loc, types,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, c(block), warp),
      true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    scf::YieldOp::create(b, loc, flatten(body()));
    b.setInsertionPointToStart(branch.elseBlock());
    scf::YieldOp::create(b, loc, flatten(current));
  }
  SmallVector<Accumulator> tiles(current.size());
  for (auto [index, result] : llvm::enumerate(branch.getResults()))
    tiles[index / 4][index % 4] = result;
  return tiles;
}

void LinearKernelBuilder::multiplyValues(const OperandA &a, Value values,
                                         int64_t step,
                                         MutableArrayRef<Accumulator> tiles) {
  int64_t valueTiles = shape.valueSlice / 8;
  for (int64_t pair = 0; pair < valueTiles / 2; ++pair) {
    std::array<Value, 4> r =
        w.loadMatrices(values, add(c(16 * step), matrixRow),
                       add(c(16 * pair), matrixColumn), true);
    for (int64_t half = 0; half < 2; ++half)
      tiles[2 * pair + half] = w.multiply(
          a, OperandB{r[2 * half], r[2 * half + 1]}, tiles[2 * pair + half]);
  }
  if (shape.normalize) {
    Value ones = onesPair();
    tiles[valueTiles] = w.multiply(a, OperandB{ones, ones}, tiles[valueTiles]);
  }
}

Value LinearKernelBuilder::view(Value byteOffset, int64_t rows, int64_t pitch,
                                Type element) {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto type = MemRefType::get({rows, pitch}, element,
                              MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, loc, type, smem, byteOffset, ValueRange{});
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

void LinearKernelBuilder::copyRows(Value buffer, Value headIndex, Value tile,
                                   int64_t columns, Value firstColumn,
                                   function_ref<Value(Value)> valid,
                                   function_ref<Value(Value)> sourceRow) {
  int64_t perRow = columns / 8, total = shape.chunk * perRow;
  int64_t threads = shape.threads();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  for (int64_t first = 0; first < total; first += threads) {
    auto emit = [&]() {
      Value linear = add(tid, c(first));
      Value row = div(linear, c(perRow));
      Value column = mul(rem(linear, c(perRow)), c(8));
      Value isValid = valid(row);
      // Invalid rows read row 0 with a source size of 0: zeros.
      Value source = select(isValid, sourceRow(row), c(0));
      Value elements = select(isValid, c(8), c(0));
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, tile, ValueRange{row, column}, buffer,
          ValueRange{batch, headIndex, source, add(firstColumn, column)},
          b.getIndexAttr(8), elements, b.getUnitAttr());
    };
    if (first + threads <= total)
      emit();
    else
      ifThen(lt(add(tid, c(first)), c(total)), emit);
  }
}

std::pair<Value, Value> LinearKernelBuilder::queryRowAt(Value position) {
  if (!shape.causal)
    return {position, lt(position, queryLength)};
  // Bottom-right alignment: position p holds query p + Lq - Lkv, which
  // exists when p < Lkv and p + Lq >= Lkv.
  Value shifted = add(position, queryLength);
  Value exists = arith::AndIOp::create(
      b, loc, lt(position, keyLength),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, shifted,
                            keyLength));
  return {sub(shifted, keyLength), exists};
}

void LinearKernelBuilder::loadChunk(Value chunkIndex, Value stageIndex,
                                    bool loadQuery, bool loadKeyValue) {
  Stage s = stage(stageIndex);
  Value firstPosition = mul(chunkIndex, c(shape.chunk));
  if (loadQuery)
    copyRows(
        query, head, s.query, shape.headDim, c(0),
        [&](Value row) { return queryRowAt(add(firstPosition, row)).second; },
        [&](Value row) { return queryRowAt(add(firstPosition, row)).first; });
  if (!loadKeyValue)
    return;
  auto keyValid = [&](Value row) {
    return lt(add(firstPosition, row), keyLength);
  };
  auto keyRow = [&](Value row) { return add(firstPosition, row); };
  copyRows(key, kvHead, s.key, shape.headDim, c(0), keyValid, keyRow);
  copyRows(value, kvHead, s.value, shape.valueSlice, columnBase, keyValid,
           keyRow);
  if (!shape.decay)
    return;
  // One 4-byte copy per gate (any strides); past the end: zeros, which
  // leave the prefix sums at the last key's.
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  ifThen(lt(tid, c(shape.chunk)), [&]() {
    Value position = add(firstPosition, tid);
    Value isValid = lt(position, keyLength);
    nvgpu::DeviceAsyncCopyOp::create(
        b, loc, tokenType, s.gates, ValueRange{c(0), tid}, decay,
        ValueRange{batch, head, select(isValid, position, c(0))},
        b.getIndexAttr(1), select(isValid, c(1), c(0)), UnitAttr());
  });
}

void LinearKernelBuilder::transformTile(Value tile, int64_t dim,
                                        function_ref<Value(Value, Value)> f,
                                        Value second,
                                        function_ref<Value(Value)> weight) {
  int64_t perRow = dim / 8, total = shape.chunk * perRow;
  int64_t threads = shape.threads();
  auto f32x8 = VectorType::get({8}, b.getF32Type());
  auto narrowType = VectorType::get({8}, w.elementType);
  for (int64_t first = 0; first < total; first += threads) {
    auto emit = [&]() {
      Value linear = add(tid, c(first));
      Value row = div(linear, c(perRow));
      Value column = mul(rem(linear, c(perRow)), c(8));
      Value raw = vector::LoadOp::create(
          b, loc, narrowType, tile, ValueRange{row, column},
          /*nontemporal=*/false, llvm::Align(16));
      Value wide = arith::ExtFOp::create(b, loc, f32x8, raw);
      Value rowWeight = second ? weight(row) : Value();
      SmallVector<Value> mapped, weighted;
      for (int64_t e = 0; e < 8; ++e) {
        Value x = vector::ExtractOp::create(b, loc, wide, e);
        mapped.push_back(f(row, x));
        if (second)
          weighted.push_back(mulF(mapped.back(), rowWeight));
      }
      auto store = [&](ArrayRef<Value> values, Value target) {
        Value narrow = arith::TruncFOp::create(
            b, loc, narrowType,
            vector::FromElementsOp::create(b, loc, f32x8, values));
        vector::StoreOp::create(b, loc, narrow, target, ValueRange{row, column},
                                /*nontemporal=*/false, llvm::Align(16));
      };
      store(mapped, tile);
      if (second)
        store(weighted, second);
    };
    if (first + threads <= total)
      emit();
    else
      ifThen(lt(add(tid, c(first)), c(total)), emit);
  }
}

std::pair<Value, Value> LinearKernelBuilder::stateScale(Value keys) {
  if (!w.elementType.isF16())
    return {};
  // e = floor(log2 max(keys, 1)) + 1 from the f32 exponent bits: 2^-e <
  // 1 / keys, both exact powers of two.
  Type i32 = b.getI32Type();
  auto constant = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 32).getResult();
  };
  Value clamped = arith::MaximumFOp::create(b, loc, keys, w.f32(1.0));
  Value bits = arith::BitcastOp::create(b, loc, i32, clamped);
  Value e = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, constant(23)),
      constant(126));
  auto power = [&](Value exponent) {
    return arith::BitcastOp::create(
        b, loc, b.getF32Type(),
        arith::ShLIOp::create(b, loc, exponent, constant(23)));
  };
  return {power(arith::SubIOp::create(b, loc, constant(127), e)),
          power(arith::AddIOp::create(b, loc, constant(127), e))};
}

Value LinearKernelBuilder::keysSummed(Value chunkIndex, bool after) {
  if (shape.decay) {
    // scanGates keeps the decayed count after chunk c in slot (c + 1) % 2.
    Value slots = view(shape.countsOffset(), 1, 2, b.getF32Type());
    Value slot = parity(after ? add(chunkIndex, c(1)) : chunkIndex);
    return memref::LoadOp::create(b, loc, slots, ValueRange{c(0), slot});
  }
  Value end = mul(after ? add(chunkIndex, c(1)) : chunkIndex, c(shape.chunk));
  Value keys = arith::MinUIOp::create(b, loc, end, keyLength);
  return arith::UIToFPOp::create(
      b, loc, b.getF32Type(),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), keys));
}

void LinearKernelBuilder::scanGates(Value gates, Value prefix,
                                    Value chunkIndex) {
  // Lane l holds gates [l n, l n + n) of the chunk (n = chunk / 32): its
  // own prefix sums, then a warp scan of the lanes' totals.
  int64_t perLane = shape.chunk / 32;
  ifThen(lt(tid, c(32)), [&]() {
    Value first = mul(lane, c(perLane));
    SmallVector<Value> local;
    for (int64_t i = 0; i < perLane; ++i) {
      Value x = memref::LoadOp::create(b, loc, gates,
                                       ValueRange{c(0), add(first, c(i))});
      local.push_back(
          i ? arith::AddFOp::create(b, loc, local.back(), x).getResult() : x);
    }
    Value total = local.back(), sum = total;
    Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
    Value laneI32 =
        arith::IndexCastOp::create(b, loc, b.getI32Type(), lane).getResult();
    for (int64_t offset = 1; offset < 32; offset *= 2) {
      Value shifted =
          gpu::ShuffleOp::create(
              b, loc, sum, arith::ConstantIntOp::create(b, loc, offset, 32),
              width, gpu::ShuffleMode::UP)
              .getShuffleResult();
      Value from = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::sge, laneI32,
          arith::ConstantIntOp::create(b, loc, offset, 32));
      sum =
          arith::AddFOp::create(b, loc, sum, select(from, shifted, w.f32(0.0)));
    }
    Value before = arith::SubFOp::create(b, loc, sum, total);
    SmallVector<Value> sums;
    for (int64_t i = 0; i < perLane; ++i) {
      sums.push_back(arith::AddFOp::create(b, loc, before, local[i]));
      memref::StoreOp::create(b, loc, sums.back(), prefix,
                              ValueRange{c(0), add(first, c(i))});
    }
    if (!w.elementType.isF16())
      return;
    // n_c = exp(A_last) n_(c-1) + sum_j exp(A_last - A_j).
    Value last = gpu::ShuffleOp::create(
                     b, loc, sum, arith::ConstantIntOp::create(b, loc, 31, 32),
                     width, gpu::ShuffleMode::IDX)
                     .getShuffleResult();
    Value weights = w.f32(0.0);
    for (Value a : sums)
      weights = arith::AddFOp::create(
          b, loc, weights, exp(arith::SubFOp::create(b, loc, last, a)));
    for (int64_t offset = 1; offset < 32; offset *= 2)
      weights = arith::AddFOp::create(
          b, loc, weights,
          gpu::ShuffleOp::create(
              b, loc, weights, arith::ConstantIntOp::create(b, loc, offset, 32),
              width, gpu::ShuffleMode::XOR)
              .getShuffleResult());
    ifThen(lt(lane, c(1)), [&]() {
      Value slots = view(shape.countsOffset(), 1, 2, b.getF32Type());
      Value previous = memref::LoadOp::create(
          b, loc, slots, ValueRange{c(0), parity(chunkIndex)});
      Value count =
          arith::AddFOp::create(b, loc, mulF(exp(last), previous), weights);
      memref::StoreOp::create(b, loc, count, slots,
                              ValueRange{c(0), parity(add(chunkIndex, c(1)))});
    });
  });
}

void LinearKernelBuilder::prepareChunk(Value chunkIndex, Value stageIndex,
                                       bool queries, bool keysValues) {
  Stage tiles = stage(stageIndex);
  FeatureMap feature = op.getFeature();
  auto phi = [&](Value, Value x) {
    return buildFeatureMap(b, loc, feature, x);
  };
  bool identity = feature == FeatureMap::Identity;
  Value prefix;
  if (shape.decay && keysValues) {
    prefix = view(shape.prefixOffset(), 1, shape.chunk, b.getF32Type());
    scanGates(tiles.gates, prefix, chunkIndex);
    barrier();
  }
  if (queries && !identity)
    transformTile(tiles.query, shape.headDim, phi);
  if (!keysValues)
    return;
  Value firstPosition = mul(chunkIndex, c(shape.chunk));
  // Keys past the end were zero-filled, but phi(0) need not be 0.
  auto keyPhi = [&](Value row, Value x) {
    Value valid = lt(add(firstPosition, row), keyLength);
    return select(valid, buildFeatureMap(b, loc, feature, x), w.f32(0.0));
  };
  if (shape.decay) {
    Value last = memref::LoadOp::create(b, loc, prefix,
                                        ValueRange{c(0), c(shape.chunk - 1)});
    Value weighted = view(shape.weightedKeysOffset(), shape.chunk,
                          shape.rowPitch(shape.headDim), w.elementType);
    transformTile(tiles.key, shape.headDim, keyPhi, weighted, [&](Value row) {
      Value own = memref::LoadOp::create(b, loc, prefix, ValueRange{c(0), row});
      return exp(arith::SubFOp::create(b, loc, last, own));
    });
  } else if (!identity) {
    transformTile(tiles.key, shape.headDim, keyPhi);
  }
}

void LinearKernelBuilder::outputRows(Value chunkIndex, Value stageIndex,
                                     Value stateIndex, Value stateKeys,
                                     bool intraChunk) {
  int64_t chunk = shape.chunk, headDim = shape.headDim;
  int64_t valueTiles = shape.valueSlice / 8;
  int64_t stateTiles = shape.stateColumns() / 8;
  int64_t outputTiles = valueTiles + (shape.normalize ? 1 : 0);
  Stage s = stage(stageIndex);
  Value stateBuffer =
      view(add(c(shape.stateOffset()), mul(stateIndex, c(shape.stateBytes()))),
           headDim, shape.rowPitch(shape.stateColumns()), w.elementType);
  Value zero = w.f32(0.0);
  Accumulator empty{zero, zero, zero, zero};
  SmallVector<Accumulator> scores(intraChunk ? chunk / 8 : 0, empty);
  SmallVector<Accumulator> out(outputTiles, empty);
  Value rowBase = mul(warp, c(16));
  SmallVector<OperandA> queryFragments;
  for (int64_t step = 0; step < headDim / 16; ++step) {
    std::array<Value, 4> a =
        w.loadMatrices(s.query, add(rowBase, matrixRow),
                       add(c(16 * step), matrixColumn), false);
    queryFragments.push_back(OperandA{a[0], a[1], a[2], a[3]});
  }
  for (int64_t step = 0; step < headDim / 16; ++step) {
    for (int64_t pair = 0; pair < stateTiles / 2; ++pair) {
      std::array<Value, 4> r =
          w.loadMatrices(stateBuffer, add(c(16 * step), matrixRow),
                         add(c(16 * pair), matrixColumn), true);
      for (int64_t half = 0; half < 2; ++half)
        if (2 * pair + half < outputTiles)
          out[2 * pair + half] = w.multiply(
              queryFragments[step], OperandB{r[2 * half], r[2 * half + 1]},
              out[2 * pair + half]);
    }
  }
  // The keys of 16-key block `pair` are all after the warp's rows when
  // pair > warp: those scores are masked, not computed.
  for (int64_t pair = 0; pair < (intraChunk ? chunk / 16 : 0); ++pair) {
    SmallVector<Accumulator> computed =
        ifWarpReaches(pair, {scores[2 * pair], scores[2 * pair + 1]}, [&]() {
          SmallVector<Accumulator> tiles{scores[2 * pair],
                                         scores[2 * pair + 1]};
          for (int64_t step = 0; step < headDim / 16; ++step) {
            std::array<Value, 4> r =
                w.loadMatrices(s.key, add(c(16 * pair), keyMatrixRow),
                               add(c(16 * step), keyMatrixColumn), false);
            for (int64_t half = 0; half < 2; ++half)
              tiles[half] = w.multiply(queryFragments[step],
                                       OperandB{r[2 * half], r[2 * half + 1]},
                                       tiles[half]);
          }
          return tiles;
        });
    scores[2 * pair] = computed[0];
    scores[2 * pair + 1] = computed[1];
  }
  // The copy was scaled to f16's range: back to the state's.
  if (Value inverse = stateScale(stateKeys).second)
    for (Accumulator &tile : out)
      for (Value &x : tile)
        x = mulF(x, inverse);
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  Value prefix;
  SmallVector<Value> rowPrefix;
  if (shape.decay) {
    // The state reaches row i decayed by exp(A_i).
    prefix = view(shape.prefixOffset(), 1, chunk, b.getF32Type());
    for (int64_t half = 0; half < 2; ++half) {
      Value row = add(rowBase, add(group, c(8 * half)));
      rowPrefix.push_back(
          memref::LoadOp::create(b, loc, prefix, ValueRange{c(0), row}));
    }
    for (Accumulator &tile : out)
      for (int64_t slot = 0; slot < 4; ++slot)
        tile[slot] = mulF(tile[slot], exp(rowPrefix[slot / 2]));
  }
  if (intraChunk) {
    // W_ij for j <= i, decayed by exp(A_i - A_j); packed as A operands.
    SmallVector<Value> words;
    for (int64_t tile = 0; tile < chunk / 8; ++tile) {
      SmallVector<Value> masked;
      for (int64_t slot = 0; slot < 4; ++slot) {
        Value row = add(rowBase, add(group, c(8 * (slot / 2))));
        Value column = add(c(8 * tile + slot % 2), mul(quad, c(2)));
        Value x = scores[tile][slot];
        if (shape.decay) {
          Value own =
              memref::LoadOp::create(b, loc, prefix, ValueRange{c(0), column});
          x = mulF(
              x, exp(arith::SubFOp::create(b, loc, rowPrefix[slot / 2], own)));
        }
        Value allowed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                              column, row);
        masked.push_back(select(allowed, x, zero));
      }
      words.push_back(w.pack(masked[0], masked[1]));
      words.push_back(w.pack(masked[2], masked[3]));
    }
    for (int64_t step = 0; step < chunk / 16; ++step) {
      // Tiles 2 step and 2 step + 1 hold keys 16 step .. 16 step + 15.
      OperandA p{words[4 * step], words[4 * step + 1], words[4 * step + 2],
                 words[4 * step + 3]};
      out = ifWarpReaches(step, out, [&]() {
        SmallVector<Accumulator> tiles(out);
        multiplyValues(p, s.value, step, tiles);
        return tiles;
      });
    }
  }
  SmallVector<Accumulator> numerator(out.begin(), out.begin() + valueTiles);
  Value low, high;
  if (shape.normalize) {
    float eps = op.getEps() ? op.getEps()->convertToFloat() : 1e-6f;
    low = arith::AddFOp::create(b, loc, out[valueTiles][0], w.f32(eps));
    high = arith::AddFOp::create(b, loc, out[valueTiles][2], w.f32(eps));
  }
  storeRows(numerator, low, high, chunkIndex);
}

void LinearKernelBuilder::storeRows(ArrayRef<Accumulator> numerator,
                                    Value denominatorLow, Value denominatorHigh,
                                    Value chunkIndex) {
  Type outputElement = cast<MemRefType>(output.getType()).getElementType();
  WarpMatrix packer{b, loc, outputElement};
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  int64_t tiles = numerator.size();
  for (int64_t half = 0; half < 2; ++half) {
    Value denominator = half ? denominatorHigh : denominatorLow;
    Value scale = denominator ? w.reciprocal(denominator) : Value();
    SmallVector<Value> words;
    for (const Accumulator &tile : numerator) {
      Value x0 = tile[2 * half], x1 = tile[2 * half + 1];
      if (scale) {
        x0 = mulF(x0, scale);
        x1 = mulF(x1, scale);
      }
      words.push_back(packer.pack(x0, x1));
    }
    Value position = add(mul(chunkIndex, c(shape.chunk)),
                         add(mul(warp, c(16)), add(group, c(8 * half))));
    Value row, exists;
    std::tie(row, exists) = queryRowAt(position);
    // 16-byte stores: lane q of a quad takes tile t0 + q's eight columns
    // (the output's rows are 16-byte aligned: the launchers check it).
    int64_t grouped = tiles / 4 * 4;
    w.transposeQuads(MutableArrayRef<Value>(words).take_front(grouped), lane);
    ifThen(exists, [&]() {
      w.storeRowWords(words, grouped, output, {batch, head, row}, columnBase,
                      quad);
    });
  }
}

SmallVector<Value> LinearKernelBuilder::forEachStateTile(
    ValueRange carried, function_ref<SmallVector<Value>(int64_t, Value)> body) {
  int64_t perTile = 4 * (shape.stateColumns() / 8 - shape.normalize);
  int64_t rowTiles = shape.headDim / 16;
  SmallVector<Value> updated;
  for (int64_t i = 0; i < stateTilesPerWarp; ++i) {
    // Warp w owns the state's row tiles w * perWarp + i.
    Value rowTile = add(mul(warp, c(stateTilesPerWarp)), c(i));
    if (rowTiles % shape.warps == 0) {
      llvm::append_range(updated, body(i, rowTile));
      continue;
    }
    // Fewer row tiles than warps x perWarp: the last warps idle.
    ValueRange kept = carried.slice(i * perTile, perTile);
    SmallVector<Type> types(perTile, b.getF32Type());
    auto branch =
        scf::IfOp::create(b, loc, types, lt(rowTile, c(rowTiles)), true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    scf::YieldOp::create(b, loc, body(i, rowTile));
    b.setInsertionPointToStart(branch.elseBlock());
    scf::YieldOp::create(b, loc, kept);
    b.setInsertionPointAfter(branch);
    llvm::append_range(updated, branch.getResults());
  }
  return updated;
}

void LinearKernelBuilder::writeStateCopy(ArrayRef<Accumulator> acc,
                                         Value rowTile, Value stateIndex,
                                         Value stateKeys) {
  Value stateBuffer =
      view(add(c(shape.stateOffset()), mul(stateIndex, c(shape.stateBytes()))),
           shape.headDim, shape.rowPitch(shape.stateColumns()), w.elementType);
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  Value scale = stateScale(stateKeys).first;
  auto scaled = [&](Value x) { return scale ? mulF(x, scale) : x; };
  for (auto [t, tile] : llvm::enumerate(acc))
    for (int64_t half = 0; half < 2; ++half) {
      Value word = w.pack(scaled(tile[2 * half]), scaled(tile[2 * half + 1]));
      Value pair = vector::BitCastOp::create(
          b, loc, VectorType::get({2}, w.elementType),
          vector::FromElementsOp::create(
              b, loc, VectorType::get({1}, b.getI32Type()), ValueRange{word}));
      Value row = add(mul(rowTile, c(16)), add(group, c(8 * half)));
      Value column = add(c(8 * static_cast<int64_t>(t)), mul(quad, c(2)));
      vector::StoreOp::create(b, loc, pair, stateBuffer,
                              ValueRange{row, column},
                              /*nontemporal=*/false, llvm::Align(4));
    }
}

static SmallVector<Accumulator> asTiles(ValueRange flat) {
  SmallVector<Accumulator> tiles(flat.size() / 4);
  for (auto [index, value] : llvm::enumerate(flat))
    tiles[index / 4][index % 4] = value;
  return tiles;
}

static SmallVector<Value> flatten(ArrayRef<Accumulator> tiles) {
  SmallVector<Value> flat;
  for (const Accumulator &tile : tiles)
    flat.append(tile.begin(), tile.end());
  return flat;
}

SmallVector<Value> LinearKernelBuilder::updateState(ValueRange state,
                                                    Value stageIndex,
                                                    Value stateIndex,
                                                    Value stateKeys) {
  int64_t chunk = shape.chunk, headDim = shape.headDim;
  int64_t perTile = 4 * (shape.stateColumns() / 8 - shape.normalize);
  // (With normalize the z block's second 8 columns are never written.)
  Stage s = stage(stageIndex);
  Value keys = shape.decay ? view(shape.weightedKeysOffset(), chunk,
                                  shape.rowPitch(headDim), w.elementType)
                           : s.key;
  Value decayAll;
  if (shape.decay) {
    Value prefix = view(shape.prefixOffset(), 1, chunk, b.getF32Type());
    decayAll = exp(
        memref::LoadOp::create(b, loc, prefix, ValueRange{c(0), c(chunk - 1)}));
  }
  return forEachStateTile(state, [&](int64_t i, Value rowTile) {
    SmallVector<Accumulator> acc = asTiles(state.slice(i * perTile, perTile));
    if (decayAll)
      for (Accumulator &tile : acc)
        for (Value &x : tile)
          x = mulF(x, decayAll);
    for (int64_t step = 0; step < chunk / 16; ++step) {
      // Kw^T rows d, columns j: the transposed [j][d] tile.
      std::array<Value, 4> a =
          w.loadMatrices(keys, add(c(16 * step), keyMatrixRow),
                         add(mul(rowTile, c(16)), keyMatrixColumn), true);
      multiplyValues(OperandA{a[0], a[1], a[2], a[3]}, s.value, step, acc);
    }
    // The copy the next chunk's products read (none for a segment's
    // states, which leave through the workspace).
    if (stateIndex)
      writeStateCopy(acc, rowTile, stateIndex, stateKeys);
    return flatten(acc);
  });
}

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
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), space));
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
  auto kernel = gpu::GPUFuncOp::create(
      builder, loc, name, builder.getFunctionType(argumentTypes, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(builder.getDenseI32ArrayAttr(
      {static_cast<int32_t>(shape.threads()), 1, 1}));
  kernel->setAttr(kKernelBlockQAttr, builder.getI64IntegerAttr(shape.chunk));
  kernel->setAttr(kKernelGridXAttr, builder.getI64IntegerAttr(shape.slices()));
  kernel->setAttr(kKernelThreadsAttr,
                  builder.getI64IntegerAttr(shape.threads()));
  kernel->setAttr(kKernelSharedBytesAttr,
                  builder.getI64IntegerAttr(shape.sharedBytes()));
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
