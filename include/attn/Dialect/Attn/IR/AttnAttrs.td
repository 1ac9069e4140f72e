//===- AttnAttrs.td - attn attributes and enums ------------*- tablegen -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD
#define ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD

include "attn/Dialect/Attn/IR/AttnBase.td"
include "attn/Dialect/Attn/IR/AttnInterfaces.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Attn_ReduceKind : I32EnumAttr<"ReduceKind",
    "how attn.compress reduces the tokens of one window", [
      I32EnumAttrCase<"Mean", 0, "mean">,
      I32EnumAttrCase<"Max", 1, "max">,
      I32EnumAttrCase<"Sum", 2, "sum">]> {
  let cppNamespace = "::mlir::attn";
}

def Attn_MergeKind : I32EnumAttr<"MergeKind",
    "how attn.merge combines the outputs of attention branches", [
      I32EnumAttrCase<"Lse", 0, "lse">,
      I32EnumAttrCase<"Gated", 1, "gated">,
      I32EnumAttrCase<"Sum", 2, "sum">]> {
  let cppNamespace = "::mlir::attn";
}

def Attn_FeatureMap : I32EnumAttr<"FeatureMap",
    "the feature map phi of attn.linear_attention, applied per element", [
      I32EnumAttrCase<"Identity", 0, "identity">,
      I32EnumAttrCase<"Relu", 1, "relu">,
      I32EnumAttrCase<"EluPlusOne", 2, "elu_plus_one">,
      I32EnumAttrCase<"Exp", 3, "exp">,
      I32EnumAttrCase<"Sigmoid", 4, "sigmoid">]> {
  let cppNamespace = "::mlir::attn";
}

//===----------------------------------------------------------------------===//
// Mask atoms
//===----------------------------------------------------------------------===//

class Attn_MaskAttr<string name, string attrMnemonic,
                    list<string> overridden = []>
    : Attn_Attr<name, attrMnemonic,
        [DeclareAttrInterfaceMethods<Attn_MaskAttrInterface, overridden>]>;

def Attn_CausalAttr : Attn_MaskAttr<"Causal", "causal", ["buildKeyInterval"]> {
  let summary = "key j is allowed iff (j + 1) * stride - 1 <= pos(i)";
  let description = [{
    With the default stride 1 this is the causal mask `j <= pos(i)`. With
    `stride = S`, key j summarises tokens `[j*S, (j+1)*S)` (a checkpoint or
    compressed block) and is allowed once the query has passed its last
    token. The key operand then covers `S * Lkv` tokens, so the bottom-right
    alignment is `pos(i) = i + (S * Lkv - Lq)`.
  }];
  let parameters = (ins DefaultValuedParameter<"int64_t", "1">:$stride);
  let assemblyFormat = "(`<` `stride` `=` $stride^ `>`)?";
  let genVerifyDecl = 1;
}

def Attn_WindowAttr : Attn_MaskAttr<"Window", "window",
    ["simplify", "buildKeyInterval"]> {
  let summary = "pos(i) - left <= j <= pos(i) + right";
  let description = [{
    A sliding window, as FlashAttention's `window_size = (left, right)`.
  }];
  let parameters = (ins "int64_t":$left, "int64_t":$right);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_DilatedAttr : Attn_MaskAttr<"Dilated", "dilated",
    ["simplify", "buildKeyInterval"]> {
  let summary = "|pos(i) - j| <= window * dilation and (pos(i) - j) mod "
                "dilation == 0";
  let parameters = (ins "int64_t":$window, "int64_t":$dilation);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_NeighborhoodAttr : Attn_MaskAttr<"Neighborhood", "neighborhood"> {
  let summary = "tokens on a grid within a dilated Chebyshev radius";
  let description = [{
    Queries and keys are the cells of a row-major grid (2-D for images, 3-D
    for video). Key j is allowed for query i iff along every axis `a` the
    coordinates differ by a multiple of `dilation[a]` of at most
    `radius[a] * dilation[a]`. Near the border the window is not shifted
    inwards (NATTEN's clamping is expressed with a `mask_mod` if needed).
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$grid,
                        ArrayRefParameter<"int64_t">:$radius,
                        ArrayRefParameter<"int64_t">:$dilation);
  let assemblyFormat = [{
    `<` `grid` `=` `[` $grid `]` `,` `radius` `=` `[` $radius `]` `,`
        `dilation` `=` `[` $dilation `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of grid cells, the sequence length this atom applies to.
    int64_t getNumCells() const;
  }];
}

def Attn_PrefixAttr : Attn_MaskAttr<"Prefix", "prefix", ["buildKeyInterval"]> {
  let summary = "j < len";
  let parameters = (ins "int64_t":$len);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_ChunkedAttr : Attn_MaskAttr<"Chunked", "chunked", ["buildKeyInterval"]> {
  let summary = "floor(pos(i) / size) == floor(j / size)";
  let description = [{
    Chunked local attention: tokens attend within fixed chunks of `size`
    positions (Llama 4's local layers with `#attn.causal`; SCOUT's segments).
    A query before the keys (pos(i) < 0, when Lq > Lkv) sees none. With
    static lengths its tiles are classified exactly: a tile beside the
    diagonal's chunks is never visited.
  }];
  let parameters = (ins "int64_t":$size);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_GlobalAttr : Attn_MaskAttr<"Global", "global", ["buildKeyInterval"]> {
  let summary = "pos(i) < count or j < count";
  let description = [{
    The first `count` tokens are global: they attend to everything and
    everything attends to them (Longformer, BigBird).
  }];
  let parameters = (ins "int64_t":$count);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_StripesAttr : Attn_MaskAttr<"Stripes", "stripes"> {
  let summary = "pos(i) - j in diagonals, or j in columns";
  let parameters = (ins OptionalArrayRefParameter<"int64_t">:$diagonals,
                        OptionalArrayRefParameter<"int64_t">:$columns);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Attn_DocumentAttr : Attn_MaskAttr<"Document", "document",
    ["isDataDependent", "buildTileMayHaveKeys"]> {
  let summary = "q_segments[b, i] == kv_segments[b, j]";
  let description = [{
    Packed sequences: reads the op's `segments` operands.
  }];
  // (Parameterless: the parser refuses a `<...>` body.)
  let hasCustomAssemblyFormat = 1;
}

def Attn_BlockLayoutAttr : Attn_MaskAttr<"BlockLayout", "block_layout",
    ["isDataDependent", "buildTileMayHaveKeys",
     "getExactTileBlocks"]> {
  let summary = "layout[b, h, i / block_q, j / block_kv]";
  let description = [{
    A block-sparse layout read from the op's `layout` operand (i1).
  }];
  let parameters = (ins "int64_t":$block_q, "int64_t":$block_kv);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_BlockIndicesAttr : Attn_MaskAttr<"BlockIndices", "block_indices",
    ["isDataDependent", "buildTileMayHaveKeys",
     "getExactTileBlocks"]> {
  let summary = "j / block_kv in indices[b, h / G, i / block_q, :]";
  let description = [{
    Per query block, the list of selected key blocks, read from the op's
    `indices` operand (i32, -1 for an unused slot).
  }];
  let parameters = (ins "int64_t":$block_q, "int64_t":$block_kv);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Attn_OrAttr : Attn_MaskAttr<"Or", "or",
    ["simplify", "walkPredicates", "isDataDependent", "buildTileMayHaveKeys",
     "buildKeyInterval"]> {
  let summary = "the disjunction of mask predicates";
  let parameters = (ins "::mlir::ArrayAttr":$predicates);
  let assemblyFormat = "`<` $predicates `>`";
  let genVerifyDecl = 1;
}

def Attn_AndAttr : Attn_MaskAttr<"And", "and",
    ["simplify", "walkPredicates", "isDataDependent", "buildTileMayHaveKeys",
     "buildKeyInterval"]> {
  let summary = "the conjunction of mask predicates (for use inside or/not)";
  let parameters = (ins "::mlir::ArrayAttr":$predicates);
  let assemblyFormat = "`<` $predicates `>`";
  let genVerifyDecl = 1;
}

def Attn_NotAttr : Attn_MaskAttr<"Not", "not",
    ["simplify", "walkPredicates", "isDataDependent"]> {
  let summary = "the complement of a mask predicate";
  let parameters = (ins "::mlir::Attribute":$predicate);
  let assemblyFormat = "`<` $predicate `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Score modifiers
//===----------------------------------------------------------------------===//

def Attn_SoftcapAttr : Attn_Attr<"Softcap", "softcap",
    [DeclareAttrInterfaceMethods<Attn_ScoreModAttrInterface, ["buildScore"]>]> {
  let summary = "s <- cap * tanh(s / cap)";
  let parameters = (ins APFloatParameter<"the cap">:$cap);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Attn_AlibiAttr : Attn_Attr<"Alibi", "alibi",
    [DeclareAttrInterfaceMethods<Attn_ScoreModAttrInterface, ["buildScore"]>]> {
  let summary = "s <- s + slope[h] * (j - pos(i))";
  let description = [{
    ALiBi. Without `slopes`, query head h of Hq uses `2^(-8 (h + 1) / Hq)`.
  }];
  let parameters = (ins OptionalParameter<"::mlir::DenseF32ArrayAttr">:$slopes);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Attn_BiasAttr : Attn_Attr<"Bias", "bias",
    [DeclareAttrInterfaceMethods<Attn_ScoreModAttrInterface,
                                 ["readsBiasOperand", "buildScore"]>]> {
  let summary = "s <- s + bias[b, h, i, j], read from the bias operand";
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Normalisers
//===----------------------------------------------------------------------===//

def Attn_SoftmaxAttr : Attn_Attr<"Softmax", "softmax",
    [DeclareAttrInterfaceMethods<Attn_NormalizerAttrInterface>]> {
  let summary = "p_ij = exp(s_ij - m_i) / sum_allowed exp(s_ij - m_i)";
  let hasCustomAssemblyFormat = 1;
}

def Attn_SigmoidAttr : Attn_Attr<"Sigmoid", "sigmoid",
    [DeclareAttrInterfaceMethods<Attn_NormalizerAttrInterface>]> {
  let summary = "p_ij = sigmoid(s_ij + bias), unnormalised";
  let parameters = (ins APFloatParameter<"the logit bias">:$bias);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Tiling
//===----------------------------------------------------------------------===//

def Attn_TilingAttr : Attn_Attr<"Tiling", "tiling"> {
  let summary = "the tile sizes the flash lowering uses for an attention";
  let description = [{
    Set by `attn-plan-tiles` (or by hand): the flash lowering processes
    `block_q` query rows against `block_kv` keys at a time, carrying the
    running max, sum and accumulator of each row across key tiles. With
    `kv_splits = S > 1` (split-KV, for short queries against long caches)
    each row's key tiles are divided among S parallel tasks whose partial
    results are merged by their log-sum-exp; with a static key length, at
    most one split per key tile.
  }];
  let parameters = (ins "int64_t":$block_q, "int64_t":$block_kv,
                        DefaultValuedParameter<"int64_t", "1">:$kv_splits);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNATTRS_TD
