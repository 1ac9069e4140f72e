func.func @select_sink_alibi_gqa4_d64(%q: tensor<1x8x333x64xbf16>, %k: tensor<1x2x333x64xbf16>,
    %v: tensor<1x2x333x64xbf16>, %s: tensor<8xf32>) -> tensor<1x8x333x64xbf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x2x333x64xbf16> -> tensor<1x2x6x64xbf16>
  %scores = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x8x333x64xbf16>, tensor<1x2x6x64xbf16> -> tensor<1x2x6x6xf32>
  %selected = attn.topk %scores k 2 : tensor<1x2x6x6xf32> -> tensor<1x2x6x2xi32>
  %o = attn.attention %q, %k, %v indices(%selected) sink(%s)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      score [#attn.alibi]
      : tensor<1x8x333x64xbf16>, tensor<1x2x333x64xbf16>, tensor<1x2x333x64xbf16>,
        tensor<1x2x6x2xi32>, tensor<8xf32> -> tensor<1x8x333x64xbf16>
  return %o : tensor<1x8x333x64xbf16>
}
