// NSA (Native Sparse Attention): three branches per query, merged by learned
// sigmoid gates: attention over 32-token compressed blocks; attention over the
// top-4 blocks that the compressed scores select (selection blocks equal the
// compression blocks, so block j of the scores is key block j); and a
// 256-token sliding window. GQA: 16 query heads share 4 key/value heads, and
// a kv group selects its blocks together.
func.func @nsa(%q: tensor<1x16x1024x64xbf16>, %k: tensor<1x4x1024x64xbf16>,
               %v: tensor<1x4x1024x64xbf16>, %g_cmp: tensor<1x16x1024xf32>,
               %g_sel: tensor<1x16x1024xf32>, %g_win: tensor<1x16x1024xf32>)
    -> tensor<1x16x1024x64xbf16> {
  // Compressed branch.
  %kc = attn.compress mean %k stride 32
      : tensor<1x4x1024x64xbf16> -> tensor<1x4x32x64xbf16>
  %vc = attn.compress mean %v stride 32
      : tensor<1x4x1024x64xbf16> -> tensor<1x4x32x64xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 32>]
      : tensor<1x16x1024x64xbf16>, tensor<1x4x32x64xbf16>, tensor<1x4x32x64xbf16>
      -> tensor<1x16x1024x64xbf16>
  // Selected branch: per 64-query block, the 4 most attended key blocks.
  %scores = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 32>]
      : tensor<1x16x1024x64xbf16>, tensor<1x4x32x64xbf16> -> tensor<1x4x16x32xf32>
  %selected = attn.topk %scores k 4 : tensor<1x4x16x32xf32> -> tensor<1x4x16x4xi32>
  %o_sel = attn.attention %q, %k, %v indices(%selected)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 32>]
      : tensor<1x16x1024x64xbf16>, tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>,
        tensor<1x4x16x4xi32>
      -> tensor<1x16x1024x64xbf16>
  // Sliding-window branch.
  %o_win = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 255, right = 0>]
      : tensor<1x16x1024x64xbf16>, tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>
      -> tensor<1x16x1024x64xbf16>
  %out = attn.merge gated (%o_cmp, %g_cmp), (%o_sel, %g_sel), (%o_win, %g_win)
      : tensor<1x16x1024x64xbf16>, tensor<1x16x1024xf32> -> tensor<1x16x1024x64xbf16>
  return %out : tensor<1x16x1024x64xbf16>
}
