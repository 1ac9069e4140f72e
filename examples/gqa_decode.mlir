// Grouped-query attention at decode time (Llama 2/3, Mistral): one new query
// per sequence, 32 query heads sharing 8 key/value heads, against a 4096-token
// cache. Bottom-right alignment places the query at the end of the cache, so
// causal allows the whole cache (canonicalisation removes it).
func.func @gqa_decode(%q: tensor<4x32x1x128xf16>, %k: tensor<4x8x4096x128xf16>,
                      %v: tensor<4x8x4096x128xf16>) -> tensor<4x32x1x128xf16> {
  %out = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<4x32x1x128xf16>, tensor<4x8x4096x128xf16>, tensor<4x8x4096x128xf16>
      -> tensor<4x32x1x128xf16>
  return %out : tensor<4x32x1x128xf16>
}
