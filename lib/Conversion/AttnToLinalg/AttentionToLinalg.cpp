//===- AttentionToLinalg.cpp - reference lowering of attn.attention -------===//
//
// attn.attention and attn.block_scores become a chain of linalg.generic ops
// on tensors that follow the formulas literally:
//
//   scores  [B, Hkv, G, Lq, Lkv] = q . k            (f32 accumulation)
//   masked  = allowed ? modifiers(scale * scores) : -inf
//   shift   = row max (0 for an empty row; at least the sink logit)
//   probs   = exp(masked - shift), rowSum = sum_j probs
//   out     = sum_j probs v / (rowSum + exp(sink - shift)), 0 for empty rows
//   lse     = shift + log(rowSum), both without the sink
//
// Query heads are split as [B, Hkv, G, ...] so that the key/value head of a
// query head is a plain loop index: GQA reads K and V through indexing maps,
// never through a copy.
//
//===----------------------------------------------------------------------===//

#include "AttnLowerings.h"
#include "attn/Utils/LoweringUtils.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

static constexpr double kNegInf = -std::numeric_limits<double>::infinity();

namespace {

/// Sizes of a grouped attention: query heads are split into (Hkv, G).
struct GroupedShape {
  OpFoldResult batch, kvHeads, group, queryLength, keyLength, valueDim;
  Value queryHeads; // index value of Hq

  SmallVector<OpFoldResult> rows() const {
    return {batch, kvHeads, group, queryLength};
  }
  SmallVector<OpFoldResult> scores() const {
    return {batch, kvHeads, group, queryLength, keyLength};
  }
  SmallVector<OpFoldResult> outputs() const {
    return {batch, kvHeads, group, queryLength, valueDim};
  }
};

/// What the masked-score builder needs from an attention-like op.
struct ScoreSpec {
  ArrayRef<Attribute> mask;
  ArrayRef<Attribute> modifiers;
  Region *scoreMod = nullptr;
  Region *maskMod = nullptr;
  Value scale;
  AttentionPoint tensors; // only the tensor fields are set
};

} // namespace

static GroupedShape getGroupedShape(Lowering &l, Value query, Value key,
                                    Value value) {
  GroupedShape shape;
  shape.batch = l.size(query, 0);
  shape.kvHeads = l.size(key, 1);
  OpFoldResult queryHeads = l.size(query, 1);
  shape.group = l.groupSize(queryHeads, shape.kvHeads);
  shape.queryLength = l.size(query, 2);
  shape.keyLength = l.size(key, 2);
  shape.valueDim = l.size(value, 3);
  shape.queryHeads = l.materialize(queryHeads);
  return shape;
}

/// scores[b, hk, g, i, j] = sum_d q[b, hk, g, i, d] k[b, hk, j, d] in f32.
static Value buildScores(Lowering &l, Value groupedQuery, Value key,
                         const GroupedShape &shape) {
  Value zeros = l.filled(shape.scores(), 0.0);
  return l.generic({groupedQuery, key}, {zeros},
                   {{0, 1, 2, 3, 5}, {0, 1, 4, 5}, {0, 1, 2, 3, 4}}, 6,
                   parallelThenReduction(6),
                   [&](OpBuilder &b, Location loc, ValueRange args) {
                     Lowering in{b, loc};
                     Value product = arith::MulFOp::create(
                         b, loc, in.toF32(args[0]), in.toF32(args[1]));
                     Value sum =
                         arith::AddFOp::create(b, loc, args[2], product);
                     linalg::YieldOp::create(b, loc, sum);
                   })
      .front();
}

/// Applies scale, score modifiers and the mask; disallowed entries are -inf.
static Value buildMaskedScores(Lowering &l, Value scores,
                               const GroupedShape &shape,
                               const ScoreSpec &spec) {
  Value queryLength = l.materialize(shape.queryLength);
  Value keyLength = l.materialize(shape.keyLength);
  Value group = l.materialize(shape.group);
  Value empty = l.empty(shape.scores(), l.f32());
  return l.generic(
              {scores}, {empty}, {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}, 5,
              parallel(5),
              [&](OpBuilder &b, Location loc, ValueRange args) {
                Lowering in{b, loc};
                AttentionPoint point = spec.tensors;
                point.batch = in.loopIndex(0);
                point.kvHead = in.loopIndex(1);
                point.head = arith::AddIOp::create(
                    b, loc,
                    arith::MulIOp::create(b, loc, point.kvHead, group),
                    in.loopIndex(2));
                point.row = in.loopIndex(3);
                point.column = in.loopIndex(4);
                point.queryLength = queryLength;
                point.keyLength = keyLength;
                point.numQueryHeads = shape.queryHeads;

                Value score =
                    arith::MulFOp::create(b, loc, args[0], spec.scale);
                score = buildModifiedScore(b, loc, spec.modifiers,
                                           spec.scoreMod, score, point);
                Value allowed =
                    buildAllowed(b, loc, spec.mask, spec.maskMod, point);
                Value masked = arith::SelectOp::create(
                    b, loc, allowed, score, in.f32(kNegInf));
                linalg::YieldOp::create(b, loc, masked);
              })
      .front();
}

namespace {
struct SoftmaxParts {
  Value shift;  // [B, Hkv, G, Lq]
  Value probs;  // [B, Hkv, G, Lq, Lkv], unnormalised
  Value rowSum; // [B, Hkv, G, Lq], without the sink
};
} // namespace

/// The shifted exponentials of a softmax over the last dimension. `sink` is
/// null or a [Hkv, G] tensor of sink logits.
static SoftmaxParts buildSoftmax(Lowering &l, Value masked,
                                 const GroupedShape &shape, Value sink) {
  Value rowMax = l.maxInnermost(masked, shape.rows());

  SmallVector<Value> shiftInputs = {rowMax};
  SmallVector<SmallVector<unsigned>> shiftMaps = {{0, 1, 2, 3}};
  if (sink) {
    shiftInputs.push_back(sink);
    shiftMaps.push_back({1, 2});
  }
  shiftMaps.push_back({0, 1, 2, 3});
  Value shift =
      l.generic(shiftInputs, {l.empty(shape.rows(), l.f32())}, shiftMaps, 4,
                parallel(4),
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  Lowering in{b, loc};
                  // With a sink, the larger of the two. -inf (a row
                  // without keys, and without a sink or with a sink of
                  // -inf) shifts by 0, so that exp(-inf - shift) is 0, not
                  // NaN.
                  Value shiftValue =
                      sink ? arith::MaximumFOp::create(b, loc, args[0], args[1])
                                 .getResult()
                           : args[0];
                  Value empty =
                      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            shiftValue, in.f32(kNegInf));
                  shiftValue = arith::SelectOp::create(b, loc, empty,
                                                       in.f32(0.0), shiftValue);
                  linalg::YieldOp::create(b, loc, shiftValue);
                })
          .front();

  Value probs =
      l.generic({masked, shift}, {l.empty(shape.scores(), l.f32())},
                {{0, 1, 2, 3, 4}, {0, 1, 2, 3}, {0, 1, 2, 3, 4}}, 5,
                parallel(5),
                [&](OpBuilder &b, Location loc, ValueRange args) {
                  Value shifted =
                      arith::SubFOp::create(b, loc, args[0], args[1]);
                  linalg::YieldOp::create(
                      b, loc, math::ExpOp::create(b, loc, shifted).getResult());
                })
          .front();

  Value rowSum = l.sumInnermost(probs, shape.rows());
  return {shift, probs, rowSum};
}

namespace {

struct LowerAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    GroupedShape shape =
        getGroupedShape(l, op.getQuery(), op.getKey(), op.getValue());
    Value groupedQuery =
        l.splitHeads(op.getQuery(), shape.kvHeads, shape.group);

    ScoreSpec spec;
    spec.mask = op.getMask().getValue();
    spec.modifiers = op.getScore().getValue();
    spec.scoreMod = &op.getScoreMod();
    spec.maskMod = &op.getMaskMod();
    spec.scale = l.attentionScale(op.getQuery(), op.getScale());
    spec.tensors.qSegments = op.getQSegments();
    spec.tensors.kvSegments = op.getKvSegments();
    spec.tensors.layout = op.getLayout();
    spec.tensors.indices = op.getIndices();
    spec.tensors.bias = op.getBias();

    Value scores = buildScores(l, groupedQuery, op.getKey(), shape);
    Value masked = buildMaskedScores(l, scores, shape, spec);
    Type outElementType = op.getOutput().getType().getElementType();

    if (auto sigmoid =
            dyn_cast<SigmoidAttr>(op.getNormalizerOrDefault())) {
      double bias = sigmoid.getBias().convertToDouble();
      Value probs =
          l.generic({masked}, {l.empty(shape.scores(), l.f32())},
                    {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}, 5, parallel(5),
                    [&](OpBuilder &b, Location loc, ValueRange args) {
                      Lowering in{b, loc};
                      // 1 / (1 + exp(-(s + bias))); a masked -inf gives 0.
                      Value shifted =
                          arith::AddFOp::create(b, loc, args[0], in.f32(bias));
                      Value negated = arith::NegFOp::create(b, loc, shifted);
                      Value denom = arith::AddFOp::create(
                          b, loc, in.f32(1.0),
                          math::ExpOp::create(b, loc, negated));
                      linalg::YieldOp::create(
                          b, loc,
                          arith::DivFOp::create(b, loc, in.f32(1.0), denom)
                              .getResult());
                    })
              .front();
      Value acc = l.weightedSum(probs, op.getValue(), shape.outputs());
      Value out =
          l.generic({acc}, {l.empty(shape.outputs(), outElementType)},
                    {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}, 5, parallel(5),
                    [&](OpBuilder &b, Location loc, ValueRange args) {
                      Lowering in{b, loc};
                      linalg::YieldOp::create(
                          b, loc, in.fromF32(args[0], outElementType));
                    })
              .front();
      replaceWithResultTypes(rewriter, op, {l.joinHeads(out), Value()});
      return success();
    }

    Value sink;
    if (Value sinkOperand = op.getSink())
      sink = l.splitHeads(sinkOperand, shape.kvHeads, shape.group,
                          /*headDim=*/0);
    SoftmaxParts softmax = buildSoftmax(l, masked, shape, sink);
    Value acc = l.weightedSum(softmax.probs, op.getValue(), shape.outputs());

    SmallVector<Value> outInputs = {acc, softmax.rowSum, softmax.shift};
    SmallVector<SmallVector<unsigned>> outMaps = {
        {0, 1, 2, 3, 4}, {0, 1, 2, 3}, {0, 1, 2, 3}};
    if (sink) {
      outInputs.push_back(sink);
      outMaps.push_back({1, 2});
    }
    outMaps.push_back({0, 1, 2, 3, 4});
    Value out =
        l.generic(outInputs, {l.empty(shape.outputs(), outElementType)},
                  outMaps, 5, parallel(5),
                  [&](OpBuilder &b, Location loc, ValueRange args) {
                    Lowering in{b, loc};
                    Value denom = args[1];
                    if (sink) {
                      Value sinkTerm = math::ExpOp::create(
                          b, loc,
                          arith::SubFOp::create(b, loc, args[3], args[2]));
                      denom = arith::AddFOp::create(b, loc, denom, sinkTerm);
                    }
                    // Unordered: a NaN denominator (a NaN or +inf score)
                    // gives NaN, as the formula does; only 0 gives 0.
                    Value positive = arith::CmpFOp::create(
                        b, loc, arith::CmpFPredicate::UNE, denom, in.f32(0.0));
                    Value quotient =
                        arith::DivFOp::create(b, loc, args[0], denom);
                    Value result = arith::SelectOp::create(
                        b, loc, positive, quotient, in.f32(0.0));
                    linalg::YieldOp::create(
                        b, loc, in.fromF32(result, outElementType));
                  })
            .front();

    Value lse;
    if (op.getLse()) {
      // The LSE leaves the sink out: shifted by the sink, a row far below
      // it would sum to 0 in f32 (-inf instead of its LSE), so it gets
      // the row max's own shift.
      SoftmaxParts rows =
          sink ? buildSoftmax(l, masked, shape, /*sink=*/{}) : softmax;
      lse = l.generic({rows.rowSum, rows.shift},
                      {l.empty(shape.rows(), l.f32())},
                      {{0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 2, 3}}, 4,
                      parallel(4),
                      [&](OpBuilder &b, Location loc, ValueRange args) {
                        // log(0) = -inf marks an empty row.
                        Value logSum = math::LogOp::create(b, loc, args[0]);
                        linalg::YieldOp::create(
                            b, loc,
                            arith::AddFOp::create(b, loc, args[1], logSum)
                                .getResult());
                      })
                .front();
      lse = l.joinHeads(lse);
    }
    replaceWithResultTypes(rewriter, op, {l.joinHeads(out), lse});
    return success();
  }
};

struct LowerBlockScores : OpRewritePattern<BlockScoresOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BlockScoresOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    Value keys = op.getKeys();
    GroupedShape shape = getGroupedShape(l, op.getQuery(), keys, keys);
    Value groupedQuery =
        l.splitHeads(op.getQuery(), shape.kvHeads, shape.group);
    ScoreSpec spec;
    spec.mask = op.getMask().getValue();
    spec.scale = l.attentionScale(op.getQuery(), op.getScale());
    Value scores = buildScores(l, groupedQuery, keys, shape);
    Value masked = buildMaskedScores(l, scores, shape, spec);
    SoftmaxParts softmax = buildSoftmax(l, masked, shape, /*sink=*/{});

    Value group = l.materialize(shape.group);
    Value queryLength = l.materialize(shape.queryLength);
    Value blockQ = l.index(op.getBlockQ());
    auto resultType = op.getResult().getType();
    SmallVector<OpFoldResult> resultSizes = {
        shape.batch, shape.kvHeads,
        rewriter.getIndexAttr(resultType.getDimSize(2)), shape.keyLength};
    if (resultType.isDynamicDim(2))
      resultSizes[2] =
          arith::CeilDivUIOp::create(rewriter, op.getLoc(), queryLength,
                                     blockQ)
              .getResult();
    Value result =
        l.generic(
             {}, {l.empty(resultSizes, l.f32())}, {{0, 1, 2, 3}}, 4,
             parallel(4),
             [&](OpBuilder &b, Location loc, ValueRange) {
               Lowering in{b, loc};
               Value batch = in.loopIndex(0), kvHead = in.loopIndex(1),
                     block = in.loopIndex(2), key = in.loopIndex(3);
               Value first = arith::MulIOp::create(b, loc, block, blockQ);
               Value last = arith::MinUIOp::create(
                   b, loc, arith::AddIOp::create(b, loc, first, blockQ),
                   queryLength);
               Value zero = in.index(0), one = in.index(1);
               // Sum the normalised probabilities over the block's rows and
               // the group's heads, and note whether any row may see the key.
               auto heads = scf::ForOp::create(
                   b, loc, zero, group, one,
                   ValueRange{in.f32(0.0),
                              arith::ConstantIntOp::create(b, loc, 0, 1)},
                   [&](OpBuilder &hb, Location hl, Value head,
                       ValueRange headAcc) {
                     auto rows = scf::ForOp::create(
                         hb, hl, first, last, one, headAcc,
                         [&](OpBuilder &rb, Location rl, Value row,
                             ValueRange rowAcc) {
                           Lowering r{rb, rl};
                           SmallVector<Value, 5> point = {batch, kvHead, head, row,
                                                          key};
                           Value p = tensor::ExtractOp::create(
                               rb, rl, softmax.probs, point);
                           Value s = tensor::ExtractOp::create(rb, rl, masked,
                                                               point);
                           Value sum = tensor::ExtractOp::create(
                               rb, rl, softmax.rowSum,
                               ValueRange{batch, kvHead, head, row});
                           Value hasKeys = arith::CmpFOp::create(
                               rb, rl, arith::CmpFPredicate::UNE, sum,
                               r.f32(0.0));
                           Value normalised = arith::SelectOp::create(
                               rb, rl, hasKeys,
                               arith::DivFOp::create(rb, rl, p, sum),
                               r.f32(0.0));
                           Value seen = arith::CmpFOp::create(
                               rb, rl, arith::CmpFPredicate::ONE, s,
                               r.f32(kNegInf));
                           scf::YieldOp::create(
                               rb, rl,
                               ValueRange{arith::AddFOp::create(
                                              rb, rl, rowAcc[0], normalised),
                                          arith::OrIOp::create(
                                              rb, rl, rowAcc[1], seen)});
                         });
                     scf::YieldOp::create(hb, hl, rows.getResults());
                   });
               Value rowCount = arith::SubIOp::create(b, loc, last, first);
               Value count = arith::MulIOp::create(b, loc, rowCount, group);
               Value countF = in.indexToF32(count);
               Value mean =
                   arith::DivFOp::create(b, loc, heads.getResult(0), countF);
               linalg::YieldOp::create(
                   b, loc,
                   arith::SelectOp::create(b, loc, heads.getResult(1), mean,
                                           in.f32(kNegInf))
                       .getResult());
             })
            .front();
    replaceWithResultTypes(rewriter, op, result);
    return success();
  }
};

} // namespace

void mlir::attn::lowering::populateAttentionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerAttention, LowerBlockScores>(patterns.getContext());
}
