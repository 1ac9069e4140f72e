//===- Passes.h - attn conversion passes ------------------------*- C++ -*-===//

#ifndef ATTN_CONVERSION_PASSES_H
#define ATTN_CONVERSION_PASSES_H

#include "attn/Conversion/AttnToLinalg/AttnToLinalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::attn {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "attn/Conversion/Passes.h.inc"

/// Index-typed arith.addui_extended and mulsi/mului_extended as the same ops
/// on i64 between index casts (attn-lower-index-extended-arith).
void populateIndexExtendedArithPatterns(RewritePatternSet &patterns);

/// Integer divisions and remainders guarded against a divisor of 0 and
/// (signed) -1 (attn-guard-integer-division).
void populateIntegerDivisionGuardPatterns(RewritePatternSet &patterns);

/// expm1, log1p, isinf and fpowi in forms whose LLVM lowering is accurate
/// (attn-expand-math).
void populateMathExpansionPatterns(RewritePatternSet &patterns);

/// Truncating index casts as a cast to i64 and a trunci
/// (attn-expand-index-truncations).
void populateIndexTruncationPatterns(RewritePatternSet &patterns);

/// Value-bounds models of arith.ceildivui and arith.ceildivsi by a constant,
/// which upstream lacks: attn-scratch-bytes bounds tile sizes through the
/// tile counts they define.
void registerCeilDivValueBoundsExternalModels(DialectRegistry &registry);

/// The function attn-scratch-bytes adds for the public function `function`.
std::string getScratchBytesFunctionName(StringRef function);

} // namespace mlir::attn

#endif // ATTN_CONVERSION_PASSES_H
