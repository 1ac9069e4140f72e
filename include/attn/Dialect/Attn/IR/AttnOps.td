//===- AttnOps.td - attn operations ------------------------*- tablegen -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNOPS_TD
#define ATTN_DIALECT_ATTN_IR_ATTNOPS_TD

include "attn/Dialect/Attn/IR/AttnAttrs.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"
include "mlir/IR/OpBase.td"

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

// The ops' operands and results: ranked tensors without an encoding. Their
// semantics (docs/Semantics.md) are of plain dense tensors, and the
// lowerings bufferise them as such.
// (Not RankedTensorOf: its summary would append "of any type values".)
def Attn_Tensor : Type<
    And<[AnyRankedTensor.predicate,
         CPred<"!::llvm::cast<::mlir::RankedTensorType>($_self)"
               ".getEncoding()">]>,
    "ranked tensor without an encoding", "::mlir::RankedTensorType">;

// The ops' verifiers check these lists' elements (a wrong one is named in
// the message; ODS's constraint message could name only the list).
def Attn_MaskArrayAttr : TypedArrayAttrBase<AnyAttr, "mask predicates">;
def Attn_ScoreModArrayAttr : TypedArrayAttrBase<AnyAttr, "score modifiers">;

//===----------------------------------------------------------------------===//
// attn.attention
//===----------------------------------------------------------------------===//

def Attn_AttentionOp : Attn_Op<"attention", [
    AttrSizedOperandSegments, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
                              ["reifyResultShapes"]>,
    DeclareOpInterfaceMethods<TilingInterface, [
      "getLoopIteratorTypes", "getIterationDomain", "getTiledImplementation",
      "getResultTilePosition", "getIterationDomainTileFromResultTile",
      "generateResultTileValue"]>]> {
  let summary = "exact attention with declarative masks and score modifiers";
  let description = [{
    Computes, for every batch b, query head h, and query row i,

    ```
    s_ij  = scale * <q[b, h, i, :], k[b, h / G, j, :]>      (G = Hq / Hkv)
    s_ij <- score modifiers, in the order of `score`, then `score_mod`
    p_ij  = normaliser(s_i:) over the allowed keys j
    out[b, h, i, :] = sum_j p_ij v[b, h / G, j, :]
    lse[b, h, i]    = m_i + log sum_j exp(s_ij - m_i)           (optional)
    ```

    A key is allowed iff every predicate of `mask` holds and, if present,
    the `mask_mod` region yields true. Queries are aligned bottom-right:
    `pos(i) = i + (Lkv - Lq)`. A row without allowed keys yields zeros and
    an LSE of -inf. `scale` defaults to `1 / sqrt(Dqk)`.

    Optional operands: `bias` (`[1|B, 1|Hq, Lq, Lkv]`, read by `#attn.bias`),
    `segments` (`q_segments: [B, Lq]`, `kv_segments: [B, Lkv]`, i32, read by
    `#attn.document`), `layout` (`[1|B, 1|Hq, ceil(Lq/bq), ceil(Lkv/bk)]`, i1,
    read by `#attn.block_layout`), `indices` (`[B, Hkv, ceil(Lq/bq), K]`,
    i32, read by `#attn.block_indices`), `sink` (`[Hq]`, f32: a per-head
    logit that joins the softmax denominator only).

    The `score_mod` region takes `(s: f32, b, h, i, j: index)` and yields
    the new f32 score; the `mask_mod` region takes `(b, h, i, j: index)` and
    yields an i1. Both may read values defined above the op (tables).

    The op tiles (TilingInterface) over batches and K/V heads, the
    dimensions along which rows are independent whatever the mask; a tile
    takes each of its K/V heads' whole group of query heads. Its regions
    then see global batch and head indices, and ALiBi, whose slope depends
    on the head and on Hq, moves with the score modifiers after it into the
    tile's `score_mod`.

    Example:

    ```mlir
    %out, %lse = attn.attention %q, %k, %v
        mask [#attn.causal, #attn.window<left = 1024, right = 0>]
        score [#attn.softcap<30.0>]
        {scale = 0.0883883 : f32}
        : tensor<2x16x4096x128xbf16>, tensor<2x4x4096x128xbf16>,
          tensor<2x4x4096x128xbf16>
        -> tensor<2x16x4096x128xbf16>, tensor<2x16x4096xf32>
    ```
  }];

  let arguments = (ins
    Attn_Tensor:$query,
    Attn_Tensor:$key,
    Attn_Tensor:$value,
    Optional<Attn_Tensor>:$bias,
    Optional<Attn_Tensor>:$q_segments,
    Optional<Attn_Tensor>:$kv_segments,
    Optional<Attn_Tensor>:$layout,
    Optional<Attn_Tensor>:$indices,
    Optional<Attn_Tensor>:$sink,
    DefaultValuedAttr<Attn_MaskArrayAttr, "{}">:$mask,
    DefaultValuedAttr<Attn_ScoreModArrayAttr, "{}">:$score,
    OptionalAttr<Attn_NormalizerAttrInterface>:$normalizer,
    OptionalAttr<F32Attr>:$scale,
    OptionalAttr<Attn_TilingAttr>:$tiling
  );
  let results = (outs Attn_Tensor:$output,
                      Optional<Attn_Tensor>:$lse);
  let regions = (region MaxSizedRegion<1>:$score_mod,
                        MaxSizedRegion<1>:$mask_mod);

  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`bias` `(` $bias^ `)`)?
    (`segments` `(` $q_segments^ `,` $kv_segments `)`)?
    (`layout` `(` $layout^ `)`)?
    (`indices` `(` $indices^ `)`)?
    (`sink` `(` $sink^ `)`)?
    (`mask` $mask^)?
    (`score` $score^)?
    (`normalizer` `(` custom<Normalizer>($normalizer)^ `)`)?
    (`score_mod` $score_mod^)?
    (`mask_mod` $mask_mod^)?
    attr-dict `:` type(operands) `->` type(results)
  }];

  let extraClassDeclaration = [{
    /// The normaliser, softmax when the attribute is absent.
    ::mlir::attn::NormalizerAttrInterface getNormalizerOrDefault();
    /// The scale, 1/sqrt(Dqk) when the attribute is absent (0 when Dqk is
    /// dynamic and no scale is given: the lowering computes it).
    std::optional<double> getScaleOrDefault();
    /// Sequence lengths, for mask analysis and folding.
    ::mlir::attn::MaskShape getMaskShape();
    /// Number of query heads per key/value head.
    int64_t getGroupSize();
    /// Atoms that the `mask_mod` implies (it allows no pair they reject),
    /// for tile classification only, so that tiles the mask_mod empties
    /// are not visited; elements are still tested by the mask_mod. A
    /// mask_mod that yields `i / C == j / C` (one segment of C tokens;
    /// `divui`, equal static lengths that C divides) implies a
    /// neighbourhood whose grid rows are the segments.
    ::llvm::SmallVector<::mlir::Attribute> getMaskModAtoms();
    /// The mask predicates and getMaskModAtoms(): what tiles are
    /// classified by.
    ::llvm::SmallVector<::mlir::Attribute> getTileClassificationMask();
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// attn.compress
//===----------------------------------------------------------------------===//

def Attn_CompressOp : Attn_Op<"compress", [Pure]> {
  let summary = "token compression: one token per stride, reducing a window";
  let description = [{
    `[B, H, L, D] -> [B, H, ceil(L / stride), D]`: output token c reduces the
    input tokens `[c * stride, min(c * stride + window, L))` by `mean`, `max`
    or `sum`. `window` defaults to `stride` (non-overlapping blocks). With
    the optional `weights` operand (`[window]` or `[H, window]`, f32) and
    `sum`, token `c * stride + t` is scaled by `weights[..., t]` first.

    ```mlir
    %kc = attn.compress mean %k stride 64 : tensor<1x4x4096x128xf32>
        -> tensor<1x4x64x128xf32>
    ```
  }];
  let arguments = (ins Attn_Tensor:$input,
                       Optional<Attn_Tensor>:$weights,
                       Attn_ReduceKind:$reduce,
                       I64Attr:$stride,
                       OptionalAttr<I64Attr>:$window);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $reduce $input (`weights` `(` $weights^ `)`)? `stride` $stride
    (`window` $window^)? attr-dict `:` type(operands) `->` type($result)
  }];
  let extraClassDeclaration = [{
    int64_t getWindowOrStride() {
      return getWindow().value_or(getStride());
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.block_scores
//===----------------------------------------------------------------------===//

def Attn_BlockScoresOp : Attn_Op<"block_scores", [Pure]> {
  let summary = "importance of each compressed key for each query block";
  let description = [{
    `query: [B, Hq, Lq, D]`, `keys: [B, Hkv, Lc, D]` (typically compressed)
    give `[B, Hkv, ceil(Lq / block_q), Lc]` f32:

    ```
    p[b, h, i, :] = softmax_j(scale * <q[b, h, i], kc[b, h / G, j]>) over
                    the keys allowed by `mask` (0 elsewhere)
    out[b, g, r, j] = mean over the rows i of query block r and the heads h
                      of kv group g of p[b, h, i, j]
    ```

    An entry that no row of the block may attend to is -inf, so that
    `attn.topk` never selects it. Only mask predicates that read no operand
    are allowed (no document, block_layout or block_indices).
  }];
  let arguments = (ins Attn_Tensor:$query,
                       Attn_Tensor:$keys,
                       I64Attr:$block_q,
                       DefaultValuedAttr<Attn_MaskArrayAttr, "{}">:$mask,
                       OptionalAttr<F32Attr>:$scale);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $query `,` $keys `block_q` $block_q (`mask` $mask^)? attr-dict
    `:` type(operands) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// attn.topk
//===----------------------------------------------------------------------===//

def Attn_TopkOp : Attn_Op<"topk", [Pure]> {
  let summary = "indices of the k largest entries along the last dimension";
  let description = [{
    Returns, along the last dimension, the indices of the `k` largest
    entries, sorted ascending by index; ties go to the lower index; entries
    equal to -inf or NaN are never selected, and slots left over are -1.
  }];
  let arguments = (ins Attn_Tensor:$scores, I64Attr:$k);
  let results = (outs Attn_Tensor:$indices);
  let assemblyFormat = [{
    $scores `k` $k attr-dict `:` type($scores) `->` type($indices)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.merge
//===----------------------------------------------------------------------===//

def Attn_MergeOp : Attn_Op<"merge", [Pure, AttrSizedOperandSegments]> {
  let summary = "combine the outputs of attention branches";
  let description = [{
    * `lse (%o1, %lse1), (%o2, %lse2), ...`: the exact softmax over the union
      of the branches' key sets,
      `o = sum_k e^(lse_k - M) o_k / sum_k e^(lse_k - M)`, `M = max_k lse_k`,
      and optionally the merged `lse = M + log sum_k e^(lse_k - M)`. Rows
      with every `lse_k = -inf` give 0 and -inf.
    * `gated (%o1, %g1), ...`: `o = sum_k g_k o_k` with per-token gates
      `g_k: [B, H, L]` (NSA's sigmoid gates).
    * `sum (%o1), (%o2), ...`: `o = sum_k o_k` (SLA's sparse + linear parts).

    The types after `:` are those of one branch when every branch has the
    same; otherwise each branch's, grouped as its operands are
    (`: (tensor<..>, tensor<..>), (tensor<..>, tensor<..>) -> ...`).
    Branches, weights and results may differ in which sizes their types fix;
    the sizes that several fix must agree.

    ```mlir
    %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
        : tensor<1x8x128x64xf32>, tensor<1x8x128xf32>
        -> tensor<1x8x128x64xf32>, tensor<1x8x128xf32>
    ```
  }];
  let arguments = (ins Variadic<Attn_Tensor>:$outputs,
                       Variadic<Attn_Tensor>:$weights,
                       Attn_MergeKind:$kind);
  let results = (outs Attn_Tensor:$result,
                      Optional<Attn_Tensor>:$lse);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// For `lse`: the branches' attentions when the merge is the softmax
    /// over the union of their key sets that one online softmax can compute
    /// (each branch is the output and LSE of an attention read by nothing
    /// else, all of the same queries, softmax without a sink, one static
    /// scale and value width; at least two). Lowerings visit each source's
    /// key tiles in turn with the first one's query tile.
    FailureOr<SmallVector<AttentionOp>> getUnionSources();
  }];
}

//===----------------------------------------------------------------------===//
// attn.linear_attention
//===----------------------------------------------------------------------===//

def Attn_LinearAttentionOp : Attn_Op<"linear_attention", [Pure]> {
  let summary = "kernelised (linear) attention with optional decay";
  let description = [{
    ```
    out_i = phi(q_i)^T S_i / (phi(q_i)^T z_i + eps)   (denominator only
                                                       with `normalize`)
    S_i   = sum_{j allowed} gamma_{j->i} phi(k_j) v_j^T
    z_i   = sum_{j allowed} gamma_{j->i} phi(k_j)
    gamma_{j->i} = exp(sum_{t = j+1 .. pos(i)} a_t)   (1 without decay)
    ```

    Every key is allowed unless `causal` (then `j <= pos(i)`, with
    `pos(i) = i + (Lkv - Lq)`). The optional `decay` operand holds the
    log-gates `a: [B, Hq, Lkv]` (f32, each <= 0) and requires `causal`. GQA
    as in attn.attention. `eps` defaults to 1e-6.
  }];
  let arguments = (ins Attn_Tensor:$query,
                       Attn_Tensor:$key,
                       Attn_Tensor:$value,
                       Optional<Attn_Tensor>:$decay,
                       Attn_FeatureMap:$feature,
                       UnitAttr:$causal,
                       UnitAttr:$normalize,
                       OptionalAttr<F32Attr>:$eps);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`decay` `(` $decay^ `)`)? `feature` $feature
    (`causal` $causal^)? (`normalize` $normalize^)? attr-dict
    `:` type(operands) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.causal_conv
//===----------------------------------------------------------------------===//

def Attn_CausalConvOp : Attn_Op<"causal_conv", [Pure]> {
  let summary = "depthwise causal convolution along the sequence";
  let description = [{
    `input: [B, H, L, D]`, `weight: [H, D, K]` give `[B, H, L, D]` with
    `out[b, h, t, d] = sum_{k < K} weight[h, d, k] * input[b, h, t - K + 1 + k, d]`,
    reading zeros before the start of the sequence.
  }];
  let arguments = (ins Attn_Tensor:$input, Attn_Tensor:$weight);
  let results = (outs Attn_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type(operands) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// attn.yield
//===----------------------------------------------------------------------===//

def Attn_YieldOp : Attn_Op<"yield", [Pure, ReturnLike, Terminator,
    HasParent<"AttentionOp">]> {
  let summary = "terminates the score_mod and mask_mod regions";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNOPS_TD
