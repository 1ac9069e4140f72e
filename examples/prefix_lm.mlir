// Prefix-LM (T5/UL2, PKA): the 128-token prefix is bidirectional, the rest is
// causal: allowed iff j < 128 or j <= i.
func.func @prefix_lm(%q: tensor<1x8x512x64xbf16>, %k: tensor<1x8x512x64xbf16>,
                     %v: tensor<1x8x512x64xbf16>) -> tensor<1x8x512x64xbf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.causal, #attn.prefix<len = 128>]>]
      : tensor<1x8x512x64xbf16>, tensor<1x8x512x64xbf16>, tensor<1x8x512x64xbf16>
      -> tensor<1x8x512x64xbf16>
  return %out : tensor<1x8x512x64xbf16>
}
