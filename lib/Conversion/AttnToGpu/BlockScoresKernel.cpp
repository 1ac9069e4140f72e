//===- BlockScoresKernel.cpp - attn.block_scores on tensor cores ----------===//
//
// One CTA of 4 warps per (query block r, K/V head g, batch): its rows are
// the block's queries of every query head of the group, staged in shared
// memory.
//
//   pass 1: for key tile u:  S = Q K[u]^T (mma.sync or wgmma, below;
//           16-row tiles of the rows to the warps in turn), m, l online
//           per row -> shared
//   pass 2: for key tile u:  S^T = K[u] Q^T (warp w: keys 16 w .. 16 w + 15
//           as the product's rows, the CTA's rows as its columns);
//           P^T = 2^(S^T - m - log2 l); each key's sum over the rows is a row
//           sum of the accumulators (in registers, then the 4 lanes of a
//           row); out[b, g, r, key] = sum / rows, or -inf where no row may
//           attend
//
// Key tiles come into two buffers, the next one while this one is used: by
// cp.async, or on sm_90a with whole 8-row blocks of at most 256 rows by
// TMA (thread 0 issues, the warps wait on each buffer's mbarrier; Q too,
// a box per head). On sm_90a, when the rows and the head dim come in
// multiples of 64, both products are a warpgroup's (wgmma, 64 x 64 per
// tile and 64-row chunk, both operands from shared memory): the tiles are
// stored in TMA's 128-byte swizzle, which the wgmma descriptors name, and
// warp w's 16 rows of each product have mma.sync's accumulator layout, so
// the softmax code is the same. Scores are in log2 units (scale * log2 e folded
// in). The key tiles a query block visits are the block map's range (a constant
// table; columns outside it are -inf without a product), and its tiles
// that every row may attend to whole skip the mask. Lq x Lc is never
// materialised: the second pass recomputes the products rather than store
// them.
//
//===----------------------------------------------------------------------===//

#include "IndexArithmetic.h"
#include "KernelShapes.h"
#include "WarpMatrix.h"
#include "WarpTopk.h"
#include "WarpgroupMatrix.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {

constexpr int64_t kKeyTile = GpuBlockScoresShape::kKeyTile;
constexpr int64_t kWarps = GpuBlockScoresShape::kWarps;
/// The most query rows of one warpgroup product in pass 2 (wgmma's n).
constexpr int64_t kMaxProductRows = 256;
/// The registers a thread of a warpgroup kernel needs besides pass 2's
/// accumulators (ptxas at head dim 128: 110 in all with 64-row products,
/// 205 with 256-row ones).
constexpr int64_t kRegistersBesideProduct = 80;

/// The CTAs of `shape` that share a multiprocessor: as many as its shared
/// memory holds, up to four (the kernel's launch bound).
int64_t residentCtas(const GpuBlockScoresShape &shape) {
  return std::clamp<int64_t>(hopperResidentCtas(shape.sharedBytes()), 1, 4);
}

/// Up to this many rows, pass 2 keeps the shifts of a lane's rows in
/// registers (a quarter of the rows), beyond it reads them from shared
/// memory.
constexpr int64_t kMaxRowsWithShiftsInRegisters = 128;

/// Pass 2's query rows per warpgroup product: as many, in multiples of 64
/// up to 256, as the registers of the CTAs sharing a multiprocessor hold
/// (a thread keeps an accumulator per two rows), else 64.
int64_t passTwoProductRows(const GpuBlockScoresShape &shape) {
  int64_t registers = std::min<int64_t>(
      kMaxRegistersPerThread, kHopperRegistersPerMultiprocessor /
                                  (residentCtas(shape) * shape.threads()));
  int64_t besides = kRegistersBesideProduct;
  if (shape.rows() <= kMaxRowsWithShiftsInRegisters)
    besides += shape.rows() / 4;
  int64_t rows = 2 * (registers - besides) / 64 * 64;
  return std::clamp<int64_t>(rows, 64, kMaxProductRows);
}

struct BlockScoresBuilder : IndexArithmetic {
  BlockScoresBuilder(OpBuilder &b, Location loc, BlockScoresOp op,
                     const GpuBlockScoresShape &shape, Type element)
      : IndexArithmetic(b, loc), op(op), shape(shape), w{b, loc, element} {}

  BlockScoresOp op;
  const GpuBlockScoresShape &shape;
  WarpMatrix w;

  Value smem, tid, lane, warp, batch, group, block;
  Value query, keys, lse, output;
  /// Lq and the compressed keys' count: constants, or read from the
  /// buffers where the types leave them open.
  Value queryLength, keyLength;
  /// With shape.topk: the row of scores in shared memory, which the stores
  /// go to instead of `output` (then the picks' buffer).
  Value topkRow;
  Value queryTile, keyTile;
  /// Warpgroup kernels: the bytes from the dynamic shared memory's start
  /// to the next 1024-byte boundary (index), that boundary's shared
  /// address (i64), and the current key tile's address.
  Value alignment, alignedBase, keyTileAddress;
  /// TMA kernels: the tensor maps' addresses, and which pass's key
  /// barriers the loops use (each pass starts its stages' phases afresh).
  Value queryMap, keyMap;
  int64_t keyPass = 0;

  Value view(int64_t byteOffset, int64_t rows, int64_t pitch, Type element) {
    Value offset = c(byteOffset);
    if (alignment)
      offset = add(alignment, offset);
    return sharedView(b, loc, smem, offset, rows, pitch, element);
  }

  /// A tile of `rows` rows: padded rows, or (warpgroup) panels of 64
  /// columns of 128-byte rows, panel p's row r at row p * rows + r.
  Value tileView(Value byteOffset, int64_t rows) {
    if (!shape.warpgroup)
      return sharedView(b, loc, smem, byteOffset, rows, shape.headDim + 8,
                        w.elementType);
    return sharedView(b, loc, smem, add(alignment, byteOffset),
                      shape.headDim / kPanelColumns * rows, kPanelColumns,
                      w.elementType);
  }

  /// Where the 8 elements from (row, column) (column a multiple of 8) of a
  /// tile of `rows` rows go in tileView's view: with the swizzle, 16-byte
  /// chunk j of a 128-byte row r goes to chunk j ^ (r % 8) (the tiles
  /// start at 1024-byte boundaries, so the row within the swizzle's period
  /// is r % 8).
  SmallVector<Value> tileIndex(Value row, Value column, int64_t rows) {
    if (!shape.warpgroup)
      return {row, column};
    Value panel = div(column, c(kPanelColumns));
    Value chunk = div(rem(column, c(kPanelColumns)), c(8));
    Value swizzled = arith::XOrIOp::create(b, loc, chunk, rem(row, c(8)));
    return {add(mul(panel, c(rows)), row), mul(swizzled, c(8))};
  }

  Value i64(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 64);
  }

  /// `values` combined by `combine` pairwise: a chain of log2 n dependent
  /// operations instead of n (the sums and maxima of a lane's scores).
  Value pairwise(SmallVector<Value> values,
                 function_ref<Value(Value, Value)> combine) {
    while (values.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < values.size(); i += 2)
        next.push_back(combine(values[i], values[i + 1]));
      if (values.size() % 2)
        next.push_back(values.back());
      values = std::move(next);
    }
    return values.front();
  }
  Value pairwiseSum(SmallVector<Value> values) {
    return pairwise(std::move(values), [&](Value x, Value y) -> Value {
      return arith::AddFOp::create(b, loc, x, y);
    });
  }

  /// x * scale - shift, contractable into one FMA: the exponent of each
  /// probability, the bulk of the kernel's instructions besides the
  /// exponentials themselves.
  Value scaledMinus(Value x, Value scale, Value shift) {
    auto contract = arith::FastMathFlagsAttr::get(
        b.getContext(), arith::FastMathFlags::contract);
    Value scaled = arith::MulFOp::create(b, loc, x, scale, contract);
    return arith::SubFOp::create(b, loc, scaled, shift, contract);
  }

  /// Stores the score of key `column` (an f32 mean or -inf): to the
  /// output, or with a fused top-k to the row in shared memory, a NaN as
  /// -inf (never picked, as attn.topk's kernel reads it).
  void storeScore(Value score, Value column) {
    if (!topkRow) {
      memref::StoreOp::create(b, loc, score, output,
                              ValueRange{batch, group, block, column});
      return;
    }
    Value negInf = w.f32(-std::numeric_limits<double>::infinity());
    Value candidate =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, score, negInf);
    memref::StoreOp::create(b, loc, select(candidate, score, negInf), topkRow,
                            ValueRange{c(0), column});
  }

  /// With a fused top-k, once every score is in the row: the first warp
  /// picks the row's k best and stores them.
  void pickTopk() {
    gpu::BarrierOp::create(b, loc);
    auto first = scf::IfOp::create(b, loc, lt(warp, c(1)), false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(first.thenBlock());
    Value picks = view(shape.topkPicksOffset(), 1, shape.topk, b.getI32Type());
    WarpTopk selection{
        b, loc, topkRow, picks, c(0), c(shape.keyLength), shape.topk, lane};
    auto [best, bestIndex] = selection.scanLaneBests();
    selection.pick(best, bestIndex, [&](Value slot, Value index) {
      memref::StoreOp::create(b, loc, index, output,
                              ValueRange{batch, group, block, slot});
    });
  }

  /// The query head and row of CTA row `rho` (head-major).
  std::pair<Value, Value> rowOf(Value rho) {
    Value head = add(mul(group, c(shape.group)), div(rho, c(shape.blockQ)));
    Value row = add(mul(block, c(shape.blockQ)), rem(rho, c(shape.blockQ)));
    return {head, row};
  }

  /// cp.async of `rows` rows of headDim elements into `tile` (of `rows`
  /// rows), 16 bytes per thread at a time: `locate(row)` gives whether the
  /// row exists and its source indices; missing rows read row 0 with a
  /// source size of 0 (zeros). Each thread copies the same column of every
  /// (threads / chunks)-th row where the threads divide the copies evenly:
  /// unrolled, without a division per copy, all of a thread's copies in
  /// flight at once (key tiles are copied for every tile).
  void
  copyRows(Value source, Value tile, int64_t rows,
           function_ref<std::pair<Value, SmallVector<Value>>(Value)> locate) {
    int64_t chunks = shape.headDim / 8, threads = shape.threads();
    // A padded tile (paddedHeadDim) has more columns than the source: its
    // last chunk of each row is zeros. (The query's head dim is static;
    // the keys' type may leave it `?`.)
    int64_t sourceColumns = shape.queryColumns;
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    auto copyChunk = [&](Value row, Value column) {
      auto [valid, indices] = locate(row);
      Value sourceColumn = column;
      if (sourceColumns < shape.headDim) {
        valid =
            arith::AndIOp::create(b, loc, valid, lt(column, c(sourceColumns)));
        sourceColumn = select(valid, column, c(0));
      }
      // The row index: the last before the column.
      indices.back() = select(valid, indices.back(), c(0));
      indices.push_back(sourceColumn);
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, tile, tileIndex(row, column, rows), source,
          indices, b.getIndexAttr(8), select(valid, c(8), c(0)),
          b.getUnitAttr());
    };
    if (threads % chunks == 0 && rows * chunks % threads == 0) {
      Value firstRow = div(tid, c(chunks));
      Value column = mul(rem(tid, c(chunks)), c(8));
      for (int64_t i = 0; i < rows * chunks / threads; ++i)
        copyChunk(add(firstRow, c(i * threads / chunks)), column);
      return;
    }
    scf::ForOp::create(b, loc, tid, c(rows * chunks), c(threads), ValueRange{},
                       [&](OpBuilder &, Location, Value chunk, ValueRange) {
                         copyChunk(div(chunk, c(chunks)),
                                   mul(rem(chunk, c(chunks)), c(8)));
                         scf::YieldOp::create(b, loc);
                       });
  }

  /// Key tile buffer `stage` (0 or 1).
  Value keyStage(Value stage) {
    Value offset =
        add(c(shape.keyTileOffset()), mul(stage, c(shape.keyTileBytes())));
    return tileView(offset, kKeyTile);
  }

  /// cp.async of key tile `u` into buffer `stage`; keys past the end are
  /// zeros. Keys that come in whole tiles need no test: each copy's source
  /// is then the tile's address plus a loop invariant (a test per copy and
  /// its select were a fifth of the loop's instructions).
  void issueKeys(Value u, Value stage) {
    bool wholeTiles = !ShapedType::isDynamic(shape.keyLength) &&
                      shape.keyLength % kKeyTile == 0;
    copyRows(keys, keyStage(stage), kKeyTile, [&](Value row) {
      Value key = add(mul(u, c(kKeyTile)), row);
      Value valid = wholeTiles
                        ? arith::ConstantIntOp::create(b, loc, 1, 1).getResult()
                        : lt(key, keyLength);
      return std::make_pair(valid, SmallVector<Value>{batch, group, key});
    });
  }

  /// The shared address (i64) of key-tile buffer `stage`.
  Value keyStageAddress(Value stage) {
    Value offset =
        add(c(shape.keyTileOffset()), mul(stage, c(shape.keyTileBytes())));
    return arith::AddIOp::create(
        b, loc, alignedBase,
        arith::IndexCastOp::create(b, loc, b.getI64Type(), offset));
  }

  /// TMA mbarrier `slot` (0: Q's; 1 + 2 pass + stage: a key stage's).
  Value barrierAt(Value slot) {
    Value offset = add(c(shape.barrierOffset()), mul(slot, c(8)));
    return sharedPointer(
        b, loc,
        arith::AddIOp::create(
            b, loc, alignedBase,
            arith::IndexCastOp::create(b, loc, b.getI64Type(), offset)));
  }
  Value keyBarrier(Value stage) {
    return barrierAt(add(c(1 + 2 * keyPass), stage));
  }

  /// TMA of the 64-column panel `panel` of `rows` rows of `map` from (row,
  /// head) to shared address `address`, completing on `bar`.
  void loadBox(Value map, Value address, int64_t panel, Value row, Value head,
               Value bar) {
    auto toI32 = [&](Value index) -> Value {
      return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
    };
    Value destination = clusterPointer(b, loc, address);
    loadTensorBox(
        b, loc, map, destination,
        {arith::ConstantIntOp::create(b, loc, panel * kPanelColumns, 32),
         toI32(row), toI32(head), toI32(batch)},
        bar);
  }

  /// Thread 0's TMA of key tile `u` into buffer `stage` on its barrier
  /// (keys past the end arrive as zeros).
  void loadKeys(Value u, Value stage) {
    Value bar = keyBarrier(stage);
    NVVM::MBarrierArriveExpectTxOp::create(
        b, loc, Type(), bar,
        arith::ConstantIntOp::create(b, loc, shape.keyTileBytes(), 32),
        NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
    Value tile = keyStageAddress(stage);
    for (int64_t p = 0; p < shape.headDim / kPanelColumns; ++p)
      loadBox(keyMap,
              arith::AddIOp::create(b, loc, tile,
                                    i64(p * kKeyTile * kPanelRowBytes)),
              p, mul(u, c(kKeyTile)), group, bar);
  }

  /// An scf.if (no else) for thread 0, the TMA issuer, when `condition`
  /// (if any) holds.
  scf::IfOp ifIssuer(Value condition = {}) {
    Value issuer =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0));
    if (condition)
      issuer = arith::AndIOp::create(b, loc, issuer, condition);
    return scf::IfOp::create(b, loc, issuer, false);
  }

  /// Before a loop over key tiles [first, end): its first tile's copy into
  /// buffer 0 (after a barrier: the last loop may still read it).
  void beginKeys(Value first, Value end) {
    gpu::BarrierOp::create(b, loc);
    if (shape.tma) {
      // Only a tile the loop waits for: none may be in flight at the exit.
      auto issuer = ifIssuer(lt(first, end));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(issuer.thenBlock());
      loadKeys(first, c(0));
      return;
    }
    issueKeys(first, c(0));
    NVVM::CpAsyncCommitGroupOp::create(b, loc);
  }

  /// At tile `u` of [first, end): waits for its copy, then (everyone past
  /// the barrier, so done with the other buffer) copies tile u + 1 there
  /// while this one is used; `keyTile` is this one's buffer.
  void stageKeys(Value u, Value first, Value end) {
    if (shape.tma) {
      // TMA writes and wgmma reads are both the async proxy's: no fence;
      // the barrier after the wait frees the other buffer.
      Value index = arith::SubIOp::create(b, loc, u, first);
      Value stage = rem(index, c(2));
      Value phase = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                               rem(div(index, c(2)), c(2)));
      waitParity(b, loc, keyBarrier(stage), phase);
      gpu::BarrierOp::create(b, loc);
      Value next = add(u, c(1));
      auto issuer = ifIssuer(lt(next, end));
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(issuer.thenBlock());
        loadKeys(next, arith::SubIOp::create(b, loc, c(1), stage));
      }
      keyTileAddress = keyStageAddress(stage);
      return;
    }
    NVVM::CpAsyncWaitGroupOp::create(b, loc, 0);
    // wgmma reads shared memory through the async proxy: order this
    // thread's copies (the rows of Q's too) before it.
    if (shape.warpgroup)
      NVVM::FenceProxyOp::create(
          b, loc,
          NVVM::ProxyKindAttr::get(b.getContext(),
                                   NVVM::ProxyKind::async_shared),
          NVVM::SharedSpaceAttr::get(b.getContext(),
                                     NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
    Value stage = rem(arith::SubIOp::create(b, loc, u, first), c(2));
    Value next = add(u, c(1));
    auto more = scf::IfOp::create(b, loc, lt(next, end), false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(more.thenBlock());
      issueKeys(next, arith::SubIOp::create(b, loc, c(1), stage));
    }
    NVVM::CpAsyncCommitGroupOp::create(b, loc);
    keyTile = keyStage(stage);
    if (shape.warpgroup)
      keyTileAddress = keyStageAddress(stage);
  }

  /// A B^T on the warpgroup (wgmma m64nNk16, f32, N = `columns`, a
  /// multiple of 8 up to 256) for the 64 rows of the swizzled tile at shared
  /// address `aAddress` and the `columns` rows at `bAddress`, whose tiles'
  /// panels have `aRows` and `bRows` rows: warp w's rows 16 w .. 16 w + 15
  /// as columns / 8 accumulator tiles of 16 x 8, as product() gives them.
  /// Issued and awaited here.
  SmallVector<Accumulator> warpgroupProduct(Value aAddress, int64_t aRows,
                                            Value bAddress, int64_t bRows,
                                            int64_t columns = 64) {
    MLIRContext *context = b.getContext();
    SmallVector<Type> fields(columns / 2, b.getF32Type());
    auto resultType = LLVM::LLVMStructType::getLiteral(context, fields);
    NVVM::WGMMATypes operandType =
        w.elementType.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
    Value aTile = swizzledDescriptor(b, loc, aAddress, 16, kSwizzleAtomBytes);
    Value bTile = swizzledDescriptor(b, loc, bAddress, 16, kSwizzleAtomBytes);
    // A k16 step moves 32 bytes along a panel's rows, and every fourth
    // one to the next panel; the offset / 16 goes into the start-address
    // field (shared addresses stay below 256 KB: no carry out of it).
    auto atStep = [&](Value descriptor, int64_t rows, int64_t step) {
      int64_t bytes = (step / 4) * rows * kPanelRowBytes + (step % 4) * 32;
      return bytes ? arith::AddIOp::create(b, loc, descriptor, i64(bytes >> 4))
                         .getResult()
                   : descriptor;
    };
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value scores = LLVM::PoisonOp::create(b, loc, resultType);
    for (int64_t step = 0; step < shape.headDim / 16; ++step)
      scores = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, resultType, scores, atStep(aTile, aRows, step),
          atStep(bTile, bRows, step),
          NVVM::MMAShapeAttr::get(context, 64, columns, 16), operandType,
          operandType, NVVM::WGMMATypes::f32,
          step ? NVVM::WGMMAScaleOut::one : NVVM::WGMMAScaleOut::zero,
          NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
          NVVM::MMALayout::row, NVVM::MMALayout::col,
          NVVM::MMAIntOverflowAttr());
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    SmallVector<Value> raw;
    for (int64_t k = 0; k < columns / 2; ++k)
      raw.push_back(LLVM::ExtractValueOp::create(b, loc, scores, k));
    // Their uses must not move above the wait.
    raw = pinRegisters(b, loc, raw);
    SmallVector<Accumulator> tiles;
    for (int64_t n = 0; n < columns / 8; ++n)
      tiles.push_back(
          {raw[4 * n], raw[4 * n + 1], raw[4 * n + 2], raw[4 * n + 3]});
    return tiles;
  }

  /// The shared address (i64) of the query rows from `row` on.
  Value queryAddress(int64_t row) {
    return arith::AddIOp::create(b, loc, alignedBase,
                                 i64(row * kPanelRowBytes));
  }

  /// A B^T on tensor cores for the 16 rows of `aTile` from `aRow` and the
  /// `columns` rows of `bTile` from `bRow` (both [rows, headDim] in shared
  /// memory): columns / 8 accumulator tiles of 16 x 8.
  SmallVector<Accumulator> product(Value aTile, Value aRow, Value bTile,
                                   Value bRow, int64_t columns) {
    Value matrixRow =
        add(rem(lane, c(8)), mul(rem(div(lane, c(8)), c(2)), c(8)));
    Value matrixColumn = mul(div(lane, c(16)), c(8));
    Value keyMatrixRow = add(rem(lane, c(8)), mul(div(lane, c(16)), c(8)));
    Value keyMatrixColumn = mul(rem(div(lane, c(8)), c(2)), c(8));
    Value zero = w.f32(0.0);
    SmallVector<Accumulator> s(columns / 8,
                               Accumulator{zero, zero, zero, zero});
    for (int64_t step = 0; step < shape.headDim / 16; ++step) {
      std::array<Value, 4> a = w.loadMatrices(
          aTile, add(aRow, matrixRow), add(c(16 * step), matrixColumn), false);
      for (int64_t pair = 0; pair < columns / 16; ++pair) {
        std::array<Value, 4> k =
            w.loadMatrices(bTile, add(bRow, add(c(16 * pair), keyMatrixRow)),
                           add(c(16 * step), keyMatrixColumn), false);
        for (int64_t half = 0; half < 2; ++half)
          s[2 * pair + half] = w.multiply(
              OperandA{a[0], a[1], a[2], a[3]},
              OperandB{k[2 * half], k[2 * half + 1]}, s[2 * pair + half]);
      }
    }
    return s;
  }

  /// Whether row `rho`'s query may attend to compressed key `column`.
  Value allowed(Value rho, Value column) {
    auto [head, row] = rowOf(rho);
    AttentionPoint point;
    point.batch = batch;
    point.head = head;
    point.kvHead = group;
    point.row = row;
    point.column = column;
    point.queryLength = queryLength;
    point.keyLength = keyLength;
    point.numQueryHeads = c(shape.group * shape.kvHeads);
    Value inside = arith::AndIOp::create(b, loc, lt(row, queryLength),
                                         lt(column, keyLength));
    return arith::AndIOp::create(
        b, loc, inside,
        buildAllowed(b, loc, op.getMask().getValue(), nullptr, point));
  }

  void build();

  /// This block's key tiles [first, end) and its run of whole tiles that
  /// every row may attend to [fullFirst, fullEnd): from the block map's
  /// table over static lengths, else from the mask's key intervals at run
  /// time, with the table's rules (a last block of fewer rows has no run,
  /// nor a last key tile past the keys).
  std::array<Value, 4> blockKeyTiles() {
    if (!shape.tableName.empty()) {
      Value table = memref::GetGlobalOp::create(
          b, loc, MemRefType::get({shape.numBlocks(), 4}, b.getI32Type()),
          shape.tableName);
      auto entry = [&](int64_t column) -> Value {
        Value raw =
            memref::LoadOp::create(b, loc, table, ValueRange{block, c(column)});
        return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
      };
      return {entry(0), entry(1), entry(2), entry(3)};
    }
    Value firstRow = mul(block, c(shape.blockQ));
    Value rowsEnd = add(firstRow, c(shape.blockQ));
    Value lastRow =
        sub(arith::MinUIOp::create(b, loc, queryLength, rowsEnd), c(1));
    KeyTileInterval tiles = buildKeyTileInterval(
        b, loc, op.getMask().getValue(), /*maskMod=*/nullptr,
        RowSpan{firstRow, lastRow, queryLength, keyLength}, kKeyTile);
    Value wholeBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                             rowsEnd, queryLength);
    Value fullEnd = select(wholeBlock,
                           arith::MinUIOp::create(b, loc, tiles.fullEnd,
                                                  div(keyLength, c(kKeyTile))),
                           c(0));
    Value fullFirst = arith::MinUIOp::create(
        b, loc, select(wholeBlock, tiles.fullFirst, c(0)), fullEnd);
    return {tiles.first, tiles.end, fullFirst, fullEnd};
  }
  void computeRowStatistics(Value first, Value end, Value stats,
                            function_ref<Value(Value)> isPartial);
};

/// Pass 1: each row's shift m + log2 l (its max in log2 units and its
/// sum's log; +inf without keys, so that its p are 0) into `stats`, over
/// the key tiles [first, end).
void BlockScoresBuilder::computeRowStatistics(
    Value first, Value end, Value stats, function_ref<Value(Value)> isPartial) {
  Type f32 = b.getF32Type();
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0);
  Value scale = w.f32(shape.scale * kLog2E);
  bool positiveScale = shape.scale > 0;
  Value quad = rem(lane, c(4)), laneGroup = div(lane, c(4));
  // Per row tile slot k of the warp, (m, l) of its two rows.
  int64_t rowTiles = shape.rows() / 16;
  int64_t tilesPerWarp = llvm::divideCeil(rowTiles, kWarps);
  SmallVector<Value> state;
  for (int64_t k = 0; k < tilesPerWarp; ++k)
    state.append({negInf, negInf, zero, zero});
  beginKeys(first, end);
  auto statsLoop = scf::ForOp::create(
      b, loc, first, end, c(1), state,
      [&](OpBuilder &, Location, Value u, ValueRange carried) {
        stageKeys(u, first, end);
        Value partial = isPartial(u);
        SmallVector<Value> next(carried);
        for (int64_t k = 0; k < tilesPerWarp; ++k) {
          Value t = add(warp, c(kWarps * k));
          SmallVector<Value> slot(carried.slice(4 * k, 4));
          // The warpgroup's product covers row tiles 4 k .. 4 k + 3 (warp
          // w's is t), all real: issued by all four warps together, ahead
          // of the guard.
          SmallVector<Accumulator> issued;
          if (shape.warpgroup)
            issued = warpgroupProduct(queryAddress(64 * k), shape.rows(),
                                      keyTileAddress, kKeyTile);
          auto guard = scf::IfOp::create(b, loc, TypeRange(ValueRange(slot)),
                                         lt(t, c(rowTiles)), true);
          OpBuilder::InsertionGuard insertion(b);
          b.setInsertionPointToStart(guard.elseBlock());
          scf::YieldOp::create(b, loc, slot);
          b.setInsertionPointToStart(guard.thenBlock());
          SmallVector<Accumulator> s =
              shape.warpgroup
                  ? issued
                  : product(queryTile, mul(t, c(16)), keyTile, c(0), kKeyTile);
          // Element (n, v): row 16 t + g + 8 (v / 2), key 8 n + 2 quad +
          // v % 2 of the tile. A positive scale keeps the order: the max is
          // taken unscaled and scaled once, and each exponent's scaling is
          // part of its subtraction (one fused multiply-add).
          SmallVector<Value> raw;
          for (Accumulator &tile : s)
            for (Value x : tile)
              raw.push_back(
                  positiveScale
                      ? x
                      : arith::MulFOp::create(b, loc, x, scale).getResult());
          SmallVector<Type> types(raw.size(), f32);
          auto masked = scf::IfOp::create(b, loc, types, partial, true);
          {
            OpBuilder::InsertionGuard inner(b);
            b.setInsertionPointToStart(masked.elseBlock());
            scf::YieldOp::create(b, loc, raw);
            b.setInsertionPointToStart(masked.thenBlock());
            SmallVector<Value> values;
            for (auto [e, x] : llvm::enumerate(raw)) {
              int64_t n = e / 4, v = e % 4;
              Value rho = add(mul(t, c(16)), add(laneGroup, c(8 * (v / 2))));
              Value column = add(mul(u, c(kKeyTile)),
                                 add(c(8 * n + v % 2), mul(quad, c(2))));
              values.push_back(select(allowed(rho, column), x, negInf));
            }
            scf::YieldOp::create(b, loc, values);
          }
          SmallVector<Value> updated;
          for (int64_t half = 0; half < 2; ++half) {
            Value m = slot[half], l = slot[2 + half];
            SmallVector<Value> scores;
            for (auto [e, x] : llvm::enumerate(masked.getResults()))
              if ((e % 4) / 2 == static_cast<size_t>(half))
                scores.push_back(x);
            Value tileMax =
                w.rowMax(pairwise(scores, [&](Value x, Value y) -> Value {
                  return arith::MaximumFOp::create(b, loc, x, y);
                }));
            if (positiveScale)
              tileMax = arith::MulFOp::create(b, loc, tileMax, scale);
            Value newMax = arith::MaximumFOp::create(b, loc, m, tileMax);
            // A row without keys so far keeps shifting by 0.
            Value shift =
                select(arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             newMax, negInf),
                       newMax, zero);
            SmallVector<Value> terms;
            for (Value x : scores)
              terms.push_back(w.exp2(
                  positiveScale
                      ? scaledMinus(x, scale, shift)
                      : arith::SubFOp::create(b, loc, x, shift).getResult()));
            Value sum = pairwiseSum(std::move(terms));
            Value rescale = w.exp2(arith::SubFOp::create(b, loc, m, shift));
            updated.push_back(newMax);
            updated.push_back(arith::AddFOp::create(
                b, loc, arith::MulFOp::create(b, loc, l, rescale),
                w.rowSum(sum)));
          }
          scf::YieldOp::create(
              b, loc,
              ValueRange{updated[0], updated[2], updated[1], updated[3]});
          b.setInsertionPointAfter(guard);
          for (int64_t v = 0; v < 4; ++v)
            next[4 * k + v] = guard.getResult(v);
        }
        scf::YieldOp::create(b, loc, next);
      });
  // Each row's shift for pass 2.
  Value posInf = w.f32(std::numeric_limits<double>::infinity());
  for (int64_t k = 0; k < tilesPerWarp; ++k) {
    Value t = add(warp, c(kWarps * k));
    auto store = scf::IfOp::create(
        b, loc,
        arith::AndIOp::create(b, loc, lt(t, c(rowTiles)),
                              arith::CmpIOp::create(b, loc,
                                                    arith::CmpIPredicate::eq,
                                                    quad, c(0))),
        false);
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(store.thenBlock());
    for (int64_t half = 0; half < 2; ++half) {
      Value m = statsLoop.getResult(4 * k + half);
      Value l = statsLoop.getResult(4 * k + 2 + half);
      Value rho = add(mul(t, c(16)), add(laneGroup, c(8 * half)));
      // (Unordered: a NaN sum stays NaN, as in the reference.)
      Value any =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, l, zero);
      memref::StoreOp::create(
          b, loc,
          select(any, arith::AddFOp::create(b, loc, m, w.log2(l)), posInf),
          stats, ValueRange{c(0), rho});
    }
  }
}

void BlockScoresBuilder::build() {
  smem = dynamicSharedMemory(b, loc);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  warp = div(tid, c(32));
  block = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  group = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  queryLength = size(query, 2);
  keyLength = size(keys, 2);
  if (shape.warpgroup) {
    // The swizzle repeats every 1024 bytes and wgmma's descriptors assume
    // tiles at that alignment: round the base up (the kernel asks for 1024
    // bytes more).
    Value raw = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem);
    Value aligned =
        arith::AndIOp::create(b, loc, add(raw, c(1023)), c(~int64_t(1023)));
    alignment = sub(aligned, raw);
    alignedBase = arith::IndexCastOp::create(b, loc, b.getI64Type(), aligned);
  }
  if (shape.topk)
    topkRow = view(shape.topkRowOffset(), 1, shape.keyLength, b.getF32Type());
  Value queryBarrier;
  if (shape.tma) {
    queryMap = tensorMapSlot(b, loc, queryMap);
    keyMap = tensorMapSlot(b, loc, keyMap);
    queryBarrier = barrierAt(c(0));
    auto leader = ifIssuer();
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(leader.thenBlock());
      Value arrivals = arith::ConstantIntOp::create(b, loc, 1, 32);
      for (int64_t slot = 0; slot < GpuBlockScoresShape::kBarriers; ++slot)
        NVVM::MBarrierInitOp::create(b, loc, barrierAt(c(slot)), arrivals,
                                     Value());
      NVVM::FenceMbarrierInitOp::create(b, loc);
      // Q: a box of block_q rows per head of the group, each head's rows
      // at their place in every 64-column panel (rows past the queries
      // arrive as zeros).
      NVVM::MBarrierArriveExpectTxOp::create(
          b, loc, Type(), queryBarrier,
          arith::ConstantIntOp::create(b, loc, shape.tileBytes(shape.rows()),
                                       32),
          NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
      for (int64_t p = 0; p < shape.headDim / kPanelColumns; ++p)
        for (int64_t h = 0; h < shape.group; ++h)
          loadBox(
              queryMap,
              arith::AddIOp::create(
                  b, loc, alignedBase,
                  i64((p * shape.rows() + h * shape.blockQ) * kPanelRowBytes)),
              p, mul(block, c(shape.blockQ)),
              add(mul(group, c(shape.group)), c(h)), queryBarrier);
    }
    gpu::BarrierOp::create(b, loc);
  }
  queryTile = tileView(c(0), shape.rows());
  Type f32 = b.getF32Type();
  // Each row's shift in log2 units: p = 2^(s - shift).
  Value stats = view(shape.statsOffset(), 1, shape.rows(), f32);
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0), one = w.f32(1.0);

  // This block's key tiles: the block map's range [first, end) and its run
  // of tiles every row may attend to whole [fullFirst, fullEnd).
  std::array<Value, 4> keyTiles = blockKeyTiles();
  Value first = keyTiles[0], end = keyTiles[1], fullFirst = keyTiles[2],
        fullEnd = keyTiles[3];
  auto isPartial = [&](Value u) {
    return arith::OrIOp::create(
        b, loc, lt(u, fullFirst),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, u, fullEnd));
  };

  // Columns outside the range: no row may attend.
  Value firstColumn = mul(first, c(kKeyTile));
  Value endColumn = mul(end, c(kKeyTile));
  scf::ForOp::create(
      b, loc, tid, keyLength, c(shape.threads()), ValueRange{},
      [&](OpBuilder &, Location, Value column, ValueRange) {
        Value outside = arith::OrIOp::create(
            b, loc, lt(column, firstColumn),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, column,
                                  endColumn));
        auto store = scf::IfOp::create(b, loc, outside, false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(store.thenBlock());
        storeScore(negInf, column);
        b.setInsertionPointAfter(store);
        scf::YieldOp::create(b, loc);
      });
  if (!shape.tma)
    copyRows(query, queryTile, shape.rows(), [&](Value rho) {
      auto [head, row] = rowOf(rho);
      return std::make_pair(lt(row, queryLength),
                            SmallVector<Value>{batch, head, row});
    });

  Value scale = w.f32(shape.scale * kLog2E);
  Value quad = rem(lane, c(4)), laneGroup = div(lane, c(4));

  if (lse) {
    // An attention's LSE over the same probabilities: p = 2^(s - lse
    // log2 e), shift lse log2 e; rows without keys (or past the queries)
    // +inf.
    scf::ForOp::create(
        b, loc, tid, c(shape.rows()), c(shape.threads()), ValueRange{},
        [&](OpBuilder &, Location, Value rho, ValueRange) {
          auto [head, row] = rowOf(rho);
          Value inside = lt(row, queryLength);
          auto read = scf::IfOp::create(b, loc, TypeRange{f32}, inside, true);
          {
            OpBuilder::InsertionGuard insertion(b);
            b.setInsertionPointToStart(read.thenBlock());
            scf::YieldOp::create(b, loc,
                                 memref::LoadOp::create(
                                     b, loc, lse, ValueRange{batch, head, row})
                                     .getResult());
            b.setInsertionPointToStart(read.elseBlock());
            scf::YieldOp::create(b, loc, negInf);
          }
          Value x = read.getResult(0);
          Value any = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                            x, negInf);
          memref::StoreOp::create(
              b, loc,
              select(any, arith::MulFOp::create(b, loc, x, w.f32(kLog2E)),
                     w.f32(std::numeric_limits<double>::infinity())),
              stats, ValueRange{c(0), rho});
          scf::YieldOp::create(b, loc);
        });
  }
  // Q has arrived before any product (and before the CTA may exit).
  if (shape.tma)
    waitParity(b, loc, queryBarrier,
               arith::ConstantIntOp::create(b, loc, 0, 32));
  if (!lse)
    computeRowStatistics(first, end, stats, isPartial);

  // Pass 2: warp w's 16 keys against the rows, in chunks.
  Value rowsHere = arith::MinUIOp::create(
      b, loc, c(shape.blockQ),
      arith::SubIOp::create(b, loc, queryLength, mul(block, c(shape.blockQ))));
  // The mean multiplies by 1 / rows: a division per stored key expanded
  // to a dozen instructions that every lane ran.
  Value reciprocalCount = arith::DivFOp::create(
      b, loc, one,
      arith::UIToFPOp::create(
          b, loc, f32,
          arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                     mul(rowsHere, c(shape.group)))));
  keyPass = 1;
  beginKeys(first, end);
  // The rows in chunks (the last one a multiple of 16): each chunk's first
  // row and size. A warpgroup's product takes up to 256 rows (wgmma's widest
  // n) at once where the registers allow: both of its operands come from
  // shared memory, and with 64 rows a k-step read 4 KB of it for 32 cycles
  // of products, as much as shared memory delivers; 256 rows read 10 KB for
  // 128 cycles.
  int64_t chunkRows = shape.warpgroup ? passTwoProductRows(shape) : 64;
  SmallVector<std::pair<int64_t, int64_t>> chunks;
  for (int64_t start = 0; start < shape.rows(); start += chunkRows)
    chunks.push_back(
        {start, std::min<int64_t>(chunkRows, shape.rows() - start)});
  // The shifts of the rows a lane's products cover (the same for every key
  // tile): kept in registers for up to 128 rows.
  bool statsInRegisters = shape.rows() <= kMaxRowsWithShiftsInRegisters;
  auto rowStats = [&](Value rho) {
    return memref::LoadOp::create(b, loc, stats, ValueRange{c(0), rho})
        .getResult();
  };
  // Row 8 n + v % 2 + 2 quad from `start`: keyed by start + 8 n + v % 2.
  auto laneRow = [&](int64_t first) { return add(c(first), mul(quad, c(2))); };
  DenseMap<int64_t, Value> heldStats;
  if (statsInRegisters)
    for (auto [start, size] : chunks)
      for (int64_t n = 0; n < size / 8; ++n)
        for (int64_t v = 0; v < 2; ++v)
          heldStats[start + 8 * n + v] = rowStats(laneRow(start + 8 * n + v));
  scf::ForOp::create(
      b, loc, first, end, c(1), ValueRange{},
      [&](OpBuilder &, Location, Value u, ValueRange) {
        stageKeys(u, first, end);
        Value partial = isPartial(u);
        // Per key of the lane (g, g + 8): the sum of P^T over the rows,
        // and whether any row may attend.
        Value sums[2] = {zero, zero}, seen[2] = {zero, zero};
        for (auto [start, size] : chunks) {
          SmallVector<Accumulator> acc =
              shape.warpgroup
                  ? warpgroupProduct(keyTileAddress, kKeyTile,
                                     queryAddress(start), shape.rows(), size)
                  : product(keyTile, mul(warp, c(16)), queryTile, c(start),
                            size);
          // Element (n, v): key 16 w + g + 8 (v / 2), row
          // chunk + 8 n + 2 quad + v % 2.
          SmallVector<Value> p;
          for (auto [n, tile] : llvm::enumerate(acc))
            for (int64_t v = 0; v < 4; ++v) {
              int64_t first = start + 8 * n + v % 2;
              Value shift = statsInRegisters ? heldStats.lookup(first)
                                             : rowStats(laneRow(first));
              p.push_back(w.exp2(scaledMinus(tile[v], scale, shift)));
            }
          SmallVector<Type> types(p.size() + 2, f32);
          auto masked = scf::IfOp::create(b, loc, types, partial, true);
          {
            OpBuilder::InsertionGuard inner(b);
            b.setInsertionPointToStart(masked.elseBlock());
            SmallVector<Value> values(p);
            values.append({one, one});
            scf::YieldOp::create(b, loc, values);
            b.setInsertionPointToStart(masked.thenBlock());
            values.clear();
            Value any[2] = {zero, zero};
            for (auto [e, x] : llvm::enumerate(p)) {
              int64_t n = e / 4, v = e % 4;
              Value rho = laneRow(start + 8 * n + v % 2);
              Value column =
                  add(mul(u, c(kKeyTile)),
                      add(mul(warp, c(16)), add(laneGroup, c(8 * (v / 2)))));
              Value ok = allowed(rho, column);
              values.push_back(select(ok, x, zero));
              any[v / 2] = arith::MaximumFOp::create(b, loc, any[v / 2],
                                                     select(ok, one, zero));
            }
            values.append({any[0], any[1]});
            scf::YieldOp::create(b, loc, values);
          }
          for (int64_t half = 0; half < 2; ++half) {
            SmallVector<Value> terms;
            for (size_t e = 0; e < p.size(); ++e)
              if ((e % 4) / 2 == static_cast<size_t>(half))
                terms.push_back(masked.getResult(e));
            sums[half] = arith::AddFOp::create(b, loc, sums[half],
                                               pairwiseSum(std::move(terms)));
          }
          for (int64_t half = 0; half < 2; ++half)
            seen[half] = arith::MaximumFOp::create(
                b, loc, seen[half], masked.getResult(p.size() + half));
        }
        // The row's four lanes; the first stores the key's mean.
        for (int64_t half = 0; half < 2; ++half) {
          Value sum = w.rowSum(sums[half]);
          Value any = w.rowMax(seen[half]);
          Value column =
              add(mul(u, c(kKeyTile)),
                  add(mul(warp, c(16)), add(laneGroup, c(8 * half))));
          auto store = scf::IfOp::create(
              b, loc,
              arith::AndIOp::create(
                  b, loc,
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, quad,
                                        c(0)),
                  lt(column, keyLength)),
              false);
          OpBuilder::InsertionGuard insertion(b);
          b.setInsertionPointToStart(store.thenBlock());
          storeScore(select(arith::CmpFOp::create(
                                b, loc, arith::CmpFPredicate::OGT, any, zero),
                            arith::MulFOp::create(b, loc, sum, reciprocalCount),
                            negInf),
                     column);
        }
        scf::YieldOp::create(b, loc);
      });
  if (topkRow)
    pickTopk();
}

} // namespace

FailureOr<GpuBlockScoresShape>
mlir::attn::chooseGpuBlockScoresShape(BlockScoresOp op, StringRef chip,
                                      int64_t sharedMemoryLimit) {
  auto query = cast<RankedTensorType>(op.getQuery().getType());
  auto keys = cast<RankedTensorType>(op.getKeys().getType());
  GpuBlockScoresShape shape;
  // A head dim of 8 (mod 16) computes with a zero column tile more.
  shape.queryColumns = query.getDimSize(3);
  shape.headDim = paddedHeadDim(shape.queryColumns);
  shape.blockQ = op.getBlockQ();
  shape.kvHeads = keys.getDimSize(1);
  shape.group = query.getDimSize(1) / shape.kvHeads;
  shape.queryLength = query.getDimSize(2);
  shape.keyLength = keys.getDimSize(2);
  if (shape.rows() % 16 != 0)
    return op.emitOpError("GPU lowering: block_q x the query heads per K/V "
                          "head must be a multiple of 16, got ")
           << shape.rows();
  shape.scale = op.getScale() ? op.getScale()->convertToDouble()
                              : 1.0 / std::sqrt(double(shape.queryColumns));
  // wgmma's products are 64 rows by 64 keys, on 64-column panels (whole
  // ones: TMA and the panels' copies do not pad).
  shape.warpgroup = chip == "sm_90a" && shape.rows() % 64 == 0 &&
                    shape.queryColumns % kPanelColumns == 0;
  // TMA boxes of a head's block_q rows land at their rows of the 128-byte
  // swizzled panels when they start at whole 1024-byte periods (8 rows);
  // the driver encodes boxes of at most 256 rows.
  shape.tma = shape.warpgroup && shape.blockQ % 8 == 0 && shape.blockQ <= 256;
  if (shape.sharedBytes() > sharedMemoryLimit)
    return op.emitOpError("GPU lowering: the block's rows need ")
           << shape.sharedBytes() << " bytes of shared memory, more than "
           << chip << "'s " << sharedMemoryLimit
           << " (smaller block_q or groups)";
  return shape;
}

gpu::GPUFuncOp mlir::attn::buildBlockScoresKernel(
    OpBuilder &builder, gpu::GPUModuleOp module, BlockScoresOp op,
    StringRef name, GpuBlockScoresShape shape, bool sharedLse, TopkOp topk) {
  assert(static_cast<bool>(topk) == (shape.topk > 0) &&
         "a fused top-k comes with its k in the shape");
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = op.getLoc();
  // The key-tile range of every query block, from the block map (over
  // static lengths; else the kernel computes each block's at run time).
  if (!ShapedType::isDynamic(shape.queryLength) &&
      !ShapedType::isDynamic(shape.keyLength)) {
    BlockMap map =
        BlockMap::compute(op.getMask().getValue(), /*maskMod=*/nullptr,
                          MaskShape{shape.queryLength, shape.keyLength},
                          shape.blockQ, GpuBlockScoresShape::kKeyTile);
    // Four per block: its range and its run of full tiles. A last block of
    // fewer rows has none (its missing rows are masked).
    // Nor is a last key tile past the keys full: its padding must be masked.
    SmallVector<int64_t> bounds = map.getLoopBoundsTable();
    SmallVector<int32_t> table(bounds.begin(), bounds.end());
    if (shape.queryLength % shape.blockQ != 0)
      table[table.size() - 1] = table[table.size() - 2] = 0;
    int64_t wholeKeyTiles = shape.keyLength / GpuBlockScoresShape::kKeyTile;
    for (size_t r = 0; r < table.size(); r += 4) {
      table[r + 3] = std::min<int32_t>(table[r + 3], wholeKeyTiles);
      table[r + 2] = std::min<int32_t>(table[r + 2], table[r + 3]);
    }
    auto tableType =
        MemRefType::get({shape.numBlocks(), 4}, builder.getI32Type());
    shape.tableName = (name + "_tiles").str();
    memref::GlobalOp::create(
        builder, loc, shape.tableName, builder.getStringAttr("private"),
        tableType,
        DenseElementsAttr::get(
            RankedTensorType::get(tableType.getShape(), builder.getI32Type()),
            ArrayRef(table)),
        /*constant=*/true, builder.getI64IntegerAttr(16));
  }
  auto queryType = cast<RankedTensorType>(op.getQuery().getType());
  SmallVector<Type> arguments{
      kernelBufferType(queryType, true),
      kernelBufferType(cast<RankedTensorType>(op.getKeys().getType()), true),
      kernelBufferType(topk ? topk.getIndices().getType()
                            : cast<RankedTensorType>(op.getResult().getType()),
                       false)};
  if (sharedLse)
    arguments.insert(
        arguments.begin() + 2,
        kernelBufferType(RankedTensorType::get(queryType.getShape().drop_back(),
                                               builder.getF32Type()),
                         false));
  // TMA: the tensor maps of Q and the keys first (CUtensorMap values).
  Type mapType = tensorMapType(builder.getContext());
  if (shape.tma)
    arguments.insert(arguments.begin(), {mapType, mapType});
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, arguments, shape.threads(),
                           shape.blockQ, shape.sharedBytes());
  // As many CTAs per multiprocessor as its shared memory holds, up to
  // four, so that one's products and waits overlap the others'
  // exponentials: ptxas fits the registers to that.
  if (shape.warpgroup) {
    int64_t resident = residentCtas(shape);
    kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                    builder.getI32IntegerAttr(resident));
    // attn-convert-tensor-map-args makes the maps grid-constant and sets the
    // minimum from this; hosts box Q by block_q rows, keys by key tiles.
    if (shape.tma) {
      kernel->setAttr(kKernelTensorMapsAttr, builder.getI64IntegerAttr(2));
      kernel->setAttr(kKernelBlockKvAttr,
                      builder.getI64IntegerAttr(GpuBlockScoresShape::kKeyTile));
      kernel->setAttr(kKernelCtasPerMultiprocessorAttr,
                      builder.getI64IntegerAttr(resident));
    }
  }
  Block &body = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Type element =
      cast<RankedTensorType>(op.getQuery().getType()).getElementType();
  BlockScoresBuilder scores(b, loc, op, shape, element);
  unsigned maps = shape.tma ? 2 : 0;
  if (shape.tma) {
    scores.queryMap = body.getArgument(0);
    scores.keyMap = body.getArgument(1);
  }
  scores.query = body.getArgument(maps);
  scores.keys = body.getArgument(maps + 1);
  if (sharedLse)
    scores.lse = body.getArgument(maps + 2);
  scores.output = body.getArguments().back();
  scores.build();
  // A block without key tiles leaves its prologue copies pending (TMA
  // kernels load only tiles their loops wait for, and wait for Q).
  if (!shape.tma)
    NVVM::CpAsyncWaitGroupOp::create(b, loc, 0);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

bool mlir::attn::fuseTopkIntoBlockScores(GpuBlockScoresShape &shape,
                                         TopkOp topk,
                                         int64_t sharedMemoryLimit) {
  auto resident = [&](const GpuBlockScoresShape &candidate) {
    return std::min<int64_t>(
        4, (sharedMemoryLimit + kSharedReservedPerCta) /
               (candidate.sharedBytes() + kSharedReservedPerCta));
  };
  // (The row of scores is sized when the kernel is built.)
  if (ShapedType::isDynamic(shape.keyLength))
    return false;
  GpuBlockScoresShape fused = shape;
  fused.topk = topk.getK();
  if (fused.sharedBytes() > sharedMemoryLimit ||
      resident(fused) < resident(shape))
    return false;
  shape = fused;
  return true;
}
