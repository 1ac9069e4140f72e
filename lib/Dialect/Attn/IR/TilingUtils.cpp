//===- TilingUtils.cpp - index arithmetic for the attn ops' tiling --------===//

#include "TilingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::attn::tiling;

Value FoldedIndexMath::value(OpFoldResult ofr) {
  return getValueOrCreateConstantIndexOp(b, loc, ofr);
}

OpFoldResult FoldedIndexMath::mul(OpFoldResult lhs, OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs);
  std::optional<int64_t> r = getConstantIntValue(rhs);
  if (l && r)
    return b.getIndexAttr(*l * *r);
  if ((l && *l == 1) || (r && *r == 0))
    return rhs;
  if ((r && *r == 1) || (l && *l == 0))
    return lhs;
  return arith::MulIOp::create(b, loc, value(lhs), value(rhs)).getResult();
}

OpFoldResult FoldedIndexMath::div(OpFoldResult lhs, OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs);
  std::optional<int64_t> r = getConstantIntValue(rhs);
  if (l && r && *r != 0)
    return b.getIndexAttr(*l / *r);
  if (r && *r == 1)
    return lhs;
  return arith::DivUIOp::create(b, loc, value(lhs), value(rhs)).getResult();
}

OpFoldResult FoldedIndexMath::ceilDiv(OpFoldResult lhs, int64_t rhs) {
  if (std::optional<int64_t> l = getConstantIntValue(lhs))
    return b.getIndexAttr(llvm::divideCeil(*l, rhs));
  return arith::CeilDivUIOp::create(b, loc, value(lhs),
                                    arith::ConstantIndexOp::create(b, loc, rhs))
      .getResult();
}

Value FoldedIndexMath::add(Value index, OpFoldResult offset) {
  if (isZeroInteger(offset))
    return index;
  return arith::AddIOp::create(b, loc, index, value(offset));
}

int64_t mlir::attn::tiling::staticSize(OpFoldResult size) {
  if (auto attr = dyn_cast<Attribute>(size))
    return cast<IntegerAttr>(attr).getInt();
  return ShapedType::kDynamic;
}

SmallVector<OpFoldResult>
mlir::attn::tiling::sizesAsTyped(OpBuilder &b, Location loc, Type type,
                                 SmallVector<OpFoldResult> sizes) {
  auto tensorType = cast<RankedTensorType>(type);
  for (int64_t dim = 0; dim < tensorType.getRank(); ++dim)
    sizes[dim] =
        tensorType.isDynamicDim(dim)
            ? OpFoldResult(getValueOrCreateConstantIndexOp(b, loc, sizes[dim]))
            : OpFoldResult(b.getIndexAttr(tensorType.getDimSize(dim)));
  return sizes;
}

OpFoldResult mlir::attn::tiling::groupSize(OpBuilder &b, Location loc,
                                           Value queries, Value keys) {
  FoldedIndexMath m{b, loc};
  return m.div(tensor::getMixedSize(b, loc, queries, 1),
               tensor::getMixedSize(b, loc, keys, 1));
}

std::optional<int64_t> mlir::attn::tiling::staticGroupSize(Value queries,
                                                           Value keys) {
  int64_t queryHeads = cast<ShapedType>(queries.getType()).getDimSize(1);
  int64_t kvHeads = cast<ShapedType>(keys.getType()).getDimSize(1);
  if (ShapedType::isDynamic(queryHeads) || ShapedType::isDynamic(kvHeads) ||
      kvHeads == 0)
    return std::nullopt;
  return queryHeads / kvHeads;
}

bool mlir::attn::tiling::isMultipleOf(OpFoldResult ofr, int64_t factor) {
  if (factor == 1)
    return true;
  if (std::optional<int64_t> constant = getConstantIntValue(ofr))
    return *constant % factor == 0;
  Operation *def = cast<Value>(ofr).getDefiningOp();
  if (!def)
    return false;
  if (auto mul = dyn_cast<arith::MulIOp>(def))
    return isMultipleOf(mul.getLhs(), factor) ||
           isMultipleOf(mul.getRhs(), factor);
  // affine.apply, read through its map without depending on the affine
  // dialect.
  if (def->getName().getStringRef() == "affine.apply")
    if (auto map = def->getAttrOfType<AffineMapAttr>("map"))
      return map.getValue().getNumResults() == 1 &&
             map.getValue().getResult(0).isMultipleOf(factor);
  return false;
}
