//===- Evaluator.cpp - the reference interpreter --------------------------===//
//
// Walks a function op by op. attn ops are evaluated by the formula-level
// code of AttentionReference.cpp and TokenReference.cpp; the arith, math and
// tensor ops that programs build around them (element-wise on tensors or on
// scalars inside regions) are evaluated here.
//
//===----------------------------------------------------------------------===//

#include "Evaluator.h"
#include "ScalarSemantics.h"

#include "attn/Analysis/SizeRelations.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Support/MachineMemory.h"
#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::reference;

RefTensor::RefTensor(ElementKind kind, ArrayRef<int64_t> shape)
    : shape(shape.begin(), shape.end()), kind(kind) {
  // (An empty tensor's other sizes may multiply past int64: callers bound
  // the product of non-empty shapes by the machine's memory.)
  int64_t count = 1;
  if (llvm::is_contained(shape, 0))
    count = 0;
  else
    for (int64_t size : shape)
      count *= size;
  data.assign(count, 0.0);
}

int64_t RefTensor::offset(ArrayRef<int64_t> indices) const {
  int64_t result = 0;
  for (auto [index, size] : llvm::zip_equal(indices, shape))
    result = result * size + index;
  return result;
}

RefTensor RefTensor::fromHost(const HostArray &array) {
  RefTensor tensor(array.getKind(), array.getShape());
  for (int64_t i = 0; i < array.getNumElements(); ++i)
    tensor.data[i] = array.get(i);
  return tensor;
}

bool mlir::attn::reference::holdsInteger(Type type) {
  return isa<IntegerType, IndexType>(getElementTypeOrSelf(type));
}

int64_t mlir::attn::reference::saturatingInteger(double value) {
  if (std::isnan(value))
    return 0;
  if (value >= 0x1p63)
    return std::numeric_limits<int64_t>::max();
  if (value < -0x1p63)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

RefScalar RefScalar::of(double value, Type type) {
  return holdsInteger(type) ? ofInteger(saturatingInteger(value))
                            : ofReal(value);
}

double RefScalar::toDouble(Type type) const {
  return holdsInteger(type) ? static_cast<double>(integer) : real;
}

ElementKind mlir::attn::reference::kindOf(Type type) {
  return getElementKind(getElementTypeOrSelf(type)).value_or(ElementKind::F32);
}

LogicalResult Evaluator::fail(Operation *op, const Twine &message) {
  std::string location;
  llvm::raw_string_ostream os(location);
  op->getLoc().print(os);
  error = (location + ": '" + op->getName().getStringRef() + "': " + message)
              .str();
  return failure();
}

/// "2x3x4": a shape in messages.
static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text;
  for (auto [n, size] : llvm::enumerate(shape))
    text += (n ? "x" : "") + std::to_string(size);
  return text;
}

LogicalResult Evaluator::checkResultSize(Operation *op,
                                         ArrayRef<int64_t> shape) {
  // (In doubles: the product of sizes a program computed may overflow.)
  double bytes = sizeof(double);
  for (int64_t size : shape) {
    if (size < 0)
      return fail(op, "would have a negative size: " + shapeText(shape));
    bytes *= static_cast<double>(size);
  }
  double memory = physicalMemoryBytes();
  if (memory > 0 && bytes > memory)
    return fail(op, "would hold " + shapeText(shape) +
                        " elements, more than the reference can keep in this "
                        "machine's " +
                        Twine(static_cast<int64_t>(memory) >> 20) + " MiB");
  return success();
}

LogicalResult Evaluator::run(func::FuncOp func, ArrayRef<RefTensor> args,
                             SmallVector<RefTensor> &results) {
  if (func.getBody().getBlocks().size() != 1)
    return fail(func, "the reference evaluates single-block functions only");
  // Integers are held as int64 (RefScalar): a wider one would wrap where the
  // compiled code computes it exactly.
  Operation *wide = nullptr;
  Type wideType;
  func.walk([&](Operation *op) {
    for (TypeRange types :
         {TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())})
      for (Type type : types)
        if (auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
            integer && integer.getWidth() > 64) {
          wide = op;
          wideType = type;
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  if (wide) {
    std::string type;
    llvm::raw_string_ostream os(type);
    os << wideType;
    return fail(wide, "computes on " + type +
                          "; the reference evaluates integers of at most 64 "
                          "bits");
  }
  SmallVector<RefValue> argValues;
  for (const RefTensor &arg : args)
    argValues.push_back({RefScalar(), std::make_shared<RefTensor>(arg)});
  FailureOr<SmallVector<RefValue>> returned =
      evalBlock(func.getBody().front(), argValues);
  if (failed(returned))
    return failure();
  for (RefValue &value : *returned) {
    if (!value.tensor)
      return fail(func, "the reference supports tensor results only");
    results.push_back(*value.tensor);
  }
  return success();
}

FailureOr<SmallVector<RefValue>> Evaluator::evalBlock(Block &block,
                                                      ArrayRef<RefValue> args) {
  for (auto [arg, value] : llvm::zip_equal(block.getArguments(), args))
    values[arg] = value;
  for (Operation &op : block.without_terminator())
    if (failed(evalOp(&op)) ||
        (options.exactIntegers && failed(checkExactIntegers(&op))))
      return failure();
  SmallVector<RefValue> yielded;
  for (Value operand : block.getTerminator()->getOperands())
    yielded.push_back(values.lookup(operand));
  return yielded;
}

LogicalResult Evaluator::checkExactIntegers(Operation *op) {
  // Tensors hold doubles: an i64 element that arithmetic computes at 2^53
  // or more may be a rounded neighbour (2^53 + 1 reads as 2^53), and a
  // wrong result could pass. Ops that only pass values on (a select, a
  // min or max, casts, reshapes, attn ops' indices) make none; constants
  // are checked exactly as they are read.
  if (!isa_and_present<arith::ArithDialect>(op->getDialect()) ||
      isa<arith::ConstantOp, arith::SelectOp, arith::MaxSIOp, arith::MinSIOp,
          arith::MaxUIOp, arith::MinUIOp, arith::IndexCastOp,
          arith::IndexCastUIOp, arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
          arith::BitcastOp>(op))
    return success();
  constexpr double kExact = 9007199254740992.0; // 2^53
  for (Value result : op->getResults()) {
    if (!isa<TensorType>(result.getType()))
      continue;
    std::shared_ptr<RefTensor> held = values.lookup(result).tensor;
    if (!held || held->kind != ElementKind::I64)
      continue;
    for (auto [index, element] : llvm::enumerate(held->data))
      if (std::abs(element) >= kExact)
        return fail(op, "computes " + Twine(static_cast<int64_t>(element)) +
                            " (element " + Twine(index) + " of result " +
                            Twine(cast<OpResult>(result).getResultNumber()) +
                            "): at or past 2^53, where the reference's "
                            "doubles may have rounded it");
  }
  return success();
}

FailureOr<double> Evaluator::evalScalarRegion(Region &region,
                                              ArrayRef<double> args) {
  Block &body = region.front();
  SmallVector<RefValue> argValues;
  for (auto [arg, value] : llvm::zip_equal(body.getArguments(), args))
    argValues.push_back({RefScalar::of(value, arg.getType()), nullptr});
  FailureOr<SmallVector<RefValue>> yielded = evalBlock(body, argValues);
  if (failed(yielded))
    return failure();
  return yielded->front().scalar.toDouble(
      body.getTerminator()->getOperand(0).getType());
}

LogicalResult Evaluator::evalElementwise(Operation *op) {
  // Scalars.
  bool anyTensor = llvm::any_of(op->getOperandTypes(), llvm::IsaPred<TensorType>);
  if (!anyTensor) {
    SmallVector<RefScalar> operands;
    for (Value operand : op->getOperands())
      operands.push_back(values.lookup(operand).scalar);
    for (OpResult opResult : op->getResults()) {
      std::optional<RefScalar> result =
          evalScalarOp(op, operands, opResult.getResultNumber());
      if (!result)
        return fail(op, "is not supported by the reference");
      // The naive computation rounds a scalar to its type as it rounds each
      // tensor element (a region's bf16 arithmetic included).
      Type type = opResult.getType();
      if (!holdsInteger(type))
        result->real = emulate(result->real, kindOf(type));
      set(opResult, *result);
    }
    return success();
  }
  // Element-wise on tensors of one shape (scalars broadcast, as the select
  // condition may be).
  const RefTensor *shapeSource = nullptr;
  for (auto [n, operand] : llvm::enumerate(op->getOperands())) {
    if (!isa<TensorType>(operand.getType()))
      continue;
    // Dynamic sizes meet only here: operands of one static type may still
    // differ at run time.
    const RefTensor &value = tensor(operand);
    if (shapeSource && value.shape != shapeSource->shape)
      return fail(op, "operand " + Twine(n) + " is " + shapeText(value.shape) +
                          " at run time, but an earlier operand is " +
                          shapeText(shapeSource->shape));
    shapeSource = &value;
  }
  SmallVector<RefScalar> operands(op->getNumOperands());
  for (OpResult opResult : op->getResults()) {
    Type resultType = opResult.getType();
    RefTensor result(kindOf(resultType), shapeSource->shape);
    for (int64_t index = 0; index < result.getNumElements(); ++index) {
      for (auto [n, operand] : llvm::enumerate(op->getOperands()))
        operands[n] =
            isa<TensorType>(operand.getType())
                ? RefScalar::of(tensor(operand).data[index], operand.getType())
                : values.lookup(operand).scalar;
      std::optional<RefScalar> value =
          evalScalarOp(op, operands, opResult.getResultNumber());
      if (!value)
        return fail(op, "is not supported by the reference");
      result.data[index] = emulate(value->toDouble(resultType), result.kind);
    }
    set(opResult, std::move(result));
  }
  return success();
}

LogicalResult Evaluator::evalConstant(Operation *op) {
  Attribute value = cast<arith::ConstantOp>(op).getValue();
  if (auto floatAttr = dyn_cast<FloatAttr>(value)) {
    set(op->getResult(0), floatAttr.getValueAsDouble());
    return success();
  }
  if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
    const APInt &bits = intAttr.getValue();
    set(op->getResult(0),
        RefScalar::ofInteger(intAttr.getType().isInteger(1)
                                 ? static_cast<int64_t>(bits.getZExtValue())
                                 : bits.getSExtValue()));
    return success();
  }
  // A resource blob (a module's parameters) holds the elements as the
  // compiled code reads them.
  DenseElementsAttr dense;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    std::string whyNot;
    dense = denseElementsOfResource(resource, &whyNot);
    if (!dense)
      return fail(op, "reads a constant that cannot be read: " + whyNot);
  } else {
    dense = dyn_cast<DenseElementsAttr>(value);
  }
  if (!dense)
    return fail(op, "has a constant the reference cannot read");
  // Tensors of integers and floats only: a vector constant (the tiled
  // kernels' accumulators) or a complex one is refused, not misread.
  auto type = dyn_cast<RankedTensorType>(dense.getType());
  if (!type || !isa<IntegerType, IndexType, FloatType>(type.getElementType())) {
    std::string typeText;
    llvm::raw_string_ostream os(typeText);
    os << dense.getType();
    return fail(op, "is a constant of " + typeText +
                        "; the reference evaluates tensors of integers and "
                        "floats");
  }
  if (failed(checkResultSize(op, type.getShape())))
    return failure();
  RefTensor result(kindOf(type), type.getShape());
  if (isa<FloatType>(type.getElementType())) {
    int64_t index = 0;
    for (APFloat element : dense.getValues<APFloat>())
      result.data[index++] = element.convertToDouble();
  } else {
    bool isBool = type.getElementType().isInteger(1);
    int64_t index = 0;
    for (APInt element : dense.getValues<APInt>()) {
      int64_t value = isBool ? static_cast<int64_t>(element.getZExtValue())
                             : element.getSExtValue();
      // Tensors hold doubles: every integer up to 2^53, and beyond it
      // only some (powers of two, INT64_MIN) (checkExactIntegers).
      double held = static_cast<double>(value);
      bool exact = held >= -0x1p63 && held < 0x1p63 &&
                   static_cast<int64_t>(held) == value;
      if (options.exactIntegers && !exact)
        return fail(op, "holds " + Twine(value) + " (element " + Twine(index) +
                            "), which the reference's doubles do not hold "
                            "exactly");
      result.data[index++] = held;
    }
  }
  set(op->getResult(0), std::move(result));
  return success();
}

LogicalResult Evaluator::evalGenerate(Operation *op) {
  auto generate = cast<tensor::GenerateOp>(op);
  RankedTensorType type = generate.getType();
  SmallVector<int64_t> shape(type.getShape());
  unsigned dynamic = 0;
  for (int64_t &size : shape)
    if (ShapedType::isDynamic(size))
      size = integer(generate.getDynamicExtents()[dynamic++]);
  if (failed(checkResultSize(op, shape)))
    return failure();
  RefTensor result(kindOf(type), shape);
  SmallVector<double> indices(shape.size());
  for (int64_t index = 0; index < result.getNumElements(); ++index) {
    int64_t rest = index;
    for (int64_t dim = shape.size() - 1; dim >= 0; --dim) {
      indices[dim] = static_cast<double>(rest % shape[dim]);
      rest /= shape[dim];
    }
    FailureOr<double> value = evalScalarRegion(generate.getBody(), indices);
    if (failed(value))
      return failure();
    result.data[index] = *value;
  }
  set(generate.getResult(), std::move(result));
  return success();
}

/// The static sizes of `type`, its open ones from `openSizes` in order.
static SmallVector<int64_t> concreteShape(RankedTensorType type,
                                          ArrayRef<int64_t> openSizes) {
  SmallVector<int64_t> shape(type.getShape());
  unsigned open = 0;
  for (int64_t &size : shape)
    if (ShapedType::isDynamic(size))
      size = openSizes[open++];
  return shape;
}

LogicalResult Evaluator::evalReshape(tensor::ExpandShapeOp op) {
  // Row-major elements are unchanged; each source dimension splits into its
  // group's sizes (the open ones from output_shape), whose product must be
  // the source's size at run time.
  const RefTensor &source = tensor(op.getSrc());
  SmallVector<int64_t> openSizes;
  for (Value size : op.getOutputShape())
    openSizes.push_back(integer(size));
  SmallVector<int64_t> shape = concreteShape(op.getResultType(), openSizes);
  for (auto [dim, group] : llvm::enumerate(op.getReassociationIndices())) {
    int64_t product = 1;
    for (int64_t index : group) {
      if (shape[index] < 0)
        return fail(op, "expands dimension " + Twine(dim) +
                            " to a negative size: " + shapeText(shape));
      // (Sizes a program computed: their product may overflow.)
      if (llvm::MulOverflow(product, shape[index], product))
        return fail(op, "expands dimension " + Twine(dim) + " into " +
                            shapeText(shape) + ", whose group overflows");
    }
    if (product != source.shape[dim])
      return fail(op, "expands dimension " + Twine(dim) + " of size " +
                          Twine(source.shape[dim]) + " into " +
                          shapeText(shape) + ", whose group holds " +
                          Twine(product));
  }
  RefTensor result = source;
  result.shape = std::move(shape);
  set(op.getResult(), std::move(result));
  return success();
}

LogicalResult Evaluator::evalReshape(tensor::CollapseShapeOp op) {
  // Each group of source dimensions becomes one: their product.
  const RefTensor &source = tensor(op.getSrc());
  SmallVector<int64_t> shape;
  for (const ReassociationIndices &group : op.getReassociationIndices()) {
    int64_t product = 1;
    for (int64_t index : group)
      if (llvm::MulOverflow(product, source.shape[index], product))
        return fail(op, "collapses " + shapeText(source.shape) +
                            " into a dimension whose size overflows");
    shape.push_back(product);
  }
  // (The verifier makes a collapsed dimension static only where its
  // group's are, and those the source's type holds.)
  RefTensor result = source;
  result.shape = std::move(shape);
  set(op.getResult(), std::move(result));
  return success();
}

LogicalResult Evaluator::evalCall(Operation *op) {
  auto call = cast<func::CallOp>(op);
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      op, call.getCalleeAttr());
  if (!callee || callee.isExternal())
    return fail(op, "calls '" + call.getCallee() +
                        "', which the module does not define");
  if (!callee.getBody().hasOneBlock())
    return fail(op, "calls '" + call.getCallee() +
                        "': the reference evaluates single-block functions "
                        "only");
  if (!activeCallees.insert(callee).second)
    return fail(op, "calls '" + call.getCallee() +
                        "' while it runs: the reference does not evaluate "
                        "recursion");
  SmallVector<RefValue> args;
  for (Value operand : call.getOperands())
    args.push_back(values.lookup(operand));
  FailureOr<SmallVector<RefValue>> returned =
      evalBlock(callee.getBody().front(), args);
  activeCallees.erase(callee);
  if (failed(returned))
    return failure();
  for (auto [result, value] : llvm::zip_equal(call.getResults(), *returned))
    values[result] = value;
  return success();
}

LogicalResult Evaluator::checkConcreteShapes(Operation *op) {
  // The verifier checked the static sizes; the dynamic ones meet here. A
  // copy of the op over operands of their concrete types (results with the
  // sizes that those fix) must verify too, or the formulas
  // would index past a tensor (a key length that differs from the value
  // length, query heads that are no multiple of the K/V heads).
  bool anyDynamic = llvm::any_of(op->getOperandTypes(), [](Type type) {
    auto tensorType = dyn_cast<RankedTensorType>(type);
    return tensorType && !tensorType.hasStaticShape();
  });
  if (!anyDynamic)
    return success();
  // (A block of its own, in a function of a module of its own: cloning
  // and verifying need a parent chain up to a context.)
  Location loc = op->getLoc();
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(loc);
  SmallVector<Type> types;
  for (Value operand : op->getOperands()) {
    Type type = operand.getType();
    if (auto tensorType = dyn_cast<RankedTensorType>(type))
      type = RankedTensorType::get(tensor(operand).shape,
                                   tensorType.getElementType());
    types.push_back(type);
  }
  // Values the regions read from outside (a constant, a table) become
  // arguments of the scratch function too, of their own types.
  SetVector<Value> outer;
  getUsedValuesDefinedAbove(op->getRegions(), outer);
  for (Value value : outer)
    types.push_back(value.getType());
  OpBuilder builder(op->getContext());
  builder.setInsertionPointToEnd(scratch->getBody());
  auto holder = func::FuncOp::create(builder, loc, "shapes",
                                     builder.getFunctionType(types, {}));
  Block *entry = holder.addEntryBlock();
  IRMapping mapping;
  mapping.map(op->getOperands(),
              entry->getArguments().take_front(op->getNumOperands()));
  mapping.map(outer.getArrayRef(),
              entry->getArguments().drop_front(op->getNumOperands()));
  builder.setInsertionPointToEnd(entry);
  Operation *copy = builder.clone(*op, mapping);
  // Results whose types leave sizes open take those that the operands fix
  // (an op whose result must have its input's type, a causal conv's).
  SizeRelations relations(holder);
  if (!relations.getConflict())
    for (Value result : copy->getResults())
      result.setType(relations.getRefinedType(result));
  std::string message;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler capture(op->getContext(),
                                    [&](Diagnostic &diagnostic) {
                                      if (message.empty())
                                        message = diagnostic.str();
                                      return success();
                                    });
    verified = mlir::verify(copy);
  }
  if (failed(verified))
    return fail(op, "the arguments' shapes break its rules: " + message);
  return success();
}

LogicalResult Evaluator::evalOp(Operation *op) {
  if (isa_and_present<AttnDialect>(op->getDialect()) &&
      failed(checkConcreteShapes(op)))
    return failure();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](AttentionOp attention) { return evalAttention(attention); })
      .Case([&](BlockScoresOp scores) { return evalBlockScores(scores); })
      .Case([&](CompressOp compress) { return evalCompress(compress); })
      .Case([&](TopkOp topk) { return evalTopk(topk); })
      .Case([&](MergeOp merge) { return evalMerge(merge); })
      .Case(
          [&](LinearAttentionOp linear) { return evalLinearAttention(linear); })
      .Case([&](CausalConvOp conv) { return evalCausalConv(conv); })
      .Case([&](arith::ConstantOp) { return evalConstant(op); })
      .Case([&](tensor::GenerateOp) { return evalGenerate(op); })
      .Case([&](tensor::SplatOp splat) {
        // The scalar at every index of the type's shape, its open sizes
        // from the operands.
        RankedTensorType type = splat.getType();
        SmallVector<int64_t> shape(type.getShape());
        unsigned dynamic = 0;
        for (int64_t &size : shape)
          if (ShapedType::isDynamic(size))
            size = integer(splat.getDynamicSizes()[dynamic++]);
        if (failed(checkResultSize(op, shape)))
          return failure();
        RefTensor result(kindOf(type), shape);
        std::fill(result.data.begin(), result.data.end(),
                  scalar(splat.getInput()));
        set(splat.getResult(), std::move(result));
        return success();
      })
      .Case([&](tensor::ExtractOp extract) {
        const RefTensor &source = tensor(extract.getTensor());
        SmallVector<int64_t> indices;
        for (Value index : extract.getIndices())
          indices.push_back(integer(index));
        for (auto [index, size] : llvm::zip_equal(indices, source.shape))
          if (index < 0 || index >= size)
            return fail(op, "reads out of bounds");
        set(extract.getResult(), source.at(indices));
        return success();
      })
      .Case([&](scf::ForOp loop) {
        // A loop over attn ops (a layer applied repeatedly, say): the body
        // once per iteration, its yields carried.
        SmallVector<RefValue> carried;
        for (Value init : loop.getInitArgs())
          carried.push_back(values.lookup(init));
        int64_t lower = integer(loop.getLowerBound());
        int64_t upper = integer(loop.getUpperBound());
        int64_t step = integer(loop.getStep());
        if (step <= 0)
          return fail(op, "has a step that is not positive");
        // (Stepping past INT64_MAX would wrap: count the iterations.)
        uint64_t trips =
            lower < upper
                ? (uint64_t(upper) - uint64_t(lower) - 1) / uint64_t(step) + 1
                : 0;
        for (uint64_t trip = 0; trip < trips; ++trip) {
          int64_t iv = int64_t(uint64_t(lower) + trip * uint64_t(step));
          SmallVector<RefValue> args{RefValue{RefScalar::ofInteger(iv), {}}};
          args.append(carried);
          FailureOr<SmallVector<RefValue>> yielded =
              evalBlock(*loop.getBody(), args);
          if (failed(yielded))
            return failure();
          carried = std::move(*yielded);
        }
        for (auto [result, value] : llvm::zip_equal(loop.getResults(), carried))
          values[result] = value;
        return success();
      })
      .Case([&](tensor::CastOp castOp) {
        // The same elements; a static size of the new type must hold.
        const RefTensor &source = tensor(castOp.getSource());
        auto type = dyn_cast<RankedTensorType>(castOp.getType());
        if (!type)
          return fail(op, "is not supported by the reference (unranked)");
        for (auto [dim, size] : llvm::enumerate(type.getShape()))
          if (!ShapedType::isDynamic(size) && size != source.shape[dim])
            return fail(op, "casts a tensor whose dimension " + Twine(dim) +
                                " is " + Twine(source.shape[dim]) +
                                " to a type that fixes it to " + Twine(size));
        values[castOp.getResult()] = values.lookup(castOp.getSource());
        return success();
      })
      .Case([&](scf::IfOp branch) {
        // The taken region's block; an if without else yields nothing.
        Region &taken = integer(branch.getCondition()) != 0
                            ? branch.getThenRegion()
                            : branch.getElseRegion();
        if (taken.empty())
          return success();
        FailureOr<SmallVector<RefValue>> yielded = evalBlock(taken.front(), {});
        if (failed(yielded))
          return failure();
        for (auto [result, value] :
             llvm::zip_equal(branch.getResults(), *yielded))
          values[result] = value;
        return success();
      })
      .Case<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
          [&](auto reshape) { return evalReshape(reshape); })
      .Case([&](func::CallOp) { return evalCall(op); })
      .Case([&](tensor::DimOp dim) {
        const RefTensor &source = tensor(dim.getSource());
        int64_t which = integer(dim.getIndex());
        if (which < 0 || which >= static_cast<int64_t>(source.shape.size()))
          return fail(op, "reads dimension " + Twine(which) + " of a rank-" +
                              Twine(source.shape.size()) + " tensor");
        set(dim.getResult(), RefScalar::ofInteger(source.shape[which]));
        return success();
      })
      .Default([&](Operation *other) {
        // (math.sincos: two results of one type, element by element.)
        if (isa_and_present<arith::ArithDialect, math::MathDialect>(
                other->getDialect()) &&
            (other->getNumResults() == 1 || isa<math::SincosOp>(other)))
          return evalElementwise(other);
        if (isa<arith::AddUIExtendedOp, arith::MulSIExtendedOp,
                arith::MulUIExtendedOp>(other) &&
            !llvm::any_of(other->getOperandTypes(),
                          llvm::IsaPred<TensorType>)) {
          SmallVector<RefScalar> operands;
          for (Value operand : other->getOperands())
            operands.push_back(values.lookup(operand).scalar);
          auto results = evalExtendedOp(other, operands);
          set(other->getResult(0), results->first);
          set(other->getResult(1), results->second);
          return success();
        }
        return fail(other, "is not supported by the reference");
      });
}

FailureOr<ReferenceResult>
mlir::attn::evaluateReference(func::FuncOp func, ArrayRef<RefTensor> args,
                              const ReferenceOptions &options,
                              std::string &error) {
  Evaluator evaluator(options, error);
  ReferenceResult result;
  if (failed(evaluator.run(func, args, result.results)))
    return failure();
  result.flops = evaluator.getFlops();
  result.topks = evaluator.takeTopks();
  return result;
}
