//===- Passes.td - attn conversion passes ------------------*- tablegen -*-===//

#ifndef ATTN_CONVERSION_PASSES_TD
#define ATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAttnToLinalgPass : Pass<"convert-attn-to-linalg"> {
  let summary = "Lower every attn op to linalg on tensors, materialising "
                "scores: the reference lowering";
  let description = [{
    Rewrites attn ops into `linalg.generic` ops on tensors that compute the
    exact semantics of docs/Semantics.md directly: attention materialises the
    `[B, Hq, Lq, Lkv]` scores (slow and simple on purpose: it is the oracle
    that the fast paths are tested against). Grouped-query attention reads
    the shared key/value heads through indexing maps, never a copy; products
    and sums accumulate in f32; a row with no allowed key gives 0 and an LSE
    of -inf.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // ATTN_CONVERSION_PASSES_TD
