//===- ArithRewriteSupport.h - shared by the arith rewrites -----*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ARITHREWRITES_ARITHREWRITESUPPORT_H
#define ATTN_LIB_CONVERSION_ARITHREWRITES_ARITHREWRITESUPPORT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::attn {

/// `type` with i64 for its (element) type: a scalar integer or index, or a
/// vector or ranked tensor of them; null for other shaped types (memrefs,
/// which trunci and the extended ops do not take).
inline Type withI64Elements(Type type) {
  auto i64 = IntegerType::get(type.getContext(), 64);
  if (isa<VectorType, RankedTensorType>(type))
    return cast<ShapedType>(type).clone(i64);
  return isa<ShapedType>(type) ? Type() : i64;
}

/// Applies `patterns` to the ops nested in `op`, once each, and nothing
/// else: no folding, constant deduplication or region simplification. The
/// passes here rewrite ops that upstream's folds and canonicalizations
/// mishandle (their results match no pattern again), and must leave every
/// other op as it is.
inline void applyPatternsAlone(Operation *op, RewritePatternSet &&patterns) {
  walkAndApplyPatterns(op, FrozenRewritePatternSet(std::move(patterns)));
}

} // namespace mlir::attn

#endif // ATTN_LIB_CONVERSION_ARITHREWRITES_ARITHREWRITESUPPORT_H
