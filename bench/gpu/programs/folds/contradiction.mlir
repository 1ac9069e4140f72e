// The first attention's mask never holds: prefix<3> or causal, and not that
// (its double negation written out): zeros and LSE -inf at every length. The
// second attention stays and runs as a kernel.
func.func @contradiction(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x2x300x64xbf16>, %v: tensor<1x2x300x64xbf16>) -> (tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>, tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.window<left = 8, right = 0>, #attn.or<[#attn.not<#attn.not<#attn.prefix<len = 3>>>, #attn.causal]>, #attn.not<#attn.or<[#attn.prefix<len = 3>, #attn.causal]>>] : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16> -> tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>
  %o2, %l2 = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16> -> tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>
  return %o, %l, %o2, %l2 : tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>, tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>
}
