// NSA's selection whose block scores never hold (causal and its negation
// over stride-16 compressed keys): the top-k picks nothing, so the selected
// attention's rows are empty (zeros). Canonicalised, the scores are a splat
// of -inf over ceil(Lq / 64) query blocks that the top-k reads; beside it a
// causal attention that stays.
func.func @selection_fold(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x2x300x64xbf16>, %v: tensor<1x2x300x64xbf16>) -> (tensor<1x4x300x64xbf16>, tensor<1x4x300x64xbf16>) {
  %kc = attn.compress mean %k stride 16 : tensor<1x2x300x64xbf16> -> tensor<1x2x19x64xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 16>, #attn.not<#attn.causal<stride = 16>>] : tensor<1x4x300x64xbf16>, tensor<1x2x19x64xbf16> -> tensor<1x2x5x19xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x5x19xf32> -> tensor<1x2x5x2xi32>
  %o = attn.attention %q, %k, %v indices(%sel) mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 16>] : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x5x2xi32> -> tensor<1x4x300x64xbf16>
  %c = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16> -> tensor<1x4x300x64xbf16>
  return %o, %c : tensor<1x4x300x64xbf16>, tensor<1x4x300x64xbf16>
}
