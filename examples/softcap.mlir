// Logit soft-capping (Gemma 2, Grok): s <- 30 tanh(s / 30) before the causal
// softmax.
func.func @softcap(%q: tensor<1x8x1024x128xbf16>, %k: tensor<1x4x1024x128xbf16>,
                   %v: tensor<1x4x1024x128xbf16>) -> tensor<1x8x1024x128xbf16> {
  %out = attn.attention %q, %k, %v mask [#attn.causal] score [#attn.softcap<30.0>]
      : tensor<1x8x1024x128xbf16>, tensor<1x4x1024x128xbf16>, tensor<1x4x1024x128xbf16>
      -> tensor<1x8x1024x128xbf16>
  return %out : tensor<1x8x1024x128xbf16>
}
