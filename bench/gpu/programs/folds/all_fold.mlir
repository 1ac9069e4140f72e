// Every attn op's mask never holds: the attention's (a prefix of no tokens)
// and the block scores' (causal and its negation). As written, the GPU runs
// them as kernels; canonicalised, nothing of attn is left, only the results'
// splats (constants, or tensor.splats of the run-time lengths), and the
// program is the kernels that write them.
func.func @all_fold(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x2x300x64xbf16>, %v: tensor<1x2x300x64xbf16>, %kc: tensor<1x2x75x64xbf16>) -> (tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>, tensor<1x2x5x75xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.prefix<len = 0>] : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16> -> tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 4>, #attn.not<#attn.causal<stride = 4>>] : tensor<1x4x300x64xbf16>, tensor<1x2x75x64xbf16> -> tensor<1x2x5x75xf32>
  return %o, %l, %s : tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>, tensor<1x2x5x75xf32>
}
