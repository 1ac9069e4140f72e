//===- ChunkLinearAttention.cpp - chunked form of attn.linear_attention ---===//
//
// Linear attention in O(L C (D + Dv) + L D Dv) per head instead of the
// reference's O(L^2): the sequence is cut into chunks of C tokens and a
// D x Dv state (with its D-vector normaliser) carries everything before the
// chunk. With causal masking, per (batch, query head) and chunk c:
//
//   A_i   = sum of the log-gates a_t of the chunk up to i    (0: no decay)
//   W_ij  = phi(q_i).phi(k_j) exp(A_i - A_j) for j <= i      (in the chunk)
//   out_i = W_i V + exp(A_i) phi(q_i)^T S                     (numerator)
//   den_i = sum_j W_ij + exp(A_i) phi(q_i).z                 (normalize)
//   S     = exp(A_last) S + sum_j exp(A_last - A_j) phi(k_j) v_j^T
//   z     = exp(A_last) z + sum_j exp(A_last - A_j) phi(k_j)
//
// Every exponent is <= 0 (the gates are <= 0), so nothing overflows however
// long the sequence. Without causal masking the state of all keys is built
// first and each query reads it. Everything is on tensors; the (batch,
// head) loop is an scf.forall, the chunk loop an scf.for.
//
//===----------------------------------------------------------------------===//

#include "RegisterBlocking.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHUNKLINEARATTENTIONPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// A [rows, cols] slice of a rank-4 tensor at (i0, i1, offset, 0).
Value rows2d(Lowering &l, Value source, Value i0, Value i1, Value offset,
             Value rows) {
  auto type = cast<RankedTensorType>(source.getType());
  auto sliceType =
      RankedTensorType::get({kDyn, type.getDimSize(3)}, type.getElementType());
  SmallVector<OpFoldResult> offsets = {i0, i1, offset, l.b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {l.b.getIndexAttr(1), l.b.getIndexAttr(1),
                                     rows,
                                     l.b.getIndexAttr(type.getDimSize(3))};
  SmallVector<OpFoldResult> strides(4, l.b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(l.b, l.loc, sliceType, source, offsets,
                                        sizes, strides);
}

/// A 2-D f32 tile rounded once to `element` (f32: itself).
Value roundTile(Lowering &l, Value tile, Type element) {
  if (element == l.f32())
    return tile;
  return l
      .generic({tile}, {l.empty(l.sizes(tile), element)}, {{0, 1}, {0, 1}}, 2,
               parallel(2),
               [&](OpBuilder &gb, Location gl, ValueRange args) {
                 linalg::YieldOp::create(
                     gb, gl, Lowering{gb, gl}.fromF32(args[0], element));
               })
      .front();
}

/// The most taps a fused conv takes: they are unrolled, an op chain per
/// tap (models use 4; 2000 made bufferisation take minutes). More stay a
/// conv of their own, whose loop over the taps is not unrolled.
constexpr int64_t kMaxFusedConvTaps = 16;

/// Whether `conv` can be computed per chunk by its consumer: static taps
/// (at most kMaxFusedConvTaps) and head dim (the taps unrolled, a weight
/// vector per tap).
bool fusibleConv(CausalConvOp conv) {
  auto weight = cast<RankedTensorType>(conv.getWeight().getType());
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  return weight.hasStaticShape() && weight.getDimSize(2) <= kMaxFusedConvTaps &&
         !input.isDynamicDim(3) && conv.getResult().getType() == input &&
         conv.getResult().hasOneUse();
}

/// Rows [first, first + rows) of `operand`[i0, i1], as rows2d. When
/// `operand` is an attn.causal_conv that only this op reads, the rows are
/// computed from the conv's input here (the conv is fused: its [B, H, L, D]
/// result is never materialised): input rows first - K + 1 .. first + rows
/// in a zero-filled window (rows before the sequence stay 0), then per tap
/// k the window's rows [k, k + rows) weighted by w[i1, :, k], accumulated
/// in f32 and rounded to the element type once, as the reference does.
Value operandRows(Lowering &l, Value operand, Value i0, Value i1, Value first,
                  Value rows) {
  auto conv = operand.getDefiningOp<CausalConvOp>();
  if (!conv || !fusibleConv(conv))
    return rows2d(l, operand, i0, i1, first, rows);
  Value input = conv.getInput(), weight = conv.getWeight();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t taps = weightType.getDimSize(2), dim = inputType.getDimSize(3);
  Type element = inputType.getElementType();
  OpBuilder &b = l.b;
  Location loc = l.loc;
  // Rows of the window before the sequence: K - 1 - min(first, K - 1).
  Value history = l.index(taps - 1);
  Value missing = arith::SubIOp::create(
      b, loc, history, arith::MinUIOp::create(b, loc, first, history));
  Value start = arith::SubIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, missing), history);
  Value windowRows = arith::AddIOp::create(b, loc, rows, history);
  Value available = arith::SubIOp::create(b, loc, windowRows, missing);
  Value window = tensor::InsertSliceOp::create(
      b, loc, rows2d(l, input, i0, i1, start, available),
      l.filled({windowRows, b.getIndexAttr(dim)}, 0.0, element),
      SmallVector<OpFoldResult>{missing, b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{available, b.getIndexAttr(dim)},
      SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
  Value acc = l.filled({rows, b.getIndexAttr(dim)}, 0.0);
  auto sliceType = RankedTensorType::get({kDyn, dim}, element);
  auto tapType = RankedTensorType::get({dim}, weightType.getElementType());
  for (int64_t k = 0; k < taps; ++k) {
    Value shifted = tensor::ExtractSliceOp::create(
        b, loc, sliceType, window,
        SmallVector<OpFoldResult>{b.getIndexAttr(k), b.getIndexAttr(0)},
        SmallVector<OpFoldResult>{rows, b.getIndexAttr(dim)},
        SmallVector<OpFoldResult>(2, b.getIndexAttr(1)));
    Value tap = tensor::ExtractSliceOp::create(
        b, loc, tapType, weight,
        SmallVector<OpFoldResult>{i1, b.getIndexAttr(0), b.getIndexAttr(k)},
        SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(dim),
                                  b.getIndexAttr(1)},
        SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
    acc =
        l.generic(
             {shifted, tap}, {acc}, {{0, 1}, {1}, {0, 1}}, 2, parallel(2),
             [&](OpBuilder &gb, Location gl, ValueRange args) {
               Lowering g{gb, gl};
               Value product = arith::MulFOp::create(gb, gl, g.toF32(args[0]),
                                                     g.toF32(args[1]));
               linalg::YieldOp::create(
                   gb, gl,
                   arith::AddFOp::create(gb, gl, args[2], product).getResult());
             })
            .front();
  }
  return roundTile(l, acc, element);
}

/// An scf.for over the chunks of tokens [begin, end) carrying `iterArgs`;
/// the body gets the chunk's first token and its number of rows (`chunk`,
/// or fewer in the last chunk) and yields. With `fullChunks` the caller
/// promises that `chunk` divides end - begin: the rows are the constant
/// `chunk`, so the chunk's tiles get static shapes.
scf::ForOp buildChunkLoop(OpBuilder &b, Location loc, Value begin, Value end,
                          int64_t chunk, bool fullChunks, ValueRange iterArgs,
                          function_ref<void(OpBuilder &, Location, Value first,
                                            Value rows, ValueRange iter)>
                              body) {
  Lowering l{b, loc};
  Value length = arith::SubIOp::create(b, loc, end, begin);
  return scf::ForOp::create(
      b, loc, l.index(0),
      arith::CeilDivUIOp::create(b, loc, length, l.index(chunk)), l.index(1),
      iterArgs, [&](OpBuilder &fb, Location fl, Value c, ValueRange iter) {
        Lowering f{fb, fl};
        Value first = arith::AddIOp::create(
            fb, fl, begin, arith::MulIOp::create(fb, fl, c, f.index(chunk)));
        Value rows = fullChunks ? f.index(chunk)
                                : arith::MinUIOp::create(
                                      fb, fl, f.index(chunk),
                                      arith::SubIOp::create(fb, fl, end, first))
                                      .getResult();
        body(fb, fl, first, rows, iter);
      });
}

/// phi (or just f32 conversion) of a [rows, cols] tile.
Value mapTile(Lowering &l, Value tile, std::optional<FeatureMap> feature) {
  return l
      .generic({tile}, {l.empty(l.sizes(tile), l.f32())}, {{0, 1}, {0, 1}}, 2,
               parallel(2),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 Value x = Lowering{b, loc}.toF32(args[0]);
                 if (feature)
                   x = buildFeatureMap(b, loc, *feature, x);
                 linalg::YieldOp::create(b, loc, x);
               })
      .front();
}

Value addF(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddFOp::create(b, loc, x, y);
}
Value mulF(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulFOp::create(b, loc, x, y);
}

/// state[d, e] = scale(row) * state[d, e] + sum_j w(j) keys[j, d] vals[j, e]
/// where `rowWeights` (optional, [rows]) gives w and `decayAll` (optional
/// f32 scalar) the scale; `vals` may be a [rows] vector (then the state is
/// [D]).
Value accumulateState(Lowering &l, Value state, Value keys, Value vals,
                      Value rowWeights, Value decayAll) {
  bool vector = cast<RankedTensorType>(vals.getType()).getRank() == 1;
  if (decayAll)
    state =
        l.generic(
             {}, {state},
             {vector ? SmallVector<unsigned>{0} : SmallVector<unsigned>{0, 1}},
             vector ? 1 : 2, parallel(vector ? 1 : 2),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, mulF(b, loc, args[0], decayAll));
             })
            .front();
  // Loops (d, [e,] j).
  SmallVector<Value> inputs = {keys, vals};
  SmallVector<SmallVector<unsigned>> maps;
  unsigned loops = vector ? 2 : 3;
  unsigned j = loops - 1;
  maps.push_back({j, 0});
  maps.push_back(vector ? SmallVector<unsigned>{j}
                        : SmallVector<unsigned>{j, 1});
  if (rowWeights) {
    inputs.push_back(rowWeights);
    maps.push_back({j});
  }
  maps.push_back(vector ? SmallVector<unsigned>{0}
                        : SmallVector<unsigned>{0, 1});
  return l
      .generic(inputs, {state}, maps, loops, parallelThenReduction(loops),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 Value product = mulF(b, loc, args[0], args[1]);
                 if (rowWeights)
                   product = mulF(b, loc, product, args[2]);
                 linalg::YieldOp::create(b, loc,
                                         addF(b, loc, args.back(), product));
               })
      .front();
}

/// out[x, y] = sum_r lhs[..] rhs[..] over loops (x, y, r), the operands
/// read through `maps` (lists of those loops).
Value contract(Lowering &l, Value lhs, Value rhs,
               ArrayRef<SmallVector<unsigned>> maps,
               ArrayRef<OpFoldResult> outSizes) {
  SmallVector<SmallVector<unsigned>> all(maps);
  all.push_back({0, 1});
  return l
      .generic({lhs, rhs}, {l.filled(outSizes, 0.0)}, all, 3,
               parallelThenReduction(3),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc,
                     addF(b, loc, args[2], mulF(b, loc, args[0], args[1])));
               })
      .front();
}

/// out[i, e] = sum_d q[i, d] state[d, e] (or the [rows] dot with a [D]
/// state).
Value readState(Lowering &l, Value queries, Value state,
                ArrayRef<OpFoldResult> outSizes) {
  bool vector = cast<RankedTensorType>(state.getType()).getRank() == 1;
  unsigned loops = vector ? 2 : 3;
  unsigned d = loops - 1;
  SmallVector<SmallVector<unsigned>> maps = {
      {0, d},
      vector ? SmallVector<unsigned>{d} : SmallVector<unsigned>{d, 1},
      vector ? SmallVector<unsigned>{0} : SmallVector<unsigned>{0, 1}};
  return l
      .generic({queries, state}, {l.filled(outSizes, 0.0)}, maps, loops,
               parallelThenReduction(loops),
               [&](OpBuilder &b, Location loc, ValueRange args) {
                 linalg::YieldOp::create(
                     b, loc,
                     addF(b, loc, args[2], mulF(b, loc, args[0], args[1])));
               })
      .front();
}

struct ChunkLinearAttention : OpRewritePattern<LinearAttentionOp> {
  ChunkLinearAttention(MLIRContext *context, int64_t chunk, int64_t vectorLanes)
      : OpRewritePattern(context), chunk(chunk), vectorLanes(vectorLanes) {}
  int64_t chunk;
  int64_t vectorLanes;

  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Lowering l{rewriter, loc};
    Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
    auto qType = cast<RankedTensorType>(query.getType());
    auto kType = cast<RankedTensorType>(key.getType());
    auto vType = cast<RankedTensorType>(value.getType());
    // Batch, heads and lengths may be dynamic (one compiled program for
    // every length); the head dims size the state and must be static.
    if (qType.isDynamicDim(3) || vType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(op, "dynamic head dims");
    if (hasEmptyTensor(op))
      return rewriter.notifyMatchFailure(op, "an empty tensor");
    bool causal = op.getCausal();
    int64_t staticQueryLength = qType.getDimSize(2),
            staticKeyLength = kType.getDimSize(2),
            headDim = qType.getDimSize(3), valueDim = vType.getDimSize(3);
    // (Sizes as folded values: static lengths keep static tile types.)
    OpFoldResult queryRows = l.size(query, 2);
    Value queryLength = l.materialize(queryRows);
    Value keyLength = l.materialize(l.size(key, 2));
    Value group =
        arith::DivUIOp::create(rewriter, loc, l.materialize(l.size(query, 1)),
                               l.materialize(l.size(key, 1)));
    // Causal chunks cut the key positions; query i sits at position
    // i + Lkv - Lq (bottom-right). `late`: positions before the first
    // query (Lkv > Lq); `early`: queries before the first key (Lq > Lkv),
    // which see no key and stay 0.
    bool sameLengths = !ShapedType::isDynamic(staticQueryLength) &&
                       staticQueryLength == staticKeyLength;
    auto positive = [&](Value x, Value y) -> Value {
      return arith::SelectOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, x, y),
          arith::SubIOp::create(rewriter, loc, x, y), l.index(0));
    };
    Value late = positive(keyLength, queryLength);
    Value early = positive(queryLength, keyLength);
    FeatureMap feature = op.getFeature();
    bool normalize = op.getNormalize();
    double eps = op.getEps() ? op.getEps()->convertToDouble() : 1e-6;
    Value decay = op.getDecay();
    Type elementType = op.getResult().getType().getElementType();
    // When the dims fill vectors, the four products of a full chunk take
    // the register-blocked kernels of the flash lowering.
    std::optional<RegisterBlock> dotsBlock, rowsBlock, stateBlock;
    bool blockable = causal && vectorLanes > 0 && chunk % vectorLanes == 0 &&
                     headDim % vectorLanes == 0 && valueDim % vectorLanes == 0;
    if (blockable) {
      dotsBlock = chooseRegisterBlock(chunk, chunk, vectorLanes);
      rowsBlock = chooseRegisterBlock(chunk, valueDim, vectorLanes);
      stateBlock = chooseRegisterBlock(headDim, valueDim, vectorLanes);
    }

    Value out = l.empty({l.size(query, 0), l.size(query, 1), l.size(query, 2),
                         rewriter.getIndexAttr(valueDim)},
                        elementType);
    SmallVector<OpFoldResult> bounds = {l.size(query, 0), l.size(query, 1)};
    auto forall = scf::ForallOp::create(rewriter, loc, bounds, ValueRange{out},
                                        std::nullopt);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(forall.getBody());
      Value b = forall.getInductionVar(0), h = forall.getInductionVar(1);
      Value kvHead = arith::DivUIOp::create(rewriter, loc, h, group);
      OpFoldResult dimD = rewriter.getIndexAttr(headDim),
                   dimDv = rewriter.getIndexAttr(valueDim);
      Value state = l.filled({dimD, dimDv}, 0.0);
      Value norm = l.filled({dimD}, 0.0);
      // This head's rows of the result, which the chunks write in place in
      // the result's element type (zeros where queries before the first
      // key are never written): no whole-head temporary or copy.
      OpFoldResult one = rewriter.getIndexAttr(1);
      OpFoldResult zero = rewriter.getIndexAttr(0);
      SmallVector<OpFoldResult> headOffsets = {b, h, zero, zero};
      SmallVector<OpFoldResult> headSizes = {one, one, queryRows, dimDv};
      SmallVector<OpFoldResult> headStrides(4, one);
      auto headType = RankedTensorType::get(
          {cast<RankedTensorType>(out.getType()).getDimSize(2), valueDim},
          elementType);
      Value headOut = tensor::ExtractSliceOp::create(
          rewriter, loc, headType, forall.getRegionIterArgs()[0], headOffsets,
          headSizes, headStrides);
      if (!sameLengths && causal)
        headOut = linalg::FillOp::create(
                      rewriter, loc,
                      ValueRange{arith::ConstantOp::create(
                          rewriter, loc, rewriter.getZeroAttr(elementType))},
                      ValueRange{headOut})
                      .getResult(0);

      // The chunk's output rows (numerator [/ denominator]) into `acc`:
      // tile rows [skip, skip + rows) to rows [first, first + rows).
      auto writeRows = [&](Lowering &f, Value acc, Value numerator,
                           Value denominator, Value first, Value rows,
                           Value skip = Value()) {
        Value result = numerator;
        if (normalize)
          result = f.generic({numerator, denominator},
                             {f.empty(f.sizes(numerator), f.f32())},
                             {{0, 1}, {0}, {0, 1}}, 2, parallel(2),
                             [&](OpBuilder &ib, Location il, ValueRange args) {
                               Value den = addF(ib, il, args[1],
                                                Lowering{ib, il}.f32(eps));
                               linalg::YieldOp::create(
                                   ib, il,
                                   arith::DivFOp::create(ib, il, args[0], den)
                                       .getResult());
                             })
                       .front();
        SmallVector<OpFoldResult> sizes = {rows, dimDv};
        SmallVector<OpFoldResult> strides(2, f.b.getIndexAttr(1));
        if (skip)
          result = tensor::ExtractSliceOp::create(
              f.b, f.loc, result,
              SmallVector<OpFoldResult>{skip, f.b.getIndexAttr(0)}, sizes,
              strides);
        // Rounded once, to the result's element type.
        result = roundTile(f, result, elementType);
        SmallVector<OpFoldResult> offsets = {first, f.b.getIndexAttr(0)};
        return tensor::InsertSliceOp::create(f.b, f.loc, result, acc, offsets,
                                             sizes, strides)
            .getResult();
      };
      if (!causal) {
        // The state of all keys, then every query reads it.
        auto keyLoop = buildChunkLoop(
            rewriter, loc, l.index(0), keyLength, chunk, /*fullChunks=*/false,
            ValueRange{state, norm},
            [&](OpBuilder &fb, Location fl, Value first, Value rows,
                ValueRange iter) {
              Lowering f{fb, fl};
              Value keys = mapTile(
                  f, operandRows(f, key, b, kvHead, first, rows), feature);
              Value vals =
                  mapTile(f, operandRows(f, value, b, kvHead, first, rows),
                          std::nullopt);
              Value newState =
                  accumulateState(f, iter[0], keys, vals, Value(), Value());
              Value newNorm = normalize ? accumulateState(f, iter[1], keys,
                                                          f.filled({rows}, 1.0),
                                                          Value(), Value())
                                        : iter[1];
              scf::YieldOp::create(fb, fl, ValueRange{newState, newNorm});
            });
        auto queryLoop = buildChunkLoop(
            rewriter, loc, l.index(0), queryLength, chunk,
            /*fullChunks=*/false, ValueRange{headOut},
            [&](OpBuilder &fb, Location fl, Value first, Value rows,
                ValueRange iter) {
              Lowering f{fb, fl};
              Value queries =
                  mapTile(f, operandRows(f, query, b, h, first, rows), feature);
              Value numerator =
                  readState(f, queries, keyLoop.getResult(0), {rows, dimDv});
              Value denominator;
              if (normalize)
                denominator =
                    readState(f, queries, keyLoop.getResult(1), {rows});
              scf::YieldOp::create(
                  fb, fl,
                  writeRows(f, iter[0], numerator, denominator, first, rows));
            });
        headOut = queryLoop.getResult(0);
      } else {
        // The body of one chunk; `blocked`: the chunk is full (`rows` is the
        // constant `chunk`) and its products take the register-blocked
        // kernels.
        auto causalChunk = [&](bool blocked) {
          return [&, blocked](OpBuilder &fb, Location fl, Value first,
                              Value rows, ValueRange iter) {
            Lowering f{fb, fl};
            // The chunk's positions hold queries from row `skip` on
            // (positions before the first query: Lkv > Lq), query
            // first + skip - late + early onwards.
            Value skip, queryRow, valid, queries;
            if (sameLengths) {
              queries =
                  mapTile(f, operandRows(f, query, b, h, first, rows), feature);
            } else {
              skip = arith::MinUIOp::create(
                  fb, fl, rows,
                  arith::SubIOp::create(
                      fb, fl, late,
                      arith::MinUIOp::create(fb, fl, late, first)));
              valid = arith::SubIOp::create(fb, fl, rows, skip);
              // (A chunk wholly before the first query has no rows: its
              // row stays in range, so that a fused conv reads nothing
              // before the sequence.)
              queryRow = arith::AddIOp::create(
                  fb, fl,
                  arith::SubIOp::create(
                      fb, fl,
                      arith::MaxUIOp::create(
                          fb, fl, arith::AddIOp::create(fb, fl, first, skip),
                          late),
                      late),
                  early);
              Value present = operandRows(f, query, b, h, queryRow, valid);
              // Rows without a query are zero (their outputs are dropped).
              Value tile = tensor::InsertSliceOp::create(
                  fb, fl, present,
                  f.filled({rows, fb.getIndexAttr(headDim)}, 0.0,
                           qType.getElementType()),
                  SmallVector<OpFoldResult>{skip, fb.getIndexAttr(0)},
                  SmallVector<OpFoldResult>{valid, fb.getIndexAttr(headDim)},
                  SmallVector<OpFoldResult>(2, fb.getIndexAttr(1)));
              queries = mapTile(f, tile, feature);
            }
            Value keys = mapTile(f, operandRows(f, key, b, kvHead, first, rows),
                                 feature);
            Value vals = mapTile(
                f, operandRows(f, value, b, kvHead, first, rows), std::nullopt);

            // A_i: the chunk's inclusive prefix sums of the log-gates.
            Value logDecay;
            if (decay) {
              auto gateType = RankedTensorType::get({kDyn}, f.f32());
              Value gates = tensor::ExtractSliceOp::create(
                  fb, fl, gateType, decay,
                  SmallVector<OpFoldResult>{b, h, first},
                  SmallVector<OpFoldResult>{fb.getIndexAttr(1),
                                            fb.getIndexAttr(1), rows},
                  SmallVector<OpFoldResult>(3, fb.getIndexAttr(1)));
              logDecay =
                  f.generic({gates}, {f.filled({rows}, 0.0)}, {{1}, {0}}, 2,
                            parallelThenReduction(2),
                            [&](OpBuilder &ib, Location il, ValueRange args) {
                              Lowering in{ib, il};
                              Value upTo = arith::CmpIOp::create(
                                  ib, il, arith::CmpIPredicate::ule,
                                  in.loopIndex(1), in.loopIndex(0));
                              Value term = arith::SelectOp::create(
                                  ib, il, upTo, args[0], in.f32(0.0));
                              linalg::YieldOp::create(
                                  ib, il, addF(ib, il, args[1], term));
                            })
                      .front();
            }

            // W_ij = phi(q_i).phi(k_j) exp(A_i - A_j), j <= i.
            // Full chunks: static tiles and the keys transposed once for
            // the score and state products.
            Value queriesS, keysT, valsS;
            if (blocked) {
              queriesS = castToShape(fb, fl, queries, {chunk, headDim});
              valsS = castToShape(fb, fl, vals, {chunk, valueDim});
              keysT = *buildBlockedTranspose(
                  fb, fl, castToShape(fb, fl, keys, {chunk, headDim}),
                  vectorLanes);
            }
            Value dots = blocked
                             ? castToShape(fb, fl,
                                           buildRegisterBlockedProduct(
                                               fb, fl, queriesS, keysT, Value(),
                                               Value(), *dotsBlock),
                                           {kDyn, kDyn})
                             : contract(f, queries, keys, {{0, 2}, {1, 2}},
                                        {rows, rows});
            SmallVector<Value> weightInputs = {dots};
            SmallVector<SmallVector<unsigned>> weightMaps = {{0, 1}};
            if (logDecay) {
              weightInputs.append({logDecay, logDecay});
              weightMaps.append({{0}, {1}});
            }
            weightMaps.push_back({0, 1});
            Value weights =
                f.generic(weightInputs, {f.empty({rows, rows}, f.f32())},
                          weightMaps, 2, parallel(2),
                          [&](OpBuilder &ib, Location il, ValueRange args) {
                            Lowering in{ib, il};
                            Value w = args[0];
                            if (logDecay)
                              w = mulF(ib, il, w,
                                       math::ExpOp::create(
                                           ib, il,
                                           arith::SubFOp::create(
                                               ib, il, args[1], args[2])));
                            Value allowed = arith::CmpIOp::create(
                                ib, il, arith::CmpIPredicate::ule,
                                in.loopIndex(1), in.loopIndex(0));
                            linalg::YieldOp::create(
                                ib, il,
                                arith::SelectOp::create(ib, il, allowed, w,
                                                        in.f32(0.0))
                                    .getResult());
                          })
                    .front();

            // Numerator: W V + exp(A_i) phi(q_i)^T S.
            Value intra, inter;
            if (blocked) {
              intra = castToShape(
                  fb, fl,
                  buildRegisterBlockedProduct(
                      fb, fl, castToShape(fb, fl, weights, {chunk, chunk}),
                      valsS, Value(), Value(), *rowsBlock),
                  {kDyn, valueDim});
              inter = castToShape(
                  fb, fl,
                  buildRegisterBlockedProduct(fb, fl, queriesS, iter[0],
                                              Value(), Value(), *rowsBlock),
                  {kDyn, valueDim});
            } else {
              intra =
                  contract(f, weights, vals, {{0, 2}, {2, 1}}, {rows, dimDv});
              inter = readState(f, queries, iter[0], {rows, dimDv});
            }
            auto combine = [&](Value intraPart, Value interPart,
                               unsigned rank) {
              SmallVector<Value> inputs = {intraPart, interPart};
              SmallVector<SmallVector<unsigned>> maps = {
                  rank == 2 ? SmallVector<unsigned>{0, 1}
                            : SmallVector<unsigned>{0},
                  rank == 2 ? SmallVector<unsigned>{0, 1}
                            : SmallVector<unsigned>{0}};
              if (logDecay) {
                inputs.push_back(logDecay);
                maps.push_back({0});
              }
              maps.push_back(maps.front());
              return f
                  .generic(inputs, {f.empty(f.sizes(intraPart), f.f32())}, maps,
                           rank, parallel(rank),
                           [&](OpBuilder &ib, Location il, ValueRange args) {
                             Value carried = args[1];
                             if (logDecay)
                               carried =
                                   mulF(ib, il, carried,
                                        math::ExpOp::create(ib, il, args[2]));
                             linalg::YieldOp::create(
                                 ib, il, addF(ib, il, args[0], carried));
                           })
                  .front();
            };
            Value numerator = combine(intra, inter, 2);
            Value denominator;
            if (normalize) {
              Value intraDen =
                  f.generic({weights}, {f.filled({rows}, 0.0)}, {{0, 1}, {0}},
                            2, parallelThenReduction(2),
                            [&](OpBuilder &ib, Location il, ValueRange args) {
                              linalg::YieldOp::create(
                                  ib, il, addF(ib, il, args[1], args[0]));
                            })
                      .front();
              Value interDen = readState(f, queries, iter[1], {rows});
              denominator = combine(intraDen, interDen, 1);
            }
            Value newOut =
                sameLengths
                    ? writeRows(f, iter[2], numerator, denominator, first, rows)
                    : writeRows(f, iter[2], numerator, denominator, queryRow,
                                valid, skip);

            // The state after the chunk: every key j weighted by
            // exp(A_last - A_j), the old state by exp(A_last).
            Value keyWeights, decayAll;
            if (logDecay) {
              Value last = tensor::ExtractOp::create(
                  fb, fl, logDecay,
                  ValueRange{arith::SubIOp::create(fb, fl, rows, f.index(1))});
              decayAll = math::ExpOp::create(fb, fl, last);
              keyWeights =
                  f.generic(
                       {logDecay}, {f.empty({rows}, f.f32())}, {{0}, {0}}, 1,
                       parallel(1),
                       [&](OpBuilder &ib, Location il, ValueRange args) {
                         linalg::YieldOp::create(
                             ib, il,
                             math::ExpOp::create(
                                 ib, il,
                                 arith::SubFOp::create(ib, il, last, args[0]))
                                 .getResult());
                       })
                      .front();
            }
            Value newState;
            if (blocked) {
              // S = exp(A_last) S + K^T (w * V) with the per-key weights
              // folded into V's rows and the decay into the start value.
              Value weighted = valsS;
              if (keyWeights)
                weighted =
                    f.generic({valsS, keyWeights},
                              {f.empty(f.sizes(valsS), f.f32())},
                              {{0, 1}, {0}, {0, 1}}, 2, parallel(2),
                              [&](OpBuilder &ib, Location il, ValueRange args) {
                                linalg::YieldOp::create(
                                    ib, il, mulF(ib, il, args[0], args[1]));
                              })
                        .front();
              Value rowScale;
              if (decayAll)
                rowScale = linalg::FillOp::create(fb, fl, decayAll,
                                                  f.empty({dimD}, f.f32()))
                               .getResult(0);
              newState = buildRegisterBlockedProduct(
                  fb, fl, keysT, weighted, iter[0], rowScale, *stateBlock);
            } else {
              newState =
                  accumulateState(f, iter[0], keys, vals, keyWeights, decayAll);
            }
            Value newNorm = iter[1];
            if (normalize)
              newNorm = accumulateState(f, iter[1], keys, f.filled({rows}, 1.0),
                                        keyWeights, decayAll);
            scf::YieldOp::create(fb, fl, ValueRange{newState, newNorm, newOut});
          };
        };
        SmallVector<Value> inits = {state, norm, headOut};
        Value start = l.index(0);
        scf::ForOp loop;
        if (!blockable) {
          loop =
              buildChunkLoop(rewriter, loc, start, keyLength, chunk,
                             /*fullChunks=*/false, inits, causalChunk(false));
        } else if (!ShapedType::isDynamic(staticKeyLength) &&
                   staticKeyLength % chunk == 0) {
          loop = buildChunkLoop(rewriter, loc, start, keyLength, chunk,
                                /*fullChunks=*/true, inits, causalChunk(true));
        } else {
          // The full chunks, register-blocked, then the last partial chunk
          // (none when `chunk` divides the run-time length) generically:
          // a length the compiler does not know keeps the fast kernels.
          Value fullEnd = arith::SubIOp::create(
              rewriter, loc, keyLength,
              arith::RemUIOp::create(rewriter, loc, keyLength, l.index(chunk)));
          scf::ForOp full =
              buildChunkLoop(rewriter, loc, start, fullEnd, chunk,
                             /*fullChunks=*/true, inits, causalChunk(true));
          loop = buildChunkLoop(rewriter, loc, fullEnd, keyLength, chunk,
                                /*fullChunks=*/false, full.getResults(),
                                causalChunk(false));
        }
        headOut = loop.getResult(2);
      }

      rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
      tensor::ParallelInsertSliceOp::create(
          rewriter, loc, headOut, forall.getRegionIterArgs()[0], headOffsets,
          headSizes, headStrides);
    }
    rewriter.replaceOp(op, forall.getResult(0));
    return success();
  }
};

} // namespace

void mlir::attn::populateChunkLinearAttentionPatterns(
    RewritePatternSet &patterns, int64_t chunk, int64_t vectorLanes) {
  patterns.add<ChunkLinearAttention>(patterns.getContext(), chunk, vectorLanes);
}

namespace mlir::attn {
namespace {
struct AttnChunkLinearAttentionPass
    : impl::AttnChunkLinearAttentionPassBase<AttnChunkLinearAttentionPass> {
  using AttnChunkLinearAttentionPassBase::AttnChunkLinearAttentionPassBase;
  void runOnOperation() override {
    if (chunk <= 0) {
      getOperation()->emitError("attn-chunk-linear-attention: 'chunk' must "
                                "be positive, got ")
          << static_cast<int64_t>(chunk);
      return signalPassFailure();
    }
    if (failed(
            checkVectorBitsOption(getOperation(), getArgument(), vectorBits)) ||
        failed(refineShapes(getOperation(), /*signatures=*/false)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateChunkLinearAttentionPatterns(patterns, chunk, vectorBits / 32);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attn
