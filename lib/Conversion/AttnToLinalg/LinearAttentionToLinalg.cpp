//===- LinearAttentionToLinalg.cpp - reference linear attention -----------===//
//
// The quadratic form of linear attention, computed literally:
//
//   w[b, hk, g, i, j] = allowed(i, j) * gamma(j -> i) * phi(q_i) . phi(k_j)
//   out_i = sum_j w_ij v_j / (sum_j w_ij + eps)   (denominator if normalize)
//
// with gamma = exp(cum[pos(i)] - cum[j]) from f64 prefix sums of the decay
// log-gates, so long sequences lose no precision to cancellation.
//
//===----------------------------------------------------------------------===//

#include "AttnLowerings.h"
#include "attn/Utils/LoweringUtils.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {

struct LowerLinearAttention : OpRewritePattern<LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Lowering l{rewriter, op.getLoc()};
    Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
    OpFoldResult batch = l.size(query, 0), kvHeads = l.size(key, 1),
                 queryLength = l.size(query, 2), keyLength = l.size(key, 2),
                 headDim = l.size(query, 3), valueDim = l.size(value, 3);
    OpFoldResult group = l.groupSize(l.size(query, 1), kvHeads);
    FeatureMap feature = op.getFeature();

    auto mapFeature = [&](Value tensor, SmallVector<OpFoldResult> sizes) {
      unsigned rank = sizes.size();
      SmallVector<unsigned> all;
      for (unsigned dim = 0; dim < rank; ++dim)
        all.push_back(dim);
      return l
          .generic({tensor}, {l.empty(sizes, l.f32())}, {all, all}, rank,
                   parallel(rank),
                   [&](OpBuilder &b, Location loc, ValueRange args) {
                     Lowering in{b, loc};
                     linalg::YieldOp::create(
                         b, loc,
                         buildFeatureMap(b, loc, feature, in.toF32(args[0])));
                   })
          .front();
    };
    Value phiQ = mapFeature(l.splitHeads(query, kvHeads, group),
                            {batch, kvHeads, group, queryLength, headDim});
    Value phiK = mapFeature(key, {batch, kvHeads, keyLength, headDim});

    SmallVector<OpFoldResult> pairSizes = {batch, kvHeads, group, queryLength,
                                           keyLength};
    SmallVector<OpFoldResult> rowSizes = {batch, kvHeads, group, queryLength};
    SmallVector<OpFoldResult> outSizes = {batch, kvHeads, group, queryLength,
                                          valueDim};
    Value dots =
        l.generic(
             {phiQ, phiK}, {l.filled(pairSizes, 0.0)},
             {{0, 1, 2, 3, 5}, {0, 1, 4, 5}, {0, 1, 2, 3, 4}}, 6,
             parallelThenReduction(6),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
               linalg::YieldOp::create(
                   b, loc,
                   arith::AddFOp::create(b, loc, args[2], product).getResult());
             })
            .front();

    // Prefix sums of the log-gates, cum[t] = sum_{u <= t} a_u, in f64.
    Value cumulative;
    if (Value decay = op.getDecay()) {
      Value groupedDecay = l.splitHeads(decay, kvHeads, group);
      cumulative =
          l.generic(
               {},
               {l.empty({batch, kvHeads, group, keyLength},
                        rewriter.getF64Type())},
               {{0, 1, 2, 3}}, 4, parallel(4),
               [&](OpBuilder &b, Location loc, ValueRange) {
                 Lowering in{b, loc};
                 Value bi = in.loopIndex(0), hk = in.loopIndex(1),
                       g = in.loopIndex(2), t = in.loopIndex(3);
                 Value end = arith::AddIOp::create(b, loc, t, in.index(1));
                 Value zero =
                     arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0.0));
                 auto loop = scf::ForOp::create(
                     b, loc, in.index(0), end, in.index(1), ValueRange{zero},
                     [&](OpBuilder &ub, Location ul, Value u, ValueRange acc) {
                       Value a = tensor::ExtractOp::create(
                           ub, ul, groupedDecay, ValueRange{bi, hk, g, u});
                       Value wide =
                           arith::ExtFOp::create(ub, ul, ub.getF64Type(), a);
                       scf::YieldOp::create(
                           ub, ul,
                           arith::AddFOp::create(ub, ul, acc[0], wide)
                               .getResult());
                     });
                 linalg::YieldOp::create(b, loc, loop.getResult(0));
               })
              .front();
    }

    bool causal = op.getCausal();
    Value queryLengthValue = l.materialize(queryLength);
    Value keyLengthValue = l.materialize(keyLength);
    Value weights =
        l.generic(
             {dots}, {l.empty(pairSizes, l.f32())},
             {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}}, 5, parallel(5),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Lowering in{b, loc};
               Value row = in.loopIndex(3), column = in.loopIndex(4);
               Value pos = arith::AddIOp::create(
                   b, loc, row,
                   arith::SubIOp::create(b, loc, keyLengthValue,
                                         queryLengthValue));
               Value weight = args[0];
               if (cumulative) {
                 // Clamp so that the table read stays in bounds for rows
                 // that see no key (their weight is masked below).
                 Value at = arith::MaxSIOp::create(b, loc, pos, in.index(0));
                 Value upTo = tensor::ExtractOp::create(
                     b, loc, cumulative,
                     ValueRange{in.loopIndex(0), in.loopIndex(1),
                                in.loopIndex(2), at});
                 Value from = tensor::ExtractOp::create(
                     b, loc, cumulative,
                     ValueRange{in.loopIndex(0), in.loopIndex(1),
                                in.loopIndex(2), column});
                 Value logGamma = arith::TruncFOp::create(
                     b, loc, in.f32(),
                     arith::SubFOp::create(b, loc, upTo, from));
                 weight = arith::MulFOp::create(
                     b, loc, weight, math::ExpOp::create(b, loc, logGamma));
               }
               if (causal) {
                 Value allowed = arith::CmpIOp::create(
                     b, loc, arith::CmpIPredicate::sle, column, pos);
                 weight = arith::SelectOp::create(b, loc, allowed, weight,
                                                  in.f32(0.0));
               }
               linalg::YieldOp::create(b, loc, weight);
             })
            .front();

    Value numerator = l.weightedSum(weights, value, outSizes);

    Type elementType = op.getResult().getType().getElementType();
    SmallVector<Value> inputs = {numerator};
    SmallVector<SmallVector<unsigned>> maps = {{0, 1, 2, 3, 4}};
    bool normalize = op.getNormalize();
    if (normalize) {
      Value denominator = l.sumInnermost(weights, rowSizes);
      inputs.push_back(denominator);
      maps.push_back({0, 1, 2, 3});
    }
    maps.push_back({0, 1, 2, 3, 4});
    double eps = op.getEps() ? op.getEps()->convertToDouble() : 1e-6;
    Value out =
        l.generic(
             inputs, {l.empty(outSizes, elementType)}, maps, 5, parallel(5),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Lowering in{b, loc};
               Value result = args[0];
               if (normalize)
                 result = arith::DivFOp::create(
                     b, loc, result,
                     arith::AddFOp::create(b, loc, args[1], in.f32(eps)));
               linalg::YieldOp::create(b, loc, in.fromF32(result, elementType));
             })
            .front();
    replaceWithResultTypes(rewriter, op, l.joinHeads(out));
    return success();
  }
};

} // namespace

void mlir::attn::lowering::populateLinearAttentionLoweringPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerLinearAttention>(patterns.getContext());
}
