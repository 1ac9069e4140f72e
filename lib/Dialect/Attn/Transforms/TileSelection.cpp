//===- TileSelection.cpp - tiled attn.block_scores and attn.topk ----------===//
//
//   forall (b, kv head g, query block r) {
//     acc = 0, seen = 0                                  (per key, f32)
//     for query head h of group g {
//       s = scale Q[rows of r] Kc[g]^T, masked          ([rows, Lc]: one tile)
//       p = exp(s - rowmax) / rowsum                     (rows without keys: 0)
//       acc += column sums of p;  seen = max(seen, s > -inf)
//     }
//     scores[b, g, r] = seen ? acc / (rows G) : -inf
//     (topk of the same row when it is the scores' only reader)
//   }
//
// The reference lowering materialises [B, Hkv, G, Lq, Lc] scores and
// probabilities; here a task holds one [rows, Lc] tile. attn.topk takes
// each row in one pass that keeps the k best entries so far, then lists
// the chosen ones in index order.
//
// An attention over the same probabilities (findProbabilityTwin: NSA's
// compressed branch) is computed by the same tasks from the same tile:
// out[rows of h] = (p V[g]) / rowsum, lse = rowmax + log rowsum. The tile
// holds whole rows, so its softmax is exact and the attention's own score
// product and online softmax are not needed.
//
//===----------------------------------------------------------------------===//

#include "FlashTileUtils.h"
#include "RegisterBlocking.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Analysis/ProbabilityTwins.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTILESELECTIONPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;
using namespace mlir::attn::tiles;

namespace {

/// What every task of a block_scores op shares, built before its loop: the
/// keys as f32 [B, Hkv, D, Lc] (the key contiguous for the score loop,
/// transposed once rather than per task) and, with static lengths, each
/// query block's range of keys the mask may allow (in runs of
/// kKeysPerRange keys), so that a causal mask halves the work.
struct BlockScoresInputs {
  Value keysT;
  Value rangeTable;
};
static constexpr int64_t kKeysPerRange = 16;

/// The attention computed with the block scores (findProbabilityTwin): the
/// op, and its values as f32 [B, Hkv, Lc, Dv] (converted once; rows
/// contiguous for the register-blocked product).
struct ProbabilityTwin {
  AttentionOp op;
  Value values;
};

/// What a task writes into one of its forall's results: `value` at
/// `offsets` with `sizes`, whose unit sizes `value` may drop.
struct TaskSlice {
  Value value;
  SmallVector<OpFoldResult> offsets, sizes;
};

static BlockScoresInputs prepareBlockScores(Lowering &l, BlockScoresOp op) {
  BlockScoresInputs inputs;
  Value keys = op.getKeys();
  SmallVector<OpFoldResult> sizes = l.sizes(keys);
  std::swap(sizes[2], sizes[3]);
  inputs.keysT =
      l.generic(
           {keys}, {l.empty(sizes, l.f32())}, {{0, 1, 2, 3}, {0, 1, 3, 2}}, 4,
           parallel(4),
           [&](OpBuilder &b, Location loc, ValueRange args) {
             linalg::YieldOp::create(b, loc, Lowering{b, loc}.toF32(args[0]));
           })
          .front();
  MaskShape shape{cast<RankedTensorType>(op.getQuery().getType()).getDimSize(2),
                  cast<RankedTensorType>(keys.getType()).getDimSize(2)};
  if (BlockMap::isTractable(shape, op.getBlockQ(), kKeysPerRange)) {
    BlockMap map = BlockMap::compute(op.getMask().getValue(),
                                     /*maskMod=*/nullptr, shape, op.getBlockQ(),
                                     kKeysPerRange);
    inputs.rangeTable = buildRangeTable(l, map);
  }
  return inputs;
}

/// The products below go by chunks of kKeysPerChunk keys: a chunk of a
/// full query block takes the register-blocked product of the flash
/// lowering (accumulators in registers), the rest the generic loops.
static constexpr int64_t kKeysPerChunk = 64;

/// A loop over [0, keys) by chunks carrying `init`: `body` gets the chunk's
/// first key, its key count, whether the chunk is full (kKeysPerChunk keys
/// of a full query block: rows == blockQ) and the carried value, and gives
/// the next.
static Value forEachKeyChunk(
    Lowering &l, Value keys, Value rows, int64_t blockQ, Value init,
    function_ref<Value(Lowering &, Value, Value, Value, Value)> body) {
  auto chunks = scf::ForOp::create(
      l.b, l.loc, l.index(0), keys, l.index(kKeysPerChunk), ValueRange{init},
      [&](OpBuilder &cb, Location cl, Value firstKey, ValueRange carried) {
        Lowering c{cb, cl};
        Value count = arith::MinUIOp::create(
            cb, cl, c.index(kKeysPerChunk),
            arith::SubIOp::create(cb, cl, keys, firstKey));
        Value full = arith::AndIOp::create(
            cb, cl,
            arith::CmpIOp::create(cb, cl, arith::CmpIPredicate::eq, rows,
                                  c.index(blockQ)),
            arith::CmpIOp::create(cb, cl, arith::CmpIPredicate::eq, count,
                                  c.index(kKeysPerChunk)));
        scf::YieldOp::create(cb, cl,
                             body(c, firstKey, count, full, carried[0]));
      });
  return chunks.getResult(0);
}

/// scores[i, j] = q[i] . kT[:, j] for the [rows, keys] tile (the register
/// block's accumulators run over the head dim).
static Value multiplyScoreChunks(Lowering &l, Value queryTile, Value keysT,
                                 Value rows, Value keys, int64_t blockQ,
                                 int64_t vectorLanes) {
  int64_t headDim = cast<RankedTensorType>(keysT.getType()).getDimSize(0);
  std::optional<RegisterBlock> block;
  if (vectorLanes > 0 && !ShapedType::isDynamic(headDim))
    block = chooseRegisterBlock(blockQ, kKeysPerChunk, vectorLanes);
  if (!block)
    return multiplyQueryKey(l, queryTile, keysT, {rows, keys},
                            /*keysTransposed=*/true);
  return forEachKeyChunk(
      l, keys, rows, blockQ, l.empty({rows, keys}, l.f32()),
      [&](Lowering &c, Value firstKey, Value count, Value full,
          Value scores) -> Value {
        OpBuilder &cb = c.b;
        Location cl = c.loc;
        OpFoldResult unit = cb.getIndexAttr(1);
        Value chunkKeys = tensor::ExtractSliceOp::create(
            cb, cl, keysT, {cb.getIndexAttr(0), firstKey},
            {cb.getIndexAttr(headDim), count}, {unit, unit});
        Value product = ifFullTile(
            cb, cl, full,
            [&](OpBuilder &fb, Location fl) {
              Value tile = buildRegisterBlockedProduct(
                  fb, fl, castToShape(fb, fl, queryTile, {blockQ, headDim}),
                  castToShape(fb, fl, chunkKeys, {headDim, kKeysPerChunk}),
                  Value(), Value(), *block);
              return castToShape(fb, fl, tile,
                                 {ShapedType::kDynamic, ShapedType::kDynamic});
            },
            [&](OpBuilder &gb, Location gl) {
              Lowering g{gb, gl};
              return multiplyQueryKey(g, queryTile, chunkKeys, {rows, count},
                                      /*keysTransposed=*/true);
            });
        return tensor::InsertSliceOp::create(cb, cl, product, scores,
                                             {cb.getIndexAttr(0), firstKey},
                                             {rows, count}, {unit, unit});
      });
}

/// out[i, e] = inverse[i] sum_j p[i, j] v[j, e] for the [rows, keys] tile of
/// probabilities and the [keys, Dv] values (the register block's
/// accumulators run over the keys).
static Value multiplyValueChunks(Lowering &l, Value probs, Value values,
                                 Value inverse, Value rows, Value keys,
                                 int64_t blockQ, int64_t vectorLanes) {
  int64_t valueDim = cast<RankedTensorType>(values.getType()).getDimSize(1);
  std::optional<RegisterBlock> block;
  if (vectorLanes > 0 && !ShapedType::isDynamic(valueDim))
    block = chooseRegisterBlock(blockQ, valueDim, vectorLanes);
  OpFoldResult width = l.size(values, 1);
  Value sums = forEachKeyChunk(
      l, keys, rows, blockQ, l.filled({rows, width}, 0.0),
      [&](Lowering &c, Value firstKey, Value count, Value full,
          Value acc) -> Value {
        OpBuilder &cb = c.b;
        Location cl = c.loc;
        OpFoldResult unit = cb.getIndexAttr(1), zero = cb.getIndexAttr(0);
        Value chunkProbs = tensor::ExtractSliceOp::create(
            cb, cl, probs, {zero, firstKey}, {rows, count}, {unit, unit});
        Value chunkValues = tensor::ExtractSliceOp::create(
            cb, cl, values, {firstKey, zero}, {count, width}, {unit, unit});
        auto general = [&](OpBuilder &gb, Location gl) {
          Lowering g{gb, gl};
          return accumulateValues(g, chunkProbs, chunkValues, acc);
        };
        if (!block)
          return general(cb, cl);
        return ifFullTile(
            cb, cl, full,
            [&](OpBuilder &fb, Location fl) -> Value {
              Value tile = buildRegisterBlockedProduct(
                  fb, fl,
                  castToShape(fb, fl, chunkProbs, {blockQ, kKeysPerChunk}),
                  castToShape(fb, fl, chunkValues, {kKeysPerChunk, valueDim}),
                  castToShape(fb, fl, acc, {blockQ, valueDim}), Value(),
                  *block);
              return tensor::CastOp::create(fb, fl, acc.getType(), tile);
            },
            general);
      });
  return mapRows(
      l, {}, {inverse}, sums, l.f32(),
      [&](OpBuilder &b2, Location l2, ValueRange args) {
        return arith::MulFOp::create(b2, l2, args[0], args[1]).getResult();
      },
      sums);
}

/// The row of block scores of (batch, kv head `kvHead`, query block
/// `block`): a [Lc] f32 tensor. With a `twin`, `twinSlices` receives the
/// task's slices of its results (output, then LSE if it has one).
static Value
buildBlockScoresRow(Lowering &l, BlockScoresOp op,
                    const BlockScoresInputs &inputs, int64_t vectorLanes,
                    Value batch, Value kvHead, Value block,
                    const ProbabilityTwin *twin = nullptr,
                    SmallVectorImpl<TaskSlice> *twinSlices = nullptr) {
  OpBuilder &b = l.b;
  Location loc = l.loc;
  Value query = op.getQuery(), keys = op.getKeys();
  Value numQueryHeads = l.materialize(l.size(query, 1));
  Value group = arith::DivUIOp::create(b, loc, numQueryHeads,
                                       l.materialize(l.size(keys, 1)));
  Value queryLength = l.materialize(l.size(query, 2));
  Value keyLength = l.materialize(l.size(keys, 2));
  OpFoldResult headDim = l.size(query, 3);
  Value blockQ = l.index(op.getBlockQ());
  Value firstRow = arith::MulIOp::create(b, loc, block, blockQ);
  Value rows = arith::MinUIOp::create(
      b, loc, blockQ, arith::SubIOp::create(b, loc, queryLength, firstRow));
  Value scale = l.attentionScale(query, op.getScale());

  // The keys [firstKey, firstKey + keyCount) that the mask may allow.
  Value firstKey = l.index(0), keyCount = keyLength;
  bool bounded = inputs.rangeTable || !op.getMask().empty();
  if (inputs.rangeTable) {
    auto entry = [&](int64_t column) {
      return arith::MulIOp::create(
          b, loc, rangeTableEntry(l, inputs.rangeTable, block, column),
          l.index(kKeysPerRange));
    };
    firstKey = entry(0);
    Value endKey = arith::MinUIOp::create(b, loc, entry(1), keyLength);
    keyCount = arith::SubIOp::create(b, loc, endKey, firstKey);
  } else if (bounded) {
    // Lengths known at run time only: the (affine) mask's key interval.
    Value lastRow = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, firstRow, rows), l.index(1));
    KeyInterval interval = buildMaskKeyInterval(
        b, loc, op.getMask().getValue(), /*maskMod=*/nullptr,
        RowSpan{firstRow, lastRow, queryLength, keyLength});
    firstKey = interval.begin;
    keyCount = arith::SubIOp::create(b, loc, interval.end, interval.begin);
  }
  auto keysTileType = RankedTensorType::get(
      {cast<RankedTensorType>(inputs.keysT.getType()).getDimSize(2),
       ShapedType::kDynamic},
      l.f32());
  OpFoldResult unit = b.getIndexAttr(1);
  Value keysT = tensor::ExtractSliceOp::create(
      b, loc, keysTileType, inputs.keysT,
      SmallVector<OpFoldResult>{batch, kvHead, b.getIndexAttr(0), firstKey},
      SmallVector<OpFoldResult>{unit, unit, headDim, keyCount},
      SmallVector<OpFoldResult>(4, unit));
  SmallVector<OpFoldResult> rowSizes = {rows}, keySizes = {keyCount};
  SmallVector<OpFoldResult> tileSizes = {rows, keyCount};

  // The twin's values of the keys in range, and its results' tiles.
  SmallVector<Value> carried{l.filled(keySizes, 0.0), l.filled(keySizes, 0.0)};
  Value twinValues;
  OpFoldResult valueDim;
  AttentionOp twinOp = twin ? twin->op : AttentionOp();
  bool twinLse = twinOp && twinOp.getLse();
  if (twin) {
    valueDim = l.size(twin->values, 3);
    twinValues = tensor::ExtractSliceOp::create(
        b, loc,
        RankedTensorType::get(
            {ShapedType::kDynamic,
             cast<RankedTensorType>(twin->values.getType()).getDimSize(3)},
            l.f32()),
        twin->values,
        SmallVector<OpFoldResult>{batch, kvHead, firstKey, b.getIndexAttr(0)},
        SmallVector<OpFoldResult>{unit, unit, keyCount, valueDim},
        SmallVector<OpFoldResult>(4, unit));
    carried.push_back(l.empty({group, rows, valueDim}, l.f32()));
    if (twinLse)
      carried.push_back(l.empty({group, rows}, l.f32()));
  }

  auto heads = scf::ForOp::create(
      b, loc, l.index(0), group, l.index(1), carried,
      [&](OpBuilder &hb, Location hl, Value inGroup, ValueRange acc) {
        Lowering h{hb, hl};
        Value head = arith::AddIOp::create(
            hb, hl, arith::MulIOp::create(hb, hl, kvHead, group), inGroup);
        Value queryTile = toF32Tile(
            h, slice2d(h, query, batch, head, firstRow, rows, headDim), false);
        queryTile = mapRows(
            h, {queryTile}, {}, queryTile, h.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              return arith::MulFOp::create(b2, l2, args[0], scale).getResult();
            });
        Value scores = multiplyScoreChunks(h, queryTile, keysT, rows, keyCount,
                                           op.getBlockQ(), vectorLanes);
        if (!op.getMask().empty())
          scores = mapRows(
              h, {scores}, {}, scores, h.f32(),
              [&](OpBuilder &b2, Location l2, ValueRange args) {
                Lowering in{b2, l2};
                AttentionPoint point;
                point.batch = batch;
                point.head = head;
                point.kvHead = kvHead;
                point.row =
                    arith::AddIOp::create(b2, l2, firstRow, in.loopIndex(0));
                point.column =
                    arith::AddIOp::create(b2, l2, firstKey, in.loopIndex(1));
                point.queryLength = queryLength;
                point.keyLength = keyLength;
                point.numQueryHeads = numQueryHeads;
                Value allowed = buildAllowed(b2, l2, op.getMask().getValue(),
                                             nullptr, point);
                return arith::SelectOp::create(b2, l2, allowed, args[0],
                                               in.f32(kNegInf))
                    .getResult();
              },
              scores);
        auto rowReduce =
            [&](Value tile, double init,
                function_ref<Value(OpBuilder &, Location, Value, Value)>
                    combine) {
              return h
                  .generic({tile}, {h.filled(rowSizes, init)}, {{0, 1}, {0}}, 2,
                           parallelThenReduction(2),
                           [&](OpBuilder &b2, Location l2, ValueRange args) {
                             linalg::YieldOp::create(
                                 b2, l2, combine(b2, l2, args[0], args[1]));
                           })
                  .front();
            };
        Value rowMax = rowReduce(
            scores, kNegInf, [](OpBuilder &b2, Location l2, Value x, Value y) {
              return arith::MaximumFOp::create(b2, l2, x, y).getResult();
            });
        // Whether some row may see each key, read before the exponentials
        // overwrite the scores.
        Value seen =
            h.generic({scores}, {acc[1]}, {{0, 1}, {1}}, 2,
                      {utils::IteratorType::reduction,
                       utils::IteratorType::parallel},
                      [&](OpBuilder &b2, Location l2, ValueRange args) {
                        Lowering in{b2, l2};
                        Value visible = arith::CmpFOp::create(
                            b2, l2, arith::CmpFPredicate::OGT, args[0],
                            in.f32(kNegInf));
                        Value one = arith::SelectOp::create(
                            b2, l2, visible, in.f32(1.0), in.f32(0.0));
                        linalg::YieldOp::create(
                            b2, l2,
                            arith::MaximumFOp::create(b2, l2, args[1], one)
                                .getResult());
                      })
                .front();
        Value probs = mapRows(
            h, {}, {rowMax}, scores, h.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              Value shifted = arith::SubFOp::create(b2, l2, args[1],
                                                    safeShift(b2, l2, args[0]));
              return math::ExpOp::create(b2, l2, shifted).getResult();
            },
            scores);
        Value rowSum = rowReduce(
            probs, 0.0, [](OpBuilder &b2, Location l2, Value x, Value y) {
              return arith::AddFOp::create(b2, l2, x, y).getResult();
            });
        // 1 / sum[i] once per row (0 for a row without keys; NaN for a NaN
        // sum, as the reference's), so that the column sums multiply rather
        // than divide every element (block scores at 64k: 5% faster).
        Value inverse = mapRows(
            h, {rowSum}, {}, rowSum, h.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              Lowering in{b2, l2};
              Value positive = arith::CmpFOp::create(
                  b2, l2, arith::CmpFPredicate::UNE, args[0], in.f32(0.0));
              return arith::SelectOp::create(
                         b2, l2, positive,
                         arith::DivFOp::create(b2, l2, in.f32(1.0), args[0]),
                         in.f32(0.0))
                  .getResult();
            },
            rowSum);
        // acc[j] += p[i, j] / sum[i] over the rows (i outer, j contiguous).
        Value sums =
            h.generic(
                 {probs, inverse}, {acc[0]}, {{0, 1}, {0}, {1}}, 2,
                 {utils::IteratorType::reduction,
                  utils::IteratorType::parallel},
                 [&](OpBuilder &b2, Location l2, ValueRange args) {
                   linalg::YieldOp::create(
                       b2, l2,
                       fusedMultiplyAdd(b2, l2, args[2], args[0], args[1]));
                 })
                .front();
        SmallVector<Value> results{sums, seen};
        if (twin) {
          // The twin's rows of head h: p V / rowsum, and rowmax + log rowsum
          // (-inf for a row without keys, whose output is then 0).
          Value output =
              multiplyValueChunks(h, probs, twinValues, inverse, rows, keyCount,
                                  op.getBlockQ(), vectorLanes);
          results.push_back(tensor::InsertSliceOp::create(
              hb, hl, output, acc[2],
              SmallVector<OpFoldResult>{inGroup, hb.getIndexAttr(0),
                                        hb.getIndexAttr(0)},
              SmallVector<OpFoldResult>{unit, rows, valueDim},
              SmallVector<OpFoldResult>(3, unit)));
          if (twinLse) {
            Value lse = mapRows(
                h, {rowMax, rowSum}, {}, rowMax, h.f32(),
                [&](OpBuilder &b2, Location l2, ValueRange args) {
                  Lowering in{b2, l2};
                  Value positive = arith::CmpFOp::create(
                      b2, l2, arith::CmpFPredicate::UNE, args[1], in.f32(0.0));
                  Value lse = arith::AddFOp::create(
                      b2, l2, args[0], math::LogOp::create(b2, l2, args[1]));
                  return arith::SelectOp::create(b2, l2, positive, lse,
                                                 in.f32(kNegInf))
                      .getResult();
                });
            results.push_back(tensor::InsertSliceOp::create(
                hb, hl, lse, acc[3],
                SmallVector<OpFoldResult>{inGroup, hb.getIndexAttr(0)},
                SmallVector<OpFoldResult>{unit, rows},
                SmallVector<OpFoldResult>(2, unit)));
          }
        }
        scf::YieldOp::create(hb, hl, results);
      });
  if (twin) {
    // Rows [firstRow, firstRow + rows) of the group's heads.
    OpFoldResult groupSize = l.groupSize(l.size(query, 1), l.size(keys, 1));
    Value firstHead = arith::MulIOp::create(b, loc, kvHead, group);
    Value output = heads.getResult(2);
    Type element = twinOp.getOutput().getType().getElementType();
    if (element != l.f32())
      output =
          l.generic({output}, {l.empty(l.sizes(output), element)},
                    {{0, 1, 2}, {0, 1, 2}}, 3, parallel(3),
                    [&](OpBuilder &b2, Location l2, ValueRange args) {
                      linalg::YieldOp::create(
                          b2, l2, Lowering{b2, l2}.fromF32(args[0], element));
                    })
              .front();
    twinSlices->push_back({output,
                           {batch, firstHead, firstRow, b.getIndexAttr(0)},
                           {unit, groupSize, rows, valueDim}});
    if (twinLse)
      twinSlices->push_back({heads.getResult(3),
                             {batch, firstHead, firstRow},
                             {unit, groupSize, rows}});
  }

  Value count = l.indexToF32(arith::MulIOp::create(b, loc, rows, group));
  Value means = mapRows(
      l, {heads.getResult(0), heads.getResult(1)}, {}, heads.getResult(0),
      l.f32(), [&](OpBuilder &b2, Location l2, ValueRange args) {
        Lowering in{b2, l2};
        Value seen = arith::CmpFOp::create(b2, l2, arith::CmpFPredicate::OGT,
                                           args[1], in.f32(0.0));
        Value mean = arith::DivFOp::create(b2, l2, args[0], count);
        return arith::SelectOp::create(b2, l2, seen, mean, in.f32(kNegInf))
            .getResult();
      });
  // Keys outside the range: no row may see them.
  if (!bounded)
    return means;
  return tensor::InsertSliceOp::create(
      b, loc, means, l.filled({l.size(keys, 2)}, kNegInf),
      SmallVector<OpFoldResult>{firstKey}, SmallVector<OpFoldResult>{keyCount},
      SmallVector<OpFoldResult>{unit});
}

/// The indices of the `k` largest entries of the [W] tensor `row`, as
/// attn.topk defines them: a [k] tensor of `indexType`.
///
/// One pass over the row keeps the k best entries so far in k slots
/// (empty: index -1, value -inf) and which slot holds the worst of them.
/// Entries are ordered by value, then by the lower index, so a later entry
/// replaces the worst only if it is strictly larger: ties keep the lower
/// index, and -inf or NaN is never taken, as k arg-max passes would have
/// it. Replacements are rare past the first k entries (about k ln(W / k)
/// on random scores), so the pass costs about one compare per entry, not
/// k. The slots are then listed in index order, empty ones last.
static Value buildTopkRow(Lowering &l, Value row, int64_t k, Type indexType) {
  OpBuilder &b = l.b;
  Location loc = l.loc;
  Value width = l.materialize(l.size(row, 0));
  Value zero = l.index(0), one = l.index(1), slots = l.index(k);
  Value none = l.index(-1);
  Type index = b.getIndexType();
  // Scores are compared as f32, or in their own type where that is wider
  // (f64: rounding to f32 could make distinct scores tie).
  auto scoreType =
      cast<FloatType>(cast<RankedTensorType>(row.getType()).getElementType());
  FloatType compareType =
      scoreType.getWidth() > 32 ? scoreType : cast<FloatType>(l.f32());
  auto compare = [](OpBuilder &ob, Location ol, arith::CmpFPredicate predicate,
                    Value x, Value y) {
    return arith::CmpFOp::create(ob, ol, predicate, x, y).getResult();
  };
  // The slot holding the worst entry: the smallest value, of equal values
  // the higher index (empty slots, at -inf, before any other).
  auto findWorst = [&](OpBuilder &ob, Location ol, Value values,
                       Value indices) -> std::pair<Value, Value> {
    Lowering o{ob, ol};
    auto scan = scf::ForOp::create(
        ob, ol, o.index(1), slots, o.index(1),
        ValueRange{tensor::ExtractOp::create(ob, ol, values, o.index(0)),
                   o.index(0)},
        [&](OpBuilder &sb, Location sl, Value slot, ValueRange worst) {
          Value value = tensor::ExtractOp::create(sb, sl, values, slot);
          Value worstIndex =
              tensor::ExtractOp::create(sb, sl, indices, worst[1]);
          Value slotIndex = tensor::ExtractOp::create(sb, sl, indices, slot);
          Value worse = arith::OrIOp::create(
              sb, sl,
              compare(sb, sl, arith::CmpFPredicate::OLT, value, worst[0]),
              arith::AndIOp::create(
                  sb, sl,
                  compare(sb, sl, arith::CmpFPredicate::OEQ, value, worst[0]),
                  arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::sgt,
                                        slotIndex, worstIndex)));
          scf::YieldOp::create(
              sb, sl,
              ValueRange{
                  arith::SelectOp::create(sb, sl, worse, value, worst[0]),
                  arith::SelectOp::create(sb, sl, worse, slot, worst[1])});
        });
    return {scan.getResult(0), scan.getResult(1)};
  };

  Value emptyValues = l.filled({b.getIndexAttr(k)}, kNegInf, compareType);
  Value emptyIndices = l.filled({b.getIndexAttr(k)}, -1.0, index);
  Value negInf =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(compareType, kNegInf));
  auto pass = scf::ForOp::create(
      b, loc, zero, width, one,
      ValueRange{emptyValues, emptyIndices, negInf, zero},
      [&](OpBuilder &pb, Location pl, Value n, ValueRange best) {
        Value x = tensor::ExtractOp::create(pb, pl, row, n);
        if (x.getType() != compareType)
          x = arith::ExtFOp::create(pb, pl, compareType, x);
        Value better = compare(pb, pl, arith::CmpFPredicate::OGT, x, best[2]);
        auto replace = scf::IfOp::create(
            pb, pl, better,
            [&](OpBuilder &tb, Location tl) {
              Value values =
                  tensor::InsertOp::create(tb, tl, x, best[0], best[3]);
              Value indices =
                  tensor::InsertOp::create(tb, tl, n, best[1], best[3]);
              auto [worstValue, worstSlot] = findWorst(tb, tl, values, indices);
              scf::YieldOp::create(
                  tb, tl, ValueRange{values, indices, worstValue, worstSlot});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, best);
            });
        scf::YieldOp::create(pb, pl, replace.getResults());
      });
  Value chosen = pass.getResult(1);

  // The chosen indices in increasing order, -1 (the largest unsigned) in the
  // slots left over: output i is the smallest index at or above the bound
  // that output i - 1 leaves.
  auto list = scf::ForOp::create(
      b, loc, zero, slots, one,
      ValueRange{l.empty({b.getIndexAttr(k)}, indexType), zero},
      [&](OpBuilder &ob, Location ol, Value i, ValueRange state) {
        Lowering o{ob, ol};
        // Once a scan has found nothing, the outputs left are all -1: no
        // more scans (k far above the row's entries made this quadratic
        // in k).
        Value exhausted = arith::CmpIOp::create(
            ob, ol, arith::CmpIPredicate::eq, state[1], none);
        auto search = scf::IfOp::create(ob, ol, TypeRange{index}, exhausted,
                                        /*withElseRegion=*/true);
        OpBuilder::InsertionGuard searchGuard(ob);
        ob.setInsertionPointToStart(search.thenBlock());
        scf::YieldOp::create(ob, ol, none);
        ob.setInsertionPointToStart(search.elseBlock());
        auto scan = scf::ForOp::create(
            ob, ol, zero, slots, one, ValueRange{none},
            [&](OpBuilder &sb, Location sl, Value slot, ValueRange smallest) {
              Value candidate = tensor::ExtractOp::create(sb, sl, chosen, slot);
              Value eligible = arith::AndIOp::create(
                  sb, sl,
                  arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::uge,
                                        candidate, state[1]),
                  arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::ult,
                                        candidate, smallest[0]));
              scf::YieldOp::create(sb, sl,
                                   arith::SelectOp::create(
                                       sb, sl, eligible, candidate, smallest[0])
                                       .getResult());
            });
        scf::YieldOp::create(ob, ol, scan.getResult(0));
        ob.setInsertionPointAfter(search);
        Value next = search.getResult(0);
        Value written = tensor::InsertOp::create(
            ob, ol, arith::IndexCastOp::create(ob, ol, indexType, next),
            state[0], i);
        Value bound = arith::SelectOp::create(
            ob, ol,
            arith::CmpIOp::create(ob, ol, arith::CmpIPredicate::eq, next, none),
            none, arith::AddIOp::create(ob, ol, next, o.index(1)));
        scf::YieldOp::create(ob, ol, ValueRange{written, bound});
      });
  return list.getResult(0);
}

/// A forall over `tasks` with results initialised by `inits`; `buildTask`
/// gives each task's slice of each result. Returns the results.
static SmallVector<Value> buildTaskForall(
    Lowering &l, ArrayRef<OpFoldResult> tasks, ValueRange inits,
    function_ref<SmallVector<TaskSlice>(Lowering &, ValueRange)> buildTask) {
  auto forall = scf::ForallOp::create(l.b, l.loc, tasks, inits, std::nullopt);
  OpBuilder::InsertionGuard guard(l.b);
  l.b.setInsertionPointToStart(forall.getBody());
  Lowering body{l.b, l.loc};
  SmallVector<TaskSlice> slices = buildTask(body, forall.getInductionVars());
  // Each value in the slice's type (static where its sizes are), unit
  // sizes dropped from the front as far as its rank asks.
  for (TaskSlice &slice : slices) {
    auto type = cast<RankedTensorType>(slice.value.getType());
    SmallVector<int64_t> shape;
    for (OpFoldResult size : ArrayRef(slice.sizes).take_back(type.getRank()))
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    auto sliceType = RankedTensorType::get(shape, type.getElementType());
    if (type != sliceType)
      slice.value = tensor::CastOp::create(l.b, l.loc, sliceType, slice.value);
  }
  l.b.setInsertionPointToStart(forall.getTerminator().getBody());
  for (auto [slice, result] :
       llvm::zip_equal(slices, forall.getRegionIterArgs()))
    tensor::ParallelInsertSliceOp::create(
        l.b, l.loc, slice.value, result, slice.offsets, slice.sizes,
        SmallVector<OpFoldResult>(slice.offsets.size(), l.b.getIndexAttr(1)));
  return forall.getResults();
}

/// A forall over the leading dims of `resultType` (all but the last) whose
/// body gives each [last dim] row; returns the assembled tensor.
static Value
buildRowForall(Lowering &l, RankedTensorType resultType,
               ArrayRef<OpFoldResult> leadingSizes, OpFoldResult rowSize,
               function_ref<Value(Lowering &, ValueRange)> buildRow) {
  SmallVector<OpFoldResult> sizes(leadingSizes);
  sizes.push_back(rowSize);
  Value init = l.empty(sizes, resultType.getElementType());
  return buildTaskForall(
             l, leadingSizes, init,
             [&](Lowering &body, ValueRange task) -> SmallVector<TaskSlice> {
               TaskSlice row{buildRow(body, task), getAsOpFoldResult(task),
                             SmallVector<OpFoldResult>(task.size(),
                                                       body.b.getIndexAttr(1))};
               row.offsets.push_back(body.b.getIndexAttr(0));
               row.sizes.push_back(rowSize);
               return {row};
             })
      .front();
}

/// The (B, Hkv, ceil(Lq / block_q)) loop sizes of a block_scores op.
static SmallVector<OpFoldResult> blockScoreTasks(Lowering &l,
                                                 BlockScoresOp op) {
  Value blocks = arith::CeilDivUIOp::create(
      l.b, l.loc, l.materialize(l.size(op.getQuery(), 2)),
      l.index(op.getBlockQ()));
  return {l.size(op.getQuery(), 0), l.size(op.getKeys(), 1), blocks};
}

/// The attention that the tasks of `scores` compute along
/// (findProbabilityTwin among the query's readers), if any.
static AttentionOp findTwinOnTiles(BlockScoresOp scores) {
  SmallVector<Operation *> candidates;
  for (Operation *user : scores.getQuery().getUsers())
    if (isa<AttentionOp>(user) && user->getBlock() == scores->getBlock() &&
        !hasEmptyTensor(user))
      candidates.push_back(user);
  return findProbabilityTwin(scores, candidates);
}

/// `scores` as one forall over its tasks, each giving its row of scores or,
/// with `topk` (the scores' only reader), the row's top-k indices; the
/// scores' twin attention, if any, is computed by the same tasks and
/// replaced. Returns the row results (the scores', or the topk's).
static Value lowerBlockScores(PatternRewriter &rewriter, BlockScoresOp scores,
                              TopkOp topk, int64_t vectorLanes) {
  AttentionOp twinOp = findTwinOnTiles(scores);
  if (twinOp) {
    // The forall replaces both: it goes where the earlier is, after
    // everything the twin reads (the scores read its query and keys).
    hoistBefore(twinOp, scores, rewriter);
    rewriter.setInsertionPoint(twinOp);
  }
  Lowering l{rewriter, scores.getLoc()};
  BlockScoresInputs inputs = prepareBlockScores(l, scores);
  ProbabilityTwin twin{twinOp, Value()};
  SmallVector<Value> inits;
  RankedTensorType rowType =
      topk ? topk.getIndices().getType() : scores.getResult().getType();
  OpFoldResult rowSize =
      topk ? rewriter.getIndexAttr(topk.getK()) : l.size(scores.getKeys(), 2);
  SmallVector<OpFoldResult> tasks = blockScoreTasks(l, scores);
  SmallVector<OpFoldResult> rowsShape(tasks);
  rowsShape.push_back(rowSize);
  inits.push_back(l.empty(rowsShape, rowType.getElementType()));
  if (twinOp) {
    Value values = twinOp.getValue();
    twin.values =
        l.generic(
             {values}, {l.empty(l.sizes(values), l.f32())},
             {{0, 1, 2, 3}, {0, 1, 2, 3}}, 4, parallel(4),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, Lowering{b, loc}.toF32(args[0]));
             })
            .front();
    // (Sizes from the operands: the results' own dims would read the
    // values that the forall replaces.)
    SmallVector<OpFoldResult> rows = l.sizes(scores.getQuery());
    rows.pop_back();
    SmallVector<OpFoldResult> outputSizes(rows);
    outputSizes.push_back(l.size(values, 3));
    inits.push_back(
        l.empty(outputSizes, twinOp.getOutput().getType().getElementType()));
    if (twinOp.getLse())
      inits.push_back(l.empty(rows, l.f32()));
  }
  SmallVector<Value> results = buildTaskForall(
      l, tasks, inits,
      [&](Lowering &body, ValueRange task) -> SmallVector<TaskSlice> {
        SmallVector<TaskSlice> twinSlices;
        Value row = buildBlockScoresRow(body, scores, inputs, vectorLanes,
                                        task[0], task[1], task[2],
                                        twinOp ? &twin : nullptr, &twinSlices);
        if (topk)
          row = buildTopkRow(body, row, topk.getK(), rowType.getElementType());
        TaskSlice rowSlice{
            row, getAsOpFoldResult(task),
            SmallVector<OpFoldResult>(task.size(), body.b.getIndexAttr(1))};
        rowSlice.offsets.push_back(body.b.getIndexAttr(0));
        rowSlice.sizes.push_back(rowSize);
        SmallVector<TaskSlice> slices{rowSlice};
        slices.append(twinSlices);
        return slices;
      });
  if (twinOp) {
    SmallVector<Value> replacements;
    for (auto [result, computed] :
         llvm::zip_equal(twinOp->getResults(), ArrayRef(results).drop_front()))
      replacements.push_back(tensor::CastOp::create(
          rewriter, twinOp.getLoc(), result.getType(), computed));
    rewriter.replaceOp(twinOp, replacements);
  }
  return tensor::CastOp::create(rewriter, scores.getLoc(), rowType,
                                results.front());
}

struct TileBlockScores : OpRewritePattern<BlockScoresOp> {
  TileBlockScores(MLIRContext *context, int64_t vectorLanes)
      : OpRewritePattern(context), vectorLanes(vectorLanes) {}
  int64_t vectorLanes;
  LogicalResult matchAndRewrite(BlockScoresOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasOneUse() && isa<TopkOp>(*op->getUsers().begin()))
      return rewriter.notifyMatchFailure(op, "fused with its topk");
    if (hasEmptyTensor(op))
      return rewriter.notifyMatchFailure(op, "an empty tensor");
    rewriter.replaceOp(op, lowerBlockScores(rewriter, op, {}, vectorLanes));
    return success();
  }
};

/// topk of block scores that nothing else reads: one task computes a row
/// of scores and selects from it, so the scores never exist whole.
struct TileBlockScoresTopk : OpRewritePattern<TopkOp> {
  TileBlockScoresTopk(MLIRContext *context, int64_t vectorLanes)
      : OpRewritePattern(context, /*benefit=*/2), vectorLanes(vectorLanes) {}
  int64_t vectorLanes;
  LogicalResult matchAndRewrite(TopkOp op,
                                PatternRewriter &rewriter) const override {
    auto scores = op.getScores().getDefiningOp<BlockScoresOp>();
    if (!scores || !scores->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not the only reader of scores");
    if (hasEmptyTensor(op) || hasEmptyTensor(scores))
      return rewriter.notifyMatchFailure(op, "an empty tensor");
    rewriter.replaceOp(op, lowerBlockScores(rewriter, scores, op, vectorLanes));
    rewriter.eraseOp(scores);
    return success();
  }
};

struct TileTopk : OpRewritePattern<TopkOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TopkOp op,
                                PatternRewriter &rewriter) const override {
    if (hasEmptyTensor(op))
      return rewriter.notifyMatchFailure(op, "an empty tensor");
    Lowering l{rewriter, op.getLoc()};
    Value scores = op.getScores();
    auto scoresType = cast<RankedTensorType>(scores.getType());
    int64_t rank = scoresType.getRank();
    RankedTensorType resultType = op.getIndices().getType();
    SmallVector<OpFoldResult> leading = l.sizes(scores);
    OpFoldResult width = leading.pop_back_val();
    Value result = buildRowForall(
        l, resultType, leading, rewriter.getIndexAttr(op.getK()),
        [&](Lowering &body, ValueRange task) {
          SmallVector<OpFoldResult> offsets = getAsOpFoldResult(task);
          offsets.push_back(body.b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes(rank - 1, body.b.getIndexAttr(1));
          sizes.push_back(width);
          auto rowType = RankedTensorType::get(
              {scoresType.getDimSize(rank - 1)}, scoresType.getElementType());
          Value row = tensor::ExtractSliceOp::create(
              body.b, body.loc, rowType, scores, offsets, sizes,
              SmallVector<OpFoldResult>(rank, body.b.getIndexAttr(1)));
          return buildTopkRow(body, row, op.getK(),
                              resultType.getElementType());
        });
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, resultType, result);
    return success();
  }
};

} // namespace

void mlir::attn::populateTileSelectionPatterns(RewritePatternSet &patterns,
                                               int64_t vectorLanes) {
  // The fused form takes a topk that reads block scores along.
  patterns.add<TileBlockScoresTopk, TileBlockScores>(patterns.getContext(),
                                                     vectorLanes);
  patterns.add<TileTopk>(patterns.getContext());
}

namespace mlir::attn {
namespace {
struct AttnTileSelectionPass
    : impl::AttnTileSelectionPassBase<AttnTileSelectionPass> {
  using AttnTileSelectionPassBase::AttnTileSelectionPassBase;
  void runOnOperation() override {
    if (failed(
            checkVectorBitsOption(getOperation(), getArgument(), vectorBits)) ||
        failed(refineShapes(getOperation(), /*signatures=*/false)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTileSelectionPatterns(patterns, vectorBits / 32);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attn
