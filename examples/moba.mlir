// MoBA (Mixture of Block Attention): keys in blocks of 64; each query attends
// causally to its own block and to the earlier blocks that a gate over the
// mean-pooled keys picks (top 3), as one exact softmax over the union
// (attn.merge). MoBA gates each query with the raw scores q . mean(K_b); here
// the gate is a 64-query block's mean softmax over the pooled keys
// (block_scores: one selection per block, the kernels' tile). The own block
// is complete at the block's last query, so the gate may pick it too; the
// selected branch leaves it out (the other branch covers it), and such a
// block then gets 2 earlier ones. GQA: 8 query heads share 2 key/value
// heads, and a kv group selects its blocks together.
func.func @moba(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                %v: tensor<1x2x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %kc = attn.compress mean %k stride 64
      : tensor<1x2x1024x64xbf16> -> tensor<1x2x16x64xbf16>
  // Only blocks that are complete at a query compete.
  %gate = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x2x16x64xbf16> -> tensor<1x2x16x16xf32>
  %picked = attn.topk %gate k 3 : tensor<1x2x16x16xf32> -> tensor<1x2x16x3xi32>
  %o_sel, %l_sel = attn.attention %q, %k, %v indices(%picked)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>,
            #attn.not<#attn.chunked<size = 64>>]
      : tensor<1x8x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>,
        tensor<1x2x16x3xi32>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %o_own, %l_own = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.chunked<size = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %out = attn.merge (%o_sel, %l_sel), (%o_own, %l_own)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
