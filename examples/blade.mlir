// BLADE-style block-sparse attention for video diffusion, bidirectional:
// every 64-token query block scores the mean-pooled key blocks of the whole
// clip, keeps its top 4, and attends to them and to its own block, as one
// exact softmax over the union (attn.merge of the LSEs); the selected branch
// leaves the own block to the other. GQA: 8 query heads on 2 key/value
// heads, a group selecting its blocks together.
func.func @blade(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                 %v: tensor<1x2x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %kc = attn.compress mean %k stride 64
      : tensor<1x2x1024x64xbf16> -> tensor<1x2x16x64xbf16>
  %scores = attn.block_scores %q, %kc block_q 64
      : tensor<1x8x1024x64xbf16>, tensor<1x2x16x64xbf16> -> tensor<1x2x16x16xf32>
  %picked = attn.topk %scores k 4 : tensor<1x2x16x16xf32> -> tensor<1x2x16x4xi32>
  %o_sel, %l_sel = attn.attention %q, %k, %v indices(%picked)
      mask [#attn.block_indices<block_q = 64, block_kv = 64>,
            #attn.not<#attn.chunked<size = 64>>]
      : tensor<1x8x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>,
        tensor<1x2x16x4xi32>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %o_own, %l_own = attn.attention %q, %k, %v mask [#attn.chunked<size = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %out = attn.merge (%o_sel, %l_sel), (%o_own, %l_own)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
