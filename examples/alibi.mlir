// ALiBi (Press et al.): a per-head linear distance penalty added to causal
// scores, with the standard geometric slopes 2^(-8(h+1)/H).
func.func @alibi(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                 %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %out = attn.attention %q, %k, %v mask [#attn.causal] score [#attn.alibi]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
