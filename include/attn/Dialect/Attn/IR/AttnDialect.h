//===- AttnDialect.h - attn dialect -----------------------------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNDIALECT_H
#define ATTN_DIALECT_ATTN_IR_ATTNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h.inc"

namespace mlir::attn::detail {
/// Attaches TilingInterface and ReifyRankedShapedTypeOpInterface to
/// attn.merge, attn.compress, attn.block_scores and attn.topk
/// (TokenOpTiling.cpp); the dialect does so when it loads.
void attachTokenOpTilingModels(MLIRContext &context);
} // namespace mlir::attn::detail

#endif // ATTN_DIALECT_ATTN_IR_ATTNDIALECT_H
