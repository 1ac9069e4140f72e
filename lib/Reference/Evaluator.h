//===- Evaluator.h - the reference interpreter's machinery ------*- C++ -*-===//

#ifndef ATTN_LIB_REFERENCE_EVALUATOR_H
#define ATTN_LIB_REFERENCE_EVALUATOR_H

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Reference/Reference.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <cmath>
#include <memory>

namespace mlir::attn::reference {

/// A scalar during evaluation. Its type says which field it uses: an
/// integer or index holds its signed value at its width (i1 as 0 or 1),
/// exactly, so wrapping arithmetic near 2^63 evaluates as the compiled code
/// does; a float holds a double.
struct RefScalar {
  double real = 0;
  int64_t integer = 0;

  static RefScalar ofReal(double value) { return {value, 0}; }
  static RefScalar ofInteger(int64_t value) { return {0, value}; }
  /// `value` as a scalar of `type` (an integer's value converted, saturating
  /// at int64's range, NaN as 0).
  static RefScalar of(double value, Type type);
  /// The scalar of `type` as a double (integers rounded past 2^53).
  double toDouble(Type type) const;
};

/// Whether scalars of `type` (or of its elements) are held as integers.
bool holdsInteger(Type type);

/// `value` truncated to an int64, saturating (an out-of-range conversion is
/// poison in arith; this keeps it defined here), NaN as 0.
int64_t saturatingInteger(double value);

/// A value during evaluation: a scalar or a tensor. (Tensors hold doubles,
/// exact for the integer tensors programs pass: indices, segments, masks.)
struct RefValue {
  RefScalar scalar;
  std::shared_ptr<RefTensor> tensor;
};

class Evaluator {
public:
  Evaluator(const ReferenceOptions &options, std::string &error)
      : options(options), error(error) {}

  LogicalResult run(func::FuncOp func, ArrayRef<RefTensor> args,
                    SmallVector<RefTensor> &results);

  double getFlops() const { return flops; }
  /// The attn.topk evaluations' scores and choices (with recordTopks).
  SmallVector<ReferenceResult::Topk> takeTopks() { return std::move(topks); }

  /// Evaluates `block` with its arguments bound to `args`; returns the
  /// values its terminator yields.
  FailureOr<SmallVector<RefValue>> evalBlock(Block &block,
                                             ArrayRef<RefValue> args);
  /// Evaluates a single-block region on scalars and returns its one result.
  FailureOr<double> evalScalarRegion(Region &region, ArrayRef<double> args);

  const RefTensor &tensor(Value value) { return *values.lookup(value).tensor; }
  /// A scalar as a double (a float's value, an integer's converted).
  double scalar(Value value) {
    return values.lookup(value).scalar.toDouble(value.getType());
  }
  /// An integer or index scalar's exact value.
  int64_t integer(Value value) { return values.lookup(value).scalar.integer; }
  void set(Value value, RefTensor tensor) {
    values[value].tensor = std::make_shared<RefTensor>(std::move(tensor));
  }
  void set(Value value, RefScalar scalar) { values[value].scalar = scalar; }
  void set(Value value, double scalar) {
    values[value].scalar = RefScalar::of(scalar, value.getType());
  }

  LogicalResult fail(Operation *op, const Twine &message);

  /// Fails where a tensor `op` computed holds an i64 element the doubles
  /// cannot hold exactly (its magnitude 2^53 or more).
  LogicalResult checkExactIntegers(Operation *op);

  /// Fails unless a result of `op` of `shape` (sizes a program computed: a
  /// top-k's k, a generated or constant tensor's) has no negative size and
  /// its elements (8 bytes each here) fit in the machine's memory.
  LogicalResult checkResultSize(Operation *op, ArrayRef<int64_t> shape);

  /// Where `op` has operands of dynamic shape: fails, with the verifier's
  /// message, unless the op verifies with their concrete shapes.
  LogicalResult checkConcreteShapes(Operation *op);

  /// Rounds to `kind` when emulating the program's precision.
  /// Without emulation, keeps a double's precision but the type's range: a
  /// finite value that the type cannot hold (exp(100) in f32) is the
  /// infinity the program computes.
  double emulate(double value, ElementKind kind) const {
    double rounded = roundToElement(value, kind);
    if (options.emulateElementPrecision)
      return rounded;
    return std::isinf(rounded) ? rounded : value;
  }
  /// An intermediate (a score, a probability, a feature map's value, a
  /// linear attention's weight) in f32's range, not `kind`'s: the compiled
  /// code holds intermediates in f32, as docs/Semantics.md's accumulation
  /// does, so an f16 program's score of 1e5 is 1e5, not the infinity that
  /// f16 would hold. Emulating the program's precision, it is rounded as
  /// `kind` rounds, subnormals included (the naive computation's rounding),
  /// but without f16's overflow, which would leave no error to bound the
  /// check by.
  double emulateIntermediate(double value, ElementKind kind) const {
    if (!options.emulateElementPrecision)
      return emulate(value, ElementKind::F32);
    double single = static_cast<float>(value);
    // Below f16's largest finite value (65504) f16's own rounding applies.
    if (kind != ElementKind::F16 || !std::isfinite(single) ||
        std::fabs(single) <= 65504.0)
      return roundToElement(value, kind);
    // f16's 11 significant bits (frexp's fraction is in [0.5, 1)).
    int exponent;
    double fraction = std::frexp(single, &exponent);
    return static_cast<float>(
        std::ldexp(std::nearbyint(std::ldexp(fraction, 11)), exponent - 11));
  }
  bool isEmulating() const { return options.emulateElementPrecision; }
  void addFlops(double count) { flops += count; }

  // attn ops (AttentionReference.cpp, TokenReference.cpp).
  LogicalResult evalAttention(AttentionOp op);
  LogicalResult evalBlockScores(BlockScoresOp op);
  LogicalResult evalCompress(CompressOp op);
  LogicalResult evalTopk(TopkOp op);
  LogicalResult evalMerge(MergeOp op);
  LogicalResult evalLinearAttention(LinearAttentionOp op);
  LogicalResult evalCausalConv(CausalConvOp op);

private:
  LogicalResult evalOp(Operation *op);
  LogicalResult evalElementwise(Operation *op);
  LogicalResult evalConstant(Operation *op);
  LogicalResult evalGenerate(Operation *op);
  LogicalResult evalCall(Operation *op);
  LogicalResult evalReshape(tensor::ExpandShapeOp op);
  LogicalResult evalReshape(tensor::CollapseShapeOp op);

  ReferenceOptions options;
  std::string &error;
  /// attn.topk evaluations so far, and their scores and choices when
  /// recorded.
  int64_t topkEvaluations = 0;
  SmallVector<ReferenceResult::Topk> topks;
  llvm::DenseMap<Value, RefValue> values;
  /// The functions whose calls are being evaluated (a callee's values live
  /// in `values`, so it must not be entered again while it runs).
  llvm::SmallPtrSet<Operation *, 4> activeCallees;
  double flops = 0;
};

/// The element kind of a tensor or scalar type (f32 if unknown).
ElementKind kindOf(Type type);

/// The entries of a row of top-k scores that may be chosen (neither -inf
/// nor NaN), best first: larger scores first, ties to the lower index.
void orderTopkCandidates(const double *row, int64_t width,
                         std::vector<int64_t> &order);

} // namespace mlir::attn::reference

#endif // ATTN_LIB_REFERENCE_EVALUATOR_H
