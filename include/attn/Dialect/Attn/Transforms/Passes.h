//===- Passes.h - attn dialect passes ---------------------------*- C++ -*-===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"

#include <cstdint>

namespace mlir::attn {

/// The canonicalisation patterns of every attn op (attn-canonicalize).
void populateAttnCanonicalizationPatterns(RewritePatternSet &patterns);

/// attn-refine-shapes on every function under `root` (nested modules'
/// too): the attn ops' types made as static as their sizes' relations
/// allow. With `signatures`, functions that nothing calls take the refined
/// types in their own signatures. The lowerings run it first: they want
/// one answer per size (a static key's head dim beside a dynamic query's
/// would give slices of two types).
LogicalResult refineShapes(Operation *root, bool signatures);

/// The chunked form of attn.linear_attention (chunks of `chunk` tokens;
/// register-blocked chunk products of `vectorLanes` lanes where they fit,
/// none with 0).
void populateChunkLinearAttentionPatterns(RewritePatternSet &patterns,
                                          int64_t chunk, int64_t vectorLanes);

/// Rewrites attention written in linalg on tensors to attn.attention.
void populateRaiseFromLinalgPatterns(RewritePatternSet &patterns);

/// attn.block_scores and attn.topk as tiled loops (attn-tile-selection).
/// `vectorLanes` f32 lanes per vector register (0: no register blocking).
void populateTileSelectionPatterns(RewritePatternSet &patterns,
                                   int64_t vectorLanes);

/// The flash lowering of attn.attention (attn-tile-attention); tiles of full
/// size use register-blocked products of `vectorLanes` f32 lanes (none with
/// 0), and with `bf16Dot` AVX-512 BF16 dot products for bf16 scores.
void populateTileAttentionPatterns(RewritePatternSet &patterns,
                                   int64_t vectorLanes, bool bf16Dot = false);

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_H
