//===- LinearKernelChunks.cpp - a linear-attention chunk's data ----------===//
//
// A chunk's cp.async copies (Q at the chunk's positions, K, the value
// slice, the log-gates), warp 0's prefix sums of the gates (with f16 and
// decay, the decayed count of the keys summed), the feature maps applied in
// place in shared memory, and the f16 state copy's scale.
//
//===----------------------------------------------------------------------===//

#include "LinearKernelBuilder.h"

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
