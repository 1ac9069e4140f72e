//===- LinearKernelProducts.cpp - linear attention's products ------------===//
//
// The tensor-core products of a chunk: each warp's rows of phi(Q) [S | z]
// and W [V | 1] (the causal blocks past its rows skipped), their division
// by the normaliser and 16-byte stores; the state's update and the copy in
// the operand type that the next chunk reads.
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

SmallVector<Accumulator> LinearKernelBuilder::ifWarpReaches(
    int64_t block, ArrayRef<Accumulator> current,
    function_ref<SmallVector<Accumulator>()> body) {
  if (block == 0)
    return body();
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
  return asTiles(branch.getResults());
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
