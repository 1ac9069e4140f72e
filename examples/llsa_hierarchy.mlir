// LLSA (log-linear sparse attention): a two-level hierarchy of compressed
// keys. Level 1 summarises 8 tokens, level 2 summarises 8 level-1 entries
// (64 tokens). A query attends to every completed level-2 summary, to the 8
// level-1 summaries its block scores highest, and to the raw tokens of the 4
// highest-scoring 8-token blocks; the three partial softmaxes are merged into
// one by their LSEs.
func.func @llsa_hierarchy(%q: tensor<1x4x1024x64xbf16>, %k: tensor<1x4x1024x64xbf16>,
                          %v: tensor<1x4x1024x64xbf16>) -> tensor<1x4x1024x64xbf16> {
  %k1 = attn.compress mean %k stride 8 : tensor<1x4x1024x64xbf16> -> tensor<1x4x128x64xbf16>
  %v1 = attn.compress mean %v stride 8 : tensor<1x4x1024x64xbf16> -> tensor<1x4x128x64xbf16>
  %k2 = attn.compress mean %k1 stride 8 : tensor<1x4x128x64xbf16> -> tensor<1x4x16x64xbf16>
  %v2 = attn.compress mean %v1 stride 8 : tensor<1x4x128x64xbf16> -> tensor<1x4x16x64xbf16>
  // Level 2: every completed 64-token summary.
  %o2, %l2 = attn.attention %q, %k2, %v2 mask [#attn.causal<stride = 64>]
      : tensor<1x4x1024x64xbf16>, tensor<1x4x16x64xbf16>, tensor<1x4x16x64xbf16>
      -> tensor<1x4x1024x64xbf16>, tensor<1x4x1024xf32>
  // Level-1 scores select both the level-1 summaries and the raw blocks.
  %s1 = attn.block_scores %q, %k1 block_q 64 mask [#attn.causal<stride = 8>]
      : tensor<1x4x1024x64xbf16>, tensor<1x4x128x64xbf16> -> tensor<1x4x16x128xf32>
  %top8 = attn.topk %s1 k 8 : tensor<1x4x16x128xf32> -> tensor<1x4x16x8xi32>
  %o1, %l1 = attn.attention %q, %k1, %v1 indices(%top8)
      mask [#attn.causal<stride = 8>, #attn.block_indices<block_q = 64, block_kv = 1>]
      : tensor<1x4x1024x64xbf16>, tensor<1x4x128x64xbf16>, tensor<1x4x128x64xbf16>,
        tensor<1x4x16x8xi32>
      -> tensor<1x4x1024x64xbf16>, tensor<1x4x1024xf32>
  %top4 = attn.topk %s1 k 4 : tensor<1x4x16x128xf32> -> tensor<1x4x16x4xi32>
  %o0, %l0 = attn.attention %q, %k, %v indices(%top4)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 8>]
      : tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>,
        tensor<1x4x16x4xi32>
      -> tensor<1x4x1024x64xbf16>, tensor<1x4x1024xf32>
  %out = attn.merge lse (%o0, %l0), (%o1, %l1), (%o2, %l2)
      : tensor<1x4x1024x64xbf16>, tensor<1x4x1024xf32> -> tensor<1x4x1024x64xbf16>
  return %out : tensor<1x4x1024x64xbf16>
}
