// @g (f32: no GPU kernel) is called only by @h, which is not exported
// either: compiling @f alone drops both.
func.func @g(%q: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
func.func @h(%q: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %o = func.call @g(%q) : (tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
func.func @f(%q: tensor<1x2x8x16xbf16>) -> tensor<1x2x8x16xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16> -> tensor<1x2x8x16xbf16>
  return %o : tensor<1x2x8x16xbf16>
}
