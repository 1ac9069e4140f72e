//===- BlockScoresKernel.cpp - attn.block_scores on tensor cores ----------===//
//
// One CTA of 4 warps per (query block r, K/V head g, batch): its rows are
// the block's queries of every query head of the group, staged in shared
// memory; 16-row tiles go to the warps in turn.
//
//   pass 1: for key tile u:  S = Q K[u]^T (mma.sync), m, l online per row
//   pass 2: for key tile u:  P = 2^(S - m) / l; column sums of P over the
//           warp's rows (shuffles), added to the CTA's (shared atomics);
//           out[b, g, r, u's columns] = sum / rows, or -inf where no row
//           may attend
//
// Scores are in log2 units (scale * log2 e folded in). The key tiles a
// query block visits are the block map's range (a constant table): columns
// outside it are -inf without a product. Lq x Lc is never materialised:
// the second pass recomputes S rather than store it.
//
//===----------------------------------------------------------------------===//

#include "WarpMatrix.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {

constexpr int64_t kKeyTile = GpuBlockScoresShape::kKeyTile;
constexpr int64_t kWarps = GpuBlockScoresShape::kWarps;

struct BlockScoresBuilder {
  BlockScoresBuilder(OpBuilder &b, Location loc, BlockScoresOp op,
                     const GpuBlockScoresShape &shape, Type element)
      : b(b), loc(loc), op(op), shape(shape), w{b, loc, element} {}

  OpBuilder &b;
  Location loc;
  BlockScoresOp op;
  const GpuBlockScoresShape &shape;
  WarpMatrix w;

  Value smem, tid, lane, warp, batch, group, block;
  Value query, keys, output;
  Value queryTile, keyTile, columnSums, columnSeen;

  Value c(int64_t v) { return w.index(v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  Value view(int64_t byteOffset, int64_t rows, int64_t pitch, Type element) {
    return sharedView(b, loc, smem, c(byteOffset), rows, pitch, element);
  }

  /// The query head and row of CTA row `rho` (head-major).
  std::pair<Value, Value> rowOf(Value rho) {
    Value head = add(mul(group, c(shape.group)), div(rho, c(shape.blockQ)));
    Value row = add(mul(block, c(shape.blockQ)), rem(rho, c(shape.blockQ)));
    return {head, row};
  }

  /// Copies `rows` rows of headDim elements into `tile`, 16 bytes per
  /// thread at a time; rows `locate` reports invalid are zeros.
  void
  copyRows(Value source, Value tile, int64_t rows,
           function_ref<std::pair<Value, SmallVector<Value>>(Value)> locate) {
    int64_t chunks = shape.headDim / 8;
    auto vectorType = VectorType::get({8}, w.elementType);
    scf::ForOp::create(
        b, loc, tid, c(rows * chunks), c(shape.threads()), ValueRange{},
        [&](OpBuilder &, Location, Value chunk, ValueRange) {
          Value row = div(chunk, c(chunks));
          Value column = mul(rem(chunk, c(chunks)), c(8));
          auto [valid, indices] = locate(row);
          indices.push_back(column);
          auto load =
              scf::IfOp::create(b, loc, TypeRange{vectorType}, valid, true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(load.thenBlock());
            scf::YieldOp::create(
                b, loc,
                vector::LoadOp::create(b, loc, vectorType, source, indices,
                                       /*nontemporal=*/false, llvm::Align(16))
                    .getResult());
            b.setInsertionPointToStart(load.elseBlock());
            Value zero = arith::ConstantOp::create(
                b, loc, vectorType,
                DenseElementsAttr::get(vectorType,
                                       b.getFloatAttr(w.elementType, 0.0)));
            scf::YieldOp::create(b, loc, zero);
          }
          vector::StoreOp::create(b, loc, load.getResult(0), tile,
                                  ValueRange{row, column},
                                  /*nontemporal=*/false, llvm::Align(16));
          scf::YieldOp::create(b, loc);
        });
  }

  /// S = Q_t K^T for row tile `t` of the CTA and the staged key tile: 8
  /// accumulator tiles of 16 x 8.
  SmallVector<Accumulator> scores(Value t) {
    Value matrixRow =
        add(rem(lane, c(8)), mul(rem(div(lane, c(8)), c(2)), c(8)));
    Value matrixColumn = mul(div(lane, c(16)), c(8));
    Value keyMatrixRow = add(rem(lane, c(8)), mul(div(lane, c(16)), c(8)));
    Value keyMatrixColumn = mul(rem(div(lane, c(8)), c(2)), c(8));
    Value zero = w.f32(0.0);
    SmallVector<Accumulator> s(kKeyTile / 8,
                               Accumulator{zero, zero, zero, zero});
    for (int64_t step = 0; step < shape.headDim / 16; ++step) {
      std::array<Value, 4> a =
          w.loadMatrices(queryTile, add(mul(t, c(16)), matrixRow),
                         add(c(16 * step), matrixColumn), false);
      for (int64_t pair = 0; pair < kKeyTile / 16; ++pair) {
        std::array<Value, 4> k =
            w.loadMatrices(keyTile, add(c(16 * pair), keyMatrixRow),
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
    Value queryLength = c(shape.queryLength), keyLength = c(shape.keyLength);
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
};

void BlockScoresBuilder::build() {
  smem = dynamicSharedMemory(b, loc);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, c(32));
  warp = div(tid, c(32));
  block = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  group = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  batch = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  int64_t pitch = shape.headDim + 8;
  queryTile = view(0, shape.rows(), pitch, w.elementType);
  keyTile = view(shape.keyTileOffset(), kKeyTile, pitch, w.elementType);
  Type f32 = b.getF32Type();
  columnSums = view(shape.columnOffset(), 2, kKeyTile, f32);
  Value negInf = w.f32(-std::numeric_limits<double>::infinity());
  Value zero = w.f32(0.0);

  // This block's key tiles: the block map's range.
  Value table = memref::GetGlobalOp::create(
      b, loc, MemRefType::get({shape.numBlocks(), 2}, b.getI32Type()),
      shape.tableName);
  auto entry = [&](int64_t column) {
    Value raw =
        memref::LoadOp::create(b, loc, table, ValueRange{block, c(column)});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw)
        .getResult();
  };
  Value first = entry(0), end = entry(1);

  // Columns outside the range: no row may attend.
  Value firstColumn = mul(first, c(kKeyTile));
  Value endColumn = mul(end, c(kKeyTile));
  scf::ForOp::create(
      b, loc, tid, c(shape.keyLength), c(shape.threads()), ValueRange{},
      [&](OpBuilder &, Location, Value column, ValueRange) {
        Value outside = arith::OrIOp::create(
            b, loc, lt(column, firstColumn),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, column,
                                  endColumn));
        auto store = scf::IfOp::create(b, loc, outside, false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(store.thenBlock());
        memref::StoreOp::create(b, loc, negInf, output,
                                ValueRange{batch, group, block, column});
        b.setInsertionPointAfter(store);
        scf::YieldOp::create(b, loc);
      });
  // The column accumulators start at zero; the rows are staged once.
  scf::ForOp::create(b, loc, tid, c(2 * kKeyTile), c(shape.threads()),
                     ValueRange{},
                     [&](OpBuilder &, Location, Value i, ValueRange) {
                       memref::StoreOp::create(b, loc, zero, columnSums,
                                               ValueRange{div(i, c(kKeyTile)),
                                                          rem(i, c(kKeyTile))});
                       scf::YieldOp::create(b, loc);
                     });
  copyRows(query, queryTile, shape.rows(), [&](Value rho) {
    auto [head, row] = rowOf(rho);
    return std::make_pair(lt(row, c(shape.queryLength)),
                          SmallVector<Value>{batch, head, row});
  });

  Value scale = w.f32(shape.scale * kLog2E);
  int64_t tilesPerWarp = llvm::divideCeil(shape.rows() / 16, kWarps);
  Value quad = rem(lane, c(4)), laneGroup = div(lane, c(4));
  // Per row tile slot k of the warp: (m, l) of its two rows per lane.
  SmallVector<Value> state;
  for (int64_t k = 0; k < tilesPerWarp; ++k)
    state.append({negInf, negInf, zero, zero});

  for (int pass = 0; pass < 2; ++pass) {
    auto loop = scf::ForOp::create(
        b, loc, first, end, c(1), state,
        [&](OpBuilder &, Location, Value u, ValueRange carried) {
          gpu::BarrierOp::create(b, loc);
          copyRows(keys, keyTile, kKeyTile, [&](Value k) {
            Value column = add(mul(u, c(kKeyTile)), k);
            return std::make_pair(lt(column, c(shape.keyLength)),
                                  SmallVector<Value>{batch, group, column});
          });
          gpu::BarrierOp::create(b, loc);
          SmallVector<Value> next(carried);
          for (int64_t k = 0; k < tilesPerWarp; ++k) {
            Value t = add(warp, c(kWarps * k));
            SmallVector<Value> slot(carried.slice(4 * k, 4));
            auto guard = scf::IfOp::create(b, loc, TypeRange(ValueRange(slot)),
                                           lt(t, c(shape.rows() / 16)), true);
            {
              OpBuilder::InsertionGuard insertion(b);
              b.setInsertionPointToStart(guard.elseBlock());
              scf::YieldOp::create(b, loc, slot);
              b.setInsertionPointToStart(guard.thenBlock());
              SmallVector<Accumulator> s = scores(t);
              // Scaled, masked scores of rows (g, g + 8), columns
              // (8 n + 2 quad, + 1).
              SmallVector<Value> masked[2];
              SmallVector<Value> allowedFlags[2];
              for (int64_t n = 0; n < kKeyTile / 8; ++n)
                for (int64_t v = 0; v < 4; ++v) {
                  int64_t half = v / 2;
                  Value rho = add(mul(t, c(16)), add(laneGroup, c(8 * half)));
                  Value column = add(mul(u, c(kKeyTile)),
                                     add(c(8 * n + v % 2), mul(quad, c(2))));
                  Value ok = allowed(rho, column);
                  Value x = arith::MulFOp::create(b, loc, s[n][v], scale);
                  masked[half].push_back(select(ok, x, negInf));
                  allowedFlags[half].push_back(ok);
                }
              SmallVector<Value> updated;
              if (pass == 0) {
                for (int64_t half = 0; half < 2; ++half) {
                  Value m = slot[half], l = slot[2 + half];
                  Value tileMax = negInf;
                  for (Value x : masked[half])
                    tileMax = arith::MaximumFOp::create(b, loc, tileMax, x);
                  Value newMax =
                      arith::MaximumFOp::create(b, loc, m, w.rowMax(tileMax));
                  // A row without keys so far keeps shifting by 0.
                  Value shift = select(
                      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                            newMax, negInf),
                      newMax, zero);
                  Value sum = zero;
                  for (Value x : masked[half])
                    sum = arith::AddFOp::create(
                        b, loc, sum,
                        w.exp2(arith::SubFOp::create(b, loc, x, shift)));
                  Value rescale =
                      w.exp2(arith::SubFOp::create(b, loc, m, shift));
                  l = arith::AddFOp::create(
                      b, loc, arith::MulFOp::create(b, loc, l, rescale),
                      w.rowSum(sum));
                  updated.push_back(newMax);
                  updated.push_back(l);
                }
                scf::YieldOp::create(
                    b, loc,
                    ValueRange{updated[0], updated[2], updated[1], updated[3]});
              } else {
                // p = 2^(s - m) / l, then each column's sum over the 16
                // rows: the lane's two rows, then the 8 lanes of a quad
                // position.
                Value inverse[2], shift[2];
                for (int64_t half = 0; half < 2; ++half) {
                  Value l = slot[2 + half];
                  inverse[half] = select(
                      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                            l, zero),
                      arith::DivFOp::create(b, loc, w.f32(1.0), l), zero);
                  shift[half] = select(
                      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                            slot[half], negInf),
                      slot[half], zero);
                }
                Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
                auto acrossGroups = [&](Value x) {
                  for (int64_t offset : {4, 8, 16}) {
                    Value other =
                        gpu::ShuffleOp::create(
                            b, loc, x,
                            arith::ConstantIntOp::create(b, loc, offset, 32),
                            width, gpu::ShuffleMode::XOR)
                            .getShuffleResult();
                    x = arith::AddFOp::create(b, loc, x, other);
                  }
                  return x;
                };
                for (int64_t e = 0; e < kKeyTile / 4; ++e) {
                  // Element e of the lane's row-half lists: column
                  // 8 (e / 2) + e % 2 + 2 quad.
                  Value p = zero, seen = zero;
                  for (int64_t half = 0; half < 2; ++half) {
                    Value x = w.exp2(arith::SubFOp::create(
                        b, loc, masked[half][e], shift[half]));
                    p = arith::AddFOp::create(
                        b, loc, p,
                        arith::MulFOp::create(b, loc, x, inverse[half]));
                    seen = arith::AddFOp::create(
                        b, loc, seen,
                        select(allowedFlags[half][e], w.f32(1.0), zero));
                  }
                  p = acrossGroups(p);
                  seen = acrossGroups(seen);
                  Value column = add(c(8 * (e / 2) + e % 2), mul(quad, c(2)));
                  auto once = scf::IfOp::create(b, loc, lt(lane, c(4)), false);
                  OpBuilder::InsertionGuard insertion(b);
                  b.setInsertionPointToStart(once.thenBlock());
                  memref::AtomicRMWOp::create(
                      b, loc, arith::AtomicRMWKind::addf, p, columnSums,
                      ValueRange{c(0), column});
                  memref::AtomicRMWOp::create(
                      b, loc, arith::AtomicRMWKind::addf, seen, columnSums,
                      ValueRange{c(1), column});
                }
                scf::YieldOp::create(b, loc, slot);
              }
            }
            for (int64_t v = 0; v < 4; ++v)
              next[4 * k + v] = guard.getResult(v);
          }
          if (pass == 1) {
            // The tile's columns: the mean over the block's rows, or -inf
            // where none may attend; then zero for the next tile.
            gpu::BarrierOp::create(b, loc);
            Value rowsHere = arith::MinUIOp::create(
                b, loc, c(shape.blockQ),
                arith::SubIOp::create(b, loc, c(shape.queryLength),
                                      mul(block, c(shape.blockQ))));
            Value count = arith::UIToFPOp::create(
                b, loc, f32,
                arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                           mul(rowsHere, c(shape.group))));
            Value column = add(mul(u, c(kKeyTile)), tid);
            auto write = scf::IfOp::create(
                b, loc,
                arith::AndIOp::create(b, loc, lt(tid, c(kKeyTile)),
                                      lt(column, c(shape.keyLength))),
                false);
            OpBuilder::InsertionGuard insertion(b);
            b.setInsertionPointToStart(write.thenBlock());
            Value sum = memref::LoadOp::create(b, loc, columnSums,
                                               ValueRange{c(0), tid});
            Value seen = memref::LoadOp::create(b, loc, columnSums,
                                                ValueRange{c(1), tid});
            Value mean = arith::DivFOp::create(b, loc, sum, count);
            memref::StoreOp::create(
                b, loc,
                select(arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                             seen, zero),
                       mean, negInf),
                output, ValueRange{batch, group, block, column});
            memref::StoreOp::create(b, loc, zero, columnSums,
                                    ValueRange{c(0), tid});
            memref::StoreOp::create(b, loc, zero, columnSums,
                                    ValueRange{c(1), tid});
          }
          scf::YieldOp::create(b, loc, next);
        });
    state = SmallVector<Value>(loop.getResults());
  }
}

} // namespace

FailureOr<GpuBlockScoresShape>
mlir::attn::chooseGpuBlockScoresShape(BlockScoresOp op, StringRef chip,
                                      int64_t sharedMemoryLimit) {
  auto query = cast<RankedTensorType>(op.getQuery().getType());
  auto keys = cast<RankedTensorType>(op.getKeys().getType());
  GpuBlockScoresShape shape;
  shape.headDim = query.getDimSize(3);
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
                              : 1.0 / std::sqrt(double(shape.headDim));
  if (shape.sharedBytes() > sharedMemoryLimit)
    return op.emitOpError("GPU lowering: the block's rows need ")
           << shape.sharedBytes() << " bytes of shared memory, more than "
           << chip << "'s " << sharedMemoryLimit
           << " (smaller block_q or groups)";
  return shape;
}

gpu::GPUFuncOp mlir::attn::buildBlockScoresKernel(OpBuilder &builder,
                                                  gpu::GPUModuleOp module,
                                                  BlockScoresOp op,
                                                  StringRef name,
                                                  GpuBlockScoresShape shape) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = op.getLoc();
  // The key-tile range of every query block, from the block map.
  BlockMap map =
      BlockMap::compute(op.getMask().getValue(), /*hasMaskMod=*/false,
                        MaskShape{shape.queryLength, shape.keyLength},
                        shape.blockQ, GpuBlockScoresShape::kKeyTile);
  SmallVector<int32_t> table;
  for (int64_t r = 0; r < map.getNumQueryTiles(); ++r) {
    auto [first, end] = map.getKeyTileRange(r);
    table.append({static_cast<int32_t>(first), static_cast<int32_t>(end)});
  }
  auto tableType =
      MemRefType::get({shape.numBlocks(), 2}, builder.getI32Type());
  shape.tableName = (name + "_tiles").str();
  memref::GlobalOp::create(
      builder, loc, shape.tableName, builder.getStringAttr("private"),
      tableType,
      DenseElementsAttr::get(
          RankedTensorType::get(tableType.getShape(), builder.getI32Type()),
          ArrayRef(table)),
      /*constant=*/true, builder.getI64IntegerAttr(16));
  SmallVector<Type> arguments{
      kernelBufferType(cast<RankedTensorType>(op.getQuery().getType()), true),
      kernelBufferType(cast<RankedTensorType>(op.getKeys().getType()), true),
      kernelBufferType(cast<RankedTensorType>(op.getResult().getType()),
                       false)};
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, arguments, shape.threads(),
                           shape.blockQ, shape.sharedBytes());
  Block &body = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Type element =
      cast<RankedTensorType>(op.getQuery().getType()).getElementType();
  BlockScoresBuilder scores(b, loc, op, shape, element);
  scores.query = body.getArgument(0);
  scores.keys = body.getArgument(1);
  scores.output = body.getArgument(2);
  scores.build();
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
