//===- KernelEpilogue.cpp - normalisation, LSE, merges of warps, branches -===//

#include "FlashKernelBuilder.h"

#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Value FlashKernelBuilder::rowLse(Value shift, Value sum) {
  Value log2Sum = w.log2(sum);
  Value lse = arith::MulFOp::create(
      b, loc, arith::AddFOp::create(b, loc, shift, log2Sum), w.f32(kLn2));
  // Unordered: a NaN sum (a NaN or +inf score) gives NaN, as the formula
  // does; only an empty row's 0 gives -inf.
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, sum, w.f32(0.0));
  return arith::SelectOp::create(
      b, loc, positive, lse, w.f32(-std::numeric_limits<double>::infinity()));
}

Value FlashKernelBuilder::sinkWeight(Value sinkHead, Value shift) {
  Value logit = arith::MulFOp::create(
      b, loc, memref::LoadOp::create(b, loc, buffers.sink, sinkHead),
      w.f32(kLog2E));
  return w.exp2(arith::SubFOp::create(b, loc, logit, shift));
}

Value FlashKernelBuilder::toOutput(Value x) {
  Type outputElement =
      cast<MemRefType>(buffers.output.getType()).getElementType();
  if (outputElement.getIntOrFloatBitWidth() < 32)
    return arith::TruncFOp::create(b, loc, outputElement, x);
  if (outputElement.getIntOrFloatBitWidth() > 32)
    return arith::ExtFOp::create(b, loc, outputElement, x);
  return x;
}

void FlashKernelBuilder::mergeWarps(ValueRange state, int64_t accBase) {
  int64_t warps = shape.warps, rows = shape.blockQ();
  int64_t valueDim = shape.valueDim, valueTiles = valueDim / 8;
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // [warp][row] maxima and sums, then [warp][row][column] accumulators,
  // over the (no longer needed) tiles.
  auto rowsType = MemRefType::get({warps, rows}, b.getF32Type(),
                                  MemRefLayoutAttrInterface(), space);
  auto accType = MemRefType::get({warps, rows, valueDim}, b.getF32Type(),
                                 MemRefLayoutAttrInterface(), space);
  barrier();
  Value maxima =
      memref::ViewOp::create(b, loc, rowsType, smem, c(0), ValueRange{});
  Value sums = memref::ViewOp::create(b, loc, rowsType, smem,
                                      c(4 * warps * rows), ValueRange{});
  Value accs = memref::ViewOp::create(b, loc, accType, smem,
                                      c(8 * warps * rows), ValueRange{});
  for (int64_t half = 0; half < 2; ++half) {
    Value row = add(group, c(8 * half));
    Value sum = w.rowSum(state[2 + half]);
    auto firstLane = ifZero(quad);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(firstLane.thenBlock());
      memref::StoreOp::create(b, loc, state[half], maxima,
                              ValueRange{warp, row});
      memref::StoreOp::create(b, loc, sum, sums, ValueRange{warp, row});
    }
    for (int64_t tile = 0; tile < valueTiles; ++tile)
      for (int64_t k = 0; k < 2; ++k) {
        Value column = add(c(8 * tile + k), mul(quad, c(2)));
        memref::StoreOp::create(b, loc,
                                state[accBase + 4 * tile + 2 * half + k], accs,
                                ValueRange{warp, row, column});
      }
  }
  barrier();

  // Each thread combines elements (row, column) of the tile, consecutive
  // threads consecutive columns.
  int64_t packedRows = shape.packedGroup *
                       cast<MemRefType>(buffers.query.getType()).getDimSize(2);
  for (int64_t first = 0; first < rows * valueDim; first += shape.threads()) {
    Value element = add(tid, c(first));
    Value row = div(element, c(valueDim));
    Value column = rem(element, c(valueDim));
    CombinedParts combined =
        combineParts(warps, [&](int64_t k) -> std::array<Value, 3> {
          return {memref::LoadOp::create(b, loc, maxima, ValueRange{c(k), row}),
                  memref::LoadOp::create(b, loc, sums, ValueRange{c(k), row}),
                  memref::LoadOp::create(b, loc, accs,
                                         ValueRange{c(k), row, column})};
        });
    Value tileRow = add(rowBase, row);
    auto [rowHead, queryRow] = queryOfRow(tileRow);
    Value inside = arith::AndIOp::create(b, loc, lt(tileRow, c(packedRows)),
                                         lt(element, c(rows * valueDim)));
    // A padded tile's columns past the output's are not stored (the split
    // workspace has the tile's columns).
    if (shape.keySplits == 1 && shape.valueColumns < valueDim)
      inside = arith::AndIOp::create(b, loc, inside,
                                     lt(column, c(shape.valueColumns)));
    auto store = scf::IfOp::create(b, loc, inside, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    if (shape.keySplits > 1) {
      // The split's partial results: the combine kernel weighs them by
      // their maxima (the sink joins there, once).
      memref::StoreOp::create(
          b, loc, combined.numerator, buffers.splitAccumulators,
          ValueRange{keySplit, batch, rowHead, queryRow, column});
      auto firstColumn = ifZero(column);
      b.setInsertionPointToStart(firstColumn.thenBlock());
      for (auto [index, value] :
           llvm::enumerate(std::array<Value, 2>{combined.max, combined.sum}))
        memref::StoreOp::create(
            b, loc, value, buffers.splitStatistics,
            ValueRange{keySplit, batch, rowHead, queryRow, c(index)});
      continue;
    }
    storeCombined(combined, rowHead, queryRow, column);
  }
}

void FlashKernelBuilder::storeCombined(const CombinedParts &combined,
                                       Value rowHead, Value queryRow,
                                       Value column) {
  memref::StoreOp::create(b, loc, toOutput(combinedOutput(combined, rowHead)),
                          buffers.output,
                          ValueRange{batch, rowHead, queryRow, column});
  if (!buffers.lse)
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifZero(column).thenBlock());
  memref::StoreOp::create(b, loc, rowLse(combined.shift, combined.sum),
                          buffers.lse, ValueRange{batch, rowHead, queryRow});
}

FlashKernelBuilder::CombinedParts FlashKernelBuilder::combineParts(
    int64_t parts, function_ref<std::array<Value, 3>(int64_t)> part) {
  Value zero = w.f32(0.0);
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  SmallVector<std::array<Value, 3>> loaded;
  CombinedParts combined{negInf, zero, zero, zero};
  for (int64_t k = 0; k < parts; ++k) {
    loaded.push_back(part(k));
    combined.max =
        arith::MaximumFOp::create(b, loc, combined.max, loaded.back()[0]);
  }
  Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                      combined.max, negInf);
  combined.shift = arith::SelectOp::create(b, loc, empty, zero, combined.max);
  for (auto [max, sum, acc] : loaded) {
    if (sigmoidBias) {
      combined.numerator =
          arith::AddFOp::create(b, loc, combined.numerator, acc);
      continue;
    }
    // (A part without keys: 2^-inf = 0 times its zeros.)
    Value scale = w.exp2(arith::SubFOp::create(b, loc, max, combined.shift));
    combined.numerator = arith::AddFOp::create(
        b, loc, combined.numerator, arith::MulFOp::create(b, loc, scale, acc));
    combined.sum = arith::AddFOp::create(
        b, loc, combined.sum, arith::MulFOp::create(b, loc, scale, sum));
  }
  return combined;
}

Value FlashKernelBuilder::combinedOutput(const CombinedParts &combined,
                                         Value rowHead) {
  if (sigmoidBias)
    return combined.numerator;
  Value zero = w.f32(0.0);
  Value denominator = combined.sum;
  if (buffers.sink)
    denominator = arith::AddFOp::create(b, loc, denominator,
                                        sinkWeight(rowHead, combined.shift));
  Value hasWeight = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                          denominator, zero);
  return arith::SelectOp::create(
      b, loc, hasWeight,
      arith::DivFOp::create(b, loc, combined.numerator, denominator), zero);
}

/// The lane's column groups of a row's output words: (first column, words)
/// per group of 4 words through transposeQuads, then per word.
static SmallVector<std::pair<int64_t, int64_t>> wordGroups(int64_t words,
                                                           int64_t grouped) {
  SmallVector<std::pair<int64_t, int64_t>> groups;
  for (int64_t t0 = 0; t0 < grouped; t0 += 4)
    groups.push_back({t0, 4});
  for (int64_t tile = grouped; tile < words; ++tile)
    groups.push_back({tile, 1});
  return groups;
}

FlashKernelBuilder::MergeRowInputs
FlashKernelBuilder::loadMergeRow(Value row, Value quad, int64_t words,
                                 int64_t grouped) {
  const MergeEpilogueBuffers &merge = *buffers.merge;
  Type element = cast<MemRefType>(buffers.output.getType()).getElementType();
  MergeRowInputs inputs;
  for (Value gate : merge.gates)
    inputs.gates.push_back(
        memref::LoadOp::create(b, loc, gate, ValueRange{batch, head, row}));
  for (Value output : merge.outputs) {
    SmallVector<Value> &columns = inputs.branchColumns.emplace_back();
    if (!output)
      continue;
    // A padded tile's words past the value dim are not stored
    // (storeRowWords): they read a column that exists instead.
    int64_t outputWords = shape.valueColumns / 8;
    // Grouped words: lane `quad` holds columns 8 (t0 + quad) ... + 7; the
    // rest: columns 8 t + 2 quad and the next.
    for (auto [first, count] : wordGroups(words, grouped)) {
      Value column = add(c(8 * first), mul(quad, c(count == 4 ? 8 : 2)));
      if (first + count > outputWords)
        column = first >= outputWords
                     ? c(0)
                     : arith::SelectOp::create(b, loc,
                                               lt(quad, c(outputWords - first)),
                                               column, c(0))
                           .getResult();
      columns.push_back(vector::LoadOp::create(
          b, loc, VectorType::get({2 * count}, element), output,
          ValueRange{batch, head, row, column}, /*nontemporal=*/false,
          llvm::Align(4 * count)));
    }
  }
  return inputs;
}

void FlashKernelBuilder::mergeRowWords(MutableArrayRef<Value> words,
                                       int64_t grouped,
                                       const MergeRowInputs &inputs) {
  Type element = cast<MemRefType>(buffers.output.getType()).getElementType();
  Type i32 = b.getI32Type();
  for (auto [index, group] :
       llvm::enumerate(wordGroups(words.size(), grouped))) {
    auto [first, count] = group;
    MutableArrayRef<Value> own = words.slice(first, count);
    auto narrow = VectorType::get({2 * count}, element);
    auto wide = VectorType::get({2 * count}, b.getF32Type());
    Value ownColumns = vector::BitCastOp::create(
        b, loc, narrow,
        vector::FromElementsOp::create(b, loc, VectorType::get({count}, i32),
                                       own));
    Value sum = vector::BroadcastOp::create(b, loc, wide, w.f32(0.0));
    for (auto [branch, columns] : llvm::enumerate(inputs.branchColumns)) {
      Value term = arith::ExtFOp::create(
          b, loc, wide, columns.empty() ? ownColumns : columns[index]);
      if (!inputs.gates.empty())
        term = arith::MulFOp::create(
            b, loc,
            vector::BroadcastOp::create(b, loc, wide, inputs.gates[branch]),
            term);
      sum = arith::AddFOp::create(b, loc, sum, term);
    }
    Value merged =
        vector::BitCastOp::create(b, loc, VectorType::get({count}, i32),
                                  arith::TruncFOp::create(b, loc, narrow, sum));
    for (int64_t k = 0; k < count; ++k)
      own[k] = vector::ExtractOp::create(b, loc, merged, k);
  }
}

SmallVector<Value> FlashKernelBuilder::rowWords(ValueRange state, int64_t slot,
                                                Value inverse) {
  int64_t valueTiles = shape.valueDim / 8;
  int64_t accBase = 4 * shape.rowTiles, accPerTile = 4 * valueTiles;
  int64_t rowTile = slot / 2, half = slot % 2;
  SmallVector<Value> words;
  // (The output's element type is the operands': the op verifier says so.)
  for (int64_t tile = 0; tile < valueTiles; ++tile) {
    int64_t first = accBase + rowTile * accPerTile + 4 * tile + 2 * half;
    words.push_back(
        w.pack(arith::MulFOp::create(b, loc, state[first], inverse),
               arith::MulFOp::create(b, loc, state[first + 1], inverse)));
  }
  return words;
}

Value FlashKernelBuilder::rowInverse(ValueRange state, int64_t slot,
                                     Value sum) {
  // A sigmoid's weights are not normalised.
  if (sigmoidBias)
    return w.f32(1.0);
  Value zero = w.f32(0.0);
  // The LSE is that of the allowed keys: a sink joins only the denominator
  // of the output, + 2^(sink log2 e - m).
  Value denominator = sum;
  if (buffers.sink) {
    Value rowMax = state[slot];
    Value empty =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, rowMax,
                              w.f32(-std::numeric_limits<double>::infinity()));
    Value shift = arith::SelectOp::create(b, loc, empty, zero, rowMax);
    denominator = arith::AddFOp::create(b, loc, sum, sinkWeight(head, shift));
  }
  Value hasWeight = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                          denominator, zero);
  return arith::SelectOp::create(
      b, loc, hasWeight, arith::DivFOp::create(b, loc, w.f32(1.0), denominator),
      zero);
}

SmallVector<Value> FlashKernelBuilder::heldRowWords(ValueRange state) {
  int64_t slots = 2 * shape.rowTiles;
  int64_t grouped = shape.valueDim / 8 / 4 * 4;
  SmallVector<Value> held;
  for (int64_t slot = 0; slot < slots; ++slot) {
    SmallVector<Value> words = rowWords(
        state, slot, rowInverse(state, slot, w.rowSum(state[slots + slot])));
    w.transposeQuads(MutableArrayRef<Value>(words).take_front(grouped), lane);
    llvm::append_range(held, words);
  }
  return held;
}

void FlashKernelBuilder::holdBranchColumns(
    MutableArrayRef<MergeRowInputs> inputs, ArrayRef<Value> heldWords) {
  assert(shape.warpgroups && "separate branches are sm_90a's");
  int64_t valueTiles = shape.valueDim / 8, grouped = valueTiles / 4 * 4;
  Type element = cast<MemRefType>(buffers.output.getType()).getElementType();
  Type i32 = b.getI32Type();
  Value noWord = arith::ConstantIntOp::create(b, loc, 0, 32);
  for (auto [slot, slotInputs] : llvm::enumerate(inputs)) {
    SmallVector<Value> &columns =
        slotInputs.branchColumns[*buffers.merge->heldBranch];
    columns.clear();
    for (auto [first, count] : wordGroups(valueTiles, grouped)) {
      SmallVector<Value> words;
      for (int64_t k = 0; k < count; ++k)
        words.push_back(heldWords.empty()
                            ? noWord
                            : heldWords[slot * valueTiles + first + k]);
      columns.push_back(vector::BitCastOp::create(
          b, loc, VectorType::get({2 * count}, element),
          vector::FromElementsOp::create(b, loc, VectorType::get({count}, i32),
                                         words)));
    }
  }
}

void FlashKernelBuilder::storeSegmentMean(ArrayRef<Value> columns) {
  assert(segmentScratch && "the compress epilogue needs buildConsumers' setup");
  Type i32 = b.getI32Type();
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  // The 8 lanes of a column (one per row group of the warp's 16 rows) sum
  // their rows: lanes 0-3 then hold the warp's sums.
  SmallVector<Value> sums(columns);
  for (int64_t offset : {4, 8, 16}) {
    Value mask = arith::ConstantIntOp::create(b, loc, offset, 32);
    for (Value &sum : sums)
      sum =
          arith::AddFOp::create(b, loc, sum,
                                gpu::ShuffleOp::create(b, loc, sum, mask, width,
                                                       gpu::ShuffleMode::XOR)
                                    .getShuffleResult());
  }
  Value warpInGroup = rem(warp, c(4)), quad = rem(lane, c(4));
  {
    auto leaders = scf::IfOp::create(b, loc, lt(lane, c(4)), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(leaders.thenBlock());
    for (auto [index, sum] : llvm::enumerate(sums)) {
      int64_t tile = index / 2, k = index % 2;
      memref::StoreOp::create(
          b, loc, sum, segmentScratch,
          ValueRange{warpInGroup, add(c(8 * tile + k), mul(quad, c(2)))});
    }
  }
  // The warpgroup's barrier: the other consumer (if any) runs on.
  NVVM::BarrierOp::create(b, loc, Type(), segmentBarrier,
                          arith::ConstantIntOp::create(b, loc, 128, 32),
                          NVVM::BarrierReductionAttr(), Value());
  // Thread t of the warpgroup: the mean of column t (t + 128, ...) over
  // the segment's rows, as the compress kernel divides it.
  auto inside =
      scf::IfOp::create(b, loc, lt(segmentFirstRow, queryLength), false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(inside.thenBlock());
  Value rows = arith::MinUIOp::create(b, loc, c(kSegmentRows),
                                      sub(queryLength, segmentFirstRow));
  Value count = arith::UIToFPOp::create(
      b, loc, b.getF32Type(), arith::IndexCastOp::create(b, loc, i32, rows));
  Value segment = div(segmentFirstRow, c(kSegmentRows));
  Value thread = rem(tid, c(128));
  Type element =
      cast<MemRefType>(buffers.compressed.getType()).getElementType();
  // (The compressed rows have the value dim, not a padded tile's.)
  int64_t valueDim = shape.valueColumns;
  for (int64_t first = 0; first < valueDim; first += 128) {
    Value column = add(thread, c(first));
    auto inRange = scf::IfOp::create(b, loc, lt(column, c(valueDim)), false);
    OpBuilder::InsertionGuard columnGuard(b);
    b.setInsertionPointToStart(inRange.thenBlock());
    Value sum;
    for (int64_t w = 0; w < 4; ++w) {
      Value part = memref::LoadOp::create(b, loc, segmentScratch,
                                          ValueRange{c(w), column});
      sum = sum ? arith::AddFOp::create(b, loc, sum, part).getResult() : part;
    }
    Value mean = arith::DivFOp::create(b, loc, sum, count);
    memref::StoreOp::create(
        b, loc, arith::TruncFOp::create(b, loc, element, mean),
        buffers.compressed, ValueRange{batch, head, segment, column});
  }
}
