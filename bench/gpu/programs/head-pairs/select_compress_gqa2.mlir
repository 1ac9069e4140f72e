func.func @select_compress_gqa2(%q: tensor<1x4x600x128xbf16>, %k: tensor<1x2x600x128xbf16>,
    %v: tensor<1x2x600x128xbf16>) -> (tensor<1x4x600x128xbf16>, tensor<1x4x10x128xbf16>) {
  %kc = attn.compress mean %k stride 64 : tensor<1x2x600x128xbf16> -> tensor<1x2x10x128xbf16>
  %scores = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x4x600x128xbf16>, tensor<1x2x10x128xbf16> -> tensor<1x2x10x10xf32>
  %selected = attn.topk %scores k 3 : tensor<1x2x10x10xf32> -> tensor<1x2x10x3xi32>
  %o = attn.attention %q, %k, %v indices(%selected)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x600x128xbf16>, tensor<1x2x600x128xbf16>, tensor<1x2x600x128xbf16>,
        tensor<1x2x10x3xi32> -> tensor<1x4x600x128xbf16>
  %c = attn.compress mean %o stride 64 : tensor<1x4x600x128xbf16> -> tensor<1x4x10x128xbf16>
  return %o, %c : tensor<1x4x600x128xbf16>, tensor<1x4x10x128xbf16>
}
