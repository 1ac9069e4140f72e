//===- TokenReference.cpp - compress, topk, merge, conv, linear -----------===//

#include "Evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::reference;

static constexpr double kNegInf = -std::numeric_limits<double>::infinity();

LogicalResult Evaluator::evalCompress(CompressOp op) {
  const RefTensor &x = tensor(op.getInput());
  const RefTensor *weights = op.getWeights() ? &tensor(op.getWeights()) : nullptr;
  int64_t batch = x.shape[0], heads = x.shape[1], length = x.shape[2],
          dim = x.shape[3];
  int64_t stride = op.getStride(), window = op.getWindowOrStride();
  int64_t count = (length + stride - 1) / stride;
  RefTensor out(x.kind, {batch, heads, count, dim});
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t c = 0; c < count; ++c)
        for (int64_t d = 0; d < dim; ++d) {
          int64_t first = c * stride, last = std::min(first + window, length);
          double acc = op.getReduce() == ReduceKind::Max ? kNegInf : 0.0;
          for (int64_t t = first; t < last; ++t) {
            double value = x.at({b, h, t, d});
            if (weights)
              value *= weights->shape.size() == 2
                           ? weights->at({h, t - first})
                           : weights->at({t - first});
            acc = op.getReduce() == ReduceKind::Max ? std::max(acc, value)
                                                    : acc + value;
          }
          if (op.getReduce() == ReduceKind::Mean)
            acc /= static_cast<double>(last - first);
          out.data[out.offset({b, h, c, d})] = emulate(acc, out.kind);
        }
  set(op.getResult(), std::move(out));
  return success();
}

LogicalResult Evaluator::evalTopk(TopkOp op) {
  const RefTensor &scores = tensor(op.getScores());
  int64_t width = scores.shape.back(), k = op.getK();
  // (Rows of no entries still have slots, all -1.)
  int64_t rows = 1;
  for (int64_t size : ArrayRef<int64_t>(scores.shape).drop_back())
    rows *= size;
  SmallVector<int64_t> shape = scores.shape;
  shape.back() = k;
  if (failed(checkResultSize(op, shape)))
    return failure();
  RefTensor out(ElementKind::I32, shape);
  std::vector<int64_t> order;
  int64_t evaluation = topkEvaluations++;
  if (evaluation < static_cast<int64_t>(options.topkChoices.size()) &&
      options.topkChoices[evaluation].shape == out.shape) {
    out = options.topkChoices[evaluation];
  } else {
    for (int64_t r = 0; r < rows; ++r) {
      // (data() + offset: a row of no entries has no element to index.)
      orderTopkCandidates(scores.data.data() + r * width, width, order);
      if (k > 0 && static_cast<int64_t>(order.size()) > k)
        order.resize(k);
      // A near-tie to resolve the other way: its unchosen entry instead of
      // its chosen one, where this evaluation chose that one.
      for (const TopkNearTie &tie : options.topkSwaps) {
        if (!tie.isAt(evaluation, r) || tie.unchosen >= width ||
            !(scores.data[r * width + tie.unchosen] > kNegInf) ||
            llvm::is_contained(order, tie.unchosen))
          continue;
        auto chosen = llvm::find(order, tie.chosen);
        if (chosen != order.end())
          *chosen = tie.unchosen;
      }
      std::sort(order.begin(), order.end());
      for (int64_t slot = 0; slot < k; ++slot)
        out.data[r * k + slot] =
            slot < static_cast<int64_t>(order.size()) ? order[slot] : -1;
    }
  }
  if (options.recordTopks)
    topks.push_back({k, scores, out});
  set(op.getIndices(), std::move(out));
  return success();
}

LogicalResult Evaluator::evalMerge(MergeOp op) {
  size_t branches = op.getOutputs().size();
  const RefTensor &first = tensor(op.getOutputs().front());
  int64_t rows = first.shape[0] * first.shape[1] * first.shape[2];
  int64_t dim = first.shape[3];
  RefTensor out(first.kind, first.shape);
  RefTensor lse(ElementKind::F32,
                {first.shape[0], first.shape[1], first.shape[2]});
  for (int64_t r = 0; r < rows; ++r) {
    SmallVector<double> weights(branches, 1.0);
    double denom = 1.0, mergedLse = kNegInf;
    if (op.getKind() == MergeKind::Lse) {
      double m = kNegInf;
      // A NaN LSE stays NaN, as the lowerings' maximumf keeps it.
      for (Value w : op.getWeights()) {
        double branchLse = tensor(w).data[r];
        m = std::isnan(branchLse) || branchLse > m ? branchLse : m;
      }
      denom = 0;
      if (m != kNegInf) {
        for (auto [n, w] : llvm::enumerate(op.getWeights())) {
          weights[n] = std::exp(tensor(w).data[r] - m);
          denom += weights[n];
        }
        mergedLse = m + std::log(denom);
      }
    } else if (op.getKind() == MergeKind::Gated) {
      for (auto [n, w] : llvm::enumerate(op.getWeights()))
        weights[n] = tensor(w).data[r];
    }
    for (int64_t e = 0; e < dim; ++e) {
      double sum = 0;
      for (auto [n, o] : llvm::enumerate(op.getOutputs()))
        sum += weights[n] * tensor(o).data[r * dim + e];
      out.data[r * dim + e] = emulate(denom != 0 ? sum / denom : 0.0, out.kind);
    }
    lse.data[r] = mergedLse;
  }
  set(op.getResult(), std::move(out));
  if (op.getLse())
    set(op.getLse(), std::move(lse));
  return success();
}

LogicalResult Evaluator::evalCausalConv(CausalConvOp op) {
  const RefTensor &x = tensor(op.getInput()), &w = tensor(op.getWeight());
  int64_t batch = x.shape[0], heads = x.shape[1], length = x.shape[2],
          dim = x.shape[3], taps = w.shape[2];
  RefTensor out(x.kind, x.shape);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t t = 0; t < length; ++t)
        for (int64_t d = 0; d < dim; ++d) {
          double acc = 0;
          for (int64_t k = 0; k < taps; ++k) {
            int64_t source = t - taps + 1 + k;
            if (source >= 0)
              acc += w.at({h, d, k}) * x.at({b, h, source, d});
          }
          out.data[out.offset({b, h, t, d})] = emulate(acc, out.kind);
        }
  set(op.getResult(), std::move(out));
  return success();
}

static double applyFeature(FeatureMap feature, double x) {
  switch (feature) {
  case FeatureMap::Identity:
    return x;
  case FeatureMap::Relu:
    return std::max(x, 0.0);
  case FeatureMap::EluPlusOne:
    return x > 0 ? x + 1.0 : std::exp(x);
  case FeatureMap::Exp:
    return std::exp(x);
  case FeatureMap::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  }
  return x;
}

LogicalResult Evaluator::evalLinearAttention(LinearAttentionOp op) {
  const RefTensor &q = tensor(op.getQuery()), &k = tensor(op.getKey()),
                  &v = tensor(op.getValue());
  const RefTensor *decay = op.getDecay() ? &tensor(op.getDecay()) : nullptr;
  int64_t batch = q.shape[0], numQueryHeads = q.shape[1],
          queryLength = q.shape[2], headDim = q.shape[3];
  int64_t numKvHeads = k.shape[1], keyLength = k.shape[2],
          valueDim = v.shape[3];
  int64_t group = numQueryHeads / numKvHeads;
  double eps = op.getEps() ? op.getEps()->convertToDouble() : 1e-6;
  FeatureMap feature = op.getFeature();
  // In the program's precision (the --check rule's naive computation), the
  // feature maps are rounded as the inputs of the weights' products are,
  // and each weight as attention's scores and probabilities are.
  ElementKind kind = q.kind;
  RefTensor out(v.kind, {batch, numQueryHeads, queryLength, valueDim});
  if (options.shapesOnly) {
    set(op.getResult(), std::move(out));
    return success();
  }
  std::vector<double> phiQ(headDim), phiK(keyLength * headDim),
      cumulative(keyLength), numerator(valueDim);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < numQueryHeads; ++h) {
      int64_t kvHead = h / group;
      // phi of the keys once per K/V head, not once per query.
      if (h % group == 0)
        for (int64_t j = 0; j < keyLength; ++j)
          for (int64_t d = 0; d < headDim; ++d)
            phiK[j * headDim + d] = emulateIntermediate(
                applyFeature(feature, k.at({b, kvHead, j, d})), kind);
      if (decay) {
        double running = 0;
        for (int64_t t = 0; t < keyLength; ++t) {
          running += decay->at({b, h, t});
          cumulative[t] = running;
        }
      }
      for (int64_t i = 0; i < queryLength; ++i) {
        int64_t pos = i + keyLength - queryLength;
        for (int64_t d = 0; d < headDim; ++d)
          phiQ[d] = emulateIntermediate(
              applyFeature(feature, q.at({b, h, i, d})), kind);
        std::fill(numerator.begin(), numerator.end(), 0.0);
        double denominator = 0;
        int64_t allowed = 0;
        for (int64_t j = 0; j < keyLength; ++j) {
          if (op.getCausal() && j > pos)
            continue;
          ++allowed;
          double weight = 0;
          for (int64_t d = 0; d < headDim; ++d)
            weight += phiQ[d] * phiK[j * headDim + d];
          if (decay)
            weight *= std::exp(cumulative[pos] - cumulative[j]);
          weight = emulateIntermediate(weight, kind);
          denominator += weight;
          for (int64_t e = 0; e < valueDim; ++e)
            numerator[e] += weight * v.at({b, kvHead, j, e});
        }
        addFlops(2.0 * (headDim + valueDim) * allowed);
        for (int64_t e = 0; e < valueDim; ++e) {
          double value = numerator[e];
          if (op.getNormalize())
            value /= denominator + eps;
          out.data[out.offset({b, h, i, e})] = emulate(value, out.kind);
        }
      }
    }
  }
  set(op.getResult(), std::move(out));
  return success();
}
