// Block scores whose mask never holds (causal and its negation over stride-4
// compressed keys): every score -inf at every length; beside them the same
// block scores with causal alone, which run as a kernel.
func.func @block_scores_contradiction(%q: tensor<1x4x300x64xbf16>, %kc: tensor<1x2x75x64xbf16>) -> (tensor<1x2x5x75xf32>, tensor<1x2x5x75xf32>) {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 4>, #attn.not<#attn.causal<stride = 4>>] : tensor<1x4x300x64xbf16>, tensor<1x2x75x64xbf16> -> tensor<1x2x5x75xf32>
  %t = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 4>] : tensor<1x4x300x64xbf16>, tensor<1x2x75x64xbf16> -> tensor<1x2x5x75xf32>
  return %s, %t : tensor<1x2x5x75xf32>, tensor<1x2x5x75xf32>
}
