//===- MaskRecognition.cpp - masks of front-end IR as attn atoms ----------===//

#include "MaskRecognition.h"

#include "attn/Dialect/Attn/IR/AttnAttrs.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::attn;

namespace {
// Scalars are doubles. An integer or index holds its signed value at its
// width (i1 true is -1), exact below 2^53 (larger values are not
// evaluated); a float is rounded to its type after each operation.

/// The bit width of an integer or index type (index: 64).
unsigned widthOf(Type type) {
  return type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
}

/// `v` wrapped to a signed `width`-bit integer; none when it is not an
/// integer below 2^53.
std::optional<double> wrapSigned(double v, unsigned width) {
  if (width == 0 || width > 64 || !(std::fabs(v) < 0x1p53) ||
      v != std::trunc(v))
    return std::nullopt;
  return static_cast<double>(llvm::SignExtend64(
      static_cast<uint64_t>(static_cast<int64_t>(v)), width));
}

/// The unsigned value of a signed `width`-bit `v`; none past 2^53.
std::optional<double> asUnsigned(double v, unsigned width) {
  if (v >= 0)
    return v;
  if (width > 52)
    return std::nullopt;
  return v + std::ldexp(1.0, width);
}

/// `v` rounded to float type `type` as the program's arithmetic rounds it.
double roundTo(Type type, double v) {
  APFloat value(v);
  bool losesInfo;
  value.convert(cast<FloatType>(type).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &losesInfo);
  return value.convertToDouble();
}

/// Evaluates a dataflow of static tensors; gives up on anything else.
class Evaluator {
public:
  explicit Evaluator(int64_t maxElements) : maxElements(maxElements) {}

  std::optional<KnownTensor> evaluate(Value value) {
    auto it = cache.find(value);
    if (it != cache.end())
      return it->second;
    std::optional<KnownTensor> result = compute(value);
    cache[value] = result;
    return result;
  }

private:
  std::optional<KnownTensor> compute(Value value) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !elementCountAtMost(type.getShape(), maxElements))
      return std::nullopt;
    KnownTensor result;
    result.shape.assign(type.getShape().begin(), type.getShape().end());
    Operation *op = value.getDefiningOp();
    if (!op)
      return std::nullopt;
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      return fromAttribute(constant.getValue(), result);
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      std::optional<double> scalar = scalarOf(fill.getInputs()[0]);
      if (!scalar)
        return std::nullopt;
      result.values.assign(type.getNumElements(), *scalar);
      return result;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      std::optional<KnownTensor> source = evaluate(op->getOperand(0));
      if (!source)
        return std::nullopt;
      result.values = std::move(source->values); // row-major order is kept
      return result;
    }
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      return evaluateGeneric(generic, cast<OpResult>(value).getResultNumber(),
                             result);
    return std::nullopt;
  }

  static std::optional<double> scalarOf(Value value) {
    Attribute attr;
    if (auto constant = value.getDefiningOp<arith::ConstantOp>())
      attr = constant.getValue();
    if (auto floatAttr = dyn_cast_or_null<FloatAttr>(attr))
      return floatAttr.getValueAsDouble();
    if (auto intAttr = dyn_cast_or_null<IntegerAttr>(attr);
        intAttr && intAttr.getValue().getSignificantBits() <= 64)
      return wrapSigned(static_cast<double>(intAttr.getValue().getSExtValue()),
                        widthOf(intAttr.getType()));
    return std::nullopt;
  }

  static std::optional<KnownTensor> fromAttribute(Attribute attr,
                                                  KnownTensor &result) {
    if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
      Type element = dense.getElementType();
      if (isa<FloatType>(element)) {
        for (APFloat v : dense.getValues<APFloat>())
          result.values.push_back(v.convertToDouble());
      } else if (element.isInteger(1)) {
        for (bool v : dense.getValues<bool>())
          result.values.push_back(v ? -1.0 : 0.0);
      } else if (isa<IntegerType, IndexType>(element) &&
                 widthOf(element) <= 64) {
        for (APInt v : dense.getValues<APInt>()) {
          std::optional<double> value = wrapSigned(
              static_cast<double>(v.getSExtValue()), widthOf(element));
          if (!value)
            return std::nullopt;
          result.values.push_back(*value);
        }
      } else {
        return std::nullopt;
      }
      return result;
    }
    // A constant buffer (a registered torch buffer) in a resource blob.
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
      if (DenseElementsAttr dense = denseElementsOfResource(resource))
        return fromAttribute(dense, result);
    return std::nullopt;
  }

  /// One element-wise generic (all loops parallel, projected indexing maps)
  /// evaluated at every point of its iteration space.
  std::optional<KnownTensor> evaluateGeneric(linalg::GenericOp op,
                                             unsigned resultNumber,
                                             KnownTensor &result) {
    if (op.getNumReductionLoops() != 0)
      return std::nullopt;
    SmallVector<KnownTensor> inputs;
    for (Value input : op.getDpsInputs()) {
      if (auto tensorType = dyn_cast<RankedTensorType>(input.getType())) {
        std::optional<KnownTensor> known = evaluate(input);
        if (!known)
          return std::nullopt;
        inputs.push_back(std::move(*known));
      } else {
        std::optional<double> scalar = scalarOf(input);
        if (!scalar)
          return std::nullopt;
        inputs.push_back(KnownTensor{{}, {*scalar}});
      }
    }
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    int64_t rank = result.shape.size();
    // The result is written through its map: a permutation of the loops.
    AffineMap resultMap =
        op.getMatchingIndexingMap(op.getDpsInitOperand(resultNumber));
    if (op.getNumLoops() != unsigned(rank) || !resultMap.isPermutation())
      return std::nullopt;
    // The loop sizes: loop resultMap(d) runs over the result's dim d.
    SmallVector<int64_t> loopSizes(rank);
    for (auto [d, expr] : llvm::enumerate(resultMap.getResults()))
      loopSizes[cast<AffineDimExpr>(expr).getPosition()] = result.shape[d];
    int64_t count = 1;
    for (int64_t size : result.shape)
      count *= size;
    result.values.assign(count, 0.0);
    Block &body = op.getRegion().front();
    SmallVector<int64_t> point(rank, 0);
    // Every point writes the body's arguments and results before reading
    // them, so one map serves all points (allocating one a point was most
    // of the time at 2^24 points).
    llvm::DenseMap<Value, double> env;
    for (int64_t flat = 0; flat < count; ++flat) {
      // The point of the iteration space (row-major), and the result
      // element it writes.
      for (int64_t d = rank - 1, rest = flat; d >= 0; --d) {
        point[d] = rest % loopSizes[d];
        rest /= loopSizes[d];
      }
      int64_t written = 0;
      for (auto [d, expr] : llvm::enumerate(resultMap.getResults()))
        written = written * result.shape[d] +
                  point[cast<AffineDimExpr>(expr).getPosition()];
      for (auto [index, input] : llvm::enumerate(inputs)) {
        int64_t offset = 0;
        AffineMap map = maps[index];
        for (auto [d, expr] : llvm::enumerate(map.getResults())) {
          int64_t coordinate;
          if (auto dim = dyn_cast<AffineDimExpr>(expr))
            coordinate = point[dim.getPosition()];
          else if (auto c = dyn_cast<AffineConstantExpr>(expr))
            coordinate = c.getValue();
          else
            return std::nullopt;
          if (coordinate < 0 || coordinate >= input.shape[d])
            return std::nullopt;
          offset = offset * input.shape[d] + coordinate;
        }
        env[body.getArgument(index)] = input.values[offset];
      }
      for (Operation &inner : body) {
        if (auto yield = dyn_cast<linalg::YieldOp>(inner)) {
          auto it = env.find(yield.getOperand(resultNumber));
          if (it == env.end()) {
            std::optional<double> scalar =
                scalarOf(yield.getOperand(resultNumber));
            if (!scalar)
              return std::nullopt;
            result.values[written] = *scalar;
          } else {
            result.values[written] = it->second;
          }
          break;
        }
        std::optional<double> v = evaluateScalarOp(inner, env, point);
        if (!v)
          return std::nullopt;
        env[inner.getResult(0)] = *v;
      }
    }
    return result;
  }

public:
  static std::optional<double>
  evaluateScalarOp(Operation &op, llvm::DenseMap<Value, double> &env,
                   ArrayRef<int64_t> point) {
    if (op.getNumResults() != 1)
      return std::nullopt;
    auto operand = [&](unsigned i) -> std::optional<double> {
      Value v = op.getOperand(i);
      auto it = env.find(v);
      if (it != env.end())
        return it->second;
      return scalarOf(v);
    };
    Type resultType = op.getResult(0).getType();
    if (auto index = dyn_cast<linalg::IndexOp>(op))
      return static_cast<double>(point[index.getDim()]);
    if (auto constant = dyn_cast<arith::ConstantOp>(op))
      return scalarOf(constant);
    SmallVector<double> args;
    for (unsigned i = 0; i < op.getNumOperands(); ++i) {
      std::optional<double> v = operand(i);
      if (!v)
        return std::nullopt;
      args.push_back(*v);
    }
    auto sourceWidth = [&] { return widthOf(op.getOperand(0).getType()); };
    // Conversions.
    if (isa<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(op))
      return wrapSigned(args[0], widthOf(resultType));
    if (isa<arith::IndexCastUIOp, arith::ExtUIOp>(op)) {
      std::optional<double> value = asUnsigned(args[0], sourceWidth());
      return value ? wrapSigned(*value, widthOf(resultType)) : std::nullopt;
    }
    if (isa<arith::SIToFPOp>(op))
      return roundTo(resultType, args[0]);
    if (isa<arith::UIToFPOp>(op)) {
      std::optional<double> value = asUnsigned(args[0], sourceWidth());
      return value ? std::optional(roundTo(resultType, *value)) : std::nullopt;
    }
    if (isa<arith::ExtFOp>(op))
      return args[0];
    if (isa<arith::TruncFOp>(op))
      return roundTo(resultType, args[0]);
    if (isa<arith::FPToSIOp>(op)) {
      // Out of range is poison: not evaluated.
      double truncated = std::trunc(args[0]);
      double limit = std::ldexp(1.0, widthOf(resultType) - 1);
      if (!(truncated >= -limit && truncated < limit))
        return std::nullopt;
      return wrapSigned(truncated, widthOf(resultType));
    }
    // Integer arithmetic wraps at the result's width.
    if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(op)) {
      double exact = isa<arith::AddIOp>(op)   ? args[0] + args[1]
                     : isa<arith::SubIOp>(op) ? args[0] - args[1]
                                              : args[0] * args[1];
      return wrapSigned(exact, widthOf(resultType));
    }
    // Division by zero and signed overflow are undefined: not evaluated.
    if (isa<arith::DivSIOp, arith::RemSIOp, arith::FloorDivSIOp,
            arith::CeilDivSIOp>(op)) {
      auto a = static_cast<int64_t>(args[0]), b = static_cast<int64_t>(args[1]);
      if (b == 0 || (b == -1 && args[0] == -std::ldexp(1.0, sourceWidth() - 1)))
        return std::nullopt;
      int64_t quotient = a / b, remainder = a % b;
      if (isa<arith::RemSIOp>(op))
        return static_cast<double>(remainder);
      // Truncation rounds towards zero: one step down (floor) or up (ceil)
      // where the remainder is non-zero and the signs say so.
      bool negative = (remainder < 0) != (b < 0);
      if (isa<arith::FloorDivSIOp>(op) && remainder != 0 && negative)
        --quotient;
      if (isa<arith::CeilDivSIOp>(op) && remainder != 0 && !negative)
        ++quotient;
      return static_cast<double>(quotient);
    }
    if (isa<arith::DivUIOp, arith::RemUIOp>(op)) {
      std::optional<double> a = asUnsigned(args[0], sourceWidth());
      std::optional<double> b = asUnsigned(args[1], sourceWidth());
      if (!a || !b || *b == 0)
        return std::nullopt;
      auto x = static_cast<uint64_t>(*a), y = static_cast<uint64_t>(*b);
      return wrapSigned(
          static_cast<double>(isa<arith::DivUIOp>(op) ? x / y : x % y),
          widthOf(resultType));
    }
    if (isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(op)) {
      auto a = static_cast<int64_t>(args[0]), b = static_cast<int64_t>(args[1]);
      int64_t bits = isa<arith::AndIOp>(op)  ? (a & b)
                     : isa<arith::OrIOp>(op) ? (a | b)
                                             : (a ^ b);
      return wrapSigned(static_cast<double>(bits), widthOf(resultType));
    }
    if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp>(op)) {
      double exact = isa<arith::AddFOp>(op)   ? args[0] + args[1]
                     : isa<arith::SubFOp>(op) ? args[0] - args[1]
                                              : args[0] * args[1];
      return roundTo(resultType, exact);
    }
    if (isa<arith::SelectOp>(op))
      return args[0] != 0 ? args[1] : args[2];
    // Comparisons give i1: true is -1.
    auto boolean = [](bool b) { return b ? -1.0 : 0.0; };
    if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
      double a = args[0], b = args[1];
      switch (cmp.getPredicate()) {
      case arith::CmpIPredicate::eq:
        return boolean(a == b);
      case arith::CmpIPredicate::ne:
        return boolean(a != b);
      case arith::CmpIPredicate::slt:
        return boolean(a < b);
      case arith::CmpIPredicate::sle:
        return boolean(a <= b);
      case arith::CmpIPredicate::sgt:
        return boolean(a > b);
      case arith::CmpIPredicate::sge:
        return boolean(a >= b);
      default:
        break;
      }
      // Unsigned order: negative values (2^w + v) above the others.
      auto ua = std::make_pair(a < 0, a), ub = std::make_pair(b < 0, b);
      switch (cmp.getPredicate()) {
      case arith::CmpIPredicate::ult:
        return boolean(ua < ub);
      case arith::CmpIPredicate::ule:
        return boolean(ua <= ub);
      case arith::CmpIPredicate::ugt:
        return boolean(ua > ub);
      case arith::CmpIPredicate::uge:
        return boolean(ua >= ub);
      default:
        return std::nullopt;
      }
    }
    if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
      double a = args[0], b = args[1];
      // Ordered predicates are false on a NaN, unordered ones true.
      bool unordered = std::isnan(a) || std::isnan(b);
      using P = arith::CmpFPredicate;
      switch (cmp.getPredicate()) {
      case P::OEQ:
        return boolean(!unordered && a == b);
      case P::ONE:
        return boolean(!unordered && a != b);
      case P::OLT:
        return boolean(!unordered && a < b);
      case P::OLE:
        return boolean(!unordered && a <= b);
      case P::OGT:
        return boolean(!unordered && a > b);
      case P::OGE:
        return boolean(!unordered && a >= b);
      case P::UEQ:
        return boolean(unordered || a == b);
      case P::UNE:
        return boolean(unordered || a != b);
      case P::ULT:
        return boolean(unordered || a < b);
      case P::ULE:
        return boolean(unordered || a <= b);
      case P::UGT:
        return boolean(unordered || a > b);
      case P::UGE:
        return boolean(unordered || a >= b);
      default:
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

private:
  int64_t maxElements;
  llvm::DenseMap<Value, std::optional<KnownTensor>> cache;
};
} // namespace

std::optional<IndexExpression> IndexExpression::get(Value value) {
  IndexExpression expression;
  // Post-order over the defining ops, each once: an op is appended after
  // every op its non-constant operands come from.
  llvm::DenseSet<Operation *> visited;
  SmallVector<std::pair<Operation *, unsigned>> stack;
  auto visit = [&](Value v) -> bool {
    Operation *op = v.getDefiningOp();
    if (!op || op->getNumResults() != 1)
      return false;
    if (visited.insert(op).second)
      stack.push_back({op, 0});
    return true;
  };
  if (!visit(value))
    return std::nullopt;
  while (!stack.empty()) {
    Operation *op = stack.back().first;
    unsigned next = stack.back().second++;
    if (next == op->getNumOperands()) {
      expression.ops.push_back(op);
      stack.pop_back();
      continue;
    }
    Value operand = op->getOperand(next);
    if (operand.getDefiningOp<arith::ConstantOp>())
      continue; // read by the evaluator directly
    if (!visit(operand))
      return std::nullopt;
  }
  return expression;
}

std::optional<double> IndexExpression::evaluate(ArrayRef<int64_t> point) {
  std::optional<double> last;
  for (Operation *op : ops) {
    last = Evaluator::evaluateScalarOp(*op, values, point);
    if (!last)
      return std::nullopt;
    values[op->getResult(0)] = *last;
  }
  return last;
}

bool mlir::attn::elementCountAtMost(ArrayRef<int64_t> shape,
                                    int64_t maxElements) {
  if (llvm::any_of(shape, [](int64_t size) { return size < 0; }))
    return false; // dynamic
  if (llvm::is_contained(shape, 0))
    return true;
  int64_t count = 1;
  for (int64_t size : shape) {
    if (count > maxElements / size)
      return false;
    count *= size;
  }
  return true;
}

std::optional<KnownTensor>
mlir::attn::evaluateConstantTensor(Value value, int64_t maxElements) {
  return Evaluator(maxElements).evaluate(value);
}

/// A window (or causal, or everything) equal to `allowed`, as
/// recognizeMaskAtoms.
static std::optional<SmallVector<Attribute>>
recognizeWindow(MLIRContext *context, int64_t queries, int64_t keys,
                llvm::function_ref<bool(int64_t, int64_t)> allowed) {
  // Every row must allow one contiguous run [pos(i) - left, pos(i) + right]
  // clipped to the keys, with the same left and right on every row whose
  // run the clipping does not decide.
  std::optional<int64_t> left, right;
  bool everything = true;
  int64_t minLeft = 0, minRight = 0;
  for (int64_t i = 0; i < queries; ++i) {
    int64_t pos = i + keys - queries;
    int64_t first = -1, last = -1;
    for (int64_t j = 0; j < keys; ++j) {
      if (!allowed(i, j)) {
        everything = false;
        continue;
      }
      if (first < 0)
        first = j;
      else if (last != j - 1)
        return std::nullopt; // not contiguous
      last = j;
    }
    if (first < 0) {
      // An empty row: a window over negative positions (decode alignment).
      if (pos >= 0)
        return std::nullopt;
      continue;
    }
    int64_t rowLeft = pos - first, rowRight = last - pos;
    if (rowLeft < 0 && first != 0)
      return std::nullopt;
    // Unclipped sides pin the window; clipped ones bound it from below.
    if (first > 0) {
      if (left && *left != rowLeft)
        return std::nullopt;
      left = rowLeft;
    } else {
      minLeft = std::max(minLeft, rowLeft);
    }
    if (last < keys - 1) {
      if (right && *right != rowRight)
        return std::nullopt;
      right = rowRight;
    } else {
      minRight = std::max(minRight, rowRight);
    }
  }
  if (everything)
    return SmallVector<Attribute>{};
  int64_t l = left.value_or(std::max<int64_t>(minLeft, keys - 1));
  int64_t r = right.value_or(std::max<int64_t>(minRight, keys - 1));
  if (l < minLeft || r < minRight || l < 0 || r < 0)
    return std::nullopt;
  // Check the candidate exactly (clipping may hide an inconsistency).
  for (int64_t i = 0; i < queries; ++i) {
    int64_t pos = i + keys - queries;
    for (int64_t j = 0; j < keys; ++j)
      if (allowed(i, j) != (j >= pos - l && j <= pos + r))
        return std::nullopt;
  }
  if (r == 0 && l >= keys - 1)
    return SmallVector<Attribute>{CausalAttr::get(context, 1)};
  return SmallVector<Attribute>{WindowAttr::get(context, l, r)};
}

/// Chunks of C positions, alone or under causal (Llama 4's chunked local
/// attention), equal to `allowed`. Each row allows one run of keys (none
/// for rows before the keys) starting on a chunk boundary, so C divides
/// the gcd of the positive starts (with none, every position is in the
/// first chunk: C = Lkv); each divisor is checked exactly, the largest
/// first. A row with two runs ends the search at once.
static std::optional<SmallVector<Attribute>>
recognizeChunked(MLIRContext *context, int64_t queries, int64_t keys,
                 llvm::function_ref<bool(int64_t, int64_t)> allowed) {
  int64_t starts = 0;
  for (int64_t i = 0; i < queries; ++i) {
    bool previous = false, ended = false;
    for (int64_t j = 0; j < keys; ++j) {
      bool current = allowed(i, j);
      if (current && !previous) {
        if (ended)
          return std::nullopt;
        if (j > 0)
          starts = std::gcd(starts, j);
      }
      ended |= previous && !current;
      previous = current;
    }
  }
  if (starts == 0)
    starts = keys;
  for (int64_t size = starts; size >= 1; --size) {
    if (starts % size != 0)
      continue;
    for (bool causal : {false, true}) {
      auto matches = [&]() {
        for (int64_t i = 0; i < queries; ++i) {
          int64_t pos = i + keys - queries;
          for (int64_t j = 0; j < keys; ++j) {
            bool chunk = pos >= 0 && pos / size == j / size;
            if (allowed(i, j) != (chunk && (!causal || j <= pos)))
              return false;
          }
        }
        return true;
      };
      if (!matches())
        continue;
      SmallVector<Attribute> atoms;
      if (causal)
        atoms.push_back(CausalAttr::get(context, 1));
      atoms.push_back(ChunkedAttr::get(context, size));
      return atoms;
    }
  }
  return std::nullopt;
}

std::optional<SmallVector<Attribute>> mlir::attn::recognizeMaskAtoms(
    MLIRContext *context, int64_t queries, int64_t keys,
    llvm::function_ref<bool(int64_t, int64_t)> allowed) {
  if (std::optional<SmallVector<Attribute>> window =
          recognizeWindow(context, queries, keys, allowed))
    return window;
  return recognizeChunked(context, queries, keys, allowed);
}
