// Combiner (full attention at sub-quadratic cost): direct keys inside a
// 64-token local span, plus abstract keys (the mean of each completed 64-token
// span) for everything further back, in one softmax over both sources.
func.func @combiner(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                    %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %o_direct, %l_direct = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %k_abs = attn.compress mean %k stride 64 : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  %v_abs = attn.compress mean %v stride 64 : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  %o_abs, %l_abs = attn.attention %q, %k_abs, %v_abs mask [#attn.causal<stride = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x16x64xbf16>, tensor<1x8x16x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %out = attn.merge lse (%o_direct, %l_direct), (%o_abs, %l_abs)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
