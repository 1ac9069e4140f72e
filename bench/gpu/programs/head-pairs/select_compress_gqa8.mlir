func.func @select_compress_gqa8(%q: tensor<2x16x333x128xbf16>, %k: tensor<2x2x333x128xbf16>,
    %v: tensor<2x2x333x128xbf16>) -> (tensor<2x16x333x128xbf16>, tensor<2x16x6x128xbf16>) {
  %kc = attn.compress mean %k stride 64 : tensor<2x2x333x128xbf16> -> tensor<2x2x6x128xbf16>
  %scores = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<2x16x333x128xbf16>, tensor<2x2x6x128xbf16> -> tensor<2x2x6x6xf32>
  %selected = attn.topk %scores k 2 : tensor<2x2x6x6xf32> -> tensor<2x2x6x2xi32>
  %o = attn.attention %q, %k, %v indices(%selected)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<2x16x333x128xbf16>, tensor<2x2x333x128xbf16>, tensor<2x2x333x128xbf16>,
        tensor<2x2x6x2xi32> -> tensor<2x16x333x128xbf16>
  %c = attn.compress mean %o stride 64 : tensor<2x16x333x128xbf16> -> tensor<2x16x6x128xbf16>
  return %o, %c : tensor<2x16x333x128xbf16>, tensor<2x16x6x128xbf16>
}
