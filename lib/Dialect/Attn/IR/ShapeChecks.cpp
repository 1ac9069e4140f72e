//===- ShapeChecks.cpp - verifier helpers for attn ops --------------------===//

#include "ShapeChecks.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn::detail;

static void printDim(llvm::raw_ostream &os, int64_t size) {
  if (ShapedType::isDynamic(size))
    os << "?";
  else
    os << size;
}

std::string mlir::attn::detail::formatShape(ArrayRef<int64_t> shape) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t size) { printDim(os, size); });
  os << "]";
  return result;
}

static std::string formatSpec(ArrayRef<DimSpec> spec) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << "[";
  llvm::interleaveComma(spec, os, [&](const DimSpec &dim) {
    if (dim.broadcastable && !ShapedType::isDynamic(dim.size) &&
        dim.size != 1)
      os << "1|";
    printDim(os, dim.size);
  });
  os << "]";
  return result;
}

LogicalResult mlir::attn::detail::verifyRank(Operation *op, StringRef name,
                                             Type type, int64_t rank) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (tensorType && tensorType.getRank() == rank)
    return success();
  return op->emitOpError() << "'" << name << "' must be a rank-" << rank
                           << " tensor, but has type " << type;
}

LogicalResult
mlir::attn::detail::verifyShape(Operation *op, StringRef name, Type type,
                                ArrayRef<DimSpec> expected) {
  if (failed(verifyRank(op, name, type, expected.size())))
    return failure();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(type).getShape();
  for (auto [actual, spec] : llvm::zip_equal(shape, expected)) {
    if (spec.accepts(actual))
      continue;
    return op->emitOpError() << "'" << name << "' has shape "
                             << formatShape(shape) << ", expected "
                             << formatSpec(expected);
  }
  return success();
}

LogicalResult mlir::attn::detail::verifyFloatElementType(Operation *op,
                                                         StringRef name,
                                                         Type type) {
  Type elementType = getElementTypeOrSelf(type);
  if (elementType.isF32() || elementType.isF16() || elementType.isBF16())
    return success();
  return op->emitOpError() << "'" << name
                           << "' must have element type f32, f16 or bf16, "
                              "but has "
                           << elementType;
}

LogicalResult mlir::attn::detail::verifyElementType(Operation *op,
                                                    StringRef name, Type type,
                                                    Type expected,
                                                    StringRef what) {
  Type elementType = getElementTypeOrSelf(type);
  if (elementType == expected)
    return success();
  return op->emitOpError() << "'" << name << "' has element type "
                           << elementType << ", expected " << expected << " ("
                           << what << ")";
}

bool mlir::attn::detail::areCastCompatible(Type a, Type b) {
  auto x = dyn_cast<RankedTensorType>(a), y = dyn_cast<RankedTensorType>(b);
  return x && y && x.getElementType() == y.getElementType() &&
         succeeded(verifyCompatibleShape(x, y));
}

Type mlir::attn::detail::joinStaticSizes(Type a, Type b) {
  auto x = cast<RankedTensorType>(a), y = cast<RankedTensorType>(b);
  SmallVector<int64_t> shape(x.getShape());
  for (auto [size, other] : llvm::zip_equal(shape, y.getShape()))
    if (ShapedType::isDynamic(size))
      size = other;
  return x.clone(shape);
}

LogicalResult mlir::attn::detail::verifyCastCompatible(Operation *op,
                                                       StringRef name,
                                                       Type type, Type expected,
                                                       StringRef what) {
  if (areCastCompatible(type, expected))
    return success();
  return op->emitOpError() << "'" << name << "' has type " << type
                           << ", expected one compatible with " << expected
                           << " (" << what
                           << ": the same element type, and equal sizes "
                              "where both are static)";
}

LogicalResult mlir::attn::detail::verifyPositiveParameter(Operation *op,
                                                          StringRef name,
                                                          int64_t value) {
  constexpr int64_t kLimit = (int64_t(1) << 31) - 1;
  if (value < 1)
    return op->emitOpError() << name << " must be positive, but got " << value;
  if (value > kLimit)
    return op->emitOpError()
           << name << " must be at most " << kLimit << ", but got " << value;
  return success();
}

LogicalResult mlir::attn::detail::verifyScale(Operation *op,
                                              std::optional<APFloat> scale) {
  if (!scale || scale->isFinite())
    return success();
  SmallString<16> text;
  scale->toString(text);
  return op->emitOpError() << "scale must be finite, but got " << text;
}

LogicalResult mlir::attn::detail::verifyNonEmptyHeadDims(
    Operation *op, ArrayRef<std::pair<StringRef, Type>> named) {
  for (auto [name, type] : named)
    if (dimOf(type, 3) == 0)
      return op->emitOpError()
             << "'" << name << "' must have a head dim of at least 1, but "
             << "has 0";
  return success();
}

LogicalResult mlir::attn::detail::verifyGroupedHeads(Operation *op,
                                                     StringRef queryName,
                                                     int64_t numQueryHeads,
                                                     StringRef kvName,
                                                     int64_t numKvHeads) {
  if (ShapedType::isDynamic(numQueryHeads) ||
      ShapedType::isDynamic(numKvHeads))
    return success();
  if (numKvHeads == 0 || numQueryHeads == 0)
    return op->emitOpError() << "'" << (numKvHeads == 0 ? kvName : queryName)
                             << "' must have at least one head, but has 0";
  if (numQueryHeads % numKvHeads == 0)
    return success();
  return op->emitOpError() << "'" << queryName << "' has " << numQueryHeads
                           << " heads, which is not a multiple of the "
                           << numKvHeads << " heads of '" << kvName << "'";
}

int64_t mlir::attn::detail::ceilDivDim(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || b <= 0)
    return ShapedType::kDynamic;
  return (a + b - 1) / b;
}

int64_t mlir::attn::detail::dimOf(Type type, unsigned dim) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType || dim >= tensorType.getRank())
    return ShapedType::kDynamic;
  return tensorType.getDimSize(dim);
}
