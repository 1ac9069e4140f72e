//===- RaiseFromLinalg.cpp - attention in linalg IR to attn.attention -----===//
//
// Finds  P V  where  P = softmax(S)  over the last dimension and
// S = scale * Q K^T (+ bias) (masked)  in linalg on tensors, as torch-mlir,
// StableHLO and IREE front ends emit it, and rewrites it to attn.attention:
//
//   products   linalg.batch_matmul between collapse_shape/expand_shape of
//              [B, H, L, D] tensors (its f32 result maybe rounded to bf16
//              first, as torch-mlir's bf16 matmul does), or 4-D contraction
//              linalg.generics (batch, head, m, n, k) with K read
//              transposed;
//   K^T        linalg.transpose [0, 1, 3, 2] (or a transposed indexing map);
//   scale      element-wise mulf/divf by a constant, on the scores or on Q
//              and K (folded into one factor);
//   GQA        K/V broadcast to [B, Hkv, G, L, D] and collapsed to heads;
//   softmax    linalg.softmax, or max / sub / exp / sum / div generics
//              (with torch's argmax companion and its fully-masked-row
//              select, whose zeros attn gives anyway), maybe rounded to
//              V's type before P V;
//   masks      select(M, s, -inf), select(M, -inf, s) and + bias where the
//              bias is select(M, 0, -inf): a mask M that is computable at
//              compile time and equals a window becomes atoms (causal,
//              window); any other mask becomes a mask_mod reading M;
//   bias       the first other additive tensor after the scale becomes the
//              bias operand;
//   softcap    c tanh(x / c) right after the scale becomes softcap<c>;
//   alibi      an added constant that is exactly ALiBi becomes alibi<slopes>
//              (AlibiRecognition.h);
//   score_mod  any other element-wise step on the scores (before the
//              masks, or a positive factor or addition after them) is
//              cloned into a score_mod region (ScoreModRaising.h).
//
// Anything else is left alone: a match must account for every step, and
// each step must be the one it looks like (reductions from 0 or -inf over
// the last dim, results written through identity maps, the guard's
// condition computed from the same scores, Q's batch and heads throughout).
//
//===----------------------------------------------------------------------===//

#include "AlibiRecognition.h"
#include "MaskRecognition.h"
#include "ScoreModRaising.h"

#include "attn/Dialect/Attn/IR/AttnAttrs.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/BitVector.h"

#include <cmath>
#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNRAISEFROMLINALGPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Masks larger than this many elements are not evaluated at compile time.
constexpr int64_t kMaxEvaluatedMask = int64_t(1) << 24;

//===----------------------------------------------------------------------===//
// Small matchers
//===----------------------------------------------------------------------===//

/// A scalar constant: arith.constant, a splat / 0-d tensor constant, or a
/// conversion of one (front ends write `truncf` of an f64 constant).
std::optional<double> scalarConstant(Value value) {
  Operation *op = value.getDefiningOp();
  if (auto trunc = dyn_cast_or_null<arith::TruncFOp>(op)) {
    std::optional<double> wide = scalarConstant(trunc.getIn());
    if (!wide)
      return std::nullopt;
    // Rounded as the program rounds it (f32, f16, bf16).
    APFloat narrow(*wide);
    bool losesInfo;
    narrow.convert(cast<FloatType>(getElementTypeOrSelf(trunc.getType()))
                       .getFloatSemantics(),
                   APFloat::rmNearestTiesToEven, &losesInfo);
    return narrow.convertToDouble();
  }
  if (isa_and_nonnull<arith::ExtFOp>(op))
    return scalarConstant(op->getOperand(0));
  auto constant = dyn_cast_or_null<arith::ConstantOp>(op);
  if (!constant)
    return std::nullopt;
  Attribute attr = constant.getValue();
  if (auto floatAttr = dyn_cast<FloatAttr>(attr))
    return floatAttr.getValueAsDouble();
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr))
    if (dense.isSplat())
      return dense.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

bool isNegInf(std::optional<double> value) {
  return value && std::isinf(*value) && *value < 0;
}

/// The lowest finite value of f32 or a wider float type (Hugging Face's
/// masks fill with torch.finfo(dtype).min), or of bf16, which has f32's
/// range; none for narrower ranges (f16's -65504 is too close to scores).
std::optional<double> lowestFiniteFill(Type type) {
  auto floatType = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  if (!floatType ||
      APFloat::semanticsMaxExponent(floatType.getFloatSemantics()) <
          APFloat::semanticsMaxExponent(APFloat::IEEEsingle()))
    return std::nullopt;
  return APFloat::getLargest(floatType.getFloatSemantics(), /*Negative=*/true)
      .convertToDouble();
}

/// The value that select-style masks fill masked scores of `type` with:
/// -inf, or the type's lowest finite value (`finite` says which), which
/// masks as -inf does wherever the row keeps a key whose score exceeds it
/// by more than about 104: e^(fill - max) is then exactly 0 in f32.
bool isMaskFill(std::optional<double> value, Type type, bool &finite) {
  std::optional<double> lowest = lowestFiniteFill(type);
  finite = value && lowest && std::isfinite(*value) && *value <= *lowest;
  return finite || isNegInf(value);
}

/// An element-wise generic: every loop parallel, one result written
/// through the identity map, and a body whose yielded value comes from one
/// operation; any other operation of the body may only compute a scalar
/// constant (e.g. `truncf` of a constant).
Operation *elementwiseBody(linalg::GenericOp op) {
  if (!op || op.getNumReductionLoops() != 0 || op->getNumResults() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return nullptr;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *main = yield.getOperand(0).getDefiningOp();
  if (!main || main->getBlock() != &body)
    return nullptr;
  for (Operation &inner : body.without_terminator())
    if (&inner != main &&
        (inner.getNumResults() != 1 || !scalarConstant(inner.getResult(0))))
      return nullptr;
  return main;
}

/// The input of `op` that `blockValue` (a body operand) reads, if it is a
/// block argument of an input.
OpOperand *inputOf(linalg::GenericOp op, Value blockValue) {
  auto arg = dyn_cast<BlockArgument>(blockValue);
  if (!arg || arg.getOwner() != &op.getRegion().front() ||
      arg.getArgNumber() >= op.getNumDpsInputs())
    return nullptr;
  return op.getDpsInputOperand(arg.getArgNumber());
}

/// The scalar a body operand stands for: a constant defined above, or an
/// input that is a scalar or splat constant.
std::optional<double> bodyScalar(linalg::GenericOp op, Value blockValue) {
  if (OpOperand *input = inputOf(op, blockValue))
    return scalarConstant(input->get());
  return scalarConstant(blockValue);
}

bool isIdentity(linalg::GenericOp op, OpOperand *operand) {
  return op.getMatchingIndexingMap(operand).isIdentity();
}

/// `x` with a unary element-wise scaling by a constant peeled off: x * c,
/// x / c. Returns the input and multiplies `factor`.
Value peelScale(Value x, double &factor) {
  auto op = x.getDefiningOp<linalg::GenericOp>();
  Operation *body = elementwiseBody(op);
  if (!body || !isa<arith::MulFOp, arith::DivFOp>(body))
    return x;
  OpOperand *lhs = inputOf(op, body->getOperand(0));
  std::optional<double> c = bodyScalar(op, body->getOperand(1));
  if (!lhs || !c || !isIdentity(op, lhs))
    return x;
  if (isa<arith::MulFOp>(body))
    factor *= *c;
  else
    factor /= *c;
  return lhs->get();
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// A [B, H, L, D] operand of a product traced back to the program's tensor:
/// scaled by `scale`, transposed on its last two dims if `transposed`, and
/// its heads repeated `group` times (GQA).
struct HeadsOperand {
  Value base;
  double scale = 1.0;
  bool transposed = false;
  int64_t group = 1;
  /// When set, the [B, H, L, D] tensor is `base` ([B, L, H, D]) permuted
  /// by [0, 2, 1, 3]: a K^T taken from [B, L, H, D] in one transpose.
  bool headsFromSequenceMajor = false;
};

/// Whether `value` is `source` broadcast to [B, H, G, L, D] along dim 2.
Value broadcastSource(Value value) {
  if (auto bcast = value.getDefiningOp<linalg::BroadcastOp>())
    if (bcast.getDimensions() == ArrayRef<int64_t>{2})
      return bcast.getInput();
  auto op = value.getDefiningOp<linalg::GenericOp>();
  if (!op || op.getNumReductionLoops() != 0 || op.getNumDpsInputs() != 1 ||
      op.getNumLoops() != 5)
    return {};
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return {};
  MLIRContext *ctx = op.getContext();
  AffineMap expected =
      AffineMap::get(5, 0,
                     {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                      getAffineDimExpr(3, ctx), getAffineDimExpr(4, ctx)},
                     ctx);
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(0)) != expected ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return {};
  return op.getDpsInputOperand(0)->get();
}

bool hasReassociation(ArrayRef<ReassociationIndices> actual,
                      ArrayRef<ReassociationIndices> expected) {
  return actual.size() == expected.size() &&
         llvm::all_of(llvm::zip(actual, expected), [](auto pair) {
           return ArrayRef<int64_t>(std::get<0>(pair)) ==
                  ArrayRef<int64_t>(std::get<1>(pair));
         });
}

/// Traces a 4-D (or, collapsed with `fiveD`, 5-D broadcast) operand.
std::optional<HeadsOperand> traceHeads(Value value, bool fiveD = false) {
  HeadsOperand result;
  if (fiveD) {
    Value source = broadcastSource(value);
    if (!source)
      return std::nullopt;
    result.group = cast<RankedTensorType>(value.getType()).getDimSize(2);
    value = source;
  }
  while (true) {
    double factor = 1.0;
    Value peeled = peelScale(value, factor);
    if (peeled != value) {
      result.scale *= factor;
      value = peeled;
      continue;
    }
    // Other permutations (e.g. [B, L, H, D] to [B, H, L, D]) make the
    // operand itself.
    auto transpose = value.getDefiningOp<linalg::TransposeOp>();
    if (transpose &&
        transpose.getPermutation() == ArrayRef<int64_t>{0, 1, 3, 2}) {
      result.transposed = !result.transposed;
      value = transpose.getInput();
      continue;
    }
    // [B, L, H, D] -> [B, H, D, L] in one step: K^T of heads that are
    // still sequence-major.
    if (transpose &&
        transpose.getPermutation() == ArrayRef<int64_t>{0, 2, 3, 1} &&
        !result.transposed) {
      result.transposed = true;
      result.headsFromSequenceMajor = true;
      value = transpose.getInput();
      break;
    }
    auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
    if (collapse && hasReassociation(collapse.getReassociationIndices(),
                                     {{0}, {1, 2}, {3}, {4}})) {
      Value source = broadcastSource(collapse.getSrc());
      if (!source || result.group != 1)
        return std::nullopt;
      result.group =
          cast<RankedTensorType>(collapse.getSrcType()).getDimSize(2);
      value = source;
      continue;
    }
    break;
  }
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != 4)
    return std::nullopt;
  result.base = value;
  return result;
}

/// A product of two [B, H, ., .] operands (one per batch and head): the op
/// whose result is the 4-D product, and the two operands as given (before
/// any transpose that the product's indexing implies).
struct Product {
  Operation *root = nullptr;
  Value result;
  HeadsOperand lhs, rhs;
  /// The product's f32 result rounded to a narrower float before it is
  /// reshaped (torch-mlir's matmul of bf16 tensors), if it is.
  linalg::GenericOp rounding;
  /// The op that multiplies (the batch_matmul or the 4-D generic): what
  /// the raised attention replaces, and what nothing it reads may use.
  Operation *contraction = nullptr;
};

/// The input of a generic that converts each element of it alone with
/// `CastOp` (identity maps, every loop parallel); null otherwise.
template <typename CastOp> Value castSource(linalg::GenericOp op) {
  Operation *body = elementwiseBody(op);
  if (!body || !isa<CastOp>(body) || op.getNumDpsInputs() != 1 ||
      body->getOperand(0) != op.getRegion().front().getArgument(0) ||
      !op.getMatchingIndexingMap(op.getDpsInputOperand(0)).isIdentity())
    return {};
  return op.getDpsInputs()[0];
}

/// A generic that rounds each element of its one input to a narrower
/// float.
bool isRounding(linalg::GenericOp op) {
  return bool(castSource<arith::TruncFOp>(op));
}

/// What `value` widens (extf) element by element, or null.
Value widenedSource(Value value) {
  return castSource<arith::ExtFOp>(value.getDefiningOp<linalg::GenericOp>());
}

/// linalg.batch_matmul on collapse_shape'd operands whose result is
/// expand_shape'd back to 4-D, or a 4-D contraction generic.
std::optional<Product> matchProduct(Value result4) {
  if (auto expand = result4.getDefiningOp<tensor::ExpandShapeOp>()) {
    Value source = expand.getSrc();
    auto rounding = source.getDefiningOp<linalg::GenericOp>();
    if (rounding && isRounding(rounding))
      source = rounding.getDpsInputs()[0];
    else
      rounding = {};
    auto matmul = source.getDefiningOp<linalg::BatchMatmulOp>();
    if (!matmul ||
        !hasReassociation(expand.getReassociationIndices(), {{0, 1}, {2}, {3}}))
      return std::nullopt;
    if (!matmul.getIndexingMapsAttr().empty() &&
        matmul.getIndexingMapsArray() !=
            matmul.getDefaultIndexingMaps(matmul.getContext()))
      return std::nullopt;
    auto fill = matmul.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!fill || scalarConstant(fill.getInputs()[0]) != 0.0)
      return std::nullopt;
    // A product into another type than its operands' rounds each sum to it
    // (f32 operands into f16 scores): attn accumulates in f32, so only f32
    // (torch-mlir's bf16 matmul, rounded afterwards) or the operands' own
    // type matches.
    Type accumulator = getElementTypeOrSelf(matmul.getDpsInits()[0]);
    for (Value operand : matmul.getDpsInputs()) {
      Type element = getElementTypeOrSelf(operand);
      if (accumulator != element && !accumulator.isF32())
        return std::nullopt;
    }
    Product product{expand, result4, {}, {}, rounding, matmul};
    for (auto [index, operand] : llvm::enumerate(matmul.getDpsInputs())) {
      auto collapse = operand.getDefiningOp<tensor::CollapseShapeOp>();
      if (!collapse)
        return std::nullopt;
      std::optional<HeadsOperand> traced;
      if (hasReassociation(collapse.getReassociationIndices(),
                           {{0, 1}, {2}, {3}}))
        traced = traceHeads(collapse.getSrc());
      else if (hasReassociation(collapse.getReassociationIndices(),
                                {{0, 1, 2}, {3}, {4}}))
        traced = traceHeads(collapse.getSrc(), /*fiveD=*/true);
      if (!traced)
        return std::nullopt;
      (index == 0 ? product.lhs : product.rhs) = *traced;
    }
    return product;
  }
  // (b, h, m, n, k): lhs (b, h, m, k), rhs (b, h, k, n) or (b, h, n, k),
  // out (b, h, m, n), body out + lhs * rhs.
  auto generic = result4.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumLoops() != 5 ||
      generic.getNumDpsInputs() != 2 || generic.getNumReductionLoops() != 1 ||
      generic.getIteratorTypesArray()[4] != utils::IteratorType::reduction)
    return std::nullopt;
  MLIRContext *ctx = generic.getContext();
  auto map = [&](ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(5, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (maps[0] != map({0, 1, 2, 4}) || maps[2] != map({0, 1, 2, 3}))
    return std::nullopt;
  bool rhsTransposed = maps[1] == map({0, 1, 3, 4});
  if (!rhsTransposed && maps[1] != map({0, 1, 4, 3}))
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || body.getOperations().size() != 3)
    return std::nullopt;
  Value acc = body.getArgument(2);
  Value other = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = other.getDefiningOp<arith::MulFOp>();
  if (!mul || (add.getLhs() != acc && add.getRhs() != acc) ||
      !llvm::is_contained(SmallVector<Value>{mul.getLhs(), mul.getRhs()},
                          body.getArgument(0)) ||
      !llvm::is_contained(SmallVector<Value>{mul.getLhs(), mul.getRhs()},
                          body.getArgument(1)))
    return std::nullopt;
  auto fill = generic.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || scalarConstant(fill.getInputs()[0]) != 0.0)
    return std::nullopt;
  std::optional<HeadsOperand> lhs = traceHeads(generic.getDpsInputs()[0]);
  std::optional<HeadsOperand> rhs = traceHeads(generic.getDpsInputs()[1]);
  if (!lhs || !rhs)
    return std::nullopt;
  if (rhsTransposed)
    rhs->transposed = !rhs->transposed;
  return Product{generic, result4, *lhs, *rhs, {}, generic};
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// The value every element of `init` starts as: a linalg.fill of a scalar
/// constant, or a splat constant.
/// (Integers as their unsigned value: i1 true is 1, unlike
/// MaskRecognition's evaluator, which keeps arith's signed values and so
/// -1; a start value is only compared here, never computed with.)
std::optional<double> splatValue(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    init = fill.getInputs()[0];
  if (auto constant = init.getDefiningOp<arith::ConstantOp>()) {
    Attribute attr = constant.getValue();
    if (auto dense = dyn_cast<DenseIntElementsAttr>(attr);
        dense && dense.isSplat())
      attr = IntegerAttr::get(dense.getElementType(),
                              dense.getSplatValue<APInt>());
    if (auto integer = dyn_cast<IntegerAttr>(attr))
      return static_cast<double>(integer.getValue().getZExtValue());
  }
  return scalarConstant(init);
}

/// Whether `map` of a 4-loop generic reads or writes one value per row:
/// (d0, d1, d2) or (d0, d1, d2, 0).
bool isRowMap(AffineMap map) {
  MLIRContext *ctx = map.getContext();
  if (map.getNumResults() != 3 && map.getNumResults() != 4)
    return false;
  for (unsigned d = 0; d < 3; ++d)
    if (map.getResult(d) != getAffineDimExpr(d, ctx))
      return false;
  return map.getNumResults() == 3 ||
         map.getResult(3) == getAffineConstantExpr(0, ctx);
}

/// A reduction of its input, read through the identity map, over the last
/// of 4 dims into one value per row, with `BodyOp` combining input and
/// accumulator from a start value that `startsRight` accepts; its input, or
/// null. The result may be kept as [.., 1].
template <typename BodyOp>
Value matchLastDimReduction(Value reduced,
                            function_ref<bool(double)> startsRight) {
  if (auto expand = reduced.getDefiningOp<tensor::ExpandShapeOp>())
    reduced = expand.getSrc();
  auto op = reduced.getDefiningOp<linalg::GenericOp>();
  if (!op || op.getNumLoops() != 4 || op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray()[3] != utils::IteratorType::reduction ||
      op.getNumDpsInputs() != 1 || !isIdentity(op, op.getDpsInputOperand(0)))
    return {};
  unsigned number = cast<OpResult>(reduced).getResultNumber();
  OpOperand *init = op.getDpsInitOperand(number);
  std::optional<double> start = splatValue(init->get());
  if (!isRowMap(op.getMatchingIndexingMap(init)) || !start ||
      !startsRight(*start))
    return {};
  Block &body = op.getRegion().front();
  auto combine =
      body.getTerminator()->getOperand(number).getDefiningOp<BodyOp>();
  if (!combine)
    return {};
  Value in = body.getArgument(0), acc = body.getArgument(1 + number);
  if (!((combine.getLhs() == in && combine.getRhs() == acc) ||
        (combine.getLhs() == acc && combine.getRhs() == in)))
    return {};
  return op.getDpsInputOperand(0)->get();
}

/// A binary element-wise generic `lhs OP rowValue[.., 0]` where the second
/// operand is broadcast along the last dim; returns (lhs, row value).
template <typename BodyOp>
std::optional<std::pair<Value, Value>> matchRowBroadcast(Value value) {
  auto op = value.getDefiningOp<linalg::GenericOp>();
  Operation *body = elementwiseBody(op);
  if (!body || !isa<BodyOp>(body) || op.getNumDpsInputs() != 2)
    return std::nullopt;
  OpOperand *lhs = inputOf(op, body->getOperand(0));
  OpOperand *rhs = inputOf(op, body->getOperand(1));
  if (!lhs || !rhs || !isIdentity(op, lhs))
    return std::nullopt;
  if (!isRowMap(op.getMatchingIndexingMap(rhs)))
    return std::nullopt;
  return std::make_pair(lhs->get(), rhs->get());
}

/// The scores `x` when `cond` is, per row, whether every element of `x` is
/// -inf: an andi reduction from true of cmpf oeq(x, -inf) (x maybe
/// extended first), torch's test for rows without keys; else null.
Value rowAllNegInfOf(Value cond) {
  auto isTrue = [](double start) { return start == 1.0; };
  Value equal = matchLastDimReduction<arith::AndIOp>(cond, isTrue);
  auto op = equal ? equal.getDefiningOp<linalg::GenericOp>() : nullptr;
  if (!op || op.getNumReductionLoops() != 0 || op.getNumDpsInputs() != 1 ||
      op->getNumResults() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() ||
      !isIdentity(op, op.getDpsInputOperand(0)))
    return {};
  Block &body = op.getRegion().front();
  auto cmp = body.getTerminator()->getOperand(0).getDefiningOp<arith::CmpFOp>();
  if (!cmp || cmp->getBlock() != &body ||
      cmp.getPredicate() != arith::CmpFPredicate::OEQ ||
      !isNegInf(bodyScalar(op, cmp.getRhs())))
    return {};
  // The element itself, or extended (to f64, as torch compares).
  Value compared = cmp.getLhs();
  if (auto ext = compared.getDefiningOp<arith::ExtFOp>())
    compared = ext.getIn();
  if (compared != body.getArgument(0) ||
      body.getOperations().size() != (compared == cmp.getLhs() ? 2u : 3u))
    return {};
  return op.getDpsInputOperand(0)->get();
}

/// The scores whose softmax over the last dim `probs` is, or null.
Value matchSoftmax(Value probs) {
  if (auto softmax = probs.getDefiningOp<linalg::SoftmaxOp>()) {
    if (softmax.getDimension() !=
        uint64_t(softmax.getInputOperandType().getRank() - 1))
      return {};
    return softmax.getInput();
  }
  // torch's guard for rows without keys: select(all -inf, 0, softmax),
  // where the condition is that of the same scores; attn gives those rows
  // zeros anyway.
  if (auto op = probs.getDefiningOp<linalg::GenericOp>()) {
    Operation *body = elementwiseBody(op);
    if (body && isa<arith::SelectOp>(body)) {
      OpOperand *cond = inputOf(op, body->getOperand(0));
      OpOperand *zeros = inputOf(op, body->getOperand(1));
      OpOperand *inner = inputOf(op, body->getOperand(2));
      if (!cond || !zeros || !inner || scalarConstant(zeros->get()) != 0.0 ||
          !isIdentity(op, inner) || !isRowMap(op.getMatchingIndexingMap(cond)))
        return {};
      Value scores = matchSoftmax(inner->get());
      if (!scores || rowAllNegInfOf(cond->get()) != scores)
        return {};
      return scores;
    }
  }
  auto div = matchRowBroadcast<arith::DivFOp>(probs);
  if (!div)
    return {};
  Value exps = div->first;
  auto isZero = [](double start) { return start == 0.0; };
  if (matchLastDimReduction<arith::AddFOp>(div->second, isZero) != exps)
    return {};
  auto expOp = exps.getDefiningOp<linalg::GenericOp>();
  Operation *expBody = elementwiseBody(expOp);
  if (!expBody || !isa<math::ExpOp>(expBody))
    return {};
  OpOperand *shifted = inputOf(expOp, expBody->getOperand(0));
  if (!shifted || !isIdentity(expOp, shifted))
    return {};
  auto sub = matchRowBroadcast<arith::SubFOp>(shifted->get());
  if (!sub)
    return {};
  Value scores = sub->first;
  // Any start at or below every score gives the same shift; -inf and the
  // type's lowest value are the ones front ends write.
  auto isLowest = [&](double start) {
    auto type = cast<FloatType>(getElementTypeOrSelf(scores.getType()));
    return isNegInf(start) ||
           start <= APFloat::getLargest(type.getFloatSemantics(),
                                        /*Negative=*/true)
                        .convertToDouble();
  };
  if (matchLastDimReduction<arith::MaximumFOp>(sub->second, isLowest) != scores)
    return {};
  return scores;
}

//===----------------------------------------------------------------------===//
// Scores: scale, masks, bias
//===----------------------------------------------------------------------===//

/// A mask tensor and how the scores' (b, h, i, j) index it.
struct MaskTensor {
  Value tensor;
  AffineMap map;
  bool negated = false; // allowed where the tensor is false
  /// Instead of a tensor: a condition the select's generic computes from
  /// linalg.index 2 and 3 (the query and key) and constants.
  Value inlineCondition;
  /// The program fills masked scores with its type's lowest finite value
  /// instead of -inf (isMaskFill).
  bool finiteFill = false;
};

/// Whether `cond`, inside `body`, is computed from constants and
/// linalg.index of the query and key dims only.
bool isQueryKeyCondition(Value cond, Block &body) {
  SmallVector<Value> work = {cond};
  DenseSet<Value> seen = {cond};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *op = v.getDefiningOp();
    if (!op)
      return false; // a block argument: data
    if (op->getBlock() != &body)
      continue; // defined above: a constant (checked on evaluation)
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      if (index.getDim() < 2)
        return false;
      continue;
    }
    for (Value operand : op->getOperands())
      if (seen.insert(operand).second)
        work.push_back(operand);
  }
  return true;
}

struct Scores {
  Product product; // Q K^T
  double scale = 1.0;
  std::optional<double> softcap;
  /// ALiBi's per-head slopes (an added constant that is exactly ALiBi).
  std::optional<SmallVector<float>> alibi;
  SmallVector<MaskTensor> masks;
  Value bias;
  AffineMap biasMap;
  /// The steps that attn's fixed modifiers do not express, in program
  /// order: the score_mod region.
  SmallVector<ScoreStep> modSteps;
};

/// If `bias` (read through `map`) is select(M, 0, -inf), the mask M.
std::optional<MaskTensor> maskOfAdditiveBias(Value bias, AffineMap map) {
  auto op = bias.getDefiningOp<linalg::GenericOp>();
  Operation *body = elementwiseBody(op);
  if (!body || !isa<arith::SelectOp>(body))
    return std::nullopt;
  OpOperand *cond = inputOf(op, body->getOperand(0));
  std::optional<double> onTrue = bodyScalar(op, body->getOperand(1));
  std::optional<double> onFalse = bodyScalar(op, body->getOperand(2));
  if (!cond || !isIdentity(op, cond) ||
      !isa<RankedTensorType>(cond->get().getType()) ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  bool finite;
  Type type = op->getResult(0).getType();
  if (onTrue == 0.0 && isMaskFill(onFalse, type, finite))
    return MaskTensor{cond->get(), map, false, Value(), finite};
  if (isMaskFill(onTrue, type, finite) && onFalse == 0.0)
    return MaskTensor{cond->get(), map, true, Value(), finite};
  return std::nullopt;
}

/// Whether a tensor read through `map` from the scores' (b, h, i, j) can be
/// the bias operand: [Lq, Lkv] read at (i, j), or [1|B, 1|H, Lq, Lkv] read
/// at (b, h, i, j) with its unit dims broadcast.
bool fitsBiasOperand(Value bias, AffineMap map) {
  auto type = dyn_cast<RankedTensorType>(bias.getType());
  MLIRContext *ctx = map.getContext();
  if (!type || !isa<FloatType>(type.getElementType()) || type.getEncoding())
    return false;
  if (map.getNumResults() == 2)
    return map.getResult(0) == getAffineDimExpr(2, ctx) &&
           map.getResult(1) == getAffineDimExpr(3, ctx);
  if (map.getNumResults() != 4)
    return false;
  for (unsigned d = 0; d < 4; ++d) {
    AffineExpr expr = map.getResult(d);
    bool same = expr == getAffineDimExpr(d, ctx);
    bool broadcast = expr == getAffineConstantExpr(0, ctx) &&
                     type.getDimSize(d) == 1 && d < 2;
    if (!same && !broadcast)
      return false;
  }
  return true;
}

/// For the mask tensor read through `map` from (b, h, i, j): whether it
/// depends on i and j only (results are dims 2, 3, each once, or broadcast
/// 0s).
bool indexesQueryAndKeyOnly(AffineMap map, int64_t &rowResult,
                            int64_t &columnResult) {
  rowResult = columnResult = -1;
  for (auto [index, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      if (dim.getPosition() != 2 && dim.getPosition() != 3)
        return false;
      int64_t &result = dim.getPosition() == 2 ? rowResult : columnResult;
      if (result >= 0)
        return false; // a dim read twice: a diagonal
      result = index;
    } else if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
      if (c.getValue() != 0)
        return false;
    } else {
      return false;
    }
  }
  return true;
}

/// allowed(i, j) of a mask that depends on the query and key only and is
/// known at compile time, computed on demand, each point once. Recognising
/// atoms rejects most other masks within their first rows; computing all
/// Lq x Lkv points first took seconds at 4096 x 4096 to refuse one.
class CompileTimeMask {
public:
  static std::optional<CompileTimeMask> get(const MaskTensor &mask, int64_t lq,
                                            int64_t lkv) {
    if (!elementCountAtMost({lq, lkv}, kMaxEvaluatedMask))
      return std::nullopt;
    CompileTimeMask result(mask, lq, lkv);
    if (mask.inlineCondition) {
      result.condition = IndexExpression::get(mask.inlineCondition);
      if (!result.condition)
        return std::nullopt;
      return result;
    }
    if (!indexesQueryAndKeyOnly(mask.map, result.row, result.column))
      return std::nullopt;
    result.tensor = evaluateConstantTensor(mask.tensor, kMaxEvaluatedMask);
    if (!result.tensor)
      return std::nullopt;
    return result;
  }

  /// Whether key j is allowed for query i; false, and `unknown` from then
  /// on, where the condition has no value (a division by 0, an op the
  /// evaluator does not know).
  bool allowed(int64_t i, int64_t j) {
    if (failed)
      return false;
    size_t point = i * lkv + j;
    if (!evaluated.test(point)) {
      std::optional<bool> value = compute(i, j);
      if (!value) {
        failed = true;
        return false;
      }
      evaluated.set(point);
      values[point] = *value;
    }
    return values.test(point);
  }

  /// The attn atoms equal to the mask, if any (every point evaluated).
  std::optional<SmallVector<Attribute>> atoms(MLIRContext *ctx) {
    std::optional<SmallVector<Attribute>> recognized = recognizeMaskAtoms(
        ctx, lq, lkv, [&](int64_t i, int64_t j) { return allowed(i, j); });
    if (failed)
      return std::nullopt;
    return recognized;
  }

  /// Whether every query has an allowed key, with every point evaluated.
  bool everyRowHasKey() {
    bool everyRow = true;
    for (int64_t i = 0; i < lq; ++i) {
      bool any = false;
      for (int64_t j = 0; j < lkv; ++j)
        any |= allowed(i, j);
      everyRow &= any;
    }
    return everyRow && !failed;
  }

private:
  CompileTimeMask(const MaskTensor &mask, int64_t lq, int64_t lkv)
      : negated(mask.negated), lq(lq), lkv(lkv), evaluated(lq * lkv),
        values(lq * lkv) {}

  std::optional<bool> compute(int64_t i, int64_t j) {
    if (condition) {
      std::optional<double> v = condition->evaluate({0, 0, i, j});
      if (!v)
        return std::nullopt;
      return *v != 0;
    }
    int64_t offset = 0;
    for (auto [d, size] : llvm::enumerate(tensor->shape)) {
      int64_t coordinate = int64_t(d) == row ? i : int64_t(d) == column ? j : 0;
      offset = offset * size + coordinate;
    }
    return (tensor->values[offset] != 0) != negated;
  }

  std::optional<IndexExpression> condition;
  std::optional<KnownTensor> tensor;
  int64_t row = -1, column = -1;
  bool negated;
  int64_t lq, lkv;
  llvm::BitVector evaluated, values;
  bool failed = false;
};

/// Whether a mask whose program fills a finite value is a mask of attn:
/// known at compile time with a key in every row (where a row has none,
/// the program's softmax spreads over the fills and attn's gives 0), and,
/// computed inline, an atom (the rewrite takes no other inline mask).
bool finiteFillMasks(const MaskTensor &mask, ShapedType scores) {
  int64_t lq = scores.getDimSize(2), lkv = scores.getDimSize(3);
  if (ShapedType::isDynamic(lq) || ShapedType::isDynamic(lkv))
    return false;
  std::optional<CompileTimeMask> allowed = CompileTimeMask::get(mask, lq, lkv);
  if (!allowed)
    return false;
  // An inline mask must be an atom: checked first, as it rejects others
  // within a few rows.
  if (mask.inlineCondition && !allowed->atoms(scores.getContext()))
    return false;
  return allowed->everyRowHasKey();
}

/// Score chains longer than this are not followed.
constexpr unsigned kMaxScoreSteps = 64;

/// The element-wise steps from Q K^T to `scores`, in program order, with
/// the product; false if the chain reaches anything else. A step's scores
/// are an input read through the identity map; where a step has several,
/// the one that leads back to a product (`dead` remembers values that do
/// not, so shared subchains are walked once).
bool collectScoreSteps(Value scores, SmallVectorImpl<ScoreStep> &steps,
                       std::optional<Product> &product, DenseSet<Value> &dead,
                       unsigned depth = 0) {
  if ((product = matchProduct(scores))) {
    // The product's rounding (a bf16 matmul's) is the scores' first step.
    if (linalg::GenericOp rounding = product->rounding)
      steps.push_back({rounding, rounding.getDpsInputOperand(0)});
    return true;
  }
  auto op = scores.getDefiningOp<linalg::GenericOp>();
  if (depth == kMaxScoreSteps || dead.contains(scores) || !op ||
      op.getNumLoops() != 4 || op.getNumReductionLoops() != 0 ||
      op->getNumResults() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return false;
  auto shape = cast<ShapedType>(scores.getType()).getShape();
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (!type || type.getShape() != shape || !isIdentity(op, input))
      continue;
    size_t size = steps.size();
    if (collectScoreSteps(input->get(), steps, product, dead, depth + 1)) {
      steps.push_back({op, input});
      return true;
    }
    steps.resize(size);
  }
  dead.insert(scores);
  return false;
}

/// What one step does to the scores, as far as attn's fixed order
/// (scale, softcap, bias, score_mod, masks) is concerned.
/// (Widen: extf to a wider float, which keeps every value, -inf and a
/// mask's finite fill included, so masks may come before it.)
enum class StepKind { Scale, Tanh, Alibi, Bias, Mask, Widen, Other };

struct ClassifiedStep {
  ScoreStep step;
  StepKind kind = StepKind::Other;
  double factor = 1.0;         // Scale: a positive constant
  MaskTensor mask;             // Mask
  OpOperand *addend = nullptr; // Bias: a tensor that fits the operand
  SmallVector<float> slopes;   // Alibi
};

/// The slopes of `bias`, read through `map` from scores of type `scores`,
/// where it is a compile-time constant that is exactly attn's ALiBi.
std::optional<SmallVector<float>> alibiOf(Value bias, AffineMap map,
                                          ShapedType scores) {
  if (!elementCountAtMost(scores.getShape(), kMaxEvaluatedMask) ||
      !isa<FloatType>(getElementTypeOrSelf(bias)) ||
      !llvm::all_of(map.getResults(), [](AffineExpr expr) {
        return isa<AffineDimExpr, AffineConstantExpr>(expr);
      }))
    return std::nullopt;
  std::optional<KnownTensor> known =
      evaluateConstantTensor(bias, kMaxEvaluatedMask);
  if (!known)
    return std::nullopt;
  auto at = [&](int64_t b, int64_t h, int64_t i, int64_t j) {
    int64_t point[] = {b, h, i, j}, offset = 0;
    for (auto [expr, size] : llvm::zip_equal(map.getResults(), known->shape)) {
      int64_t coordinate = 0;
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        coordinate = point[dim.getPosition()];
      else
        coordinate = cast<AffineConstantExpr>(expr).getValue();
      offset = offset * size + coordinate;
    }
    return known->values[offset];
  };
  return recognizeAlibiSlopes(scores.getDimSize(0), scores.getDimSize(1),
                              scores.getDimSize(2), scores.getDimSize(3), at);
}

/// A mask step with a finite fill stays one only where that fill masks as
/// -inf does (finiteFillMasks); else the step is left to score_mod.
ClassifiedStep finishMask(ClassifiedStep step, linalg::GenericOp op) {
  if (step.kind == StepKind::Mask && step.mask.finiteFill &&
      !finiteFillMasks(step.mask, cast<ShapedType>(op->getResult(0).getType())))
    step.kind = StepKind::Other;
  return step;
}

ClassifiedStep classifyStep(const ScoreStep &step) {
  ClassifiedStep result;
  result.step = step;
  linalg::GenericOp op = step.op;
  Value running = op.getMatchingBlockArgument(step.running);
  Block &block = op.getRegion().front();
  // select(cond(i, j), s, -inf) with the condition computed in the body
  // from the loop indices: the iota form of causal and window masks.
  if (auto select =
          block.getTerminator()->getOperand(0).getDefiningOp<arith::SelectOp>();
      select && select->getBlock() == &block &&
      !inputOf(op, select.getCondition())) {
    bool finite;
    if (select.getTrueValue() == running &&
        isMaskFill(bodyScalar(op, select.getFalseValue()), select.getType(),
                   finite) &&
        isQueryKeyCondition(select.getCondition(), block)) {
      result.kind = StepKind::Mask;
      result.mask.inlineCondition = select.getCondition();
      result.mask.finiteFill = finite;
    }
    return finishMask(result, op);
  }
  Operation *body = elementwiseBody(op);
  if (!body)
    return result;
  // x * c, c * x, x / c.
  bool product = isa<arith::MulFOp>(body);
  if ((product || isa<arith::DivFOp>(body)) &&
      (body->getOperand(0) == running ||
       (product && body->getOperand(1) == running))) {
    Value constant = body->getOperand(body->getOperand(0) == running ? 1 : 0);
    std::optional<double> c = bodyScalar(op, constant);
    double factor = !c ? 0.0 : product ? *c : 1.0 / *c;
    if (factor > 0 && std::isfinite(factor)) {
      result.kind = StepKind::Scale;
      result.factor = factor;
    }
    return result;
  }
  if (auto select = dyn_cast<arith::SelectOp>(body)) {
    // (A scalar condition is left to score_mod.)
    OpOperand *cond = inputOf(op, select.getCondition());
    if (!cond || !isa<RankedTensorType>(cond->get().getType()))
      return result;
    AffineMap condMap = op.getMatchingIndexingMap(cond);
    bool finite;
    Type type = select.getType();
    if (select.getTrueValue() == running &&
        isMaskFill(bodyScalar(op, select.getFalseValue()), type, finite)) {
      result.kind = StepKind::Mask;
      result.mask = {cond->get(), condMap, false, Value(), finite};
    } else if (select.getFalseValue() == running &&
               isMaskFill(bodyScalar(op, select.getTrueValue()), type,
                          finite)) {
      result.kind = StepKind::Mask;
      result.mask = {cond->get(), condMap, true, Value(), finite};
    }
    return finishMask(result, op);
  }
  if (isa<arith::AddFOp>(body)) {
    Value lhs = body->getOperand(0), rhs = body->getOperand(1);
    if ((lhs == running) == (rhs == running))
      return result;
    OpOperand *other = inputOf(op, lhs == running ? rhs : lhs);
    if (!other)
      return result;
    AffineMap otherMap = op.getMatchingIndexingMap(other);
    if (std::optional<MaskTensor> mask =
            maskOfAdditiveBias(other->get(), otherMap)) {
      result.kind = StepKind::Mask;
      result.mask = *mask;
      if (finishMask(result, op).kind == StepKind::Mask)
        return result;
      result.kind = StepKind::Other;
    }
    if (std::optional<SmallVector<float>> slopes =
            alibiOf(other->get(), otherMap,
                    cast<ShapedType>(op->getResult(0).getType()))) {
      result.kind = StepKind::Alibi;
      result.slopes = std::move(*slopes);
    } else if (fitsBiasOperand(other->get(), otherMap)) {
      result.kind = StepKind::Bias;
      result.addend = other;
    }
    return result;
  }
  if (isa<math::TanhOp>(body) && body->getOperand(0) == running)
    result.kind = StepKind::Tanh;
  if (isa<arith::ExtFOp>(body) && body->getOperand(0) == running)
    result.kind = StepKind::Widen;
  return result;
}

/// Whether `step` only rounds or widens the scores (truncf, extf).
bool isFloatCast(const ScoreStep &step) {
  Value source = castSource<arith::TruncFOp>(step.op);
  if (!source)
    source = castSource<arith::ExtFOp>(step.op);
  return source && source == step.running->get();
}

/// Walks from the softmax input back to the Q K^T product and sorts the
/// steps between them into attn's modifiers: the scale, a soft-cap (tanh
/// between constant factors right after the scale), the bias operand,
/// masks, and a score_mod for the rest.
std::optional<Scores> matchScores(Value scoresValue) {
  SmallVector<ScoreStep> chain;
  std::optional<Product> product;
  DenseSet<Value> dead;
  if (!collectScoreSteps(scoresValue, chain, product, dead))
    return std::nullopt;
  Scores result;
  result.product = *product;
  SmallVector<ClassifiedStep> steps = llvm::map_to_vector(chain, classifyStep);
  // A finite fill masks only as the scores' last steps (but for widening):
  // a later factor or addition would move it towards the scores. And only
  // as the one mask: under another mask, a row whose every key that mask
  // allows this one masks has the fills' average in the program, no key in
  // attn.
  // Nor may anything before it bring scores near the fill: an added tensor
  // (a padding mask of the same fill in a bias) or an arbitrary step can;
  // factors, a soft-cap, ALiBi and casts cannot.
  bool onlyMasksAfter = true;
  bool severalMasks = llvm::count_if(steps, [](const ClassifiedStep &step) {
                        return step.kind == StepKind::Mask;
                      }) > 1;
  bool boundedScores = llvm::all_of(steps, [](const ClassifiedStep &step) {
    switch (step.kind) {
    case StepKind::Scale:
    case StepKind::Tanh:
    case StepKind::Alibi:
    case StepKind::Mask:
    case StepKind::Widen:
      return true;
    case StepKind::Bias:
      return false;
    case StepKind::Other:
      return isFloatCast(step.step);
    }
    llvm_unreachable("every step kind");
  });
  for (ClassifiedStep &step : llvm::reverse(steps)) {
    if (step.kind == StepKind::Mask && step.mask.finiteFill &&
        (!onlyMasksAfter || severalMasks || !boundedScores))
      step.kind = StepKind::Other;
    onlyMasksAfter &=
        step.kind == StepKind::Mask || step.kind == StepKind::Widen;
  }
  ArrayRef<ClassifiedStep> rest(steps);
  auto takeScales = [&](double &factor) {
    while (!rest.empty() && rest.front().kind == StepKind::Scale) {
      factor *= rest.front().factor;
      rest = rest.drop_front();
    }
  };
  takeScales(result.scale);
  // c tanh(f x): softcap<c> of the scores f c x.
  if (!rest.empty() && rest.front().kind == StepKind::Tanh) {
    rest = rest.drop_front();
    double cap = 1.0;
    takeScales(cap);
    result.softcap = cap;
    result.scale *= cap;
  }

  // score_mod runs before the masks: a mask must come after every step
  // that need not keep -inf where it put it.
  bool sawMask = false;
  for (const ClassifiedStep &step : rest) {
    sawMask |= step.kind == StepKind::Mask;
    if (sawMask &&
        (step.kind == StepKind::Other || step.kind == StepKind::Tanh))
      return std::nullopt;
  }
  // attn's fixed order is scale, softcap, bias, score_mod, masks; masks
  // commute with a positive scale and a finite bias. So scales before any
  // other step fold into the scale (unless a soft-cap came between), the
  // first bias before any other step is the operand, and every later step
  // that is not a mask goes to score_mod. Tensors the steps read must not
  // come from the scores (the raised op would still need them all).
  Operation *contraction = product->contraction;
  bool leading = true;
  for (const ClassifiedStep &step : rest) {
    if (step.kind == StepKind::Mask) {
      if (step.mask.tensor && dependsOn(step.mask.tensor, contraction))
        return std::nullopt;
      result.masks.push_back(step.mask);
      continue;
    }
    // (A scale after ALiBi or the bias would scale them too.)
    if (step.kind == StepKind::Scale && leading && !result.softcap &&
        !result.alibi && !result.bias) {
      result.scale *= step.factor;
      continue;
    }
    if (step.kind == StepKind::Alibi && leading && !result.alibi) {
      result.alibi = step.slopes;
      continue;
    }
    if (step.kind == StepKind::Bias && leading && !result.bias) {
      if (dependsOn(step.addend->get(), contraction))
        return std::nullopt;
      result.bias = step.addend->get();
      linalg::GenericOp op = step.step.op;
      result.biasMap = op.getMatchingIndexingMap(step.addend);
      continue;
    }
    leading = false;
    if (!canRaiseIntoScoreMod(step.step, contraction))
      return std::nullopt;
    result.modSteps.push_back(step.step);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// The rewrite
//===----------------------------------------------------------------------===//

/// Whether [B, Hq, Lq, D] queries, [B, Hkv, Lkv, D] keys, [B, Hkv, Lkv,
/// Dv] values and a [B, Hq, Lq, Dv] output of one element type that
/// attn.attention takes (f32, f16 or bf16: an f64 attention stays linalg),
/// static, with Hq = group * Hkv (a group of at least 1: an empty one
/// would make an attention without query heads) and head dims of at
/// least 1, make an attention. Encoded tensors stay linalg: attn ops take
/// plain ones.
bool fitsAttention(RankedTensorType q, RankedTensorType k, RankedTensorType v,
                   RankedTensorType out, int64_t group) {
  if (!q.hasStaticShape() || !k.hasStaticShape() || !v.hasStaticShape() ||
      q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return false;
  if (q.getEncoding() || k.getEncoding() || v.getEncoding() ||
      out.getEncoding())
    return false;
  Type element = q.getElementType();
  if (!element.isF32() && !element.isF16() && !element.isBF16())
    return false;
  return k.getDimSize(0) == q.getDimSize(0) &&
         v.getDimSize(0) == q.getDimSize(0) &&
         q.getDimSize(1) == k.getDimSize(1) * group && k.getDimSize(1) >= 1 &&
         group >= 1 && v.getDimSize(1) == k.getDimSize(1) &&
         v.getDimSize(2) == k.getDimSize(2) &&
         k.getDimSize(3) == q.getDimSize(3) && q.getDimSize(3) >= 1 &&
         v.getDimSize(3) >= 1 &&
         out.getShape() == ArrayRef<int64_t>{q.getDimSize(0), q.getDimSize(1),
                                             q.getDimSize(2),
                                             v.getDimSize(3)} &&
         k.getElementType() == element && v.getElementType() == element &&
         out.getElementType() == element;
}

struct RaiseAttention : OpRewritePattern<linalg::BatchMatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::BatchMatmulOp matmul,
                                PatternRewriter &rewriter) const override {
    if (!matmul->hasOneUse())
      return failure();
    // (Through the rounding of a bf16 matmul's f32 result.)
    Operation *user = *matmul->user_begin();
    if (auto rounding = dyn_cast<linalg::GenericOp>(user);
        rounding && isRounding(rounding) && rounding->hasOneUse())
      user = *rounding->user_begin();
    auto expand = dyn_cast<tensor::ExpandShapeOp>(user);
    if (!expand)
      return failure();
    return raise(expand.getResult(), rewriter);
  }

  static LogicalResult raise(Value output, PatternRewriter &rewriter) {
    std::optional<Product> pv = matchProduct(output);
    if (!pv)
      return failure();
    Operation *root = pv->root;
    Location loc = root->getLoc();
    // P V: P is [B, H, Lq, Lkv] (no transposes), V [B, Hkv, Lkv, Dv].
    if (pv->lhs.transposed || pv->lhs.group != 1 || pv->lhs.scale != 1.0 ||
        pv->rhs.transposed || pv->rhs.scale != 1.0)
      return rewriter.notifyMatchFailure(root, "P V has extra steps");
    // P rounded to V's type before P V (bf16 programs): how precisely P is
    // kept is the attention's choice (attn's GPU kernels round it too).
    Value probs = pv->lhs.base;
    if (auto rounding = probs.getDefiningOp<linalg::GenericOp>();
        rounding && isRounding(rounding) &&
        getElementTypeOrSelf(probs) == getElementTypeOrSelf(pv->rhs.base))
      probs = rounding.getDpsInputs()[0];
    Value scoresValue = matchSoftmax(probs);
    if (!scoresValue)
      return rewriter.notifyMatchFailure(root, "P is not a softmax");
    std::optional<Scores> scores = matchScores(scoresValue);
    if (!scores)
      return rewriter.notifyMatchFailure(root, "scores are not Q K^T");
    const Product *qk = &scores->product;
    if (qk->lhs.transposed || qk->lhs.group != 1 || !qk->rhs.transposed ||
        qk->rhs.group != pv->rhs.group)
      return rewriter.notifyMatchFailure(root, "Q K^T does not fit");
    if (qk->lhs.headsFromSequenceMajor || pv->rhs.headsFromSequenceMajor)
      return rewriter.notifyMatchFailure(root, "Q or V layout");
    // The factors' product as the op's f32 scale: each finite, their
    // product may not be (x / 1e-45 twice), nor its rounding to f32.
    double scale = scores->scale * qk->lhs.scale * qk->rhs.scale;
    float scale32 = static_cast<float>(scale);
    if (!(scale32 > 0) || !std::isfinite(scale32))
      return rewriter.notifyMatchFailure(root, "scale outside f32's range");
    if (scores->softcap && !isUsableSoftcap(APFloat(*scores->softcap)))
      return rewriter.notifyMatchFailure(root, "softcap outside f32's range");
    // Every check comes before the first op is built: a pattern that fails
    // after changing the IR never lets the driver settle.
    Value query = qk->lhs.base, key = qk->rhs.base, value = pv->rhs.base;
    // f32 attention of widened bf16 (or f16) tensors whose output is only
    // rounded back (torch-mlir's SDPA of bf16 tensors): the attention of
    // the narrow tensors, which accumulates in f32 and rounds its output
    // alike (P's precision being its own choice, as above).
    Operation *replaced = root;
    Value narrowQuery = widenedSource(query), narrowKey = widenedSource(key),
          narrowValue = widenedSource(value);
    if (narrowQuery && narrowKey && narrowValue && output.hasOneUse()) {
      Type narrow = getElementTypeOrSelf(narrowQuery);
      auto rounding = dyn_cast<linalg::GenericOp>(*output.user_begin());
      if (getElementTypeOrSelf(narrowKey) == narrow &&
          getElementTypeOrSelf(narrowValue) == narrow && rounding &&
          isRounding(rounding) &&
          getElementTypeOrSelf(rounding->getResult(0)) == narrow) {
        query = narrowQuery;
        key = narrowKey;
        value = narrowValue;
        replaced = rounding;
      }
    }
    auto kType = cast<RankedTensorType>(key.getType());
    if (qk->rhs.headsFromSequenceMajor) {
      // K as [B, H, L, D] from its [B, L, H, D] source (built below).
      kType = RankedTensorType::get({kType.getDimSize(0), kType.getDimSize(2),
                                     kType.getDimSize(1), kType.getDimSize(3)},
                                    kType.getElementType());
    }
    auto qType = cast<RankedTensorType>(query.getType());
    auto vType = cast<RankedTensorType>(value.getType());
    auto outType = cast<RankedTensorType>(replaced->getResult(0).getType());
    if (!fitsAttention(qType, kType, vType, outType, qk->rhs.group))
      return rewriter.notifyMatchFailure(root, "shapes do not fit attention");
    // The scores and P index (b, h) as the queries do: the products'
    // reshapes may regroup batch and heads otherwise.
    auto scoresType = cast<RankedTensorType>(qk->result.getType());
    SmallVector<int64_t> scoresShape = {
        qType.getDimSize(0), qType.getDimSize(1), qType.getDimSize(2),
        kType.getDimSize(2)};
    ArrayRef<int64_t> expectedScores(scoresShape);
    if (scoresType.getShape() != expectedScores ||
        cast<RankedTensorType>(pv->lhs.base.getType()).getShape() !=
            expectedScores)
      return rewriter.notifyMatchFailure(root, "scores' batch and heads");
    int64_t lq = qType.getDimSize(2), lkv = kType.getDimSize(2);
    MLIRContext *ctx = rewriter.getContext();

    // Masks: atoms where they evaluate to a window, else a mask_mod.
    SmallVector<Attribute> atoms;
    SmallVector<MaskTensor> runtimeMasks;
    for (const MaskTensor &mask : scores->masks) {
      std::optional<SmallVector<Attribute>> recognized;
      if (std::optional<CompileTimeMask> allowed =
              CompileTimeMask::get(mask, lq, lkv))
        recognized = allowed->atoms(ctx);
      if (recognized)
        llvm::append_range(atoms, *recognized);
      else if (mask.inlineCondition)
        return rewriter.notifyMatchFailure(root, "inline mask");
      else
        runtimeMasks.push_back(mask);
    }

    // The bias operand (fitsBiasOperand): [Lq, Lkv] is expanded below.
    bool biasOfQueryAndKey =
        scores->bias && scores->biasMap.getNumResults() == 2;

    // A runtime mask is read at dims and constants of (b, h, i, j).
    for (const MaskTensor &mask : runtimeMasks)
      if (!llvm::all_of(mask.map.getResults(), [](AffineExpr expr) {
            return isa<AffineDimExpr, AffineConstantExpr>(expr);
          }))
        return rewriter.notifyMatchFailure(root, "mask indexing");

    // The rewrite.
    if (qk->rhs.headsFromSequenceMajor) {
      Value init = tensor::EmptyOp::create(rewriter, loc, kType.getShape(),
                                           kType.getElementType());
      key = linalg::TransposeOp::create(rewriter, loc, key, init,
                                        ArrayRef<int64_t>{0, 2, 1, 3})
                ->getResult(0);
    }
    Value bias = scores->bias;
    if (biasOfQueryAndKey) {
      auto biasType = cast<RankedTensorType>(bias.getType());
      auto expandedType = RankedTensorType::get(
          {1, 1, biasType.getDimSize(0), biasType.getDimSize(1)},
          biasType.getElementType());
      bias = tensor::ExpandShapeOp::create(
          rewriter, loc, expandedType, bias,
          SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    }

    SmallVector<Attribute> scoreMods;
    if (scores->softcap)
      scoreMods.push_back(SoftcapAttr::get(ctx, APFloat(*scores->softcap)));
    if (scores->alibi)
      scoreMods.push_back(
          AlibiAttr::get(ctx, DenseF32ArrayAttr::get(ctx, *scores->alibi)));
    if (bias)
      scoreMods.push_back(BiasAttr::get(ctx));
    auto op = AttentionOp::create(
        rewriter, loc, outType, /*lse=*/Type(), query, key, value, bias,
        Value(), Value(), Value(), Value(), Value(),
        rewriter.getArrayAttr(atoms), rewriter.getArrayAttr(scoreMods),
        NormalizerAttrInterface(), rewriter.getF32FloatAttr(scale32),
        TilingAttr());
    if (!scores->modSteps.empty())
      buildScoreModRegion(rewriter, loc, op.getScoreMod(), scores->modSteps);
    if (!runtimeMasks.empty()) {
      // mask_mod: the conjunction of the masks, read at (b, h, i, j).
      Region &region = op.getMaskMod();
      Block *block = rewriter.createBlock(&region);
      SmallVector<Value> indices;
      for (int i = 0; i < 4; ++i)
        indices.push_back(block->addArgument(rewriter.getIndexType(), loc));
      rewriter.setInsertionPointToStart(block);
      Value allowed;
      for (const MaskTensor &mask : runtimeMasks) {
        SmallVector<Value> at;
        for (AffineExpr expr : mask.map.getResults()) {
          if (auto dim = dyn_cast<AffineDimExpr>(expr))
            at.push_back(indices[dim.getPosition()]);
          else if (auto c = dyn_cast<AffineConstantExpr>(expr))
            at.push_back(
                arith::ConstantIndexOp::create(rewriter, loc, c.getValue()));
          else
            llvm_unreachable("checked before the rewrite");
        }
        Value bit = tensor::ExtractOp::create(rewriter, loc, mask.tensor, at);
        if (mask.negated) {
          Value one = arith::ConstantIntOp::create(rewriter, loc, 1, 1);
          bit = arith::XOrIOp::create(rewriter, loc, bit, one);
        }
        allowed =
            allowed ? arith::AndIOp::create(rewriter, loc, allowed, bit) : bit;
      }
      YieldOp::create(rewriter, loc, ValueRange{allowed});
      rewriter.setInsertionPointAfter(op);
    }
    rewriter.replaceOp(replaced, op.getOutput());
    return success();
  }
};

/// The IREE/StableHLO form: the P V product is a 4-D contraction generic.
struct RaiseAttentionFromGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumLoops() != 5 || op.getNumReductionLoops() != 1 ||
        op->getNumResults() != 1)
      return failure();
    return RaiseAttention::raise(op->getResult(0), rewriter);
  }
};

} // namespace

void mlir::attn::populateRaiseFromLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention, RaiseAttentionFromGeneric>(
      patterns.getContext());
}

namespace mlir::attn {
namespace {
struct AttnRaiseFromLinalgPass
    : impl::AttnRaiseFromLinalgPassBase<AttnRaiseFromLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseFromLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::attn
