//===- TokenOpsToLinalg.cpp - reference lowering of the token ops ---------===//
//
// attn.compress, attn.topk, attn.merge and attn.causal_conv as linalg.generic
// ops over their result, each element computed by the literal formula (small
// scf loops read the inputs with tensor.extract where a window or a search is
// involved).
//
//===----------------------------------------------------------------------===//

#include "AttnLowerings.h"
#include "attn/Utils/LoweringUtils.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

static constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// Sizes of `resultType`, taking dynamic sizes from `like` where they agree
/// in position, or from `fallback` for dimension `dim`.
static SmallVector<OpFoldResult> resultSizes(Lowering &l, Value like,
                                             RankedTensorType resultType) {
  SmallVector<OpFoldResult> sizes = l.sizes(like);
  for (auto [dim, size] : llvm::enumerate(resultType.getShape()))
    if (!ShapedType::isDynamic(size))
      sizes[dim] = l.b.getIndexAttr(size);
  return sizes;
}

namespace {

struct LowerCompress : OpRewritePattern<CompressOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CompressOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    Value input = op.getInput();
    RankedTensorType resultType = op.getResult().getType();
    SmallVector<OpFoldResult> sizes = resultSizes(l, input, resultType);
    Value length = l.materialize(l.size(input, 2));
    Value stride = l.index(op.getStride());
    Value window = l.index(op.getWindowOrStride());
    if (resultType.isDynamicDim(2))
      sizes[2] =
          arith::CeilDivUIOp::create(rewriter, op.getLoc(), length, stride)
              .getResult();
    Value weights = op.getWeights();
    ReduceKind reduce = op.getReduce();
    Type elementType = resultType.getElementType();
    Value result =
        l.generic(
             {}, {l.empty(sizes, elementType)}, {{0, 1, 2, 3}}, 4,
             parallel(4),
             [&](OpBuilder &b, Location loc, ValueRange) {
               Lowering in{b, loc};
               Value batch = in.loopIndex(0), head = in.loopIndex(1),
                     token = in.loopIndex(2), dim = in.loopIndex(3);
               Value first = arith::MulIOp::create(b, loc, token, stride);
               Value last = arith::MinUIOp::create(
                   b, loc, arith::AddIOp::create(b, loc, first, window),
                   length);
               Value init =
                   in.f32(reduce == ReduceKind::Max ? kNegInf : 0.0);
               auto loop = scf::ForOp::create(
                   b, loc, first, last, in.index(1), ValueRange{init},
                   [&](OpBuilder &lb, Location ll, Value t, ValueRange acc) {
                     Lowering li{lb, ll};
                     Value x = li.toF32(tensor::ExtractOp::create(
                         lb, ll, input, ValueRange{batch, head, t, dim}));
                     if (weights) {
                       Value offset = arith::SubIOp::create(lb, ll, t, first);
                       SmallVector<Value> at = {offset};
                       if (cast<RankedTensorType>(weights.getType())
                               .getRank() == 2)
                         at.insert(at.begin(), head);
                       x = arith::MulFOp::create(
                           lb, ll, x,
                           tensor::ExtractOp::create(lb, ll, weights, at));
                     }
                     Value next =
                         reduce == ReduceKind::Max
                             ? arith::MaximumFOp::create(lb, ll, acc[0], x)
                                   .getResult()
                             : arith::AddFOp::create(lb, ll, acc[0], x)
                                   .getResult();
                     scf::YieldOp::create(lb, ll, next);
                   });
               Value value = loop.getResult(0);
               if (reduce == ReduceKind::Mean) {
                 Value count = arith::SubIOp::create(b, loc, last, first);
                 value = arith::DivFOp::create(b, loc, value,
                                               in.indexToF32(count));
               }
               linalg::YieldOp::create(b, loc,
                                       in.fromF32(value, elementType));
             })
            .front();
    replaceWithResultTypes(rewriter, op, result);
    return success();
  }
};

struct LowerTopk : OpRewritePattern<TopkOp> {
  using OpRewritePattern::OpRewritePattern;

  // Slot s of a row holds the s-th (in ascending index order) entry n that
  // is valid (neither -inf nor NaN) and has fewer than k valid entries that
  // beat it (greater, or equal with a lower index); -1 when there is none.
  LogicalResult matchAndRewrite(TopkOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    Value scores = op.getScores();
    auto scoresType = cast<RankedTensorType>(scores.getType());
    int64_t rank = scoresType.getRank();
    RankedTensorType resultType = op.getIndices().getType();
    SmallVector<OpFoldResult> sizes = resultSizes(l, scores, resultType);
    sizes.back() = rewriter.getIndexAttr(op.getK());
    Value width = l.materialize(l.size(scores, rank - 1));
    Value k = l.index(op.getK());
    SmallVector<unsigned> all;
    for (unsigned dim = 0; dim < rank; ++dim)
      all.push_back(dim);
    Value result =
        l.generic(
             {}, {l.empty(sizes, rewriter.getI32Type())}, {all}, rank,
             parallel(rank),
             [&](OpBuilder &b, Location loc, ValueRange) {
               Lowering in{b, loc};
               SmallVector<Value> row;
               for (unsigned dim = 0; dim + 1 < rank; ++dim)
                 row.push_back(in.loopIndex(dim));
               Value slot = in.loopIndex(rank - 1);
               Value zero = in.index(0), one = in.index(1);
               auto at = [&](OpBuilder &eb, Location el, Value n) {
                 SmallVector<Value> indices = row;
                 indices.push_back(n);
                 // Compared in the scores' own type: no rounding may
                 // make two entries tie (f64) or fail to convert.
                 return tensor::ExtractOp::create(eb, el, scores, indices)
                     .getResult();
               };
               auto isValid = [&](OpBuilder &eb, Location el, Value x) {
                 // x > -inf is false for -inf and for NaN.
                 Value negInf = arith::ConstantFloatOp::create(
                     eb, el, cast<FloatType>(x.getType()),
                     APFloat::getInf(
                         cast<FloatType>(x.getType()).getFloatSemantics(),
                         /*Negative=*/true));
                 return arith::CmpFOp::create(eb, el, arith::CmpFPredicate::OGT,
                                              x, negInf)
                     .getResult();
               };
               Value noneI32 = arith::ConstantIntOp::create(b, loc, -1, 32);
               auto search = scf::ForOp::create(
                   b, loc, zero, width, one, ValueRange{zero, noneI32},
                   [&](OpBuilder &nb, Location nl, Value n, ValueRange acc) {
                     Value x = at(nb, nl, n);
                     auto better = scf::ForOp::create(
                         nb, nl, zero, width, one, ValueRange{zero},
                         [&](OpBuilder &mb, Location ml, Value m,
                             ValueRange count) {
                           Value y = at(mb, ml, m);
                           Value greater = arith::CmpFOp::create(
                               mb, ml, arith::CmpFPredicate::OGT, y, x);
                           Value tie = arith::AndIOp::create(
                               mb, ml,
                               arith::CmpFOp::create(
                                   mb, ml, arith::CmpFPredicate::OEQ, y, x),
                               arith::CmpIOp::create(
                                   mb, ml, arith::CmpIPredicate::ult, m, n));
                           Value beats = arith::AndIOp::create(
                               mb, ml, isValid(mb, ml, y),
                               arith::OrIOp::create(mb, ml, greater, tie));
                           Value next = arith::AddIOp::create(
                               mb, ml, count[0],
                               arith::SelectOp::create(
                                   mb, ml, beats,
                                   Lowering{mb, ml}.index(1),
                                   Lowering{mb, ml}.index(0)));
                           scf::YieldOp::create(mb, ml, next);
                         });
                     Value selected = arith::AndIOp::create(
                         nb, nl, isValid(nb, nl, x),
                         arith::CmpIOp::create(nb, nl,
                                               arith::CmpIPredicate::ult,
                                               better.getResult(0), k));
                     Value isSlot = arith::AndIOp::create(
                         nb, nl, selected,
                         arith::CmpIOp::create(nb, nl,
                                               arith::CmpIPredicate::eq,
                                               acc[0], slot));
                     Value nI32 = arith::IndexCastOp::create(
                         nb, nl, nb.getI32Type(), n);
                     Value found =
                         arith::SelectOp::create(nb, nl, isSlot, nI32, acc[1]);
                     Value count = arith::AddIOp::create(
                         nb, nl, acc[0],
                         arith::SelectOp::create(nb, nl, selected,
                                                 Lowering{nb, nl}.index(1),
                                                 Lowering{nb, nl}.index(0)));
                     scf::YieldOp::create(nb, nl, ValueRange{count, found});
                   });
               linalg::YieldOp::create(b, loc, search.getResult(1));
             })
            .front();
    replaceWithResultTypes(rewriter, op, result);
    return success();
  }
};

struct LowerMerge : OpRewritePattern<MergeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MergeOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    size_t numBranches = op.getOutputs().size();
    Value first = op.getOutputs().front();
    Type elementType = getElementTypeOrSelf(first.getType());
    SmallVector<OpFoldResult> sizes = l.sizes(first);
    SmallVector<OpFoldResult> rowSizes(sizes.begin(), sizes.begin() + 3);
    SmallVector<Value> inputs(op.getOutputs());
    llvm::append_range(inputs, op.getWeights());
    SmallVector<SmallVector<unsigned>> maps(numBranches, {0, 1, 2, 3});
    maps.append(op.getWeights().size(), {0, 1, 2});
    maps.push_back({0, 1, 2, 3});
    MergeKind kind = op.getKind();

    // max_k lse_k over the branches of one row.
    auto rowMax = [&](OpBuilder &b, Location loc, ValueRange lses) {
      Value m = lses.front();
      for (Value lse : lses.drop_front())
        m = arith::MaximumFOp::create(b, loc, m, lse);
      Lowering in{b, loc};
      Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          m, in.f32(kNegInf));
      return std::make_pair(
          arith::SelectOp::create(b, loc, empty, in.f32(0.0), m).getResult(),
          empty);
    };

    Value out =
        l.generic(
             inputs, {l.empty(sizes, elementType)}, maps, 4, parallel(4),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Lowering in{b, loc};
               ValueRange outs = args.take_front(numBranches);
               ValueRange weights = args.slice(numBranches, op.getWeights().size());
               Value sum = in.f32(0.0);
               if (kind == MergeKind::Lse) {
                 auto [shift, empty] = rowMax(b, loc, weights);
                 Value denom = in.f32(0.0);
                 for (auto [o, lse] : llvm::zip_equal(outs, weights)) {
                   Value w = math::ExpOp::create(
                       b, loc, arith::SubFOp::create(b, loc, lse, shift));
                   denom = arith::AddFOp::create(b, loc, denom, w);
                   sum = arith::AddFOp::create(
                       b, loc, sum,
                       arith::MulFOp::create(b, loc, w, in.toF32(o)));
                 }
                 Value quotient = arith::DivFOp::create(b, loc, sum, denom);
                 sum = arith::SelectOp::create(b, loc, empty, in.f32(0.0),
                                               quotient);
               } else {
                 for (auto [index, o] : llvm::enumerate(outs)) {
                   Value term = in.toF32(o);
                   if (kind == MergeKind::Gated)
                     term = arith::MulFOp::create(b, loc, term,
                                                  weights[index]);
                   sum = arith::AddFOp::create(b, loc, sum, term);
                 }
               }
               linalg::YieldOp::create(b, loc, in.fromF32(sum, elementType));
             })
            .front();

    Value lse;
    if (op.getLse()) {
      SmallVector<SmallVector<unsigned>> lseMaps(numBranches + 1, {0, 1, 2});
      lse = l.generic(op.getWeights(), {l.empty(rowSizes, l.f32())}, lseMaps,
                      3, parallel(3),
                      [&](OpBuilder &b, Location loc, ValueRange args) {
                        Lowering in{b, loc};
                        ValueRange lses = args.take_front(numBranches);
                        auto [shift, empty] = rowMax(b, loc, lses);
                        Value denom = in.f32(0.0);
                        for (Value branchLse : lses)
                          denom = arith::AddFOp::create(
                              b, loc, denom,
                              math::ExpOp::create(
                                  b, loc,
                                  arith::SubFOp::create(b, loc, branchLse,
                                                        shift)));
                        Value merged = arith::AddFOp::create(
                            b, loc, shift, math::LogOp::create(b, loc, denom));
                        linalg::YieldOp::create(
                            b, loc,
                            arith::SelectOp::create(b, loc, empty,
                                                    in.f32(kNegInf), merged)
                                .getResult());
                      })
                .front();
    }
    replaceWithResultTypes(rewriter, op, {out, lse});
    return success();
  }
};

struct LowerCausalConv : OpRewritePattern<CausalConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CausalConvOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    Value input = op.getInput(), weight = op.getWeight();
    Type elementType = getElementTypeOrSelf(input.getType());
    Value taps = l.materialize(l.size(weight, 2));
    Value result =
        l.generic(
             {}, {l.empty(l.sizes(input), elementType)}, {{0, 1, 2, 3}}, 4,
             parallel(4),
             [&](OpBuilder &b, Location loc, ValueRange) {
               Lowering in{b, loc};
               Value batch = in.loopIndex(0), head = in.loopIndex(1),
                     t = in.loopIndex(2), dim = in.loopIndex(3);
               // out[t] = sum_k w[k] x[t - K + 1 + k] over the taps that
               // fall inside the sequence.
               Value zero = in.index(0), one = in.index(1);
               Value start = arith::SubIOp::create(
                   b, loc, arith::AddIOp::create(b, loc, t, one), taps);
               auto loop = scf::ForOp::create(
                   b, loc, zero, taps, one, ValueRange{in.f32(0.0)},
                   [&](OpBuilder &kb, Location kl, Value tap, ValueRange acc) {
                     Lowering kin{kb, kl};
                     Value source = arith::AddIOp::create(kb, kl, start, tap);
                     Value inside = arith::CmpIOp::create(
                         kb, kl, arith::CmpIPredicate::sge, source,
                         kin.index(0));
                     auto branch = scf::IfOp::create(
                         kb, kl, inside,
                         [&](OpBuilder &tb, Location tl) {
                           Lowering tin{tb, tl};
                           Value x = tin.toF32(tensor::ExtractOp::create(
                               tb, tl, input,
                               ValueRange{batch, head, source, dim}));
                           Value w = tin.toF32(tensor::ExtractOp::create(
                               tb, tl, weight, ValueRange{head, dim, tap}));
                           scf::YieldOp::create(
                               tb, tl,
                               arith::AddFOp::create(
                                   tb, tl, acc[0],
                                   arith::MulFOp::create(tb, tl, w, x))
                                   .getResult());
                         },
                         [&](OpBuilder &eb, Location el) {
                           scf::YieldOp::create(eb, el, acc[0]);
                         });
                     scf::YieldOp::create(kb, kl, branch.getResult(0));
                   });
               linalg::YieldOp::create(
                   b, loc, in.fromF32(loop.getResult(0), elementType));
             })
            .front();
    replaceWithResultTypes(rewriter, op, result);
    return success();
  }
};

} // namespace

void mlir::attn::lowering::populateTokenOpLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerCompress, LowerTopk, LowerMerge, LowerCausalConv>(
      patterns.getContext());
}
