// Sliding-window attention (Mistral SWA, Longformer's local band, ALISA,
// MASFormer): each query sees itself and the 256 keys before it.
func.func @sliding_window(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                          %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 256, right = 0>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
