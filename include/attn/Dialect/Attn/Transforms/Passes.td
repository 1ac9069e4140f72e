//===- Passes.td - attn dialect passes ---------------------*- tablegen -*-===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD
#define ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnPrintBlockMapPass : Pass<"attn-print-block-map"> {
  let summary = "Report which tiles of each attention its mask leaves empty, "
                "full or partial";
  let description = [{
    For every `attn.attention` with static sequence lengths, classifies each
    (query tile, key tile) of a `block-q` x `block-kv` tiling: `.` empty
    (never visited), `#` full (visited without evaluating the mask), `+`
    partial (the mask is evaluated per element). Emits a remark on the op
    with the counts, the fraction of tiles inside the per-query-tile key
    ranges (the loop bounds of the flash lowering), and the map itself, one
    line per query tile. Predicates that read operands (documents, block
    layouts, block indices) make their tiles partial here and are flagged:
    their emptiness is decided by a block map built at run time. A
    `mask_mod` region classifies tiles by interval arithmetic on its integer
    ops (`MaskModTiles`).
  }];
  let options = [
    Option<"blockQ", "block-q", "int64_t", /*default=*/"64",
           "Query rows per tile">,
    Option<"blockKv", "block-kv", "int64_t", /*default=*/"64",
           "Keys per tile">,
    Option<"runTimeBounds", "run-time-bounds", "bool", /*default=*/"false",
           "Also build the key-tile bounds that lengths known only at run "
           "time get (buildKeyTileInterval), fold them with the static "
           "lengths, print them per query tile and check them against the "
           "map: an error where they miss a tile with allowed pairs or call "
           "a tile full that is not">,
    Option<"checkMaskMod", "check-mask-mod", "bool", /*default=*/"false",
           "Check the classes that a mask_mod region gives tiles "
           "(MaskModTiles) against the region folded at every pair of each "
           "tile, for batches 0 and 1 and heads 0 and 2: an error where a "
           "tile called full has a pair the region refuses, or one called "
           "empty a pair it allows (a region that reads a tensor does not "
           "fold: the remark says it was not checked)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def AttnCanonicalizePass : Pass<"attn-canonicalize"> {
  let summary = "Canonicalise attn ops only: fold masks, drop unused "
                "results and dead ops";
  let description = [{
    Applies the attn ops' canonicalisation patterns and folds (mask
    predicates folded against the sequence lengths, operands no predicate
    reads removed, fully masked ops replaced by their constant results
    (`tensor.splat`s of the operands' sizes where lengths are open),
    unused log-sum-exps dropped, one-branch merges folded, an attention
    that computes what an earlier one does replaced by it) and erases attn
    ops whose results nothing reads. It runs rounds over the attn ops until
    one changes nothing, so that ops which become alike as others fold are
    seen again. Unlike `--canonicalize`, it visits
    only attn ops and what their rewrites create, so a compiler that embeds
    the dialect can normalise attention without canonicalising the rest of
    its IR.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::attn::AttnDialect"];
}

def AttnRefineShapesPass : Pass<"attn-refine-shapes", "::mlir::ModuleOp"> {
  let summary = "Make the types of attn ops as static as the sizes they "
                "relate allow";
  let description = [{
    A type may leave a size dynamic that the function's attn ops fix: a
    key's head dim is the query's, a compressed length is
    ceil(length / stride), top-k's last dimension is k. The verifiers accept
    such types; the lowerings want one answer per size. This pass follows
    the relations through each function (attn/Analysis/SizeRelations.h),
    gives every attn op's operands and results the most static types they
    allow, and puts `tensor.cast`s where a value meets an op that keeps its
    declared type. The sizes at an op come from the ops that run whenever
    it does (its block's and the blocks' around it): a loop's body may run
    no times, so its ops fix nothing outside it. Sizes that the relations
    of the whole function require to be two different constants are an
    error: no call could satisfy them.

    Every function is refined, those of nested modules too. With
    `signatures`, a function of the root module's own symbol table that
    nothing in it calls takes the refined types in its own arguments and
    results: a memref descriptor's layout does not depend on which sizes
    are static, so its callers outside the module are not affected (a
    nested module's function keeps its own: it may be called from around
    its module).
  }];
  let options = [
    Option<"signatures", "signatures", "bool", /*default=*/"false",
           "Refine the argument and result types of functions that nothing "
           "in the module calls">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def AttnPlanTilesPass : Pass<"attn-plan-tiles"> {
  let summary = "Choose the flash tile sizes of each attention for a CPU";
  let description = [{
    Sets the `tiling` attribute of every `attn.attention` that has none. The
    plan keeps the working set of one step of the flash loop — a query tile,
    a key and a value tile, the score tile and the accumulator, all in f32 —
    within half of L2, the score tile within L1 where possible, the key tile
    a multiple of the vector width, and leaves at least two query tiles per
    core when the shape allows; among those it takes the largest tiles
    (fewest passes over K and V). The CPU is read from the host unless the
    options give it.
  }];
  let options = [
    Option<"l1Bytes", "l1-bytes", "int64_t", /*default=*/"0",
           "L1 data cache bytes per core (0: read the host)">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"0",
           "L2 cache bytes per core (0: read the host)">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"0",
           "Widest vector register in bits (0: read the host)">,
    Option<"cores", "cores", "int64_t", /*default=*/"0",
           "Cores to keep busy (0: read the host)">,
  ];
}

def AttnTileAttentionPass : Pass<"attn-tile-attention"> {
  let summary = "Lower attn.attention to the tiled flash form with an online "
                "softmax";
  let description = [{
    Rewrites every `attn.attention` into FlashAttention's algorithm on
    tensors: an `scf.forall` over (batch, query head, query tile) and, inside,
    an `scf.for` over key tiles that carries each row's running max, running
    sum and f32 accumulator; both products and the softmax are fused, so no
    buffer of size Lq x Lkv exists. Tile sizes come from the op's `tiling`
    attribute (attn-plan-tiles), 64 x 64 without one. The types are refined
    first, as attn-refine-shapes does (a static key head dim beside a
    dynamic query's would give slices of two types).

    With static lengths, the block map of the mask (see
    attn-print-block-map) gives each query tile's key-tile loop bounds, so
    empty tiles are never visited, and its run of full tiles, which skip the
    mask; with dynamic lengths the predicates' run-time key intervals give
    the same bounds for the affine atoms. Predicates that read operands are
    evaluated per element on every visited tile. GQA reads the shared key/value head
    through its index. Rows without keys give 0 and an LSE of -inf.

    An `attn.merge lse` of attentions of the same queries becomes one loop
    nest over the union of their key tiles; an `attn.merge gated` or `sum`
    runs in the epilogue of its last attention branch.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the register-blocked tile products "
           "(0: no register blocking)">,
    Option<"bf16Dot", "bf16-dot", "bool", /*default=*/"false",
           "Multiply bf16 query and key tiles with AVX-512 BF16 dot "
           "products (vdpbf16ps, f32 accumulation; needs vector-bits=512)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect",
  ];
}

def AttnTileSelectionPass : Pass<"attn-tile-selection"> {
  let summary = "Lower attn.block_scores and attn.topk to tiled loops that "
                "never hold the query x key scores";
  let description = [{
    Refines the types first (as attn-refine-shapes does), then rewrites
    `attn.block_scores` into an `scf.forall` over (batch, kv head,
    query block) whose task computes the block's [rows, Lc] scores for each
    query head of the group, their row softmax and its column means: no
    tensor of [Lq, Lc] exists (the reference lowering materialises
    [B, Hkv, G, Lq, Lc]). `attn.topk` becomes a forall over rows, each
    taken in one pass that keeps the k best entries so far (O(W) compares
    and a rescan of the k slots per replacement; not the reference's sort).
    A topk that is the only reader of block scores is fused with them: the
    task selects from its own row of scores. Score chunks of a full query
    block and 64 keys take the flash lowering's register-blocked product.
    An `attn.attention` over the block scores' own probabilities (the same
    query, keys, mask and scale, a plain softmax: NSA's compressed branch)
    is computed by the same tasks from the same tiles: the task's rows hold
    every key, so its softmax is exact, and the output is the probabilities
    times the values over the row sums (LSE: row max + log row sum). The
    attention needs no score product of its own. Run it before
    attn-tile-attention, which would otherwise tile that attention alone.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the register-blocked score products "
           "(0: no register blocking)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def AttnChunkLinearAttentionPass : Pass<"attn-chunk-linear-attention"> {
  let summary = "Lower attn.linear_attention to its chunked form with a "
                "carried state";
  let description = [{
    Refines the types first (as attn-refine-shapes does), then rewrites
    `attn.linear_attention` (static head dims; batch, heads and
    lengths may be dynamic) into the chunked
    algorithm: per (batch, query head), the sequence in chunks of `chunk`
    tokens; inside a chunk the causal quadratic form on a `chunk x chunk`
    tile, across chunks a carried `D x Dv` state and `D` normaliser, decay
    gates applied as differences of in-chunk prefix sums (every exponent is
    <= 0, so long sequences neither overflow nor lose the state). Cost grows
    linearly with the length. Without `causal`, the state of all keys is
    built first and every query reads it. Causal programs with Lq != Lkv
    are bottom-right aligned: a chunk of key positions takes the queries at
    those positions. An operand that is an `attn.causal_conv`
    read only by this op (static taps and head dim) is computed per chunk
    from the conv's input (the conv fused: its result never materialised).
    With head dims that fill vectors, causal chunks of `chunk` rows take
    register-blocked products; a length that `chunk` does not divide (or a
    dynamic one) runs its full chunks in one loop and the partial last
    chunk in a second, generic one.
  }];
  let options = [
    Option<"chunk", "chunk", "int64_t", /*default=*/"64",
           "Tokens per chunk">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Vector register width of the register-blocked chunk products "
           "(0: none)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def AttnRaiseFromLinalgPass : Pass<"attn-raise-from-linalg"> {
  let summary = "Raise softmax(scale * Q K^T [+ bias] [masked]) V in linalg "
                "to attn.attention";
  let description = [{
    Finds attention written in linalg on tensors the way front ends emit it
    (torch-mlir's decomposition of `F.scaled_dot_product_attention` and of
    hand-written `softmax(q @ k^T / sqrt(d)) @ v`, StableHLO/IREE-style 4-D
    contraction generics and `linalg.softmax`) and rewrites it to
    `attn.attention`:

    - the products: `linalg.batch_matmul` between `collapse_shape`d
      `[B, H, L, D]` tensors (result `expand_shape`d back), or 4-D
      contraction `linalg.generic`s; K^T by `linalg.transpose [0, 1, 3, 2]`
      or a transposed indexing map;
    - the scale: constant `mulf`/`divf` of the scores, of Q or of K, folded
      into the op's `scale`;
    - GQA: K and V broadcast to `[B, Hkv, G, L, D]` and collapsed to heads
      become the op's shared key/value heads;
    - the softmax over the last dimension: `linalg.softmax` or the max, sub,
      exp, sum, div generics (torch's guard that zeroes rows without keys is
      what attn does anyway; a softmax written without it gives NaN on such
      rows, 0/0, where the raised op gives 0);
    - masks: `select(M, s, -inf)`, `select(M, -inf, s)`, or adding
      `select(M, 0, -inf)`. A mask computable at compile time (aranges and
      comparisons, constant buffers) that equals a causal, sliding-window or
      chunked pattern becomes those atoms; any other mask becomes a `mask_mod`
      reading the mask tensor;
    - any other additive term becomes the `bias` operand with `#attn.bias`.

    A candidate that does not account for every step is left unchanged.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::attn::AttnDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_PASSES_TD
