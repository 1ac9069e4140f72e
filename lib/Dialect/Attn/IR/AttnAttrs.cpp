//===- AttnAttrs.cpp - attn attribute verifiers and syntax ----------------===//

#include "attn/Dialect/Attn/IR/AttnAttrs.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

#include "attn/Dialect/Attn/IR/AttnEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "attn/Dialect/Attn/IR/AttnAttrs.cpp.inc"

void AttnDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "attn/Dialect/Attn/IR/AttnAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

/// The largest value of a mask or tiling parameter: lowerings and the
/// reference compute positions, products such as (j + 1) * stride or
/// radius * dilation, and tile buffer sizes in 64-bit integers, which
/// parameters and lengths below 2^31 cannot overflow.
static constexpr int64_t kMaxParameter = (int64_t(1) << 31) - 1;

/// Emits "<what> must be <relation>, but got <value>" unless `value` is in
/// [lowerBound, kMaxParameter].
static LogicalResult checkAtLeast(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef what, int64_t value,
                                  int64_t lowerBound) {
  if (value > kMaxParameter)
    return emitError() << what << " must be at most " << kMaxParameter
                       << ", but got " << value;
  if (value >= lowerBound)
    return success();
  return emitError() << what << " must be "
                     << (lowerBound == 0 ? "non-negative" : "positive")
                     << ", but got " << value;
}

LogicalResult CausalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t stride) {
  return checkAtLeast(emitError, "causal stride", stride, 1);
}

LogicalResult WindowAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t left, int64_t right) {
  if (failed(checkAtLeast(emitError, "window left", left, 0)))
    return failure();
  return checkAtLeast(emitError, "window right", right, 0);
}

LogicalResult DilatedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  int64_t window, int64_t dilation) {
  if (failed(checkAtLeast(emitError, "dilated window", window, 0)))
    return failure();
  return checkAtLeast(emitError, "dilation", dilation, 1);
}

LogicalResult
NeighborhoodAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         ArrayRef<int64_t> grid, ArrayRef<int64_t> radius,
                         ArrayRef<int64_t> dilation) {
  if (radius.size() != grid.size() || dilation.size() != grid.size())
    return emitError() << "neighborhood grid has " << grid.size()
                       << " axes, but radius has " << radius.size()
                       << " and dilation " << dilation.size();
  int64_t cells = 1;
  for (auto [g, r, d] : llvm::zip_equal(grid, radius, dilation)) {
    if (failed(checkAtLeast(emitError, "neighborhood grid size", g, 1)) ||
        failed(checkAtLeast(emitError, "neighborhood radius", r, 0)) ||
        failed(checkAtLeast(emitError, "neighborhood dilation", d, 1)))
      return failure();
    // Each factor is below 2^31, so the product of the sizes so far times
    // one more cannot overflow before the test.
    cells *= g;
    if (cells > kMaxParameter)
      return emitError() << "neighborhood grid must have at most "
                         << kMaxParameter << " cells";
  }
  return success();
}

int64_t NeighborhoodAttr::getNumCells() const {
  int64_t cells = 1;
  for (int64_t size : getGrid())
    cells *= size;
  return cells;
}

LogicalResult PrefixAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t len) {
  return checkAtLeast(emitError, "prefix length", len, 0);
}

LogicalResult ChunkedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  int64_t size) {
  return checkAtLeast(emitError, "chunk size", size, 1);
}

LogicalResult GlobalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t count) {
  return checkAtLeast(emitError, "global token count", count, 0);
}

LogicalResult StripesAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> diagonals,
                                  ArrayRef<int64_t> columns) {
  if (diagonals.empty() && columns.empty())
    return emitError() << "stripes needs at least one diagonal or column";
  for (int64_t column : columns)
    if (failed(checkAtLeast(emitError, "stripes column", column, 0)))
      return failure();
  return success();
}

LogicalResult
BlockLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        int64_t blockQ, int64_t blockKv) {
  if (failed(checkAtLeast(emitError, "block_layout block_q", blockQ, 1)))
    return failure();
  return checkAtLeast(emitError, "block_layout block_kv", blockKv, 1);
}

LogicalResult
BlockIndicesAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t blockQ, int64_t blockKv) {
  if (failed(checkAtLeast(emitError, "block_indices block_q", blockQ, 1)))
    return failure();
  return checkAtLeast(emitError, "block_indices block_kv", blockKv, 1);
}

LogicalResult TilingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t blockQ, int64_t blockKv,
                                 int64_t kvSplits) {
  if (failed(checkAtLeast(emitError, "tiling block_q", blockQ, 1)) ||
      failed(checkAtLeast(emitError, "tiling block_kv", blockKv, 1)) ||
      failed(checkAtLeast(emitError, "tiling kv_splits", kvSplits, 1)))
    return failure();
  if (kvSplits > kMaxKvSplits)
    return emitError() << "tiling kv_splits must be at most " << kMaxKvSplits
                       << ", but got " << kvSplits;
  return success();
}

static LogicalResult
verifyPredicateList(function_ref<InFlightDiagnostic()> emitError,
                    StringRef combinator, ArrayAttr predicates) {
  if (predicates.empty())
    return emitError() << "'" << combinator
                       << "' needs at least one mask predicate";
  for (Attribute predicate : predicates)
    if (!isa<MaskAttrInterface>(predicate))
      return emitError() << "'" << combinator
                         << "' expects mask predicates, but got "
                         << predicate;
  return success();
}

LogicalResult OrAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                             ArrayAttr predicates) {
  return verifyPredicateList(emitError, "or", predicates);
}

LogicalResult AndAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              ArrayAttr predicates) {
  return verifyPredicateList(emitError, "and", predicates);
}

LogicalResult NotAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              Attribute predicate) {
  if (isa<MaskAttrInterface>(predicate))
    return success();
  return emitError() << "'not' expects a mask predicate, but got "
                     << predicate;
}

LogicalResult AlibiAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                DenseF32ArrayAttr slopes) {
  if (!slopes)
    return success();
  for (auto [head, slope] : llvm::enumerate(slopes.asArrayRef()))
    if (!std::isfinite(slope))
      return emitError() << "alibi slopes must be finite, but slope " << head
                         << " is " << slope;
  return success();
}

LogicalResult SigmoidAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  llvm::APFloat bias) {
  if (bias.isFinite())
    return success();
  SmallString<16> text;
  bias.toString(text);
  return emitError() << "sigmoid bias must be finite, but got " << text;
}

bool mlir::attn::isUsableSoftcap(const llvm::APFloat &cap) {
  if (!cap.isFiniteNonZero() || cap.isNegative())
    return false;
  llvm::APFloat single = cap;
  bool losesInfo = false;
  single.convert(llvm::APFloat::IEEEsingle(),
                 llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return single.isNormal();
}

LogicalResult SoftcapAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  llvm::APFloat cap) {
  if (isUsableSoftcap(cap))
    return success();
  SmallString<16> text;
  cap.toString(text);
  // (Past f32's range the lowerings' cap is +inf, and tanh(s / c) c NaN;
  // below its normal numbers the reciprocal is.)
  return emitError() << "softcap must be a positive normal f32 (1.17549435e-38 "
                        "to 3.40282347e+38), but got "
                     << text;
}

//===----------------------------------------------------------------------===//
// Custom syntax
//===----------------------------------------------------------------------===//

static ParseResult parseIntegerList(AsmParser &parser,
                                    SmallVectorImpl<int64_t> &values) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        int64_t value;
        if (parser.parseInteger(value))
          return failure();
        values.push_back(value);
        return success();
      });
}

// #attn.stripes<diagonals = [0, 64], columns = [0]>; either list may be
// omitted.
Attribute StripesAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> diagonals, columns;
  if (parser.parseLess())
    return {};
  bool first = true;
  while (first || succeeded(parser.parseOptionalComma())) {
    first = false;
    StringRef keyword;
    if (parser.parseKeyword(&keyword) || parser.parseEqual())
      return {};
    if (keyword == "diagonals") {
      if (parseIntegerList(parser, diagonals))
        return {};
    } else if (keyword == "columns") {
      if (parseIntegerList(parser, columns))
        return {};
    } else {
      parser.emitError(parser.getCurrentLocation())
          << "expected 'diagonals' or 'columns', but got '" << keyword << "'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), diagonals, columns);
}

void StripesAttr::print(AsmPrinter &printer) const {
  printer << "<";
  if (!getDiagonals().empty())
    printer << "diagonals = [" << getDiagonals() << "]";
  if (!getColumns().empty()) {
    if (!getDiagonals().empty())
      printer << ", ";
    printer << "columns = [" << getColumns() << "]";
  }
  printer << ">";
}

// #attn.softcap<30.0>
Attribute SoftcapAttr::parse(AsmParser &parser, Type) {
  double cap;
  if (parser.parseLess() || parser.parseFloat(cap) || parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), llvm::APFloat(cap));
}

void SoftcapAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printFloat(getCap());
  printer << ">";
}

// #attn.alibi or #attn.alibi<slopes = [0.5, 0.25]>
Attribute AlibiAttr::parse(AsmParser &parser, Type) {
  if (failed(parser.parseOptionalLess()))
    return get(parser.getContext(), DenseF32ArrayAttr());
  SmallVector<float> slopes;
  if (parser.parseKeyword("slopes") || parser.parseEqual() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     [&]() -> ParseResult {
                                       double slope;
                                       if (parser.parseFloat(slope))
                                         return failure();
                                       slopes.push_back(slope);
                                       return success();
                                     }) ||
      parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(),
                    DenseF32ArrayAttr::get(parser.getContext(), slopes));
}

void AlibiAttr::print(AsmPrinter &printer) const {
  if (!getSlopes())
    return;
  printer << "<slopes = [";
  llvm::interleaveComma(getSlopes().asArrayRef(), printer, [&](float slope) {
    printer.printFloat(llvm::APFloat(slope));
  });
  printer << "]>";
}

/// A parameterless attribute: `#attn.<mnemonic>` alone. Without a parser
/// of their own, `#attn.softmax<anything>` parsed (and printed as
/// `#attn.softmax`).
template <typename AttrTy>
static Attribute parseParameterless(AsmParser &parser) {
  if (succeeded(parser.parseOptionalLess())) {
    parser.emitError(parser.getNameLoc())
        << "#attn." << AttrTy::getMnemonic() << " takes no parameters";
    return {};
  }
  return AttrTy::get(parser.getContext());
}

Attribute DocumentAttr::parse(AsmParser &parser, Type) {
  return parseParameterless<DocumentAttr>(parser);
}
void DocumentAttr::print(AsmPrinter &) const {}

Attribute BiasAttr::parse(AsmParser &parser, Type) {
  return parseParameterless<BiasAttr>(parser);
}
void BiasAttr::print(AsmPrinter &) const {}

Attribute SoftmaxAttr::parse(AsmParser &parser, Type) {
  return parseParameterless<SoftmaxAttr>(parser);
}
void SoftmaxAttr::print(AsmPrinter &) const {}

// #attn.sigmoid or #attn.sigmoid<bias = -5.0>
Attribute SigmoidAttr::parse(AsmParser &parser, Type) {
  double bias = 0.0;
  if (succeeded(parser.parseOptionalLess())) {
    if (parser.parseKeyword("bias") || parser.parseEqual() ||
        parser.parseFloat(bias) || parser.parseGreater())
      return {};
  }
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), llvm::APFloat(bias));
}

void SigmoidAttr::print(AsmPrinter &printer) const {
  if (getBias().isZero())
    return;
  printer << "<bias = ";
  printer.printFloat(getBias());
  printer << ">";
}

//===----------------------------------------------------------------------===//
// Score modifiers and normalisers
//===----------------------------------------------------------------------===//

bool BiasAttr::readsBiasOperand() const { return true; }

double mlir::attn::getDefaultAlibiSlope(int64_t head, int64_t numHeads) {
  return std::exp2(-8.0 * static_cast<double>(head + 1) /
                   static_cast<double>(numHeads));
}

bool SoftmaxAttr::isNormalizedOverKeys() const { return true; }
bool SigmoidAttr::isNormalizedOverKeys() const { return false; }
