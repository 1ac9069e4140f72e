//===- TileAttention.cpp - the flash lowering of attn.attention -----------===//
//
//   forall (b, h, query tile t) {
//     m = -inf, l = 0, acc = 0                       (per row, f32)
//     for key tile u in [first(t), last(t)] {        (block-map bounds)
//       s = scale * Q_t K_u^T, modifiers, mask   (no mask on full tiles)
//       m' = max(m, rowmax s);  c = exp(m - m')
//       p = exp(s - m');  l = c l + rowsum p;  acc = c acc + p V_u
//       m = m'
//     }
//     out_t = acc / l (0 without keys);  lse_t = m + log l
//   }
//
// Everything is on tensors; -inf maxima are shifted by 0 instead so that a
// row without keys never computes -inf - -inf.
//
//===----------------------------------------------------------------------===//

#include "FlashTileUtils.h"
#include "RegisterBlocking.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/KeyIntervals.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTILEATTENTIONPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;
using namespace mlir::attn::tiles;

static constexpr int64_t kDyn = ShapedType::kDynamic;

namespace {

/// The split-KV tasks per row of `op` under `tiling`: its kv_splits, but
/// one for a sink or a sigmoid (which would not merge by LSE), and at most
/// one per key tile where the key length is static (a split without keys
/// would cost a task and an operand of the merge).
static int64_t kvSplitsOf(AttentionOp op, TilingAttr tiling) {
  if (isa<SigmoidAttr>(op.getNormalizerOrDefault()) || op.getSink())
    return 1;
  int64_t splits = tiling.getKvSplits();
  int64_t keyLength = op.getKey().getType().getDimSize(2);
  if (!ShapedType::isDynamic(keyLength))
    splits = std::min(
        splits,
        std::max<int64_t>(1, llvm::divideCeil(keyLength, tiling.getBlockKv())));
  return splits;
}

/// The exact softmax over all of a row's keys from the S partial results of
/// split-KV: attn.merge lse of the splits' outputs and LSEs.
static SmallVector<Value> mergeSplits(Lowering &l, bool wantLse,
                                      Type elementType, Value partialOut,
                                      Value partialLse, int64_t kvSplits) {
  auto slice = [&](Value source, int64_t split) {
    auto type = cast<RankedTensorType>(source.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), l.b.getIndexAttr(0));
    offsets[0] = l.b.getIndexAttr(split);
    SmallVector<OpFoldResult> sizes = l.sizes(source);
    sizes[0] = l.b.getIndexAttr(1);
    auto sliceType = RankedTensorType::get(type.getShape().drop_front(),
                                           type.getElementType());
    return tensor::ExtractSliceOp::create(
               l.b, l.loc, sliceType, source, offsets, sizes,
               SmallVector<OpFoldResult>(type.getRank(), l.b.getIndexAttr(1)))
        .getResult();
  };
  SmallVector<Value> outs, lses;
  for (int64_t split = 0; split < kvSplits; ++split) {
    outs.push_back(slice(partialOut, split));
    lses.push_back(slice(partialLse, split));
  }
  Type outType = outs.front().getType(), lseType = lses.front().getType();
  SmallVector<Type> resultTypes = {outType};
  if (wantLse)
    resultTypes.push_back(lseType);
  auto merge =
      MergeOp::create(l.b, l.loc, resultTypes, outs, lses,
                      MergeKindAttr::get(l.b.getContext(), MergeKind::Lse));
  Value out = merge.getResult();
  if (!elementType.isF32())
    out =
        l.generic({out}, {l.empty(l.sizes(out), elementType)},
                  {{0, 1, 2, 3}, {0, 1, 2, 3}}, 4, parallel(4),
                  [&](OpBuilder &b, Location loc, ValueRange args) {
                    linalg::YieldOp::create(
                        b, loc, Lowering{b, loc}.fromF32(args[0], elementType));
                  })
            .front();
  return {out, wantLse ? merge.getLse() : Value()};
}

/// An attention whose keys a flash loop nest visits: its keys, values,
/// mask and modifiers, with what the tile loop needs to know of them.
struct FlashSource {
  AttentionOp op;
  int64_t blockKv = 64;
  /// Query heads per key/value head, and the key tiles.
  Value group, keyLength, numKeyTiles;
  /// Static lengths: each query tile's key-tile bounds and run of full tiles.
  Value rangeTable;
  /// Without a range table: the predicates whose run-time key intervals
  /// bound the key tiles (buildKeyTileInterval), as the table's would.
  SmallVector<Attribute> tileMask;
  std::optional<RegisterBlock> scoreBlock;
  bool bf16Scores = false;
  /// The predicates evaluated per element (all but exact block selections).
  SmallVector<Attribute> elementMask;
  /// Predicates that read operands, tested per tile at run time.
  bool dataDependent = false;
};

/// An attn.merge gated or sum computed in the flash loop's epilogue: the
/// loop's own output tile weighted by `gate` (none: a sum) plus the rows of
/// `others`, the other branches' outputs, weighted by `otherGates`.
struct MergeEpilogue {
  Value gate;
  SmallVector<Value> others, otherGates;
  /// The loop's own branch among the merge's, so that the sum runs in the
  /// reference's order.
  size_t position = 0;
};

/// The merged rows [firstRow, firstRow + rows) of (b, h): as the reference
/// merge, every branch's rows in the element type, summed in f32.
static Value applyMergeEpilogue(Lowering &l, const MergeEpilogue &merge,
                                Value tile, Value b, Value h, Value firstRow,
                                OpFoldResult rows, OpFoldResult valueDim,
                                Type elementType) {
  auto tileType = cast<RankedTensorType>(tile.getType());
  OpFoldResult unit = l.b.getIndexAttr(1), zero = l.b.getIndexAttr(0);
  SmallVector<Value> tiles, gates;
  for (Value other : merge.others)
    tiles.push_back(tensor::ExtractSliceOp::create(
        l.b, l.loc,
        RankedTensorType::get(tileType.getShape(),
                              getElementTypeOrSelf(other.getType())),
        other, SmallVector<OpFoldResult>{b, h, firstRow, zero},
        SmallVector<OpFoldResult>{unit, unit, rows, valueDim},
        SmallVector<OpFoldResult>(4, unit)));
  auto rowType = RankedTensorType::get({tileType.getDimSize(0)}, l.f32());
  auto gateRows = [&](Value gate) -> Value {
    return tensor::ExtractSliceOp::create(
        l.b, l.loc, rowType, gate, SmallVector<OpFoldResult>{b, h, firstRow},
        SmallVector<OpFoldResult>{unit, unit, rows},
        SmallVector<OpFoldResult>(3, unit));
  };
  tiles.insert(tiles.begin() + merge.position, tile);
  if (merge.gate) {
    for (Value gate : merge.otherGates)
      gates.push_back(gateRows(gate));
    gates.insert(gates.begin() + merge.position, gateRows(merge.gate));
  }
  return mapRows(
      l, tiles, gates, tile, elementType,
      [&](OpBuilder &b2, Location l2, ValueRange args) {
        Lowering in{b2, l2};
        size_t n = tiles.size();
        Value sum;
        for (size_t i = 0; i < n; ++i) {
          Value term = in.toF32(args[i]);
          if (merge.gate)
            term = arith::MulFOp::create(b2, l2, term, args[n + i]);
          sum =
              sum ? arith::AddFOp::create(b2, l2, sum, term).getResult() : term;
        }
        return in.fromF32(sum, elementType);
      });
}

/// The flash loop nest of `sources`, attentions of the same queries whose
/// key sets one online softmax visits in turn: a single attention, or the
/// branches of an exact merge (attn.merge lse), whose union then costs no
/// partial outputs and no merge. Returns the output (elements of
/// `outputType`) and, if `wantLse`, the LSE. With `epilogue` (one source,
/// no split-KV), the output is that merge's.
static SmallVector<Value> buildFlash(PatternRewriter &rewriter, Location loc,
                                     ArrayRef<AttentionOp> sources,
                                     RankedTensorType outputType, bool wantLse,
                                     int64_t vectorLanes, bool bf16Dot,
                                     const MergeEpilogue *epilogue = nullptr) {
  Lowering l{rewriter, loc};
  AttentionOp lead = sources.front();
  TypedValue<RankedTensorType> query = lead.getQuery();
  TilingAttr tiling = lead.getTiling().value_or(
      TilingAttr::get(lead.getContext(), 64, 64, /*kvSplits=*/1));
  int64_t blockQ = tiling.getBlockQ();

  Value batch = l.materialize(l.size(query, 0));
  Value numQueryHeads = l.materialize(l.size(query, 1));
  Value queryLength = l.materialize(l.size(query, 2));
  OpFoldResult headDim = l.size(query, 3);
  OpFoldResult valueDim = l.size(lead.getValue(), 3);
  Value numQueryTiles =
      arith::CeilDivUIOp::create(rewriter, loc, queryLength, l.index(blockQ));
  Value scale = l.attentionScale(query, lead.getScale());

  // Short query tiles (decode) do not amortise transposing key tiles.
  int64_t staticQueryLength = lead.getMaskShape().queryLength;
  bool transposeKeys =
      ShapedType::isDynamic(staticQueryLength) || staticQueryLength >= 16;
  // Register blocks of the two products when the head dims are static
  // (tiles of full size are then statically shaped).
  int64_t staticDim = query.getType().getDimSize(3);
  int64_t staticValueDim = lead.getValue().getType().getDimSize(3);
  std::optional<RegisterBlock> valueBlock;
  if (!ShapedType::isDynamic(staticValueDim))
    valueBlock = chooseRegisterBlock(blockQ, staticValueDim, vectorLanes);

  SmallVector<FlashSource> flashSources;
  for (AttentionOp op : sources) {
    FlashSource source;
    source.op = op;
    TilingAttr sourceTiling = op.getTiling().value_or(tiling);
    int64_t blockKv = source.blockKv = sourceTiling.getBlockKv();
    source.group = arith::DivUIOp::create(
        rewriter, loc, numQueryHeads, l.materialize(l.size(op.getKey(), 1)));
    source.keyLength = l.materialize(l.size(op.getKey(), 2));
    source.numKeyTiles = arith::CeilDivUIOp::create(
        rewriter, loc, source.keyLength, l.index(blockKv));
    if (transposeKeys && !ShapedType::isDynamic(staticDim) && vectorLanes > 0 &&
        staticDim % vectorLanes == 0 && blockKv % vectorLanes == 0)
      source.scoreBlock = chooseRegisterBlock(blockQ, blockKv, vectorLanes);
    // bf16 queries and keys: the score kernel multiplies bf16 pairs with
    // AVX-512 BF16's dot product (f32 accumulation) instead of converting
    // the tiles to f32.
    source.bf16Scores = source.scoreBlock && bf16Dot &&
                        query.getType().getElementType().isBF16() &&
                        op.getKey().getType().getElementType().isBF16() &&
                        staticDim % (2 * vectorLanes) == 0;
    // A predicate whose per-tile test is exact on tiles inside its blocks
    // (block selections and layouts whose blocks are whole tiles) is
    // decided by that test: the elements, and the range table's full runs,
    // need only the other predicates.
    for (Attribute predicate : op.getMask()) {
      std::optional<std::pair<int64_t, int64_t>> blocks =
          cast<MaskAttrInterface>(predicate).getExactTileBlocks();
      if (!blocks || blocks->first % blockQ != 0 ||
          blocks->second % blockKv != 0)
        source.elementMask.push_back(predicate);
      source.dataDependent |=
          cast<MaskAttrInterface>(predicate).isDataDependent();
    }
    MaskShape shape = op.getMaskShape();
    // Tiles are classified with the atoms the mask_mod implies as well, and
    // by the mask_mod region's intervals (MaskModTiles); elements are tested
    // by elementMask and the mask_mod.
    SmallVector<Attribute> tileMask(source.elementMask);
    llvm::append_range(tileMask, op.getMaskModAtoms());
    if (BlockMap::isTractable(shape, blockQ, blockKv))
      source.rangeTable =
          buildRangeTable(l, BlockMap::compute(tileMask, &op.getMaskMod(),
                                               shape, blockQ, blockKv));
    else
      source.tileMask = std::move(tileMask);
    flashSources.push_back(std::move(source));
  }

  // Split-KV: S tasks per row share its key tiles and leave normalised
  // partial outputs and LSEs, merged below. A sink or a sigmoid would not
  // merge by LSE, so they never split; nor do unions.
  int64_t kvSplits = sources.size() == 1 ? kvSplitsOf(lead, tiling) : 1;
  bool splitKv = kvSplits > 1;

  Type finalElementType = outputType.getElementType();
  Type outElementType = splitKv ? l.f32() : finalElementType;
  SmallVector<OpFoldResult> outSizes = {l.size(query, 0), l.size(query, 1),
                                        l.size(query, 2), valueDim};
  SmallVector<OpFoldResult> lseSizes = {l.size(query, 0), l.size(query, 1),
                                        l.size(query, 2)};
  if (splitKv) {
    outSizes.insert(outSizes.begin(), rewriter.getIndexAttr(kvSplits));
    lseSizes.insert(lseSizes.begin(), rewriter.getIndexAttr(kvSplits));
  }
  bool writesLse = wantLse || splitKv;
  SmallVector<Value> outputs = {l.empty(outSizes, outElementType)};
  if (writesLse)
    outputs.push_back(l.empty(lseSizes, l.f32()));

  SmallVector<OpFoldResult> bounds = {batch, numQueryHeads, numQueryTiles};
  if (splitKv)
    bounds.push_back(rewriter.getIndexAttr(kvSplits));
  auto forall =
      scf::ForallOp::create(rewriter, loc, bounds, outputs, std::nullopt);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(forall.getBody());
    Value b = forall.getInductionVar(0), h = forall.getInductionVar(1),
          qt = forall.getInductionVar(2);
    Value firstRow = arith::MulIOp::create(rewriter, loc, qt, l.index(blockQ));
    Value rows = arith::MinUIOp::create(
        rewriter, loc, l.index(blockQ),
        arith::SubIOp::create(rewriter, loc, queryLength, firstRow));
    Value querySlice = slice2d(l, query, b, h, firstRow, rows, headDim);
    Value queryTile = toF32Tile(l, querySlice, false);
    // The scale folded into the query tile once (scale * q) . k instead
    // of into every score: full tiles without modifiers then need no pass
    // over the scores at all. The bf16 kernel reads the unscaled bf16
    // tile, so it keeps the scale on the scores.
    bool anyBf16Scores = llvm::any_of(
        flashSources, [](const FlashSource &s) { return s.bf16Scores; });
    bool scaleInQuery = !anyBf16Scores;
    if (scaleInQuery)
      queryTile = mapRows(
          l, {queryTile}, {}, queryTile, l.f32(),
          [&](OpBuilder &b2, Location l2, ValueRange args) {
            return arith::MulFOp::create(b2, l2, args[0], scale).getResult();
          });
    // A row-major bf16 copy of the query tile for the bf16 score kernel.
    Value queryBf16;
    if (anyBf16Scores)
      queryBf16 = bufferization::AllocTensorOp::create(
          rewriter, loc, cast<RankedTensorType>(querySlice.getType()),
          ValueRange{}, querySlice);
    std::optional<double> sigmoidBias;
    if (auto sigmoid = dyn_cast<SigmoidAttr>(lead.getNormalizerOrDefault()))
      sigmoidBias = sigmoid.getBias().convertToDouble();

    SmallVector<OpFoldResult> rowSizes = {rows};
    SmallVector<OpFoldResult> accSizes = {rows, valueDim};
    SmallVector<Value> carried = {l.filled(rowSizes, kNegInf),
                                  l.filled(rowSizes, 0.0),
                                  l.filled(accSizes, 0.0)};

    // The key-tile loop of one source, continuing the online softmax of
    // `carriedIn`.
    auto buildSourceLoop = [&](const FlashSource &source,
                               ValueRange carriedIn) -> SmallVector<Value> {
      AttentionOp op = source.op;
      Value key = op.getKey(), value = op.getValue();
      int64_t blockKv = source.blockKv;
      Value keyLength = source.keyLength;
      const std::optional<RegisterBlock> &scoreBlock = source.scoreBlock;
      bool bf16Scores = source.bf16Scores;
      const SmallVector<Attribute> &elementMask = source.elementMask;
      bool dataDependent = source.dataDependent;
      Value kvHead = arith::DivUIOp::create(rewriter, loc, h, source.group);
      bool plainScores =
          scaleInQuery && op.getScore().empty() && op.getScoreMod().empty();

      // Key-tile bounds and the run of full tiles.
      Value first = l.index(0), end = source.numKeyTiles,
            fullFirst = l.index(0), fullEnd = l.index(0);
      if (source.rangeTable) {
        auto entry = [&](int64_t column) {
          return rangeTableEntry(l, source.rangeTable, qt, column);
        };
        first = entry(0);
        end = entry(1);
        fullFirst = entry(2);
        fullEnd = entry(3);
      } else if (!source.tileMask.empty() || !op.getMaskMod().empty()) {
        // Lengths known at run time only: the same bounds from the atoms'
        // key intervals, so that affine masks still skip their empty tiles.
        RowSpan span{firstRow,
                     arith::SubIOp::create(
                         rewriter, loc,
                         arith::AddIOp::create(rewriter, loc, firstRow, rows),
                         l.index(1)),
                     queryLength, keyLength};
        KeyTileInterval tiles = buildKeyTileInterval(
            rewriter, loc, source.tileMask, &op.getMaskMod(), span, blockKv);
        first = tiles.first;
        end = tiles.end;
        fullFirst = tiles.fullFirst;
        fullEnd = tiles.fullEnd;
      } else {
        fullEnd = source.numKeyTiles;
      }
      if (splitKv) {
        // Task s takes the s-th chunk of [first, end).
        Value split = forall.getInductionVar(3);
        Value chunk = arith::CeilDivUIOp::create(
            rewriter, loc, arith::SubIOp::create(rewriter, loc, end, first),
            l.index(kvSplits));
        Value chunkFirst = arith::MinUIOp::create(
            rewriter, loc, end,
            arith::AddIOp::create(
                rewriter, loc, first,
                arith::MulIOp::create(rewriter, loc, split, chunk)));
        end = arith::MinUIOp::create(
            rewriter, loc, end,
            arith::AddIOp::create(rewriter, loc, chunkFirst, chunk));
        first = chunkFirst;
      }

      AttentionPoint tensors;
      tensors.qSegments = op.getQSegments();
      tensors.kvSegments = op.getKvSegments();
      tensors.layout = op.getLayout();
      tensors.indices = op.getIndices();
      tensors.bias = op.getBias();
      // One key tile: returns the updated (max, sum, accumulator).
      auto processTile = [&](OpBuilder &fb, Location fl, Value kt,
                             ValueRange iter) -> SmallVector<Value> {
        Lowering f{fb, fl};
        Value firstKey = arith::MulIOp::create(fb, fl, kt, f.index(blockKv));
        Value cols = arith::MinUIOp::create(
            fb, fl, f.index(blockKv),
            arith::SubIOp::create(fb, fl, keyLength, firstKey));
        Value keySlice = slice2d(f, key, b, kvHead, firstKey, cols, headDim);
        Value keyTile = keySlice;
        if (transposeKeys && !scoreBlock)
          keyTile = toF32Tile(f, keySlice, /*transpose=*/true);
        Value valueSlice =
            slice2d(f, value, b, kvHead, firstKey, cols, valueDim);
        SmallVector<OpFoldResult> tileSizes = {rows, cols};
        // Tiles of full size go through the register-blocked kernels.
        Value isFullSize;
        if (scoreBlock || valueBlock)
          isFullSize = arith::AndIOp::create(
              fb, fl,
              arith::CmpIOp::create(fb, fl, arith::CmpIPredicate::eq, rows,
                                    f.index(blockQ)),
              arith::CmpIOp::create(fb, fl, arith::CmpIPredicate::eq, cols,
                                    f.index(blockKv)));
        auto scoresGeneral = [&](OpBuilder &gb, Location gl) {
          Lowering g{gb, gl};
          Value keys = keyTile;
          if (transposeKeys && scoreBlock)
            keys = toF32Tile(g, keySlice, /*transpose=*/true);
          return multiplyQueryKey(g, queryTile, keys, tileSizes, transposeKeys);
        };
        Value scores =
            scoreBlock
                ? ifFullTile(
                      fb, fl, isFullSize,
                      [&](OpBuilder &kb, Location kl) {
                        Lowering k{kb, kl};
                        if (bf16Scores) {
                          Value keys =
                              contiguousTile(k, keySlice, {blockKv, staticDim});
                          FailureOr<Value> paired =
                              buildBf16PairTranspose(kb, kl, keys, vectorLanes);
                          Value product = buildBf16DotProduct(
                              kb, kl,
                              castToShape(kb, kl, queryBf16,
                                          {blockQ, staticDim}),
                              *paired, *scoreBlock);
                          return castToShape(kb, kl, product, {kDyn, kDyn});
                        }
                        // A row-major f32 copy (a vectorised copy
                        // whatever the input's strides), then the
                        // transpose by register blocks.
                        Value keys = contiguousF32Tile(k, keySlice,
                                                       {blockKv, staticDim});
                        FailureOr<Value> transposed =
                            buildBlockedTranspose(kb, kl, keys, vectorLanes);
                        Value product = buildRegisterBlockedProduct(
                            kb, kl,
                            castToShape(kb, kl, queryTile, {blockQ, staticDim}),
                            *transposed, Value(), Value(), *scoreBlock);
                        return castToShape(kb, kl, product, {kDyn, kDyn});
                      },
                      scoresGeneral)
                : scoresGeneral(fb, fl);

        // Scale, modifiers and, outside the run of full tiles, the mask.
        auto modify = [&](OpBuilder &mb, Location ml, bool masked) {
          Lowering m{mb, ml};
          return m
              .generic({scores}, {m.empty(tileSizes, m.f32())},
                       {{0, 1}, {0, 1}}, 2, parallel(2),
                       [&](OpBuilder &b2, Location l2, ValueRange args) {
                         Lowering in{b2, l2};
                         AttentionPoint point = tensors;
                         point.batch = b;
                         point.head = h;
                         point.kvHead = kvHead;
                         point.row = arith::AddIOp::create(b2, l2, firstRow,
                                                           in.loopIndex(0));
                         point.column = arith::AddIOp::create(b2, l2, firstKey,
                                                              in.loopIndex(1));
                         point.queryLength = queryLength;
                         point.keyLength = keyLength;
                         point.numQueryHeads = numQueryHeads;
                         Value s = args[0];
                         if (!scaleInQuery)
                           s = arith::MulFOp::create(b2, l2, s, scale);
                         s = buildModifiedScore(b2, l2,
                                                op.getScore().getValue(),
                                                &op.getScoreMod(), s, point);
                         if (masked) {
                           Value allowed = buildAllowed(
                               b2, l2, elementMask, &op.getMaskMod(), point);
                           s = arith::SelectOp::create(b2, l2, allowed, s,
                                                       in.f32(kNegInf));
                         }
                         linalg::YieldOp::create(b2, l2, s);
                       })
              .front();
        };
        Value isFull = arith::AndIOp::create(
            fb, fl,
            arith::CmpIOp::create(fb, fl, arith::CmpIPredicate::uge, kt,
                                  fullFirst),
            arith::CmpIOp::create(fb, fl, arith::CmpIPredicate::ult, kt,
                                  fullEnd));
        auto branch = scf::IfOp::create(
            fb, fl, isFull,
            [&](OpBuilder &tb, Location tl) {
              scf::YieldOp::create(
                  tb, tl, plainScores ? scores : modify(tb, tl, false));
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, modify(eb, el, true));
            });
        Value modified = branch.getResult(0);

        if (sigmoidBias) {
          Value probs = mapRows(
              f, {modified}, {}, modified, f.f32(),
              [&](OpBuilder &b2, Location l2, ValueRange args) {
                Lowering in{b2, l2};
                Value shifted = arith::AddFOp::create(b2, l2, args[0],
                                                      in.f32(*sigmoidBias));
                Value denom = arith::AddFOp::create(
                    b2, l2, in.f32(1.0),
                    math::ExpOp::create(
                        b2, l2, arith::NegFOp::create(b2, l2, shifted)));
                return arith::DivFOp::create(b2, l2, in.f32(1.0), denom)
                    .getResult();
              });
          Value acc = accumulateValues(
              f, probs, toF32Tile(f, valueSlice, false), iter[2]);
          return {iter[0], iter[1], acc};
        }

        // Online softmax. Every carried tensor is updated in place, so
        // that the loop allocates nothing per key tile.
        auto safe = safeShift;
        Value tileMax =
            f.generic({modified}, {f.filled(rowSizes, kNegInf)}, {{0, 1}, {0}},
                      2, parallelThenReduction(2),
                      [&](OpBuilder &b2, Location l2, ValueRange args) {
                        linalg::YieldOp::create(
                            b2, l2,
                            arith::MaximumFOp::create(b2, l2, args[0], args[1])
                                .getResult());
                      })
                .front();
        // c = exp(m - max(m, tile max)), read before m is overwritten.
        Value correction =
            mapRows(f, {iter[0], tileMax}, {}, iter[0], f.f32(),
                    [&](OpBuilder &b2, Location l2, ValueRange args) {
                      Value newMax =
                          arith::MaximumFOp::create(b2, l2, args[0], args[1]);
                      Value shifted = arith::SubFOp::create(
                          b2, l2, args[0], safe(b2, l2, newMax));
                      return math::ExpOp::create(b2, l2, shifted).getResult();
                    });
        Value newMax = mapRows(
            f, {tileMax}, {}, iter[0], f.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              return arith::MaximumFOp::create(b2, l2, args[0], args[1])
                  .getResult();
            },
            iter[0]);
        Value probs = mapRows(
            f, {}, {newMax}, modified, f.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              Value shifted =
                  arith::SubFOp::create(b2, l2, args[1], safe(b2, l2, args[0]));
              return math::ExpOp::create(b2, l2, shifted).getResult();
            },
            modified);
        Value scaledSum = mapRows(
            f, {correction}, {}, iter[1], f.f32(),
            [&](OpBuilder &b2, Location l2, ValueRange args) {
              return arith::MulFOp::create(b2, l2, args[0], args[1])
                  .getResult();
            },
            iter[1]);
        auto reassoc = arith::FastMathFlagsAttr::get(
            fb.getContext(), arith::FastMathFlags::reassoc);
        Value newSum =
            f.generic(
                 {probs}, {scaledSum}, {{0, 1}, {0}}, 2,
                 parallelThenReduction(2),
                 [&](OpBuilder &b2, Location l2, ValueRange args) {
                   linalg::YieldOp::create(
                       b2, l2,
                       arith::AddFOp::create(b2, l2, args[0], args[1], reassoc)
                           .getResult());
                 })
                .front();
        auto accGeneral = [&](OpBuilder &gb, Location gl) {
          Lowering g{gb, gl};
          Value scaledAcc = mapRows(
              g, {}, {correction}, iter[2], g.f32(),
              [&](OpBuilder &b2, Location l2, ValueRange args) {
                return arith::MulFOp::create(b2, l2, args[0], args[1])
                    .getResult();
              },
              iter[2]);
          return accumulateValues(g, probs, toF32Tile(g, valueSlice, false),
                                  scaledAcc);
        };
        Value newAcc =
            valueBlock
                ? ifFullTile(
                      fb, fl, isFullSize,
                      [&](OpBuilder &kb, Location kl) {
                        Lowering g2{kb, kl};
                        Value product = buildRegisterBlockedProduct(
                            kb, kl,
                            castToShape(kb, kl, probs, {blockQ, blockKv}),
                            contiguousF32Tile(g2, valueSlice,
                                              {blockKv, staticValueDim}),
                            castToShape(kb, kl, iter[2],
                                        {blockQ, staticValueDim}),
                            castToShape(kb, kl, correction, {blockQ}),
                            *valueBlock);
                        return tensor::CastOp::create(kb, kl, iter[2].getType(),
                                                      product);
                      },
                      accGeneral)
                : accGeneral(fb, fl);
        return {newMax, newSum, newAcc};
      };

      // Predicates that read operands are tested per tile at run time
      // (source.dataDependent): a tile they prove empty is skipped, so new
      // segment ids or selections need no recompile.
      auto loop = scf::ForOp::create(
          rewriter, loc, first, end, l.index(1), carriedIn,
          [&](OpBuilder &fb, Location fl, Value kt, ValueRange iter) {
            if (!dataDependent) {
              scf::YieldOp::create(fb, fl, processTile(fb, fl, kt, iter));
              return;
            }
            Lowering f{fb, fl};
            Value firstKey =
                arith::MulIOp::create(fb, fl, kt, f.index(blockKv));
            Value cols = arith::MinUIOp::create(
                fb, fl, f.index(blockKv),
                arith::SubIOp::create(fb, fl, keyLength, firstKey));
            AttentionPoint point = tensors;
            point.batch = b;
            point.head = h;
            point.kvHead = kvHead;
            point.queryLength = queryLength;
            point.keyLength = keyLength;
            point.numQueryHeads = numQueryHeads;
            Value mayHaveKeys = arith::ConstantIntOp::create(fb, fl, 1, 1);
            for (Attribute predicate : op.getMask())
              mayHaveKeys = arith::AndIOp::create(
                  fb, fl, mayHaveKeys,
                  cast<MaskAttrInterface>(predicate).buildTileMayHaveKeys(
                      fb, fl, point, firstRow, rows, firstKey, cols));
            auto branch = scf::IfOp::create(
                fb, fl, mayHaveKeys,
                [&](OpBuilder &tb, Location tl) {
                  scf::YieldOp::create(tb, tl, processTile(tb, tl, kt, iter));
                },
                [&](OpBuilder &eb, Location el) {
                  scf::YieldOp::create(eb, el, iter);
                });
            scf::YieldOp::create(fb, fl, branch.getResults());
          });

      return SmallVector<Value>(loop.getResults());
    };
    for (const FlashSource &source : flashSources)
      carried = buildSourceLoop(source, carried);
    Value rowMax = carried[0], rowSum = carried[1], acc = carried[2];
    Value sink;
    if (Value sinkOperand = lead.getSink())
      sink = tensor::ExtractOp::create(rewriter, loc, sinkOperand, h);
    Value outTile;
    if (sigmoidBias) {
      outTile =
          mapRows(l, {acc}, {}, acc, outElementType,
                  [&](OpBuilder &b2, Location l2, ValueRange args) {
                    return Lowering{b2, l2}.fromF32(args[0], outElementType);
                  });
    } else {
      outTile = mapRows(
          l, {acc}, {rowSum, rowMax}, acc, outElementType,
          [&](OpBuilder &b2, Location l2, ValueRange args) {
            Lowering in{b2, l2};
            Value denom = args[1];
            if (sink) {
              Value shift = safeShift(b2, l2, args[2]);
              denom = arith::AddFOp::create(
                  b2, l2, denom,
                  math::ExpOp::create(
                      b2, l2, arith::SubFOp::create(b2, l2, sink, shift)));
            }
            // Unordered: a NaN denominator (a NaN or +inf score) gives
            // NaN, as the formula does; only an empty row's 0 gives 0.
            Value positive = arith::CmpFOp::create(
                b2, l2, arith::CmpFPredicate::UNE, denom, in.f32(0.0));
            Value quotient = arith::DivFOp::create(b2, l2, args[0], denom);
            Value result = arith::SelectOp::create(b2, l2, positive, quotient,
                                                   in.f32(0.0));
            return in.fromF32(result, outElementType);
          });
    }
    Value lseTile;
    if (writesLse)
      lseTile = mapRows(l, {rowSum, rowMax}, {}, rowSum, l.f32(),
                        [&](OpBuilder &b2, Location l2, ValueRange args) {
                          Value shift = safeShift(b2, l2, args[1]);
                          return arith::AddFOp::create(
                                     b2, l2, shift,
                                     math::LogOp::create(b2, l2, args[0]))
                              .getResult();
                        });

    if (epilogue) {
      assert(!splitKv && "a merge epilogue needs whole rows");
      outTile = applyMergeEpilogue(l, *epilogue, outTile, b, h, firstRow, rows,
                                   valueDim, outElementType);
    }

    // Write this tile's rows of the results (of this split's partials).
    rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
    OpFoldResult unit = rewriter.getIndexAttr(1);
    SmallVector<OpFoldResult> outOffsets = {b, h, firstRow,
                                            rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> outTileSizes = {unit, unit, rows, valueDim};
    SmallVector<OpFoldResult> lseOffsets = {b, h, firstRow};
    SmallVector<OpFoldResult> lseTileSizes = {unit, unit, rows};
    if (splitKv) {
      Value split = forall.getInductionVar(3);
      outOffsets.insert(outOffsets.begin(), split);
      outTileSizes.insert(outTileSizes.begin(), unit);
      lseOffsets.insert(lseOffsets.begin(), split);
      lseTileSizes.insert(lseTileSizes.begin(), unit);
    }
    tensor::ParallelInsertSliceOp::create(
        rewriter, loc, outTile, forall.getRegionIterArgs()[0], outOffsets,
        outTileSizes, SmallVector<OpFoldResult>(outOffsets.size(), unit));
    if (lseTile)
      tensor::ParallelInsertSliceOp::create(
          rewriter, loc, lseTile, forall.getRegionIterArgs()[1], lseOffsets,
          lseTileSizes, SmallVector<OpFoldResult>(lseOffsets.size(), unit));
  }
  if (splitKv)
    return mergeSplits(l, wantLse, finalElementType, forall.getResult(0),
                       forall.getResult(1), kvSplits);
  return {forall.getResult(0), wantLse ? forall.getResult(1) : Value()};
}

struct TileAttention : OpRewritePattern<AttentionOp> {
  TileAttention(MLIRContext *context, int64_t vectorLanes, bool bf16Dot)
      : OpRewritePattern(context), vectorLanes(vectorLanes), bf16Dot(bf16Dot) {}
  int64_t vectorLanes;
  bool bf16Dot;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (hasEmptyTensor(op))
      return rewriter.notifyMatchFailure(op, "an empty tensor");
    SmallVector<Value> results =
        buildFlash(rewriter, op.getLoc(), {op}, op.getOutput().getType(),
                   static_cast<bool>(op.getLse()), vectorLanes, bf16Dot);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// attn.merge lse of attentions of the same queries (SCOUT's segment tokens
/// and checkpoints, Combiner's direct and abstract keys, a compensation's
/// selected blocks and centroids): the exact softmax over the union of their
/// key sets, as one loop nest whose online softmax visits each attention's
/// key tiles in turn. attn.merge gated / sum (NSA's gated branches, SLA's
/// parts): the merge runs in the epilogue of its last branch that is an
/// attention read by nothing else (its rows are weighted and summed with
/// the other branches' as each output tile is written), so that branch's
/// output is never materialised and the merge is no pass of its own.
struct TileMerge : OpRewritePattern<MergeOp> {
  TileMerge(MLIRContext *context, int64_t vectorLanes, bool bf16Dot)
      : OpRewritePattern(context, /*benefit=*/2), vectorLanes(vectorLanes),
        bf16Dot(bf16Dot) {}
  int64_t vectorLanes;
  bool bf16Dot;

  LogicalResult matchAndRewrite(MergeOp merge,
                                PatternRewriter &rewriter) const override {
    if (hasEmptyTensor(merge) ||
        llvm::any_of(merge.getOutputs(), [](Value output) {
          Operation *producer = output.getDefiningOp();
          return producer && hasEmptyTensor(producer);
        }))
      return rewriter.notifyMatchFailure(merge, "an empty tensor");
    // (Types that fix different sizes: attn-refine-shapes makes them one.)
    auto allOfType = [](ValueRange values, Type type) {
      return llvm::all_of(values.getTypes(),
                          [&](Type other) { return other == type; });
    };
    if (!allOfType(merge.getOutputs(), merge.getResult().getType()) ||
        (merge.getLse() &&
         !allOfType(merge.getWeights(), merge.getLse().getType())))
      return rewriter.notifyMatchFailure(merge,
                                         "branch and result types differ");
    if (merge.getKind() != MergeKind::Lse)
      return rewriteInEpilogue(merge, rewriter);
    FailureOr<SmallVector<AttentionOp>> sources = merge.getUnionSources();
    if (failed(sources))
      return rewriter.notifyMatchFailure(merge, "branches are not fusible");
    SmallVector<Value> results =
        buildFlash(rewriter, merge.getLoc(), *sources,
                   cast<RankedTensorType>(merge.getResult().getType()),
                   static_cast<bool>(merge.getLse()), vectorLanes, bf16Dot);
    if (!merge.getLse())
      results.pop_back();
    rewriter.replaceOp(merge, results);
    for (AttentionOp source : *sources)
      rewriter.eraseOp(source);
    return success();
  }

  LogicalResult rewriteInEpilogue(MergeOp merge,
                                  PatternRewriter &rewriter) const {
    ValueRange outputs = merge.getOutputs();
    bool gated = merge.getKind() == MergeKind::Gated;
    std::optional<size_t> fused;
    for (auto [index, output] : llvm::enumerate(outputs)) {
      auto op = output.getDefiningOp<AttentionOp>();
      // Split-KV rows are merged after the loop nest: no epilogue there.
      if (!op || !output.hasOneUse() || op.getLse() ||
          (op.getTiling() && kvSplitsOf(op, *op.getTiling()) > 1))
        continue;
      fused = index;
    }
    if (!fused)
      return rewriter.notifyMatchFailure(merge, "no branch to fuse");
    auto op = outputs[*fused].getDefiningOp<AttentionOp>();
    MergeEpilogue epilogue;
    for (auto [index, output] : llvm::enumerate(outputs)) {
      Value gate = gated ? merge.getWeights()[index] : Value();
      if (index == *fused) {
        epilogue.gate = gate;
        epilogue.position = index;
        continue;
      }
      epilogue.others.push_back(output);
      if (gate)
        epilogue.otherGates.push_back(gate);
    }
    SmallVector<Value> results =
        buildFlash(rewriter, merge.getLoc(), {op},
                   cast<RankedTensorType>(merge.getResult().getType()),
                   /*wantLse=*/false, vectorLanes, bf16Dot, &epilogue);
    rewriter.replaceOp(merge, results.front());
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::attn::populateTileAttentionPatterns(RewritePatternSet &patterns,
                                               int64_t vectorLanes,
                                               bool bf16Dot) {
  patterns.add<TileAttention, TileMerge>(patterns.getContext(), vectorLanes,
                                         bf16Dot);
}

namespace mlir::attn {
namespace {
struct AttnTileAttentionPass
    : impl::AttnTileAttentionPassBase<AttnTileAttentionPass> {
  using AttnTileAttentionPassBase::AttnTileAttentionPassBase;
  void runOnOperation() override {
    if (failed(
            checkVectorBitsOption(getOperation(), getArgument(), vectorBits)) ||
        failed(refineShapes(getOperation(), /*signatures=*/false)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateTileAttentionPatterns(patterns, vectorBits / 32, bf16Dot);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attn
