//===- AttentionReference.cpp - attention from the formulas ---------------===//
//
// attn.attention and attn.block_scores evaluated one query row at a time in
// double precision, with every mask predicate written out as its formula in
// docs/Semantics.md (no code shared with the lowering's predicate hooks).
//
//===----------------------------------------------------------------------===//

#include "Evaluator.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::reference;

static constexpr double kNegInf = -std::numeric_limits<double>::infinity();

namespace {
/// Everything a predicate may look at for one (b, h, i, j).
struct MaskPoint {
  int64_t queryLength, keyLength, batch, head, kvHead, row, column;
  const RefTensor *qSegments = nullptr, *kvSegments = nullptr,
                  *layout = nullptr, *indices = nullptr;

  int64_t pos(int64_t stride = 1) const {
    return row + stride * keyLength - queryLength;
  }
};
} // namespace

static int64_t floorMod(int64_t a, int64_t b) { return ((a % b) + b) % b; }

static bool evalPredicate(Attribute predicate, const MaskPoint &p) {
  return llvm::TypeSwitch<Attribute, bool>(predicate)
      .Case([&](CausalAttr a) {
        return (p.column + 1) * a.getStride() - 1 <= p.pos(a.getStride());
      })
      .Case([&](WindowAttr a) {
        return p.pos() - a.getLeft() <= p.column &&
               p.column <= p.pos() + a.getRight();
      })
      .Case([&](DilatedAttr a) {
        int64_t distance = p.pos() - p.column;
        return std::llabs(distance) <= a.getWindow() * a.getDilation() &&
               floorMod(distance, a.getDilation()) == 0;
      })
      .Case([&](NeighborhoodAttr a) {
        int64_t stride = a.getNumCells();
        for (auto [size, radius, dilation] :
             llvm::zip_equal(a.getGrid(), a.getRadius(), a.getDilation())) {
          stride /= size;
          int64_t qi = (p.pos() / stride) % size;
          int64_t kj = (p.column / stride) % size;
          int64_t distance = qi - kj;
          if (std::llabs(distance) > radius * dilation ||
              floorMod(distance, dilation) != 0)
            return false;
        }
        return true;
      })
      .Case([&](PrefixAttr a) { return p.column < a.getLen(); })
      .Case([&](ChunkedAttr a) {
        // A row before the keys (pos < 0) sees none; otherwise truncating
        // division is the floor.
        int64_t pos = p.pos();
        return pos >= 0 && pos / a.getSize() == p.column / a.getSize();
      })
      .Case([&](GlobalAttr a) {
        return p.pos() < a.getCount() || p.column < a.getCount();
      })
      .Case([&](StripesAttr a) {
        int64_t distance = p.pos() - p.column;
        return llvm::is_contained(a.getDiagonals(), distance) ||
               llvm::is_contained(a.getColumns(), p.column);
      })
      .Case([&](DocumentAttr) {
        return p.qSegments->at({p.batch, p.row}) ==
               p.kvSegments->at({p.batch, p.column});
      })
      .Case([&](BlockLayoutAttr a) {
        const RefTensor &layout = *p.layout;
        int64_t b = layout.shape[0] == 1 ? 0 : p.batch;
        int64_t h = layout.shape[1] == 1 ? 0 : p.head;
        return layout.at({b, h, p.row / a.getBlockQ(),
                          p.column / a.getBlockKv()}) != 0.0;
      })
      .Case([&](BlockIndicesAttr a) {
        const RefTensor &indices = *p.indices;
        int64_t keyBlock = p.column / a.getBlockKv();
        for (int64_t slot = 0; slot < indices.shape[3]; ++slot)
          if (indices.at({p.batch, p.kvHead, p.row / a.getBlockQ(), slot}) ==
              static_cast<double>(keyBlock))
            return true;
        return false;
      })
      .Case([&](OrAttr a) {
        return llvm::any_of(a.getPredicates(), [&](Attribute member) {
          return evalPredicate(member, p);
        });
      })
      .Case([&](AndAttr a) {
        return llvm::all_of(a.getPredicates(), [&](Attribute member) {
          return evalPredicate(member, p);
        });
      })
      .Case([&](NotAttr a) { return !evalPredicate(a.getPredicate(), p); })
      .Default([](Attribute) -> bool {
        llvm_unreachable("verified mask predicate");
      });
}

static double applyModifier(Attribute modifier, double s, const MaskPoint &p,
                            int64_t numQueryHeads, const RefTensor *bias) {
  return llvm::TypeSwitch<Attribute, double>(modifier)
      .Case([&](SoftcapAttr a) {
        double cap = a.getCap().convertToDouble();
        return cap * std::tanh(s / cap);
      })
      .Case([&](AlibiAttr a) {
        double slope =
            a.getSlopes()
                ? static_cast<double>(a.getSlopes().asArrayRef()[p.head])
                : std::exp2(-8.0 * static_cast<double>(p.head + 1) /
                            static_cast<double>(numQueryHeads));
        return s + slope * static_cast<double>(p.column - p.pos());
      })
      .Case([&](BiasAttr) {
        int64_t b = bias->shape[0] == 1 ? 0 : p.batch;
        int64_t h = bias->shape[1] == 1 ? 0 : p.head;
        return s + bias->at({b, h, p.row, p.column});
      })
      .Default([](Attribute) -> double {
        llvm_unreachable("verified score modifier");
      });
}

namespace {
/// One row's masked, modified scores (kNegInf where not allowed).
struct RowScores {
  std::vector<double> scores;
  int64_t allowed = 0;
};
} // namespace

/// The scores of row (b, h, i) of q against k: scale, modifiers, regions,
/// mask. `round` is the element kind scores are rounded to (emulation).
static FailureOr<RowScores>
computeRow(Evaluator &ev, const RefTensor &q, const RefTensor &k,
           double scale, ArrayRef<Attribute> mask,
           ArrayRef<Attribute> modifiers, Region *scoreMod, Region *maskMod,
           const RefTensor *bias, MaskPoint point, ElementKind round) {
  int64_t keyLength = k.shape[2], headDim = q.shape[3];
  int64_t numQueryHeads = q.shape[1];
  RowScores row;
  row.scores.assign(keyLength, kNegInf);
  const double *qRow = &q.data[q.offset({point.batch, point.head, point.row, 0})];
  for (int64_t j = 0; j < keyLength; ++j) {
    point.column = j;
    bool allowed = llvm::all_of(
        mask, [&](Attribute predicate) { return evalPredicate(predicate, point); });
    if (allowed && maskMod && !maskMod->empty()) {
      FailureOr<double> value = ev.evalScalarRegion(
          *maskMod, {static_cast<double>(point.batch),
                     static_cast<double>(point.head),
                     static_cast<double>(point.row), static_cast<double>(j)});
      if (failed(value))
        return failure();
      allowed = *value != 0.0;
    }
    if (!allowed)
      continue;
    const double *kRow = &k.data[k.offset({point.batch, point.kvHead, j, 0})];
    double dot = 0;
    for (int64_t d = 0; d < headDim; ++d)
      dot += qRow[d] * kRow[d];
    double s = ev.emulateIntermediate(ev.emulate(dot, ElementKind::F32) * scale,
                                      round);
    for (Attribute modifier : modifiers)
      s = applyModifier(modifier, s, point, numQueryHeads, bias);
    if (scoreMod && !scoreMod->empty()) {
      FailureOr<double> value = ev.evalScalarRegion(
          *scoreMod, {s, static_cast<double>(point.batch),
                      static_cast<double>(point.head),
                      static_cast<double>(point.row), static_cast<double>(j)});
      if (failed(value))
        return failure();
      s = *value;
    }
    // A modifier may also disallow a key by making its score -inf.
    if (s == kNegInf)
      continue;
    row.scores[j] = s;
    ++row.allowed;
  }
  return row;
}

LogicalResult Evaluator::evalAttention(AttentionOp op) {
  const RefTensor &q = tensor(op.getQuery()), &k = tensor(op.getKey()),
                  &v = tensor(op.getValue());
  int64_t batch = q.shape[0], numQueryHeads = q.shape[1],
          queryLength = q.shape[2], headDim = q.shape[3];
  int64_t numKvHeads = k.shape[1], keyLength = k.shape[2],
          valueDim = v.shape[3];
  int64_t group = numQueryHeads / numKvHeads;
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(static_cast<double>(headDim));
  ElementKind kind = q.kind;
  const RefTensor *bias = op.getBias() ? &tensor(op.getBias()) : nullptr;
  const RefTensor *sink = op.getSink() ? &tensor(op.getSink()) : nullptr;
  std::optional<double> sigmoidBias;
  if (auto sigmoid = dyn_cast<SigmoidAttr>(op.getNormalizerOrDefault()))
    sigmoidBias = sigmoid.getBias().convertToDouble();

  // Sizes of empty operands may be any (a batch of 0 with 2^62 keys): the
  // result, a row's probabilities and its accumulator must fit.
  if (failed(
          checkResultSize(op, {batch, numQueryHeads, queryLength, valueDim})))
    return failure();
  bool hasRows = batch > 0 && numQueryHeads > 0 && queryLength > 0;
  if (hasRows && (failed(checkResultSize(op, {keyLength})) ||
                  failed(checkResultSize(op, {valueDim}))))
    return failure();
  RefTensor out(v.kind, {batch, numQueryHeads, queryLength, valueDim});
  RefTensor lse(ElementKind::F32, {batch, numQueryHeads, queryLength});
  MaskPoint point{queryLength, keyLength, 0, 0, 0, 0, 0};
  if (op.getQSegments()) {
    point.qSegments = &tensor(op.getQSegments());
    point.kvSegments = &tensor(op.getKvSegments());
  }
  if (op.getLayout())
    point.layout = &tensor(op.getLayout());
  if (op.getIndices())
    point.indices = &tensor(op.getIndices());

  if (options.shapesOnly) {
    set(op.getOutput(), std::move(out));
    if (op.getLse())
      set(op.getLse(), std::move(lse));
    return success();
  }
  // (Without rows the loops below do not run.)
  std::vector<double> probs(hasRows ? keyLength : 0),
      accumulator(hasRows ? valueDim : 0);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < numQueryHeads; ++h) {
      for (int64_t i = 0; i < queryLength; ++i) {
        point.batch = b;
        point.head = h;
        point.kvHead = h / group;
        point.row = i;
        FailureOr<RowScores> row = computeRow(
            *this, q, k, scale, op.getMask().getValue(),
            op.getScore().getValue(), &op.getScoreMod(), &op.getMaskMod(),
            bias, point, kind);
        if (failed(row))
          return failure();
        addFlops(2.0 * (headDim + valueDim) * row->allowed);

        double rowLse = kNegInf, denom = 0;
        if (sigmoidBias) {
          for (int64_t j = 0; j < keyLength; ++j)
            probs[j] =
                row->scores[j] == kNegInf
                    ? 0.0
                    : emulateIntermediate(
                          1.0 / (1.0 +
                                 std::exp(-(row->scores[j] + *sigmoidBias))),
                          kind);
          denom = 1.0;
        } else {
          double rowMax = kNegInf;
          for (double s : row->scores)
            rowMax = std::max(rowMax, s);
          double sinkLogit = sink ? sink->data[h] : 0.0;
          double shift = sink ? std::max(rowMax, sinkLogit) : rowMax;
          // A row without keys (and a sink of -inf, if any) shifts by 0:
          // exp(-inf - shift) is 0, not NaN.
          if (shift == kNegInf)
            shift = 0.0;
          double sum = 0;
          for (int64_t j = 0; j < keyLength; ++j) {
            probs[j] = row->scores[j] == kNegInf
                           ? 0.0
                           : std::exp(row->scores[j] - shift);
            sum += probs[j];
          }
          denom = sum + (sink ? std::exp(sinkLogit - shift) : 0.0);
          // A NaN sum (a NaN or +inf score) gives NaN, as the formula
          // does; only an empty row's 0 gives 0 and -inf.
          rowLse = sum != 0 ? shift + std::log(sum) : kNegInf;
          for (double &p : probs)
            p = denom != 0 ? emulateIntermediate(p / denom, kind) : 0.0;
        }
        std::fill(accumulator.begin(), accumulator.end(), 0.0);
        for (int64_t j = 0; j < keyLength; ++j) {
          if (probs[j] == 0.0)
            continue;
          const double *vRow = &v.data[v.offset({b, h / group, j, 0})];
          for (int64_t e = 0; e < valueDim; ++e)
            accumulator[e] += probs[j] * vRow[e];
        }
        double *outRow = &out.data[out.offset({b, h, i, 0})];
        for (int64_t e = 0; e < valueDim; ++e)
          outRow[e] = emulate(denom != 0 ? accumulator[e] : 0.0, out.kind);
        lse.data[lse.offset({b, h, i})] = rowLse;
      }
    }
  }
  set(op.getOutput(), std::move(out));
  if (op.getLse())
    set(op.getLse(), std::move(lse));
  return success();
}

LogicalResult Evaluator::evalBlockScores(BlockScoresOp op) {
  const RefTensor &q = tensor(op.getQuery()), &kc = tensor(op.getKeys());
  int64_t batch = q.shape[0], numQueryHeads = q.shape[1],
          queryLength = q.shape[2], headDim = q.shape[3];
  int64_t numKvHeads = kc.shape[1], keyLength = kc.shape[2];
  int64_t group = numQueryHeads / numKvHeads, blockQ = op.getBlockQ();
  int64_t numBlocks = (queryLength + blockQ - 1) / blockQ;
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(static_cast<double>(headDim));
  RefTensor sums(ElementKind::F32, {batch, numKvHeads, numBlocks, keyLength});
  if (options.shapesOnly) {
    set(op.getResult(), std::move(sums));
    return success();
  }
  std::vector<char> seen(sums.getNumElements(), 0);
  MaskPoint point{queryLength, keyLength, 0, 0, 0, 0, 0};
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < numQueryHeads; ++h) {
      for (int64_t i = 0; i < queryLength; ++i) {
        point.batch = b;
        point.head = h;
        point.kvHead = h / group;
        point.row = i;
        FailureOr<RowScores> row =
            computeRow(*this, q, kc, scale, op.getMask().getValue(), {},
                       nullptr, nullptr, nullptr, point, q.kind);
        if (failed(row))
          return failure();
        addFlops(2.0 * headDim * row->allowed);
        double rowMax = kNegInf;
        for (double s : row->scores)
          rowMax = std::max(rowMax, s);
        double sum = 0;
        for (double s : row->scores)
          sum += s == kNegInf ? 0.0 : std::exp(s - rowMax);
        for (int64_t j = 0; j < keyLength; ++j) {
          if (row->scores[j] == kNegInf)
            continue;
          int64_t at = sums.offset({b, h / group, i / blockQ, j});
          sums.data[at] += std::exp(row->scores[j] - rowMax) / sum;
          seen[at] = 1;
        }
      }
    }
  }
  for (int64_t r = 0; r < numBlocks; ++r) {
    int64_t rows = std::min(blockQ, queryLength - r * blockQ);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t g = 0; g < numKvHeads; ++g)
        for (int64_t j = 0; j < keyLength; ++j) {
          int64_t at = sums.offset({b, g, r, j});
          sums.data[at] =
              seen[at] ? emulate(sums.data[at] / static_cast<double>(rows * group),
                                 ElementKind::F32)
                       : kNegInf;
        }
  }
  set(op.getResult(), std::move(sums));
  return success();
}
