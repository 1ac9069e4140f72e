//===- WarpMatrix.cpp - warp-level tensor-core fragments ------------------===//

#include "WarpMatrix.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::attn::gpu_lowering;

Value WarpMatrix::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value WarpMatrix::f32(double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value mlir::attn::gpu_lowering::dynamicSharedMemory(OpBuilder &b,
                                                    Location loc) {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  return gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), space));
}

Value mlir::attn::gpu_lowering::sharedView(OpBuilder &b, Location loc,
                                           Value smem, Value byteOffset,
                                           int64_t rows, int64_t columns,
                                           Type element) {
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto type = MemRefType::get({rows, columns}, element,
                              MemRefLayoutAttrInterface(), space);
  return memref::ViewOp::create(b, loc, type, smem, byteOffset, ValueRange{});
}

std::array<Value, 4> WarpMatrix::loadMatrices(Value tile, Value row, Value col,
                                              bool transpose) {
  auto pairType = VectorType::get({2}, elementType);
  auto resultType = VectorType::get({4, 2}, elementType);
  Value matrices = nvgpu::LdMatrixOp::create(b, loc, resultType, tile,
                                             ValueRange{row, col}, transpose,
                                             /*numTiles=*/4);
  std::array<Value, 4> registers;
  auto wordType = VectorType::get({1}, b.getI32Type());
  for (int64_t k = 0; k < 4; ++k) {
    Value pair = vector::ExtractOp::create(b, loc, matrices, k);
    assert(pair.getType() == pairType && "ldmatrix gives pairs");
    (void)pairType;
    Value word = vector::BitCastOp::create(b, loc, wordType, pair);
    registers[k] = vector::ExtractOp::create(b, loc, word, 0);
  }
  return registers;
}

Accumulator WarpMatrix::multiply(const OperandA &a, const OperandB &bOperand,
                                 const Accumulator &c) {
  // NVVM's mma.sync rather than nvgpu.mma.sync: MLIR 22's nvgpu op cannot
  // deduce PTX types for bf16 operands. f16 operands are f16x2 vectors.
  SmallVector<Value> aValues(a.begin(), a.end());
  SmallVector<Value> bValues(bOperand.begin(), bOperand.end());
  NVVM::MMATypes ptxType = NVVM::MMATypes::bf16;
  if (elementType.isF16()) {
    ptxType = NVVM::MMATypes::f16;
    auto halfPair = VectorType::get({2}, b.getF16Type());
    for (Value &value : aValues)
      value = LLVM::BitcastOp::create(b, loc, halfPair, value);
    for (Value &value : bValues)
      value = LLVM::BitcastOp::create(b, loc, halfPair, value);
  }
  Type f32Type = b.getF32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), {f32Type, f32Type, f32Type, f32Type});
  auto mma =
      NVVM::MmaOp::create(b, loc, resultType, aValues, bValues, ValueRange(c),
                          {16, 8, 16}, std::nullopt, std::nullopt,
                          std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
                          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                         NVVM::MMALayout::col});
  Accumulator d;
  for (int64_t k = 0; k < 4; ++k)
    d[k] = LLVM::ExtractValueOp::create(b, loc, mma.getResult(), k);
  return d;
}

Value WarpMatrix::pack(Value low, Value high) {
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, b.getF32Type()), ValueRange{low, high});
  Value narrow =
      arith::TruncFOp::create(b, loc, VectorType::get({2}, elementType), pair);
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), narrow);
  return vector::ExtractOp::create(b, loc, word, 0);
}

std::pair<Value, Value> WarpMatrix::unpack(Value word) {
  Value vector = vector::FromElementsOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), ValueRange{word});
  Value narrow = vector::BitCastOp::create(
      b, loc, VectorType::get({2}, elementType), vector);
  Value wide = arith::ExtFOp::create(
      b, loc, VectorType::get({2}, b.getF32Type()), narrow);
  return {vector::ExtractOp::create(b, loc, wide, 0),
          vector::ExtractOp::create(b, loc, wide, 1)};
}

Value WarpMatrix::butterfly(Value value, bool isMax) {
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  for (int64_t offset : {1, 2}) {
    Value mask = arith::ConstantIntOp::create(b, loc, offset, 32);
    Value other = gpu::ShuffleOp::create(b, loc, value, mask, width,
                                         gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    value = isMax ? arith::MaximumFOp::create(b, loc, value, other).getResult()
                  : arith::AddFOp::create(b, loc, value, other).getResult();
  }
  return value;
}

std::pair<Value, Value> WarpMatrix::warpMinMax(Value low, Value high,
                                               int64_t lanes) {
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  auto exchange = [&](Value value, Value mask) {
    return gpu::ShuffleOp::create(b, loc, value, mask, width,
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  };
  for (int64_t offset = 1; offset < lanes; offset *= 2) {
    Value mask = arith::ConstantIntOp::create(b, loc, offset, 32);
    low = arith::MinSIOp::create(b, loc, low, exchange(low, mask));
    high = arith::MaxSIOp::create(b, loc, high, exchange(high, mask));
  }
  return {low, high};
}

void WarpMatrix::transposeQuads(MutableArrayRef<Value> words, Value lane) {
  Type i32 = b.getI32Type();
  Value quad = arith::IndexCastOp::create(
      b, loc, i32,
      arith::RemUIOp::create(b, loc, lane,
                             arith::ConstantIndexOp::create(b, loc, 4)));
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  for (size_t first = 0; first + 4 <= words.size(); first += 4) {
    // Round `step` swaps, between lanes q and q ^ step, the words whose
    // index differs from the lane's in bit `step`: a lane with that bit set
    // sends its low word of each pair and keeps the high one.
    for (int64_t step : {1, 2}) {
      Value stepValue = arith::ConstantIntOp::create(b, loc, step, 32);
      Value upper =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                arith::AndIOp::create(b, loc, quad, stepValue),
                                arith::ConstantIntOp::create(b, loc, 0, 32));
      for (int64_t low = 0; low < 4; ++low) {
        if (low & step)
          continue;
        Value &lowWord = words[first + low];
        Value &highWord = words[first + (low | step)];
        Value sent = arith::SelectOp::create(b, loc, upper, lowWord, highWord);
        Value received = gpu::ShuffleOp::create(b, loc, sent, stepValue, width,
                                                gpu::ShuffleMode::XOR)
                             .getShuffleResult();
        Value newLow =
            arith::SelectOp::create(b, loc, upper, received, lowWord);
        highWord = arith::SelectOp::create(b, loc, upper, highWord, received);
        lowWord = newLow;
      }
    }
  }
}

Value WarpMatrix::rowMax(Value value) { return butterfly(value, true); }
Value WarpMatrix::rowSum(Value value) { return butterfly(value, false); }

Value WarpMatrix::exp2(Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, b.getF32Type(),
             b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"), ValueRange{x})
      .getResult(0);
}

Value WarpMatrix::log2(Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, b.getF32Type(), b.getStringAttr("llvm.nvvm.lg2.approx.f"),
             ValueRange{x})
      .getResult(0);
}

Value WarpMatrix::reciprocal(Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, b.getF32Type(),
             b.getStringAttr("llvm.nvvm.rcp.approx.ftz.f"), ValueRange{x})
      .getResult(0);
}

void WarpMatrix::storeRowWords(ArrayRef<Value> words, int64_t grouped,
                               Value output, ValueRange indices,
                               Value columnBase, Value quad,
                               int64_t storedColumns) {
  Type i32 = b.getI32Type();
  Type element = cast<MemRefType>(output.getType()).getElementType();
  auto column = [&](int64_t first, int64_t perLane) {
    Value offset = arith::AddIOp::create(
        b, loc, index(first),
        arith::MulIOp::create(b, loc, quad, index(perLane)));
    return columnBase
               ? arith::AddIOp::create(b, loc, columnBase, offset).getResult()
               : offset;
  };
  auto store = [&](Value vector, Value at, int64_t alignment) {
    SmallVector<Value> position(indices);
    position.push_back(at);
    vector::StoreOp::create(b, loc, vector, output, position,
                            /*nontemporal=*/false, llvm::Align(alignment));
  };
  // (Padded outputs have a multiple of 8 columns: every word is stored
  // whole or not at all.)
  int64_t storedWords =
      std::min<int64_t>(static_cast<int64_t>(words.size()), storedColumns / 8);
  for (int64_t t0 = 0; t0 < grouped && t0 < storedWords; t0 += 4) {
    Value packed = vector::FromElementsOp::create(
        b, loc, VectorType::get({4}, i32), words.slice(t0, 4));
    Value vector = vector::BitCastOp::create(
        b, loc, VectorType::get({8}, element), packed);
    if (t0 + 4 <= storedWords) {
      store(vector, column(8 * t0, 8), 16);
      continue;
    }
    // Lane `quad` holds word t0 + quad's eight columns.
    OpBuilder::InsertionGuard guard(b);
    auto stored = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, quad,
                              index(storedWords - t0)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(stored.thenBlock());
    store(vector, column(8 * t0, 8), 16);
  }
  for (int64_t tile = grouped; tile < storedWords; ++tile) {
    Value vector = vector::BitCastOp::create(
        b, loc, VectorType::get({2}, element),
        vector::FromElementsOp::create(b, loc, VectorType::get({1}, i32),
                                       ValueRange{words[tile]}));
    store(vector, column(8 * tile, 2), 4);
  }
}
