// Sigmoid attention (Ramapuram et al., "Theory, Analysis, and Best
// Practices for Sigmoid Self-Attention", 2024): each allowed score passes
// through sigmoid(s + b) on its own, with no normalisation across keys; the
// bias b = -log(L) = -log(1024) keeps the weights' sum near one at the start
// of training.
func.func @sigmoid_attention(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                             %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %out = attn.attention %q, %k, %v mask [#attn.causal]
      normalizer(#attn.sigmoid<bias = -6.931472>)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
