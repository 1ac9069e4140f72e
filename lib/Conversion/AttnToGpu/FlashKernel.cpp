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

#include "FlashKernelBuilder.h"
#include "KernelCaptures.h"
#include "WarpgroupMatrix.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

/// The predicates that bound a query tile's key tiles (the range table's,
/// or the run-time intervals'): with a tile list, data-dependent ones are
/// classified at run time (a document-uniform tile needs no mask), so only
/// the others.
static SmallVector<Attribute> keyTileMask(AttentionOp op,
                                          const GpuKernelShape &shape) {
  SmallVector<Attribute> mask;
  for (Attribute predicate : op.getTileClassificationMask())
    if (!shape.tileListEntries ||
        !cast<MaskAttrInterface>(predicate).isDataDependent())
      mask.push_back(predicate);
  return mask;
}

MemRefType mlir::attn::kernelBufferType(RankedTensorType type,
                                        bool contiguousRows) {
  SmallVector<int64_t> strides(type.getRank(), kDyn);
  if (contiguousRows && !strides.empty())
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(type.getContext(), kDyn, ArrayRef(strides));
  return MemRefType::get(type.getShape(), type.getElementType(), layout);
}

gpu::GPUFuncOp mlir::attn::createKernelFunction(OpBuilder &builder,
                                                Location loc, StringRef name,
                                                TypeRange arguments,
                                                int64_t threads, int64_t blockQ,
                                                int64_t sharedBytes) {
  auto kernel = gpu::GPUFuncOp::create(builder, loc, name,
                                       builder.getFunctionType(arguments, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      builder.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
  kernel->setAttr(kKernelBlockQAttr, builder.getI64IntegerAttr(blockQ));
  kernel->setAttr(kKernelThreadsAttr, builder.getI64IntegerAttr(threads));
  kernel->setAttr(kKernelSharedBytesAttr,
                  builder.getI64IntegerAttr(sharedBytes));
  return kernel;
}

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
                                  int64_t dim, int64_t columns) {
  copyRows(
      buffer, tile, rows, dim, columns,
      [&](Value row) { return lt(add(firstRow, row), length); },
      [&](Value row) { return std::make_pair(headIndex, add(firstRow, row)); },
      shape.splitKeys ? lane : tid, shape.splitKeys ? 32 : shape.threads());
}

void FlashKernelBuilder::copyRows(
    Value buffer, Value tile, int64_t rows, int64_t dim, int64_t sourceColumns,
    function_ref<Value(Value)> valid,
    function_ref<std::pair<Value, Value>(Value)> locate, Value threadIndex,
    int64_t threadCount) {
  int64_t perRow = dim / 8;
  int64_t total = rows * perRow;
  // A padded tile (paddedHeadDim) has more columns than the operand
  // (`sourceColumns`): its last chunk of each row is zeros.
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  for (int64_t first = 0; first < total; first += threadCount) {
    auto emitCopy = [&]() {
      Value linear = add(threadIndex, c(first));
      Value row = div(linear, c(perRow));
      Value col = mul(rem(linear, c(perRow)), c(8));
      Value isValid = valid(row);
      Value sourceCol = col;
      if (sourceColumns < dim) {
        isValid =
            arith::AndIOp::create(b, loc, isValid, lt(col, c(sourceColumns)));
        sourceCol = arith::SelectOp::create(b, loc, isValid, col, c(0));
      }
      auto [sourceHead, sourceRow] = locate(row);
      // Invalid rows read row 0 (which exists whenever a tile is visited;
      // `locate` always gives a valid head) with a source size of 0: the
      // copy writes zeros.
      sourceRow = arith::SelectOp::create(b, loc, isValid, sourceRow, c(0));
      Value sourceElements =
          arith::SelectOp::create(b, loc, isValid, c(8), c(0));
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, tile, ValueRange{row, col}, buffer,
          ValueRange{batch, sourceHead, sourceRow, sourceCol},
          b.getIndexAttr(8), sourceElements, b.getUnitAttr());
    };
    if (first + threadCount <= total) {
      emitCopy();
      continue;
    }
    auto inside =
        scf::IfOp::create(b, loc, lt(add(threadIndex, c(first)), c(total)),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    emitCopy();
  }
}

std::pair<Value, Value> FlashKernelBuilder::queryOfRow(Value r) {
  if (shape.packedGroup == 1 && !shape.splitKeys)
    return {head, r};
  // Packed rows are (head in group, query row), head-major.
  int64_t rowsPerHead = cast<MemRefType>(buffers.query.getType()).getDimSize(2);
  // Rows past the group's (not stored) keep a valid head for the hooks.
  Value headInGroup = arith::MinUIOp::create(b, loc, div(r, c(rowsPerHead)),
                                             c(shape.packedGroup - 1));
  return {add(mul(kvHead, c(shape.packedGroup)), headInGroup),
          rem(r, c(rowsPerHead))};
}

void FlashKernelBuilder::tileSync() {
  if (shape.splitKeys)
    NVVM::SyncWarpOp::create(b, loc,
                             arith::ConstantIntOp::create(b, loc, -1, 32));
  else
    barrier();
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
  // Padding rows of the last query tile and keys past the last key are
  // computed but never used (the key bound masks them, the rows are not
  // stored): the hooks see the nearest real position, so that operands
  // they read (bias, segment ids, layouts) are never read out of bounds.
  auto last = [&](Value length) {
    return arith::SubIOp::create(b, loc, length, c(1)).getResult();
  };
  point.row =
      row ? arith::MinUIOp::create(b, loc, row, last(queryLength)).getResult()
          : row;
  point.column =
      column
          ? arith::MinUIOp::create(b, loc, column, last(keyLength)).getResult()
          : column;
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

SmallVector<Value> FlashKernelBuilder::finishScores(ArrayRef<Value> raw,
                                                    Value keyTile,
                                                    Masking masking) {
  bool masked = masking != Masking::None;
  double scale = *op.getScaleOrDefault();
  bool modified = !op.getScore().empty() || !op.getScoreMod().empty();
  Value toLog2 = modified ? w.f32(kLog2E) : scaleToLog2();
  Value scaleValue = w.f32(scale);
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value quad = rem(lane, c(4)), group = div(lane, c(4));
  Value firstKey = mul(keyTile, c(shape.blockKv));
  // Paired key blocks: the tile's second half holds the second block.
  Value secondKey = pairedBlock ? mul(pairedBlock, c(shape.blockKv)) : Value();
  int64_t blockScoreTiles = shape.blockKv / 8;
  // A listed selection: its predicate is the tile's bit of the row's query
  // block; the other predicates are evaluated per element.
  SmallVector<Attribute> elementMask(op.getMask().getValue());
  Value selectionFlag;
  if (masking == Masking::StaticOnly) {
    llvm::erase_if(elementMask, [](Attribute predicate) {
      return cast<MaskAttrInterface>(predicate).isDataDependent();
    });
  } else if (masked && selection) {
    llvm::erase(elementMask, selection);
    // (With one query block per CTA every listed tile serves all rows, and
    // a list built from the slots has no per-tile flags to read.)
    if (selection.getBlockQ() < shape.blockQ()) {
      assert(!pairedBlock && "paired blocks take one query block a CTA");
      selectionFlag = memref::LoadOp::create(b, loc, selectionFlags, keyTile);
    }
  }
  // The predicates that hasNarrowPositions allows run on i32 rows, columns
  // and lengths, and nothing else (index is 64-bit on NVPTX: an add or a
  // compare is two instructions, and a partial tile's test was most of its
  // softmax's; rows past the queries need no clamp, as they are never
  // stored); the others and the mask_mod on pointAt's index ones.
  MaskShape maskShape = op.getMaskShape();
  bool narrowBound = masked && hasNarrowPositionLengths(maskShape);
  SmallVector<Attribute> narrowMask, wideMask;
  for (Attribute predicate : elementMask)
    (narrowBound && hasNarrowPositions(predicate, maskShape) ? narrowMask
                                                             : wideMask)
        .push_back(predicate);
  bool wide = !wideMask.empty() || !op.getMaskMod().empty();
  Type i32 = b.getI32Type();
  auto toI32 = [&](Value x) -> Value {
    return arith::IndexCastOp::create(b, loc, i32, x);
  };
  AttentionPoint narrowPoint;
  Value quadColumn32, secondQuadColumn32;
  if (narrowBound) {
    narrowPoint.queryLength = toI32(queryLength);
    narrowPoint.keyLength = toI32(keyLength);
    quadColumn32 = toI32(add(firstKey, mul(quad, c(2))));
    if (secondKey)
      secondQuadColumn32 = toI32(add(secondKey, mul(quad, c(2))));
  }
  SmallVector<Value> scores;
  int64_t scoreTiles = shape.tileKeys() / 8;
  for (auto [index, score] : llvm::enumerate(raw)) {
    int64_t rowTile = index / (4 * scoreTiles);
    int64_t tile = (index / 4) % scoreTiles, slot = index % 4;
    Value tileRow = add(warpRow, add(group, c(16 * rowTile + 8 * (slot / 2))));
    auto [rowHead, row] = queryOfRow(tileRow);
    // (The block's first key and the score's 8-column tile in the block.)
    bool inSecond = secondKey && tile >= blockScoreTiles;
    int64_t blockTile = inSecond ? tile - blockScoreTiles : tile;
    Value column = add(inSecond ? secondKey : firstKey,
                       add(mul(quad, c(2)), c(8 * blockTile + slot % 2)));
    Value x = score;
    if (modified) {
      AttentionPoint point = pointAt(row, column);
      point.head = rowHead;
      x = arith::MulFOp::create(b, loc, x, scaleValue);
      x = buildModifiedScore(
          b, loc, op.getScore().getValue(),
          op.getScoreMod().empty() ? nullptr : &op.getScoreMod(), x, point);
    }
    // Plain softmax scores stay raw: the softmax scales them inside the
    // exponent, one FMA per score (scaleToLog2()).
    if (!rawScores())
      x = arith::MulFOp::create(b, loc, x, toLog2);
    if (masked) {
      Value allowed;
      if (narrowBound) {
        AttentionPoint point = narrowPoint;
        point.row = toI32(row);
        point.column = arith::AddIOp::create(
            b, loc, inSecond ? secondQuadColumn32 : quadColumn32,
            arith::ConstantIntOp::create(b, loc, 8 * blockTile + slot % 2, 32));
        allowed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                        point.column, point.keyLength);
        if (!narrowMask.empty())
          allowed = arith::AndIOp::create(
              b, loc, allowed,
              buildAllowed(b, loc, narrowMask, nullptr, point));
      } else {
        allowed = lt(column, keyLength);
      }
      if (wide) {
        AttentionPoint point = pointAt(row, column);
        point.head = rowHead;
        allowed = arith::AndIOp::create(
            b, loc, allowed,
            buildAllowed(b, loc, wideMask,
                         op.getMaskMod().empty() ? nullptr : &op.getMaskMod(),
                         point));
      }
      if (selectionFlag)
        allowed = arith::AndIOp::create(b, loc, allowed,
                                        rowSelected(selectionFlag, tileRow));
      x = arith::SelectOp::create(b, loc, allowed, x, negInf);
    }
    scores.push_back(x);
  }
  return scores;
}

Value FlashKernelBuilder::locateCta() {
  // The last query tile first: under a causal mask it has the most key
  // tiles, and starting the longest CTAs first shortens the tail.
  Value queryTileIndex = arith::SubIOp::create(
      b, loc,
      arith::SubIOp::create(
          b, loc, gpu::GridDimOp::create(b, loc, gpu::Dimension::x), c(1)),
      gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  // A query tile's key splits are neighbours in the grid.
  if (shape.keySplits > 1) {
    keySplit = rem(queryTileIndex, c(shape.keySplits));
    queryTileIndex = div(queryTileIndex, c(shape.keySplits));
  }
  batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  queryLength = dim(buffers.query, 2);
  keyLength = dim(buffers.key, 2);
  numQueryHeads = dim(buffers.query, 1);
  return queryTileIndex;
}

FlashKernelBuilder::KeyTileBounds
FlashKernelBuilder::keyTileBounds(Value rangeTable, Value queryTileIndex) {
  int64_t blockKv = shape.blockKv;
  Value numKeyTiles = div(add(keyLength, c(blockKv - 1)), c(blockKv));
  KeyTileBounds bounds{c(0), numKeyTiles, c(0), c(0)};
  if (rangeTable) {
    auto entry = [&](int64_t column) {
      Value raw = memref::LoadOp::create(b, loc, rangeTable,
                                         ValueRange{queryTileIndex, c(column)});
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw)
          .getResult();
    };
    bounds.first = entry(0);
    bounds.end = entry(1);
    bounds.fullFirst = entry(2);
    bounds.fullEnd = entry(3);
  } else if (op.getMask().empty() && op.getMaskMod().empty()) {
    bounds.fullEnd = numKeyTiles;
  } else if (!shape.splitKeys) {
    // Lengths known at run time only (or a map too large to compute): the
    // table's bounds from the atoms' key intervals, over its predicates.
    Value firstRow = mul(queryTileIndex, c(shape.blockQ()));
    Value lastRow =
        sub(arith::MinSIOp::create(b, loc, queryLength,
                                   add(firstRow, c(shape.blockQ()))),
            c(1));
    KeyTileInterval tiles = buildKeyTileInterval(
        b, loc, keyTileMask(op, shape), &op.getMaskMod(),
        RowSpan{firstRow, lastRow, queryLength, keyLength}, blockKv);
    bounds = {tiles.first, tiles.end, tiles.fullFirst, tiles.fullEnd};
  }
  return bounds;
}

FlashKernelBuilder::KeyTileBounds
FlashKernelBuilder::boundsOfSplit(const KeyTileBounds &bounds) {
  Value tiles = sub(bounds.end, bounds.first);
  Value share = div(add(tiles, c(shape.keySplits - 1)), c(shape.keySplits));
  KeyTileBounds cut = bounds;
  cut.first = add(bounds.first, mul(keySplit, share));
  cut.end = arith::MinSIOp::create(b, loc, bounds.end, add(cut.first, share));
  return cut;
}

FlashKernelBuilder::KeyTileBounds
FlashKernelBuilder::setUpKeySources(Value queryTileIndex,
                                    ArrayRef<Value> maps) {
  AttentionOp lead = op;
  Value total = c(0);
  for (auto [index, source] : llvm::enumerate(buffers.unionSources)) {
    KeySource state;
    state.op = source.op;
    state.key = source.key;
    state.value = source.value;
    state.keyLength = dim(source.key, 2);
    state.kvHead = div(head, div(numQueryHeads, dim(source.key, 1)));
    if (!maps.empty()) {
      state.keyMap = maps[2 * index];
      state.valueMap = maps[2 * index + 1];
    }
    useKeySource(state);
    state.bounds = keyTileBounds(source.rangeTable, queryTileIndex);
    state.start = total;
    total = add(total, visitsOf(arith::SubIOp::create(b, loc, state.bounds.end,
                                                      state.bounds.first)));
    keySources.push_back(state);
  }
  useKeySource(keySources.front());
  assert(op == lead && "the first source is the kernel's op");
  (void)lead;
  // The loop's own bounds: no run of full tiles (each source has its own).
  return {c(0), total, c(0), c(0)};
}

Value FlashKernelBuilder::listUnionLead() {
  KeySource &lead = keySources.front();
  assert(op == lead.op && "the lead source is current");
  std::tie(lead.list, lead.listLength) =
      buildTileList(lead.bounds.first, lead.bounds.end);
  Value total = visitsOf(lead.listLength);
  for (KeySource &source : llvm::drop_begin(keySources)) {
    source.start = total;
    total = add(total, visitsOf(arith::SubIOp::create(b, loc, source.bounds.end,
                                                      source.bounds.first)));
  }
  return total;
}

Value FlashKernelBuilder::visitsOf(Value blocks) {
  return shape.keyBlocksPerTile == 1 ? blocks
                                     : ceilDiv(blocks, shape.keyBlocksPerTile);
}

FlashKernelBuilder::ListedTile FlashKernelBuilder::sourceBlock(Value list,
                                                               Value length,
                                                               Value first,
                                                               Value block) {
  if (list)
    return listedTile(list, length, block);
  return {add(first, block), Value()};
}

FlashKernelBuilder::ListedTile FlashKernelBuilder::pairedTile(Value tile,
                                                              Value list,
                                                              Value firstBlock,
                                                              Value blocks) {
  Value block = mul(tile, c(2)), next = add(block, c(1));
  Value hasNext = lt(next, blocks);
  ListedTile first = sourceBlock(list, blocks, firstBlock, block);
  ListedTile second = sourceBlock(list, blocks, firstBlock, next);
  ListedTile pair{
      first.tile, first.uniform,
      arith::SelectOp::create(b, loc, hasNext, second.tile, blockPastKeys())};
  // Uniform where both blocks are (a missing second has no keys).
  if (first.uniform)
    pair.uniform = arith::AndIOp::create(
        b, loc, first.uniform,
        arith::OrIOp::create(
            b, loc, second.uniform,
            arith::XOrIOp::create(b, loc, hasNext,
                                  arith::ConstantIntOp::create(b, loc, 1, 1))));
  return pair;
}

Value FlashKernelBuilder::blockPastKeys() {
  return ceilDiv(keyLength, shape.blockKv);
}

void FlashKernelBuilder::useKeySource(const KeySource &source) {
  op = source.op;
  buffers.key = source.key;
  buffers.value = source.value;
  keyLength = source.keyLength;
  kvHead = source.kvHead;
  keyMap = source.keyMap;
  valueMap = source.valueMap;
}

SmallVector<Value> FlashKernelBuilder::onKeySource(
    Value tile, TypeRange types, const KeyTileBounds &bounds,
    function_ref<SmallVector<Value>(Value, const KeyTileBounds &)> body,
    Value second) {
  bool pairs = shape.keyBlocksPerTile == 2;
  if (keySources.empty()) {
    assert(pairs == static_cast<bool>(second) &&
           "paired blocks come with their second");
    pairedBlock = second;
    SmallVector<Value> results = body(tile, bounds);
    pairedBlock = {};
    return results;
  }
  // Source s when tile < start(s + 1): a chain of branches, the last
  // source's in the innermost else.
  std::function<SmallVector<Value>(size_t)> from =
      [&](size_t s) -> SmallVector<Value> {
    const KeySource &source = keySources[s];
    auto run = [&]() {
      useKeySource(source);
      Value offset = arith::SubIOp::create(b, loc, tile, source.start);
      ListedTile listed =
          pairs ? pairedTile(offset, source.list, source.bounds.first,
                             source.list ? source.listLength
                                         : arith::SubIOp::create(
                                               b, loc, source.bounds.end,
                                               source.bounds.first))
                : sourceBlock(source.list, source.listLength,
                              source.bounds.first, offset);
      Value keyTile = listed.tile;
      pairedBlock = listed.second;
      if (source.list) {
        // (A selection's list: separate branches, one query block per CTA.)
        assert((!pairs || selection) &&
               "paired blocks list a selection's tiles only");
        listedUniform = selection ? tileSelectedByAll(keyTile) : listed.uniform;
      }
      SmallVector<Value> results = body(keyTile, source.bounds);
      listedUniform = {};
      pairedBlock = {};
      useKeySource(keySources.front());
      return results;
    };
    if (s + 1 == keySources.size())
      return run();
    auto branch = scf::IfOp::create(b, loc, types,
                                    lt(tile, keySources[s + 1].start), true);
    OpBuilder::InsertionGuard guard(b);
    // (Without results the branches come with their terminators.)
    auto fill = [&](Block *block, function_ref<SmallVector<Value>()> produce) {
      if (types.empty()) {
        b.setInsertionPoint(block->getTerminator());
        produce();
        return;
      }
      b.setInsertionPointToStart(block);
      scf::YieldOp::create(b, loc, produce());
    };
    fill(branch.thenBlock(), run);
    fill(branch.elseBlock(), [&]() { return from(s + 1); });
    return SmallVector<Value>(branch.getResults());
  };
  return from(0);
}

SmallVector<Value>
FlashKernelBuilder::tileScores(ArrayRef<Value> raw, Value keyTile,
                               const KeyTileBounds &bounds,
                               function_ref<Value()> uniform) {
  int64_t blockKv = shape.blockKv;
  bool anyMask = !op.getMask().empty() || !op.getMaskMod().empty();
  int64_t staticKeyLength =
      cast<MemRefType>(buffers.key.getType()).getDimSize(2);
  bool keyTilesAllComplete =
      !ShapedType::isDynamic(staticKeyLength) && staticKeyLength % blockKv == 0;
  // (A tile of paired blocks may have one block only.)
  if (!anyMask && keyTilesAllComplete && !pairedBlock)
    return finishScores(raw, keyTile, Masking::None);
  // A block in the run of full tiles and complete.
  auto whole = [&](Value block) -> Value {
    Value inFullRun = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                              bounds.fullFirst, block),
        lt(block, bounds.fullEnd));
    Value complete =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                              mul(add(block, c(1)), c(blockKv)), keyLength);
    return arith::AndIOp::create(b, loc, inFullRun, complete);
  };
  Value unmasked = whole(keyTile);
  if (pairedBlock)
    unmasked = arith::AndIOp::create(b, loc, unmasked, whole(pairedBlock));
  Value uniformTile = uniform ? uniform() : Value();
  if (uniformTile)
    unmasked = arith::AndIOp::create(b, loc, unmasked, uniformTile);
  SmallVector<Type> types(raw.size(), b.getF32Type());
  auto branch = scf::IfOp::create(b, loc, types, unmasked, true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(b, loc, finishScores(raw, keyTile, Masking::None));
  b.setInsertionPointToStart(branch.elseBlock());
  // A uniform tile (a causal diagonal inside one document, say) needs only
  // the static predicates: no segment ids or selection bits per element.
  if (!uniformTile || matchPattern(uniformTile, m_Zero())) {
    scf::YieldOp::create(b, loc, finishScores(raw, keyTile, Masking::All));
    return SmallVector<Value>(branch.getResults());
  }
  auto partly = scf::IfOp::create(b, loc, types, uniformTile, true);
  scf::YieldOp::create(b, loc, partly.getResults());
  b.setInsertionPointToStart(partly.thenBlock());
  scf::YieldOp::create(b, loc, finishScores(raw, keyTile, Masking::StaticOnly));
  b.setInsertionPointToStart(partly.elseBlock());
  scf::YieldOp::create(b, loc, finishScores(raw, keyTile, Masking::All));
  return SmallVector<Value>(branch.getResults());
}

Value FlashKernelBuilder::slotRow(int64_t slot) {
  Value group = div(lane, c(4));
  return add(warpRow, add(group, c(16 * (slot / 2) + 8 * (slot % 2))));
}

FlashKernelBuilder::MergeRowInputs
FlashKernelBuilder::loadSlotMergeRow(int64_t slot) {
  // A row past the end reads the last one (and is not stored).
  int64_t valueTiles = shape.valueDim / 8;
  Value lastRow = arith::SubIOp::create(b, loc, queryLength, c(1));
  return loadMergeRow(arith::MinUIOp::create(b, loc, slotRow(slot), lastRow),
                      rem(lane, c(4)), valueTiles, valueTiles / 4 * 4);
}

SmallVector<FlashKernelBuilder::MergeRowInputs>
FlashKernelBuilder::loadMergeRows() {
  SmallVector<MergeRowInputs> inputs;
  for (int64_t slot = 0; slot < 2 * shape.rowTiles; ++slot)
    inputs.push_back(loadSlotMergeRow(slot));
  return inputs;
}

void FlashKernelBuilder::storeRows(ValueRange state,
                                   ArrayRef<MergeRowInputs> loadedMerge,
                                   ArrayRef<Value> heldWords) {
  int64_t rowTiles = shape.rowTiles, valueTiles = shape.valueDim / 8;
  int64_t slots = 2 * rowTiles;
  Value zero = w.f32(0.0);
  Value quad = rem(lane, c(4));
  // The merge epilogue's reads of a row, before it is normalised. The
  // warpgroup kernel's consumers (two row slots, registers to spare) read
  // every row first, so that the latencies overlap (or were given them,
  // read earlier still); the sm_80 kernel's four slots at head dim 128
  // would spill.
  int64_t grouped = valueTiles / 4 * 4;
  SmallVector<MergeRowInputs> mergeInputs(loadedMerge);
  if (buffers.merge && shape.warpgroups && mergeInputs.empty())
    mergeInputs = loadMergeRows();
  if (buffers.merge && buffers.merge->heldBranch)
    holdBranchColumns(mergeInputs, heldWords);
  // The compress epilogue's column sums over the lane's rows: the rounded
  // outputs, as the compress kernel would read them.
  SmallVector<Value> columnSums;
  if (buffers.compressed)
    columnSums.assign(2 * valueTiles, zero);
  for (int64_t slot = 0; slot < slots; ++slot) {
    Value row = slotRow(slot);
    if (buffers.merge && !shape.warpgroups)
      mergeInputs.push_back(loadSlotMergeRow(slot));
    Value sum = w.rowSum(state[slots + slot]);
    Value inverse = rowInverse(state, slot, sum);
    // The row's outputs as 16-bit pairs, one word per 8-column tile: the
    // lane holds columns 8 t + 2 quad and the next.
    SmallVector<Value> words = rowWords(state, slot, inverse);
    if (buffers.compressed) {
      Value valid = lt(row, queryLength);
      for (auto [tile, word] : llvm::enumerate(words)) {
        auto [low, high] = w.unpack(word);
        for (auto [k, value] : llvm::enumerate(std::array<Value, 2>{low, high}))
          columnSums[2 * tile + k] = arith::AddFOp::create(
              b, loc, columnSums[2 * tile + k],
              arith::SelectOp::create(b, loc, valid, value, zero));
      }
    }
    // 16-byte stores: the quad transposes each group of four tiles' words
    // (before the row's bound: every lane shuffles) so that lane q holds
    // tile t0 + q's eight columns. (Rows are 16-byte aligned: attn-compile's
    // launchers check it.)
    w.transposeQuads(MutableArrayRef<Value>(words).take_front(grouped), lane);
    auto inside = scf::IfOp::create(b, loc, lt(row, queryLength), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    if (buffers.merge)
      mergeRowWords(words, grouped, mergeInputs[slot]);
    if (buffers.output)
      w.storeRowWords(words, grouped, buffers.output, {batch, head, row}, {},
                      quad, shape.valueColumns);
    if (buffers.lse) {
      auto firstLane = ifZero(quad);
      b.setInsertionPointToStart(firstLane.thenBlock());
      memref::StoreOp::create(b, loc, rowLse(state[slot], sum), buffers.lse,
                              ValueRange{batch, head, row});
    }
  }
  if (buffers.compressed)
    storeSegmentMean(columnSums);
}

SmallVector<Value> FlashKernelBuilder::softmaxUpdate(
    ArrayRef<Value> x, ArrayRef<Value> carried,
    SmallVectorImpl<Value> *deferredCorrections) {
  int64_t rowTiles = shape.rowTiles, tileKeys = shape.tileKeys();
  int64_t scoreTiles = tileKeys / 8, valueTiles = shape.valueDim / 8;
  int64_t slots = 2 * rowTiles, accBase = 2 * slots;
  int64_t accPerTile = 4 * valueTiles;
  int64_t stateSize = accBase + rowTiles * accPerTile;
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0);
  SmallVector<Value> result(stateSize);
  SmallVector<Value> probabilities(x.size());
  Value factor = scaleToLog2();
  if (sigmoidBias) {
    // p = 1 / (1 + 2^-(x + b log2 e)) (an approximate reciprocal: a
    // correctly rounded division is several instructions per score);
    // masked scores (-inf) give 1 / inf = 0.
    // Nothing is normalised, so nothing is rescaled.
    Value bias = w.f32(*sigmoidBias * kLog2E);
    Value one = w.f32(1.0);
    for (auto [index, score] : llvm::enumerate(x)) {
      Value shifted = arith::AddFOp::create(b, loc, score, bias);
      Value negated = arith::NegFOp::create(b, loc, shifted);
      probabilities[index] = w.reciprocal(
          arith::AddFOp::create(b, loc, one, w.exp2(negated)));
    }
    std::copy(carried.begin(), carried.end(), result.begin());
  }
  SmallVector<Value> corrections;
  for (int64_t slot = 0; slot < (sigmoidBias ? 0 : slots); ++slot) {
    int64_t rowTile = slot / 2, half = slot % 2;
    auto scoreIndex = [&](int64_t tile, int64_t k) {
      return rowTile * 4 * scoreTiles + 4 * tile + 2 * half + k;
    };
    Value rowMax = negInf;
    for (int64_t tile = 0; tile < scoreTiles; ++tile)
      for (int64_t k = 0; k < 2; ++k)
        rowMax =
            arith::MaximumFOp::create(b, loc, rowMax, x[scoreIndex(tile, k)]);
    rowMax = w.rowMax(rowMax);
    if (rawScores())
      rowMax = arith::MulFOp::create(b, loc, rowMax, factor);
    // The row's reference point moves only when a tile's max passes it by
    // more than kStaleMaxLog2 (FlashAttention-4's conditional rescaling):
    // the sums and accumulators are the same whatever the reference, their
    // terms now at most 2^kStaleMaxLog2, and a correction of exactly 1
    // lets the warp-specialised kernel skip rescaling its accumulators.
    // A row without keys so far (-inf) takes any finite max.
    Value oldMax = carried[slot];
    Value rises = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OGT, rowMax,
        arith::AddFOp::create(b, loc, oldMax, w.f32(kStaleMaxLog2)));
    Value newMax = arith::SelectOp::create(b, loc, rises, rowMax, oldMax);
    // Shift by 0 while the row has no key: no -inf - -inf.
    Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                        newMax, negInf);
    Value shift = arith::SelectOp::create(b, loc, empty, zero, newMax);
    Value correction = arith::SelectOp::create(
        b, loc, rises, w.exp2(arith::SubFOp::create(b, loc, oldMax, shift)),
        w.f32(1.0));
    Value sum =
        arith::MulFOp::create(b, loc, carried[slots + slot], correction);
    for (int64_t tile = 0; tile < scoreTiles; ++tile)
      for (int64_t k = 0; k < 2; ++k) {
        int64_t index = scoreIndex(tile, k);
        Value exponent = x[index];
        if (rawScores()) {
          // s c - m as one FMA.
          auto contract = arith::FastMathFlagsAttr::get(
              b.getContext(), arith::FastMathFlags::contract);
          exponent = arith::MulFOp::create(b, loc, exponent, factor, contract);
          exponent = arith::SubFOp::create(b, loc, exponent, shift, contract);
        } else {
          exponent = arith::SubFOp::create(b, loc, exponent, shift);
        }
        Value p = w.exp2(exponent);
        probabilities[index] = p;
        sum = arith::AddFOp::create(b, loc, sum, p);
      }
    result[slot] = newMax;
    result[slots + slot] = sum;
    corrections.push_back(correction);
    if (deferredCorrections)
      continue;
    for (int64_t tile = 0; tile < valueTiles; ++tile)
      for (int64_t k = 0; k < 2; ++k) {
        int64_t index =
            accBase + rowTile * accPerTile + 4 * tile + 2 * half + k;
        result[index] =
            arith::MulFOp::create(b, loc, carried[index], correction);
      }
  }
  // Two accumulator tiles of P are one A operand of P V.
  for (int64_t rowTile = 0; rowTile < rowTiles; ++rowTile)
    for (int64_t step = 0; step < tileKeys / 16; ++step) {
      const Value *lo = &probabilities[rowTile * 4 * scoreTiles + 8 * step];
      const Value *hi = lo + 4;
      result.push_back(w.pack(lo[0], lo[1]));
      result.push_back(w.pack(lo[2], lo[3]));
      result.push_back(w.pack(hi[0], hi[1]));
      result.push_back(w.pack(hi[2], hi[3]));
    }
  if (deferredCorrections) {
    std::copy(carried.begin() + accBase, carried.end(),
              result.begin() + accBase);
    // A sigmoid rescales nothing: factors of 1.
    if (sigmoidBias)
      corrections.assign(slots, w.f32(1.0));
    deferredCorrections->assign(corrections.begin(), corrections.end());
  }
  return result;
}

void FlashKernelBuilder::build(const KernelBuffers &kernelBuffers,
                               Value rangeTable) {
  buffers = kernelBuffers;
  int64_t headDim = shape.headDim, valueDim = shape.valueDim;
  int64_t blockQ = shape.blockQ(), blockKv = shape.blockKv;
  int64_t rowTiles = shape.rowTiles;
  int64_t scoreTiles = blockKv / 8, valueTiles = valueDim / 8;
  // Loop state: per row slot (rows g and g + 8 of each 16-row tile) the
  // running max in log2 units and this lane's partial sum, then the
  // accumulators of each row tile.
  int64_t slots = 2 * rowTiles;
  int64_t accBase = 2 * slots;
  int64_t accPerTile = 4 * valueTiles;
  int64_t stateSize = accBase + rowTiles * accPerTile;
  int64_t wordsPerTile = 4 * (blockKv / 16);

  smem = dynamicSharedMemory(b, loc);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  warp = div(tid, c(32));
  Value queryTileIndex = locateCta();
  bool packed = shape.splitKeys;
  if (packed) {
    // The grid's y is the K/V head; a row's query head is queryOfRow's.
    kvHead = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
    head = mul(kvHead, c(shape.packedGroup));
  } else {
    head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
    kvHead = div(head, div(numQueryHeads, dim(buffers.key, 1)));
  }
  rowBase = mul(queryTileIndex, c(blockQ));
  warpRow =
      shape.splitKeys ? rowBase : add(rowBase, mul(warp, c(16 * rowTiles)));
  for (Attribute predicate : op.getMask()) {
    dataDependent |= cast<MaskAttrInterface>(predicate).isDataDependent();
    if (shape.selectionSlots && isa<BlockIndicesAttr>(predicate))
      selection = cast<BlockIndicesAttr>(predicate);
  }

  // Shared memory: the query tile, then the K stages, then the V stages.
  int64_t queryBytes = 2 * blockQ * shape.rowPitch(headDim);
  int64_t keyBytes = 2 * blockKv * shape.rowPitch(headDim);
  int64_t valueBytes = 2 * blockKv * shape.rowPitch(valueDim);
  Value queryTile = sharedTile(c(0), blockQ, headDim);
  // With split keys each warp has its own stages.
  int64_t stageSets = shape.splitKeys ? shape.warps : 1;
  Value stageSet = shape.splitKeys ? warp : c(0);
  auto keyStage = [&](Value stage) {
    Value index = add(mul(stageSet, c(shape.stages)), stage);
    return sharedTile(add(c(queryBytes), mul(index, c(keyBytes))), blockKv,
                      headDim);
  };
  auto valueStage = [&](Value stage) {
    Value index = add(mul(stageSet, c(shape.stages)), stage);
    return sharedTile(add(c(queryBytes + stageSets * shape.stages * keyBytes),
                          mul(index, c(valueBytes))),
                      blockKv, valueDim);
  };

  // Key-tile bounds of this query tile and its run of full tiles (a
  // union: the visited tiles of every source in turn).
  KeyTileBounds bounds =
      buffers.unionSources.empty()
          ? keyTileBounds(shape.splitKeys ? Value() : rangeTable,
                          queryTileIndex)
          : setUpKeySources(queryTileIndex, {});
  if (shape.keySplits > 1)
    bounds = boundsOfSplit(bounds);
  Value first = bounds.first, end = bounds.end;

  auto loadKeyValue = [&](Value tile, Value stage, bool keys) {
    onKeySource(tile, {}, bounds, [&](Value keyTile, const KeyTileBounds &) {
      Value firstKey = mul(keyTile, c(blockKv));
      if (keys)
        copyTile(buffers.key, kvHead, firstKey, keyLength, keyStage(stage),
                 blockKv, headDim, shape.queryColumns);
      else
        copyTile(buffers.value, kvHead, firstKey, keyLength, valueStage(stage),
                 blockKv, valueDim, shape.valueColumns);
      return SmallVector<Value>();
    });
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
  // Whether key tile u exists and, for data-dependent masks, may have keys.
  auto visitable = [&](Value keyTile) -> Value {
    Value inRange = lt(keyTile, end);
    if (!dataDependent)
      return inRange;
    auto check = scf::IfOp::create(b, loc, b.getI1Type(), inRange, true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(check.thenBlock());
    scf::YieldOp::create(b, loc, tileMayHaveKeys(keyTile));
    b.setInsertionPointToStart(check.elseBlock());
    scf::YieldOp::create(
        b, loc,
        ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1).getResult()});
    return check.getResult(0);
  };

  if (llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>))
    queryRange =
        cooperativeRange(buffers.qSegments, rowBase, blockQ, queryLength, 0);

  // Prologue: Q, then K and V of the first tile.
  if (packed) {
    int64_t packedRows =
        shape.packedGroup *
        cast<MemRefType>(buffers.query.getType()).getDimSize(2);
    copyRows(
        buffers.query, queryTile, blockQ, headDim, shape.queryColumns,
        [&](Value row) { return lt(add(rowBase, row), c(packedRows)); },
        [&](Value row) { return queryOfRow(add(rowBase, row)); }, tid,
        shape.threads());
  } else {
    copyTile(buffers.query, head, rowBase, queryLength, queryTile, blockQ,
             headDim, shape.queryColumns);
  }
  commitGroup();
  // With split keys, warp w takes tiles first + w, first + w + warps, ...
  Value warpFirst = shape.splitKeys ? add(first, warp) : first;
  int64_t tileStep = shape.splitKeys ? shape.warps : 1;
  // Data-dependent masks with a tile list (a static key length, or a
  // selection's slots): the loop runs over a list of the visited tiles
  // (skipped tiles cost no iteration at all).
  Value tileList, listLength;
  if (dataDependent && shape.tileListEntries > 0) {
    std::tie(tileList, listLength) = buildTileList(first, end);
    dataDependent = false;
  }
  auto listEntry = [&](Value index) {
    return listedTile(tileList, listLength, index);
  };
  // With a tile list, whether every pair of a listed key tile passes the
  // data-dependent predicates; the other predicates are the range table's.
  auto tileIsUniform = [&](const ListedTile &listed) -> Value {
    if (selection)
      return tileSelectedByAll(listed.tile);
    return listed.uniform;
  };
  Value firstTile = tileList ? listEntry(c(0)).tile : warpFirst;
  Value firstVisited = tileList ? lt(c(0), listLength) : visitable(warpFirst);
  prefetch(firstVisited, firstTile, c(0), true);
  prefetch(firstVisited, firstTile, c(0), false);

  // ldmatrix lane addresses: the A operand (and V as a transposed B) and K
  // as the B operand of S.
  Value matrixRow = add(rem(lane, c(8)), mul(rem(div(lane, c(8)), c(2)), c(8)));
  Value matrixColumn = mul(div(lane, c(16)), c(8));
  Value keyMatrixRow = add(rem(lane, c(8)), mul(div(lane, c(16)), c(8)));
  Value keyMatrixColumn = mul(rem(div(lane, c(8)), c(2)), c(8));
  auto queryFragment = [&](int64_t rowTile, int64_t step) {
    Value warpOffset = shape.splitKeys ? c(0) : mul(warp, c(16 * rowTiles));
    Value row = add(warpOffset, add(c(16 * rowTile), matrixRow));
    std::array<Value, 4> r =
        w.loadMatrices(queryTile, row, add(c(16 * step), matrixColumn), false);
    return OperandA{r[0], r[1], r[2], r[3]};
  };
  waitGroups(2);
  barrier();
  // queryFragments[rowTile * steps + step]
  SmallVector<OperandA> queryFragments;
  if (shape.queryInRegisters)
    for (int64_t rowTile = 0; rowTile < rowTiles; ++rowTile)
      for (int64_t step = 0; step < headDim / 16; ++step)
        queryFragments.push_back(queryFragment(rowTile, step));

  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0);
  SmallVector<Value> init(slots, negInf);
  init.append(slots, zero);
  init.append(rowTiles * accPerTile, zero);
  if (dataDependent)
    init.push_back(firstVisited);

  auto loop = scf::ForOp::create(
      b, loc, tileList ? c(0) : warpFirst, tileList ? listLength : end,
      c(tileList ? 1 : tileStep), init,
      [&](OpBuilder &, Location, Value inductionVar, ValueRange state) {
        ListedTile listed =
            tileList ? listEntry(inductionVar) : ListedTile{inductionVar, {}};
        Value keyTile = listed.tile;
        Value offset =
            tileList ? inductionVar
                     : div(arith::SubIOp::create(b, loc, keyTile, warpFirst),
                           c(tileStep));
        Value stage = rem(offset, c(shape.stages));
        Value nextStage = rem(add(offset, c(1)), c(shape.stages));
        Value nextTile = tileList ? listEntry(add(inductionVar, c(1))).tile
                                  : add(keyTile, c(tileStep));
        Value visited = dataDependent ? state.back() : Value();
        SmallVector<Value> carried(state.begin(), state.begin() + stateSize);

        // S, the softmax update and the rescale of the accumulators;
        // yields the new state, then P packed as A operands per row tile.
        auto scoresAndSoftmax = [&]() -> SmallVector<Value> {
          Value keys = keyStage(stage);
          // scores[rowTile * scoreTiles + tile]
          SmallVector<Accumulator> scores(rowTiles * scoreTiles,
                                          Accumulator{zero, zero, zero, zero});
          for (int64_t step = 0; step < headDim / 16; ++step) {
            SmallVector<OperandA> a;
            for (int64_t rowTile = 0; rowTile < rowTiles; ++rowTile)
              a.push_back(shape.queryInRegisters
                              ? queryFragments[rowTile * (headDim / 16) + step]
                              : queryFragment(rowTile, step));
            for (int64_t pair = 0; pair < scoreTiles / 2; ++pair) {
              std::array<Value, 4> r =
                  w.loadMatrices(keys, add(c(16 * pair), keyMatrixRow),
                                 add(c(16 * step), keyMatrixColumn), false);
              for (int64_t rowTile = 0; rowTile < rowTiles; ++rowTile)
                for (int64_t half = 0; half < 2; ++half) {
                  Accumulator &tile =
                      scores[rowTile * scoreTiles + 2 * pair + half];
                  tile = w.multiply(
                      a[rowTile], OperandB{r[2 * half], r[2 * half + 1]}, tile);
                }
            }
          }
          SmallVector<Value> raw;
          for (const Accumulator &tile : scores)
            raw.append(tile.begin(), tile.end());

          auto uniform = [&]() { return tileIsUniform(listed); };
          SmallVector<Type> types(raw.size(), b.getF32Type());
          SmallVector<Value> x = onKeySource(
              keyTile, types, bounds,
              [&](Value sourceTile, const KeyTileBounds &sourceBounds) {
                return tileScores(raw, sourceTile, sourceBounds,
                                  tileList ? function_ref<Value()>(uniform)
                                           : function_ref<Value()>());
              });

          return softmaxUpdate(x, carried);
        };

        auto valueProduct = [&](ArrayRef<Value> updated) {
          SmallVector<Value> acc(updated.begin() + accBase,
                                 updated.begin() + stateSize);
          Value values = valueStage(stage);
          for (int64_t step = 0; step < blockKv / 16; ++step) {
            for (int64_t pair = 0; pair < valueTiles / 2; ++pair) {
              std::array<Value, 4> r =
                  w.loadMatrices(values, add(c(16 * step), matrixRow),
                                 add(c(16 * pair), matrixColumn), true);
              for (int64_t rowTile = 0; rowTile < rowTiles; ++rowTile) {
                const Value *p =
                    &updated[stateSize + rowTile * wordsPerTile + 4 * step];
                OperandA a{p[0], p[1], p[2], p[3]};
                for (int64_t half = 0; half < 2; ++half) {
                  Value *tile =
                      &acc[rowTile * accPerTile + 4 * (2 * pair + half)];
                  Accumulator d = w.multiply(
                      a, OperandB{r[2 * half], r[2 * half + 1]},
                      Accumulator{tile[0], tile[1], tile[2], tile[3]});
                  std::copy(d.begin(), d.end(), tile);
                }
              }
            }
          }
          return acc;
        };

        // Runs `body` if this tile is visited, else yields `otherwise`.
        auto ifVisited = [&](function_ref<SmallVector<Value>()> body,
                             ArrayRef<Value> otherwise) -> SmallVector<Value> {
          if (!dataDependent)
            return body();
          SmallVector<Type> types;
          for (Value v : otherwise)
            types.push_back(v.getType());
          auto branch = scf::IfOp::create(b, loc, types, visited, true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(branch.thenBlock());
          scf::YieldOp::create(b, loc, body());
          b.setInsertionPointToStart(branch.elseBlock());
          scf::YieldOp::create(b, loc, otherwise);
          return SmallVector<Value>(branch.getResults());
        };

        waitGroups(1);
        tileSync();
        SmallVector<Value> idle(carried);
        for (int64_t i = 0; i < rowTiles * wordsPerTile; ++i)
          idle.push_back(arith::ConstantIntOp::create(b, loc, 0, 32));
        SmallVector<Value> updated = ifVisited(scoresAndSoftmax, idle);

        Value nextVisited = tileList ? lt(add(inductionVar, c(1)), listLength)
                                     : visitable(nextTile);
        prefetch(nextVisited, nextTile, nextStage, true);

        waitGroups(1);
        tileSync();
        SmallVector<Value> unchanged(updated.begin() + accBase,
                                     updated.begin() + stateSize);
        SmallVector<Value> acc =
            ifVisited([&]() { return valueProduct(updated); }, unchanged);
        prefetch(nextVisited, nextTile, nextStage, false);

        SmallVector<Value> yielded(updated.begin(), updated.begin() + accBase);
        yielded.append(acc);
        if (dataDependent)
          yielded.push_back(nextVisited);
        scf::YieldOp::create(b, loc, yielded);
      });

  // Epilogue: normalise and store the warp's rows.
  ValueRange state = loop.getResults();
  if (shape.splitKeys) {
    mergeWarps(state, accBase);
    return;
  }
  storeRows(state);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

bool mlir::attn::canMergeInEpilogue(AttentionOp op,
                                    const GpuKernelShape &shape) {
  return !shape.splitKeys && !op.getLse();
}

bool mlir::attn::canCompressInEpilogue(CompressOp compress, AttentionOp op,
                                       const GpuKernelShape &shape) {
  // Each consumer warpgroup of the warp-specialised kernel holds 64 whole
  // rows from a multiple of 64 (of its own head with head pairs): one
  // segment.
  return shape.warpgroups && !shape.splitKeys &&
         compress.getInput() == op.getOutput() &&
         compress.getReduce() == ReduceKind::Mean && !compress.getWeights() &&
         compress.getStride() == kSegmentRows &&
         compress.getWindowOrStride() == kSegmentRows;
}

bool mlir::attn::canRunAsUnion(MergeOp merge, const GpuKernelShape &shape) {
  FailureOr<SmallVector<AttentionOp>> sources = merge.getUnionSources();
  if (failed(sources) || shape.splitKeys)
    return false;
  // A lead source of documents (SCOUT's own segment by segment ids): the
  // warp-specialised kernel lists its visited tiles, the shape's list is
  // the lead's (`shape` is the source's with the most keys: the lead's).
  AttentionOp lead = sources->front();
  bool listedLead = shape.tileListEntries > 0;
  if (listedLead &&
      (!shape.warpgroups || shape.selectionSlots ||
       shape.tileListEntries !=
           static_cast<int64_t>(llvm::divideCeil(
               lead.getKey().getType().getDimSize(2), shape.blockKv)) ||
       !llvm::any_of(lead.getMask(), llvm::IsaPred<DocumentAttr>)))
    return false;
  // Head pairs: the producer loads each source's tiles for the pair's K/V
  // head, which must then be both heads' (SCOUT's checkpoints may have a
  // K/V head per query head).
  auto pairShares = [&](AttentionOp source) {
    int64_t queryHeads = source.getQuery().getType().getDimSize(1);
    int64_t kvHeads = source.getKey().getType().getDimSize(1);
    return shape.consumerHeads == 1 ||
           (!ShapedType::isDynamic(queryHeads) &&
            !ShapedType::isDynamic(kvHeads) &&
            (queryHeads / kvHeads) % shape.consumerHeads == 0);
  };
  return llvm::all_of(*sources, [&](AttentionOp source) {
    bool documents = listedLead && source == lead;
    return pairShares(source) && !source.getBias() &&
           (documents || !source.getQSegments()) &&
           (documents || !source.getKvSegments()) && !source.getLayout() &&
           !source.getIndices() &&
           gpu_lowering::capturedValues(source).empty() &&
           llvm::all_of(source.getMask(), [&](Attribute predicate) {
             return !cast<MaskAttrInterface>(predicate).isDataDependent() ||
                    (documents && isa<DocumentAttr>(predicate));
           });
  });
}

bool mlir::attn::canRunAsBranches(MergeOp merge, AttentionOp first,
                                  AttentionOp later,
                                  const GpuKernelShape &shape) {
  if (merge.getKind() == MergeKind::Lse || !shape.warpgroups ||
      shape.splitKeys || first == later)
    return false;
  auto mergedOnly = [&](AttentionOp op) {
    Value output = op.getOutput();
    return output.hasOneUse() && *output.user_begin() == merge &&
           llvm::count(merge.getOutputs(), output) == 1;
  };
  // The loop's softmax steps and the held rows' normalisation are plain
  // softmax's; the scores' scale is the kernel's.
  auto plain = [&](AttentionOp op) {
    return mergedOnly(op) && !op.getLse() && !op.getNormalizer() &&
           op.getScore().empty() && op.getScoreMod().empty() &&
           op.getMaskMod().empty() && !op.getBias() && !op.getQSegments() &&
           !op.getKvSegments() && !op.getLayout() && !op.getSink() &&
           gpu_lowering::capturedValues(op).empty() &&
           op.getQuery() == first.getQuery() &&
           op.getKey().getType() == first.getKey().getType() &&
           op.getValue().getType() == first.getValue().getType() &&
           op.getScaleOrDefault() == first.getScaleOrDefault();
  };
  auto dataDependent = [](Attribute predicate) {
    return cast<MaskAttrInterface>(predicate).isDataDependent();
  };
  // The first may select blocks (its shape's tile list, one query block per
  // CTA, which every listed tile then serves whole); the later one's tiles
  // are its static range.
  auto servesWholeTiles = [&](Attribute predicate) {
    auto selection = dyn_cast<BlockIndicesAttr>(predicate);
    return !dataDependent(predicate) ||
           (selection && selection.getBlockQ() >= shape.blockQ());
  };
  bool firstListed =
      llvm::any_of(first.getMask(), dataDependent) || first.getIndices();
  if (firstListed && (!shape.tileListEntries || !shape.selectionSlots ||
                      !llvm::all_of(first.getMask(), servesWholeTiles)))
    return false;
  return plain(first) && plain(later) && !later.getIndices() &&
         !llvm::any_of(later.getMask(), dataDependent);
}

/// The range table of `op`'s static mask for `shape`'s tiles, as a constant
/// global `symbol` (with a tile list: of its predicates that are not data
/// dependent); null when the mask's shape is dynamic, its map too large to
/// compute, or keys are split.
static memref::GlobalOp buildRangeTable(OpBuilder &builder, AttentionOp op,
                                        const GpuKernelShape &shape,
                                        StringRef symbol) {
  MaskShape maskShape = op.getMaskShape();
  // (Split-key tiles hold packed rows, which are not query positions.)
  if (!BlockMap::isTractable(maskShape, shape.blockQ(), shape.blockKv) ||
      shape.splitKeys)
    return {};
  BlockMap map = BlockMap::compute(keyTileMask(op, shape), &op.getMaskMod(),
                                   maskShape, shape.blockQ(), shape.blockKv);
  SmallVector<int32_t> table;
  for (int64_t bound : map.getLoopBoundsTable())
    table.push_back(static_cast<int32_t>(bound));
  auto type =
      MemRefType::get({map.getNumQueryTiles(), 4}, builder.getI32Type());
  auto tensorType =
      RankedTensorType::get(type.getShape(), builder.getI32Type());
  return memref::GlobalOp::create(
      builder, op.getLoc(), symbol, builder.getStringAttr("private"), type,
      DenseElementsAttr::get(tensorType, ArrayRef(table)),
      /*constant=*/true, builder.getI64IntegerAttr(16));
}

FailureOr<gpu::GPUFuncOp> mlir::attn::buildFlashKernel(
    OpBuilder &builder, gpu::GPUModuleOp module, AttentionOp op, StringRef name,
    const GpuKernelShape &shape, MergeOp merge, CompressOp compress,
    bool storesOutput, AttentionOp laterBranch) {
  bool isUnion = merge && merge.getKind() == MergeKind::Lse;
  assert((!merge || (isUnion ? canRunAsUnion(merge, shape)
                             : canMergeInEpilogue(op, shape))) &&
         "the kernel cannot run this merge");
  assert((!laterBranch ||
          (merge && canRunAsBranches(merge, op, laterBranch, shape))) &&
         "the kernel cannot run these branches");
  assert(
      (!compress || (!merge && canCompressInEpilogue(compress, op, shape))) &&
      "the kernel cannot run this compress");
  assert((storesOutput || compress) && "a kernel writes its output");
  assert((shape.keySplits == 1 || (shape.splitKeys && !merge && !compress)) &&
         "key splits are decode's, with outputs of their own");
  Location loc = op.getLoc();
  // A union's key sources, the first `op`; else `op` alone.
  SmallVector<AttentionOp> sources{op};
  if (isUnion)
    sources = *merge.getUnionSources();
  if (laterBranch)
    sources.push_back(laterBranch);
  assert(sources.front() == op && "a union's kernel is its first source's");
  auto isSourceOutput = [&](Value value) {
    return llvm::any_of(sources, [&](AttentionOp source) {
      return source.getOutput() == value;
    });
  };
  // An epilogue's operands other than this kernel's own outputs: branches
  // (4-D rows, read 16 bytes at a time) then gates.
  SmallVector<Value> mergeOperands;
  if (merge && !isUnion)
    for (Value operand : merge->getOperands())
      if (!isSourceOutput(operand))
        mergeOperands.push_back(operand);
  Value output = merge ? merge.getResult() : op.getOutput();
  if (!storesOutput)
    output = {};
  Value lse = merge ? merge.getLse() : op.getLse();
  Value compressed = compress ? compress.getResult() : Value();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());

  SmallVector<Type> argumentTypes;
  // Warp-specialised kernels first take the tensor maps of Q, then K and V
  // of each key source.
  int64_t tensorMaps =
      shape.warpgroups ? 1 + 2 * static_cast<int64_t>(sources.size()) : 0;
  argumentTypes.append(tensorMaps, tensorMapType(builder.getContext()));
  auto add = [&](Value tensor, bool contiguousRows) {
    if (tensor)
      argumentTypes.push_back(kernelBufferType(
          cast<RankedTensorType>(tensor.getType()), contiguousRows));
  };
  add(op.getQuery(), true);
  for (AttentionOp source : sources) {
    add(source.getKey(), true);
    add(source.getValue(), true);
  }
  add(op.getBias(), false);
  add(op.getQSegments(), false);
  add(op.getKvSegments(), false);
  if (shape.keyTileRanges)
    argumentTypes.push_back(keyTileRangesType(op, shape.blockKv));
  add(op.getLayout(), false);
  add(op.getIndices(), false);
  add(op.getSink(), false);
  // The function's tensors that the regions read (element by element).
  SmallVector<Value> captured = gpu_lowering::capturedValues(op);
  for (Value value : captured)
    add(value, false);
  for (Value operand : mergeOperands)
    add(operand, cast<RankedTensorType>(operand.getType()).getRank() == 4);
  // Split keys write partial results; the combine kernel the outputs.
  bool splitsKeys = shape.keySplits > 1;
  if (splitsKeys) {
    argumentTypes.push_back(keySplitAccumulatorsType(op, shape));
    argumentTypes.push_back(keySplitStatisticsType(op, shape));
  } else {
    add(output, true);
    add(lse, false);
  }
  add(compressed, true);

  // The range tables of static shapes, as constant globals.
  SmallVector<memref::GlobalOp> tableGlobals;
  for (auto [index, source] : llvm::enumerate(sources))
    tableGlobals.push_back(buildRangeTable(
        builder, source, shape,
        (name + "_tiles" + (sources.size() > 1 ? "_" + Twine(index) : Twine()))
            .str()));

  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, argumentTypes, shape.threads(),
                           shape.blockQ(), shape.sharedBytes());
  if (shape.splitKeys)
    kernel->setAttr(kKernelPackedGroupAttr,
                    builder.getI64IntegerAttr(shape.packedGroup));
  if (shape.consumerHeads > 1)
    kernel->setAttr(kKernelConsumerHeadsAttr,
                    builder.getI64IntegerAttr(shape.consumerHeads));
  if (shape.keyBlocksPerTile > 1)
    kernel->setAttr(kKernelKeyBlocksPerTileAttr,
                    builder.getI64IntegerAttr(shape.keyBlocksPerTile));
  if (shape.persistentCtas)
    kernel->setAttr(kKernelPersistentCtasAttr,
                    builder.getI64IntegerAttr(shape.persistentCtas));
  // A score_mod's index arithmetic (table lookups) runs on every score:
  // attn-narrow-kernel-indices takes it to i32 where its ranges allow.
  if (!op.getScoreMod().empty())
    kernel->setAttr(kKernelNarrowIndicesAttr, builder.getUnitAttr());
  if (tensorMaps) {
    kernel->setAttr(kKernelTensorMapsAttr,
                    builder.getI64IntegerAttr(tensorMaps));
    kernel->setAttr(kKernelBlockKvAttr,
                    builder.getI64IntegerAttr(shape.blockKv));
    kernel->setAttr(kKernelCtasPerMultiprocessorAttr,
                    builder.getI64IntegerAttr(shape.ctasPerMultiprocessor));
    // A compile-time cluster (.reqnctapercluster): launches need no
    // cluster attribute.
    if (shape.clusterHeads > 1)
      kernel->setAttr(NVVM::NVVMDialect::getClusterDimAttrName(),
                      builder.getDenseI32ArrayAttr(
                          {1, static_cast<int32_t>(shape.clusterHeads), 1}));
  }

  Block &body = kernel.getBody().front();
  builder.setInsertionPointToStart(&body);
  KernelBuffers buffers;
  unsigned next = tensorMaps;
  auto take = [&](Value tensor) {
    return tensor ? body.getArgument(next++) : Value();
  };
  SmallVector<Value> rangeTables;
  for (memref::GlobalOp global : tableGlobals)
    rangeTables.push_back(
        global ? memref::GetGlobalOp::create(builder, loc, global.getType(),
                                             global.getSymName())
                     .getResult()
               : Value());
  buffers.query = take(op.getQuery());
  for (auto [source, table] : llvm::zip_equal(sources, rangeTables)) {
    Value key = take(source.getKey());
    Value value = take(source.getValue());
    if (sources.size() > 1)
      buffers.unionSources.push_back({source, key, value, table});
    // The kernel's own K and V are its first source's.
    if (!buffers.key) {
      buffers.key = key;
      buffers.value = value;
    }
  }
  buffers.bias = take(op.getBias());
  buffers.qSegments = take(op.getQSegments());
  buffers.kvSegments = take(op.getKvSegments());
  if (shape.keyTileRanges)
    buffers.keyTileRanges = body.getArgument(next++);
  buffers.layout = take(op.getLayout());
  buffers.indices = take(op.getIndices());
  buffers.sink = take(op.getSink());
  SmallVector<Value> capturedBuffers;
  for (Value value : captured)
    capturedBuffers.push_back(take(value));
  buffers.separateBranches = static_cast<bool>(laterBranch);
  if (!mergeOperands.empty() || laterBranch) {
    MergeEpilogueBuffers epilogue;
    for (auto [index, branch] : llvm::enumerate(merge.getOutputs())) {
      if (laterBranch && branch == op.getOutput())
        epilogue.heldBranch = index;
      epilogue.outputs.push_back(isSourceOutput(branch) ? Value()
                                                        : take(branch));
    }
    for (Value gate : merge.getWeights())
      epilogue.gates.push_back(take(gate));
    buffers.merge = std::move(epilogue);
  }
  if (splitsKeys) {
    buffers.splitAccumulators = body.getArgument(next++);
    buffers.splitStatistics = body.getArgument(next++);
  } else {
    buffers.output = take(output);
    buffers.lse = take(lse);
  }
  buffers.compressed = take(compressed);

  Type elementType = op.getQuery().getType().getElementType();
  FlashKernelBuilder kernelBuilder(builder, loc, op, shape, elementType);
  if (tensorMaps)
    kernelBuilder.buildWarpSpecialized(
        buffers, rangeTables.front(),
        SmallVector<Value>(body.getArguments().take_front(tensorMaps)));
  else
    kernelBuilder.build(buffers, rangeTables.front());
  gpu::ReturnOp::create(builder, loc);

  // tanh (softcap) by the hardware's tanh.approx.f32 (sm_75+; relative
  // error about 2^-11, the rounding of the f16/bf16 operands it feeds)
  // instead of libdevice's exact expansion.
  kernel.walk([&](math::TanhOp tanh) {
    if (!tanh.getType().isF32())
      return;
    OpBuilder at(tanh);
    auto approx =
        NVVM::InlinePtxOp::create(at, tanh.getLoc(), TypeRange{tanh.getType()},
                                  ValueRange{tanh.getOperand()}, ValueRange{},
                                  "tanh.approx.f32 $0, $1;", Value());
    tanh.replaceAllUsesWith(approx->getResult(0));
    tanh.erase();
  });

  // The regions' reads of the function's tensors and of constant tables
  // (#attn.alibi's slopes) become loads of the kernel's arguments and of
  // constant globals; other tensor code cannot run in a kernel: report
  // which and give up on this op.
  if (Operation *tensorUser = gpu_lowering::lowerTensorReads(
          kernel, module, captured, capturedBuffers)) {
    auto constant = dyn_cast<arith::ConstantOp>(tensorUser);
    auto resource =
        constant ? dyn_cast<DenseResourceElementsAttr>(constant.getValue())
                 : DenseResourceElementsAttr();
    std::string whyNot;
    if (resource && !denseElementsOfResource(resource, &whyNot))
      op.emitOpError("cannot be lowered to a GPU kernel: its score "
                     "modifiers or mask read a table that cannot be read: ")
          << whyNot;
    else
      op.emitOpError("cannot be lowered to a GPU kernel: its score "
                     "modifiers or mask build tensor values ('")
          << tensorUser->getName()
          << "'), which the GPU lowering does not support";
    kernel.erase();
    for (memref::GlobalOp global : tableGlobals)
      if (global)
        global.erase();
    return failure();
  }
  return kernel;
}
