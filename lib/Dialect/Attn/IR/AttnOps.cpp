//===- AttnOps.cpp - attn operation verifiers and syntax ------------------===//

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "ShapeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::detail;

/// `normalizer(...)`: any attribute is parsed, so that one that is not a
/// normaliser is named (the generated parser said only "invalid kind of
/// attribute specified").
static ParseResult parseNormalizer(OpAsmParser &parser,
                                   NormalizerAttrInterface &normalizer) {
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  normalizer = dyn_cast<NormalizerAttrInterface>(attr);
  if (!normalizer)
    return parser.emitError(loc)
           << "'normalizer' expects a normaliser (#attn.softmax or "
              "#attn.sigmoid<bias>), but got "
           << attr;
  return success();
}

static void printNormalizer(OpAsmPrinter &printer, Operation *,
                            NormalizerAttrInterface normalizer) {
  printer.printAttribute(normalizer);
}

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/IR/AttnOps.cpp.inc"

static constexpr int64_t kDyn = ShapedType::kDynamic;

//===----------------------------------------------------------------------===//
// Mask predicates shared by attn.attention and attn.block_scores
//===----------------------------------------------------------------------===//

namespace {
/// What the predicates of one op read and need.
struct MaskRequirements {
  bool readsSegments = false;
  SmallVector<BlockLayoutAttr> layouts;
  SmallVector<BlockIndicesAttr> indices;
  SmallVector<NeighborhoodAttr> neighborhoods;
};
} // namespace

/// Every element of the op's attribute list `name` is an `Interface`.
template <typename Interface>
static LogicalResult verifyAttributeList(Operation *op, StringRef name,
                                         ArrayAttr list, StringRef expected) {
  for (auto [index, element] : llvm::enumerate(list))
    if (!isa<Interface>(element))
      return op->emitOpError()
             << "'" << name << "' expects " << expected << ", but element "
             << index << " is " << element;
  return success();
}

static MaskRequirements collectMaskRequirements(ArrayAttr mask) {
  MaskRequirements requirements;
  for (Attribute attr : mask) {
    cast<MaskAttrInterface>(attr).walkPredicates([&](MaskAttrInterface p) {
      if (isa<DocumentAttr>(p))
        requirements.readsSegments = true;
      else if (auto layout = dyn_cast<BlockLayoutAttr>(p))
        requirements.layouts.push_back(layout);
      else if (auto indices = dyn_cast<BlockIndicesAttr>(p))
        requirements.indices.push_back(indices);
      else if (auto grid = dyn_cast<NeighborhoodAttr>(p))
        requirements.neighborhoods.push_back(grid);
    });
  }
  return requirements;
}

/// A neighbourhood's grid must enumerate exactly the queries and the keys.
static LogicalResult
verifyNeighborhoods(Operation *op, ArrayRef<NeighborhoodAttr> neighborhoods,
                    int64_t queryLength, int64_t keyLength) {
  for (NeighborhoodAttr grid : neighborhoods) {
    int64_t cells = grid.getNumCells();
    for (auto [name, length] : {std::make_pair("query", queryLength),
                                std::make_pair("key", keyLength)}) {
      if (ShapedType::isDynamic(length) || length == cells)
        continue;
      return op->emitOpError()
             << "mask predicate " << grid << " has " << cells
             << " grid cells, but the " << name << " sequence has length "
             << length;
    }
  }
  return success();
}

/// At most one predicate may read a given block operand: its block sizes
/// define that operand's shape.
template <typename AttrT>
static LogicalResult verifySingleReader(Operation *op, ArrayRef<AttrT> readers,
                                        StringRef operandName) {
  if (readers.size() <= 1)
    return success();
  return op->emitOpError() << "expects at most one " << readers.front()
                           .getMnemonic()
                           << " predicate (they share the '" << operandName
                           << "' operand), but found " << readers.size();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

NormalizerAttrInterface AttentionOp::getNormalizerOrDefault() {
  if (std::optional<NormalizerAttrInterface> normalizer = getNormalizer())
    return *normalizer;
  return SoftmaxAttr::get(getContext());
}

std::optional<double> AttentionOp::getScaleOrDefault() {
  if (std::optional<APFloat> scale = getScale())
    return scale->convertToDouble();
  int64_t headDim = dimOf(getQuery().getType(), 3);
  if (ShapedType::isDynamic(headDim) || headDim <= 0)
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(headDim));
}

MaskShape AttentionOp::getMaskShape() {
  return MaskShape{dimOf(getQuery().getType(), 2),
                   dimOf(getKey().getType(), 2)};
}

/// C if `value` is `x / C` (divui by a positive index constant) of the
/// block argument `x`.
static std::optional<int64_t> segmentOf(Value value, BlockArgument x) {
  auto divide = value.getDefiningOp<arith::DivUIOp>();
  if (!divide || divide.getLhs() != x)
    return std::nullopt;
  APInt size;
  if (!matchPattern(divide.getRhs(), m_ConstantInt(&size)) ||
      size.getSExtValue() <= 0)
    return std::nullopt;
  return size.getSExtValue();
}

SmallVector<Attribute> AttentionOp::getMaskModAtoms() {
  SmallVector<Attribute> atoms;
  Region &region = getMaskMod();
  MaskShape shape = getMaskShape();
  if (region.empty() || !shape.isStatic() ||
      shape.queryLength != shape.keyLength)
    return atoms;
  Block &body = region.front();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  auto same = yield && yield->getNumOperands() == 1
                  ? yield->getOperand(0).getDefiningOp<arith::CmpIOp>()
                  : arith::CmpIOp();
  if (!same || same.getPredicate() != arith::CmpIPredicate::eq)
    return atoms;
  // Block arguments: batch, head, query row, key.
  BlockArgument row = body.getArgument(2), key = body.getArgument(3);
  for (auto [query, keys] : {std::make_pair(same.getLhs(), same.getRhs()),
                             std::make_pair(same.getRhs(), same.getLhs())}) {
    std::optional<int64_t> size = segmentOf(query, row);
    if (!size || segmentOf(keys, key) != size || shape.queryLength % *size != 0)
      continue;
    MLIRContext *context = getContext();
    atoms.push_back(NeighborhoodAttr::get(
        context, {shape.queryLength / *size, *size}, {0, *size - 1}, {1, 1}));
    break;
  }
  return atoms;
}

SmallVector<Attribute> AttentionOp::getTileClassificationMask() {
  SmallVector<Attribute> mask(getMask().getValue());
  llvm::append_range(mask, getMaskModAtoms());
  return mask;
}

int64_t AttentionOp::getGroupSize() {
  int64_t numQueryHeads = dimOf(getQuery().getType(), 1);
  int64_t numKvHeads = dimOf(getKey().getType(), 1);
  if (ShapedType::isDynamic(numQueryHeads) ||
      ShapedType::isDynamic(numKvHeads) || numKvHeads == 0)
    return kDyn;
  return numQueryHeads / numKvHeads;
}

/// Checks that an optional operand is present exactly when something reads
/// it.
static LogicalResult verifyOperandPresence(Operation *op, Value operand,
                                           StringRef operandName, bool needed,
                                           StringRef reader) {
  if (needed && !operand)
    return op->emitOpError() << reader << " requires the '" << operandName
                             << "' operand";
  if (!needed && operand)
    return op->emitOpError() << "has a '" << operandName
                             << "' operand, but no " << reader
                             << " reads it";
  return success();
}

LogicalResult AttentionOp::verify() {
  Operation *op = getOperation();
  // The generic form's operandSegmentSizes may give Q, K or V no operand
  // or several, which ODS's checks let through (they check the optional
  // groups' sizes only).
  const char *names[] = {"query", "key", "value"};
  for (auto [group, name] : llvm::enumerate(names)) {
    unsigned count = getODSOperandIndexAndLength(group).second;
    if (count != 1)
      return emitOpError() << "needs one '" << name
                           << "' operand, but its operand segment has "
                           << count;
  }
  if (failed(verifyAttributeList<MaskAttrInterface>(op, "mask", getMask(),
                                                    "mask predicates")) ||
      failed(verifyAttributeList<ScoreModAttrInterface>(
          op, "score", getScore(),
          "score modifiers (#attn.softcap, #attn.alibi, #attn.bias)")))
    return failure();
  Type qType = getQuery().getType(), kType = getKey().getType(),
       vType = getValue().getType();
  for (auto [name, type] : {std::make_pair("query", qType),
                            std::make_pair("key", kType),
                            std::make_pair("value", vType)}) {
    if (failed(verifyRank(op, name, type, 4)) ||
        failed(verifyFloatElementType(op, name, type)))
      return failure();
  }
  Type elementType = getElementTypeOrSelf(qType);
  if (failed(verifyElementType(op, "key", kType, elementType,
                               "that of 'query'")) ||
      failed(verifyElementType(op, "value", vType, elementType,
                               "that of 'query'")))
    return failure();

  int64_t batch = dimOf(qType, 0), numQueryHeads = dimOf(qType, 1),
          queryLength = dimOf(qType, 2), headDim = dimOf(qType, 3);
  int64_t numKvHeads = dimOf(kType, 1), keyLength = dimOf(kType, 2),
          valueDim = dimOf(vType, 3);
  if (failed(verifyShape(op, "key", kType,
                         {batch, DimSpec::any(), DimSpec::any(), headDim})) ||
      failed(verifyShape(op, "value", vType,
                         {batch, numKvHeads, keyLength, DimSpec::any()})) ||
      failed(
          verifyGroupedHeads(op, "query", numQueryHeads, "key", numKvHeads)) ||
      failed(
          verifyNonEmptyHeadDims(op, {{"query", qType}, {"value", vType}})) ||
      failed(verifyScale(op, getScale())))
    return failure();

  // Results.
  Type outType = getOutput().getType();
  if (failed(verifyShape(op, "output", outType,
                         {batch, numQueryHeads, queryLength, valueDim})) ||
      failed(verifyElementType(op, "output", outType,
                               getElementTypeOrSelf(vType),
                               "that of 'value'")))
    return failure();
  NormalizerAttrInterface normalizer = getNormalizerOrDefault();
  if (Value lse = getLse()) {
    if (!normalizer.isNormalizedOverKeys())
      return emitOpError() << "has an 'lse' result, which needs a softmax "
                              "normaliser, but the normaliser is "
                           << normalizer;
    if (failed(verifyShape(op, "lse", lse.getType(),
                           {batch, numQueryHeads, queryLength})) ||
        failed(verifyElementType(op, "lse", lse.getType(),
                                 Float32Type::get(getContext()),
                                 "log-sum-exp is f32")))
      return failure();
  }

  // Score modifiers and the bias operand.
  bool readsBias = llvm::any_of(getScore(), [](Attribute attr) {
    return cast<ScoreModAttrInterface>(attr).readsBiasOperand();
  });
  if (failed(verifyOperandPresence(op, getBias(), "bias", readsBias,
                                   "score modifier #attn.bias")))
    return failure();
  if (Value bias = getBias()) {
    if (failed(verifyShape(op, "bias", bias.getType(),
                           {DimSpec::orOne(batch),
                            DimSpec::orOne(numQueryHeads), queryLength,
                            keyLength})) ||
        failed(verifyFloatElementType(op, "bias", bias.getType())))
      return failure();
  }
  for (Attribute attr : getScore()) {
    auto alibi = dyn_cast<AlibiAttr>(attr);
    if (!alibi || !alibi.getSlopes() || ShapedType::isDynamic(numQueryHeads))
      continue;
    if (alibi.getSlopes().size() != numQueryHeads)
      return emitOpError() << "score modifier " << alibi << " has "
                           << alibi.getSlopes().size()
                           << " slopes, expected one per query head ("
                           << numQueryHeads << ")";
  }

  // The sink logit only makes sense in a softmax denominator.
  if (Value sink = getSink()) {
    if (!normalizer.isNormalizedOverKeys())
      return emitOpError() << "has a 'sink' operand, which needs a softmax "
                              "normaliser, but the normaliser is "
                           << normalizer;
    if (failed(verifyShape(op, "sink", sink.getType(), {numQueryHeads})) ||
        failed(verifyElementType(op, "sink", sink.getType(),
                                 Float32Type::get(getContext()),
                                 "sink logits are f32")))
      return failure();
  }

  // Mask predicates and the operands they read.
  MaskRequirements requirements = collectMaskRequirements(getMask());
  Type i32 = IntegerType::get(getContext(), 32);
  if (failed(verifyOperandPresence(op, getQSegments(), "q_segments",
                                   requirements.readsSegments,
                                   "mask predicate #attn.document")) ||
      failed(verifyOperandPresence(op, getKvSegments(), "kv_segments",
                                   requirements.readsSegments,
                                   "mask predicate #attn.document")))
    return failure();
  if (requirements.readsSegments) {
    if (failed(verifyShape(op, "q_segments", getQSegments().getType(),
                           {batch, queryLength})) ||
        failed(verifyElementType(op, "q_segments", getQSegments().getType(),
                                 i32, "segment ids are i32")) ||
        failed(verifyShape(op, "kv_segments", getKvSegments().getType(),
                           {batch, keyLength})) ||
        failed(verifyElementType(op, "kv_segments",
                                 getKvSegments().getType(), i32,
                                 "segment ids are i32")))
      return failure();
  }

  if (failed(verifySingleReader<BlockLayoutAttr>(op, requirements.layouts,
                                                 "layout")) ||
      failed(verifyOperandPresence(op, getLayout(), "layout",
                                   !requirements.layouts.empty(),
                                   "mask predicate #attn.block_layout")))
    return failure();
  if (!requirements.layouts.empty()) {
    BlockLayoutAttr layout = requirements.layouts.front();
    Type layoutType = getLayout().getType();
    if (failed(verifyShape(
            op, "layout", layoutType,
            {DimSpec::orOne(batch), DimSpec::orOne(numQueryHeads),
             ceilDivDim(queryLength, layout.getBlockQ()),
             ceilDivDim(keyLength, layout.getBlockKv())})) ||
        failed(verifyElementType(op, "layout", layoutType,
                                 IntegerType::get(getContext(), 1),
                                 "a block layout is i1")))
      return failure();
  }

  if (failed(verifySingleReader<BlockIndicesAttr>(op, requirements.indices,
                                                  "indices")) ||
      failed(verifyOperandPresence(op, getIndices(), "indices",
                                   !requirements.indices.empty(),
                                   "mask predicate #attn.block_indices")))
    return failure();
  if (!requirements.indices.empty()) {
    BlockIndicesAttr indices = requirements.indices.front();
    Type indicesType = getIndices().getType();
    if (failed(verifyShape(op, "indices", indicesType,
                           {batch, numKvHeads,
                            ceilDivDim(queryLength, indices.getBlockQ()),
                            DimSpec::any()})) ||
        failed(verifyElementType(op, "indices", indicesType, i32,
                                 "block indices are i32")))
      return failure();
  }

  return verifyNeighborhoods(op, requirements.neighborhoods, queryLength,
                             keyLength);
}

/// Checks that `region`, if not empty, has one block with arguments of
/// `argTypes` and is terminated by an attn.yield of one `resultType` value.
static LogicalResult verifyHookRegion(Operation *op, Region &region,
                                      StringRef name, TypeRange argTypes,
                                      Type resultType) {
  if (region.empty())
    return success();
  Block &block = region.front();
  if (block.getArgumentTypes() != argTypes) {
    std::string expected, actual;
    llvm::raw_string_ostream expectedOs(expected), actualOs(actual);
    llvm::interleaveComma(argTypes, expectedOs);
    llvm::interleaveComma(block.getArgumentTypes(), actualOs);
    return op->emitOpError()
           << "'" << name << "' region must take (" << expected
           << "), but takes (" << actual << ")";
  }
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().getTypes() != TypeRange(resultType)) {
    std::string actual;
    llvm::raw_string_ostream actualOs(actual);
    llvm::interleaveComma(yield.getValues().getTypes(), actualOs);
    return yield.emitOpError()
           << "in the '" << name << "' region must yield one " << resultType
           << ", but yields (" << actual << ")";
  }
  // The region is a pure function of its arguments (and of tensors read
  // from above), evaluated for every pair in any order: it may not
  // allocate, write or free memory.
  WalkResult effects = region.walk<WalkOrder::PreOrder>([&](Operation *nested) {
    // An op that lowers to loops of its own (an attn op, a linalg op)
    // would nest its loops in the region's: their linalg.index ops look
    // alike, and CSE merges the inner ones into the outer.
    StringRef dialect = nested->getDialect()
                            ? nested->getDialect()->getNamespace()
                            : StringRef();
    if (dialect == "linalg" || (dialect == AttnDialect::getDialectNamespace() &&
                                !isa<YieldOp>(nested))) {
      nested->emitOpError()
          << "in the '" << name
          << "' region has loops of its own, which the region's lowering "
             "cannot nest; compute it outside the attention and read its "
             "result";
      return WalkResult::interrupt();
    }
    auto memory = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!memory || (!memory.hasEffect<MemoryEffects::Allocate>() &&
                    !memory.hasEffect<MemoryEffects::Write>() &&
                    !memory.hasEffect<MemoryEffects::Free>()))
      return WalkResult::advance();
    nested->emitOpError() << "in the '" << name
                          << "' region allocates, writes or frees memory; "
                             "the region must be a pure function of its "
                             "arguments";
    return WalkResult::interrupt();
  });
  return failure(effects.wasInterrupted());
}

LogicalResult AttentionOp::verifyRegions() {
  Builder b(getContext());
  Type index = b.getIndexType();
  if (failed(verifyHookRegion(*this, getScoreMod(), "score_mod",
                              {b.getF32Type(), index, index, index, index},
                              b.getF32Type())))
    return failure();
  return verifyHookRegion(*this, getMaskMod(), "mask_mod",
                          {index, index, index, index}, b.getI1Type());
}

//===----------------------------------------------------------------------===//
// CompressOp
//===----------------------------------------------------------------------===//

LogicalResult CompressOp::verify() {
  Operation *op = getOperation();
  Type inputType = getInput().getType();
  if (failed(verifyRank(op, "input", inputType, 4)) ||
      failed(verifyFloatElementType(op, "input", inputType)))
    return failure();
  if (failed(verifyPositiveParameter(op, "stride", getStride())) ||
      failed(verifyPositiveParameter(op, "window", getWindowOrStride())))
    return failure();
  int64_t length = dimOf(inputType, 2);
  if (failed(verifyShape(op, "result", getResult().getType(),
                         {dimOf(inputType, 0), dimOf(inputType, 1),
                          ceilDivDim(length, getStride()),
                          dimOf(inputType, 3)})) ||
      failed(verifyElementType(op, "result", getResult().getType(),
                               getElementTypeOrSelf(inputType),
                               "that of 'input'")))
    return failure();
  if (Value weights = getWeights()) {
    if (getReduce() != ReduceKind::Sum)
      return emitOpError() << "has 'weights', which need reduce 'sum', but "
                              "reduce is '"
                           << stringifyReduceKind(getReduce()) << "'";
    auto weightsType = dyn_cast<RankedTensorType>(weights.getType());
    SmallVector<DimSpec> expected;
    if (weightsType && weightsType.getRank() == 2)
      expected.push_back(dimOf(inputType, 1));
    expected.push_back(getWindowOrStride());
    if (failed(verifyShape(op, "weights", weights.getType(), expected)) ||
        failed(verifyElementType(op, "weights", weights.getType(),
                                 Float32Type::get(getContext()),
                                 "compression weights are f32")))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BlockScoresOp
//===----------------------------------------------------------------------===//

LogicalResult BlockScoresOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyAttributeList<MaskAttrInterface>(op, "mask", getMask(),
                                                    "mask predicates")))
    return failure();
  Type qType = getQuery().getType(), kType = getKeys().getType();
  for (auto [name, type] :
       {std::make_pair("query", qType), std::make_pair("keys", kType)}) {
    if (failed(verifyRank(op, name, type, 4)) ||
        failed(verifyFloatElementType(op, name, type)))
      return failure();
  }
  if (failed(verifyElementType(op, "keys", kType, getElementTypeOrSelf(qType),
                               "that of 'query'")) ||
      failed(verifyShape(op, "keys", kType,
                         {dimOf(qType, 0), DimSpec::any(), DimSpec::any(),
                          dimOf(qType, 3)})) ||
      failed(verifyGroupedHeads(op, "query", dimOf(qType, 1), "keys",
                                dimOf(kType, 1))) ||
      failed(verifyNonEmptyHeadDims(op, {{"query", qType}})) ||
      failed(verifyScale(op, getScale())))
    return failure();
  if (failed(verifyPositiveParameter(op, "block_q", getBlockQ())))
    return failure();
  MaskRequirements requirements = collectMaskRequirements(getMask());
  if (requirements.readsSegments || !requirements.layouts.empty() ||
      !requirements.indices.empty())
    return emitOpError() << "supports only mask predicates that read no "
                            "operand (not document, block_layout or "
                            "block_indices)";
  if (failed(verifyNeighborhoods(op, requirements.neighborhoods,
                                 dimOf(qType, 2), dimOf(kType, 2))))
    return failure();
  Type resultType = getResult().getType();
  if (failed(verifyShape(op, "result", resultType,
                         {dimOf(qType, 0), dimOf(kType, 1),
                          ceilDivDim(dimOf(qType, 2), getBlockQ()),
                          dimOf(kType, 2)})) ||
      failed(verifyElementType(op, "result", resultType,
                               Float32Type::get(getContext()),
                               "block scores are f32")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// TopkOp
//===----------------------------------------------------------------------===//

LogicalResult TopkOp::verify() {
  auto scoresType = cast<RankedTensorType>(getScores().getType());
  if (scoresType.getRank() < 1)
    return emitOpError() << "'scores' must have at least one dimension, but "
                            "has type "
                         << scoresType;
  Type scoresElement = scoresType.getElementType();
  if (!scoresElement.isF16() && !scoresElement.isBF16() &&
      !scoresElement.isF32() && !scoresElement.isF64())
    return emitOpError() << "'scores' must have f16, bf16, f32 or f64 "
                            "elements, but has "
                         << scoresElement;
  // (k's getter is unsigned: a negative k reads as huge.)
  int64_t k = getKAttr().getInt();
  if (k < 1 || k > std::numeric_limits<int32_t>::max())
    return emitOpError() << "k must be between 1 and 2^31 - 1 (the indices "
                            "are i32), but got "
                         << k;
  SmallVector<DimSpec> expected(scoresType.getShape().begin(),
                                scoresType.getShape().end());
  expected.back() = getK();
  if (failed(verifyShape(*this, "indices", getIndices().getType(), expected)))
    return failure();
  return verifyElementType(*this, "indices", getIndices().getType(),
                           IntegerType::get(getContext(), 32),
                           "indices are i32");
}

//===----------------------------------------------------------------------===//
// MergeOp
//===----------------------------------------------------------------------===//

// attn.merge lse (%o1, %l1), (%o2, %l2) : tensor<..>, tensor<..>
//     -> tensor<..>, tensor<..>
// The types after ':' are one branch's when every branch has the same
// types; else each branch's, as its operands are grouped:
// (tensor<..>, tensor<..>), (tensor<..>, tensor<..>). Without a kind
// keyword (`attn.merge (%o1, %lse1), ...`) the merge is lse;
// the printer names the kind.
ParseResult MergeOp::parse(OpAsmParser &parser, OperationState &result) {
  MergeKind kind = MergeKind::Lse;
  StringRef keyword;
  SMLoc kindLoc = parser.getCurrentLocation();
  if (succeeded(parser.parseOptionalKeyword(&keyword))) {
    std::optional<MergeKind> parsedKind = symbolizeMergeKind(keyword);
    if (!parsedKind)
      return parser.emitError(kindLoc) << "expected 'lse', 'gated', 'sum' or "
                                          "a branch '(', but got '"
                                       << keyword << "'";
    kind = *parsedKind;
  }
  bool hasWeights = kind != MergeKind::Sum;

  SmallVector<OpAsmParser::UnresolvedOperand> outputs, weights;
  SMLoc operandsLoc = parser.getCurrentLocation();
  auto parseBranch = [&]() -> ParseResult {
    if (parser.parseLParen() || parser.parseOperand(outputs.emplace_back()))
      return failure();
    if (hasWeights && (parser.parseComma() ||
                       parser.parseOperand(weights.emplace_back())))
      return failure();
    return parser.parseRParen();
  };
  if (parser.parseCommaSeparatedList(parseBranch) ||
      parser.parseOptionalAttrDict(result.attributes) || parser.parseColon())
    return failure();
  SmallVector<Type> outputTypes, weightTypes, resultTypes;
  auto parseBranchTypes = [&]() -> ParseResult {
    return failure(
        parser.parseType(outputTypes.emplace_back()) ||
        (hasWeights && (parser.parseComma() ||
                        parser.parseType(weightTypes.emplace_back()))));
  };
  SMLoc typesLoc = parser.getCurrentLocation();
  if (succeeded(parser.parseOptionalLParen())) {
    // Each branch's types.
    auto parseGroup = [&]() -> ParseResult {
      return failure(parseBranchTypes() || parser.parseRParen());
    };
    if (parseGroup())
      return failure();
    while (succeeded(parser.parseOptionalComma()))
      if (parser.parseLParen() || parseGroup())
        return failure();
    if (outputTypes.size() != outputs.size())
      return parser.emitError(typesLoc)
             << "expected the types of " << outputs.size()
             << " branches, but got " << outputTypes.size();
  } else {
    if (parseBranchTypes())
      return failure();
    outputTypes.assign(outputs.size(), outputTypes.front());
    if (hasWeights)
      weightTypes.assign(weights.size(), weightTypes.front());
  }
  if (parser.parseArrow() || parser.parseTypeList(resultTypes))
    return failure();

  if (parser.resolveOperands(outputs, outputTypes, operandsLoc,
                             result.operands) ||
      parser.resolveOperands(weights, weightTypes, operandsLoc,
                             result.operands))
    return failure();
  result.addTypes(resultTypes);
  result.getOrAddProperties<Properties>().kind =
      MergeKindAttr::get(parser.getContext(), kind);
  result.getOrAddProperties<Properties>().operandSegmentSizes = {
      static_cast<int32_t>(outputs.size()),
      static_cast<int32_t>(weights.size())};
  return success();
}

void MergeOp::print(OpAsmPrinter &p) {
  p << " " << stringifyMergeKind(getKind()) << " ";
  for (auto [index, output] : llvm::enumerate(getOutputs())) {
    if (index)
      p << ", ";
    p << "(" << output;
    if (index < getWeights().size())
      p << ", " << getWeights()[index];
    p << ")";
  }
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getKindAttrName(), "operandSegmentSizes"});
  p << " : ";
  auto printBranchTypes = [&](size_t index) {
    p << getOutputs()[index].getType();
    if (index < getWeights().size())
      p << ", " << getWeights()[index].getType();
  };
  auto allSame = [](ValueRange values) {
    return llvm::all_equal(values.getTypes());
  };
  if (allSame(getOutputs()) && allSame(getWeights())) {
    printBranchTypes(0);
  } else {
    for (size_t index = 0; index < getOutputs().size(); ++index) {
      if (index)
        p << ", ";
      p << "(";
      printBranchTypes(index);
      p << ")";
    }
  }
  p << " -> ";
  llvm::interleaveComma(getResultTypes(), p);
}

LogicalResult MergeOp::verify() {
  Operation *op = getOperation();
  if (getOutputs().empty())
    return emitOpError() << "needs at least one branch";
  // Branches and result may differ in which sizes their types fix (a cast
  // would relate them); the sizes that several fix must agree.
  Type outputType = getOutputs().front().getType();
  if (failed(verifyRank(op, "outputs", outputType, 4)) ||
      failed(verifyFloatElementType(op, "outputs", outputType)))
    return failure();
  for (Value output : getOutputs().drop_front()) {
    if (!areCastCompatible(output.getType(), outputType))
      return emitOpError() << "branches must have compatible output types "
                              "(the same element type, and equal sizes where "
                              "both are static), but got "
                           << outputType << " and " << output.getType();
    outputType = joinStaticSizes(outputType, output.getType());
  }
  if (failed(verifyCastCompatible(op, "result", getResult().getType(),
                                  outputType, "that of the branches")))
    return failure();
  outputType = joinStaticSizes(outputType, getResult().getType());

  bool hasWeights = getKind() != MergeKind::Sum;
  size_t expectedWeights = hasWeights ? getOutputs().size() : 0;
  if (getWeights().size() != expectedWeights)
    return emitOpError() << "'" << stringifyMergeKind(getKind())
                         << "' merge expects " << expectedWeights
                         << " weight operands (one per branch), but got "
                         << getWeights().size();
  SmallVector<DimSpec> rowShape = {dimOf(outputType, 0), dimOf(outputType, 1),
                                   dimOf(outputType, 2)};
  StringRef weightName = getKind() == MergeKind::Lse ? "lse" : "gates";
  // (Each weight's static rows also bind the next ones'.)
  for (Value weight : getWeights()) {
    if (failed(verifyShape(op, weightName, weight.getType(), rowShape)) ||
        failed(verifyElementType(op, weightName, weight.getType(),
                                 Float32Type::get(getContext()),
                                 "per-row weights are f32")))
      return failure();
    for (unsigned dim = 0; dim < rowShape.size(); ++dim)
      if (ShapedType::isDynamic(rowShape[dim].size))
        rowShape[dim].size = dimOf(weight.getType(), dim);
  }
  if (Value lse = getLse()) {
    if (getKind() != MergeKind::Lse)
      return emitOpError() << "has an 'lse' result, which only an 'lse' "
                              "merge defines";
    if (failed(verifyShape(op, "lse", lse.getType(), rowShape)) ||
        failed(verifyElementType(op, "lse", lse.getType(),
                                 Float32Type::get(getContext()),
                                 "log-sum-exp is f32")))
      return failure();
  }
  return success();
}

LogicalResult MergeOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &results) {
  // One branch merged by sum is itself, and by lse where its rows of LSE
  // -inf are already 0: an attention's pair (other outputs may hold values
  // there, which the merge makes 0). An attention's LSE is finite or -inf
  // unless its score_mod yields +inf or NaN, whose rows the fold keeps
  // where the merge would give 0. The types must agree too: they may
  // differ in which sizes they fix.
  if (getOutputs().size() != 1 || getKind() == MergeKind::Gated ||
      getOutputs().front().getType() != getResult().getType() ||
      (getLse() && getWeights().front().getType() != getLse().getType()))
    return failure();
  if (getKind() == MergeKind::Lse) {
    auto attention = getOutputs().front().getDefiningOp<AttentionOp>();
    if (!attention || attention.getOutput() != getOutputs().front() ||
        attention.getLse() != getWeights().front())
      return failure();
  }
  results.push_back(getOutputs().front());
  if (getLse())
    results.push_back(getWeights().front());
  return success();
}

FailureOr<SmallVector<AttentionOp>> MergeOp::getUnionSources() {
  if (getKind() != MergeKind::Lse)
    return failure();
  SmallVector<AttentionOp> sources;
  for (auto [output, lse] : llvm::zip_equal(getOutputs(), getWeights())) {
    auto op = output.getDefiningOp<AttentionOp>();
    if (!op || lse != op.getLse() || !op.getOutput().hasOneUse() ||
        !op.getLse().hasOneUse() || op.getSink() ||
        isa<SigmoidAttr>(op.getNormalizerOrDefault()) ||
        llvm::is_contained(sources, op))
      return failure();
    if (!sources.empty()) {
      AttentionOp lead = sources.front();
      if (op.getQuery() != lead.getQuery() ||
          op.getScaleOrDefault() != lead.getScaleOrDefault() ||
          !op.getScaleOrDefault() ||
          op.getValue().getType().getDimSize(3) !=
              lead.getValue().getType().getDimSize(3))
        return failure();
    }
    sources.push_back(op);
  }
  if (sources.size() < 2)
    return failure();
  return sources;
}

//===----------------------------------------------------------------------===//
// LinearAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult LinearAttentionOp::verify() {
  Operation *op = getOperation();
  Type qType = getQuery().getType(), kType = getKey().getType(),
       vType = getValue().getType();
  for (auto [name, type] : {std::make_pair("query", qType),
                            std::make_pair("key", kType),
                            std::make_pair("value", vType)}) {
    if (failed(verifyRank(op, name, type, 4)) ||
        failed(verifyFloatElementType(op, name, type)))
      return failure();
  }
  Type elementType = getElementTypeOrSelf(qType);
  if (failed(verifyElementType(op, "key", kType, elementType,
                               "that of 'query'")) ||
      failed(verifyElementType(op, "value", vType, elementType,
                               "that of 'query'")))
    return failure();
  int64_t batch = dimOf(qType, 0), numQueryHeads = dimOf(qType, 1);
  if (failed(verifyShape(
          op, "key", kType,
          {batch, DimSpec::any(), DimSpec::any(), dimOf(qType, 3)})) ||
      failed(verifyShape(
          op, "value", vType,
          {batch, dimOf(kType, 1), dimOf(kType, 2), DimSpec::any()})) ||
      failed(verifyGroupedHeads(op, "query", numQueryHeads, "key",
                                dimOf(kType, 1))) ||
      failed(verifyNonEmptyHeadDims(op, {{"query", qType}, {"value", vType}})))
    return failure();
  if (failed(verifyShape(op, "result", getResult().getType(),
                         {batch, numQueryHeads, dimOf(qType, 2),
                          dimOf(vType, 3)})) ||
      failed(verifyElementType(op, "result", getResult().getType(),
                               elementType, "that of 'value'")))
    return failure();
  if (Value decay = getDecay()) {
    if (!getCausal())
      return emitOpError() << "has a 'decay' operand, which needs 'causal'";
    if (failed(verifyShape(op, "decay", decay.getType(),
                           {batch, numQueryHeads, dimOf(kType, 2)})) ||
        failed(verifyElementType(op, "decay", decay.getType(),
                                 Float32Type::get(getContext()),
                                 "log-gates are f32")))
      return failure();
  }
  if (std::optional<APFloat> eps = getEps();
      eps && !(eps->isFiniteNonZero() && !eps->isNegative()))
    return emitOpError() << "eps must be positive, but got "
                         << eps->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// CausalConvOp
//===----------------------------------------------------------------------===//

LogicalResult CausalConvOp::verify() {
  Operation *op = getOperation();
  Type inputType = getInput().getType(), weightType = getWeight().getType();
  if (failed(verifyRank(op, "input", inputType, 4)) ||
      failed(verifyFloatElementType(op, "input", inputType)) ||
      failed(verifyCastCompatible(op, "result", getResult().getType(),
                                  inputType, "that of 'input'")))
    return failure();
  // The weight's heads and dims: those that the input or the result fixes.
  inputType = joinStaticSizes(inputType, getResult().getType());
  if (failed(verifyShape(
          op, "weight", weightType,
          {dimOf(inputType, 1), dimOf(inputType, 3), DimSpec::any()})) ||
      failed(verifyElementType(op, "weight", weightType,
                               getElementTypeOrSelf(inputType),
                               "that of 'input'")))
    return failure();
  if (int64_t taps = dimOf(weightType, 2); taps == 0)
    return emitOpError() << "'weight' needs at least one tap, but has shape "
                         << formatShape(
                                cast<RankedTensorType>(weightType).getShape());
  return success();
}
