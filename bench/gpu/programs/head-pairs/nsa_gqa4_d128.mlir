func.func @nsa_gqa4_d128(%q: tensor<1x8x1000x128xbf16>, %k: tensor<1x2x1000x128xbf16>,
    %v: tensor<1x2x1000x128xbf16>, %g_cmp: tensor<1x8x1000xf32>,
    %g_sel: tensor<1x8x1000xf32>, %g_win: tensor<1x8x1000xf32>) -> tensor<1x8x1000x128xbf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x2x1000x128xbf16> -> tensor<1x2x16x128xbf16>
  %vc = attn.compress mean %v stride 64 : tensor<1x2x1000x128xbf16> -> tensor<1x2x16x128xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>]
      : tensor<1x8x1000x128xbf16>, tensor<1x2x16x128xbf16>, tensor<1x2x16x128xbf16>
      -> tensor<1x8x1000x128xbf16>
  %scores = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x8x1000x128xbf16>, tensor<1x2x16x128xbf16> -> tensor<1x2x16x16xf32>
  %selected = attn.topk %scores k 4 : tensor<1x2x16x16xf32> -> tensor<1x2x16x4xi32>
  %o_sel = attn.attention %q, %k, %v indices(%selected)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x1000x128xbf16>, tensor<1x2x1000x128xbf16>, tensor<1x2x1000x128xbf16>,
        tensor<1x2x16x4xi32> -> tensor<1x8x1000x128xbf16>
  %o_win = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 255, right = 0>]
      : tensor<1x8x1000x128xbf16>, tensor<1x2x1000x128xbf16>, tensor<1x2x1000x128xbf16>
      -> tensor<1x8x1000x128xbf16>
  %out = attn.merge gated (%o_cmp, %g_cmp), (%o_sel, %g_sel), (%o_win, %g_win)
      : tensor<1x8x1000x128xbf16>, tensor<1x8x1000xf32> -> tensor<1x8x1000x128xbf16>
  return %out : tensor<1x8x1000x128xbf16>
}
