//===- TilePlanning.h - tile sizes for the flash lowering -------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_TILEPLANNING_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_TILEPLANNING_H

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Target/CpuTarget.h"

namespace mlir::attn {

/// The tile sizes of `op` for `target` (see attn-plan-tiles).
TilingAttr planCpuTiles(AttentionOp op, const CpuTarget &target);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_TILEPLANNING_H
