func.func @causal_window_gated(%q: tensor<2x4x1000x128xbf16>, %k: tensor<2x2x1000x128xbf16>,
    %v: tensor<2x2x1000x128xbf16>, %g1: tensor<2x4x1000xf32>, %g2: tensor<2x4x1000xf32>)
    -> tensor<2x4x1000x128xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<2x4x1000x128xbf16>, tensor<2x2x1000x128xbf16>, tensor<2x2x1000x128xbf16>
      -> tensor<2x4x1000x128xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 100, right = 0>]
      : tensor<2x4x1000x128xbf16>, tensor<2x2x1000x128xbf16>, tensor<2x2x1000x128xbf16>
      -> tensor<2x4x1000x128xbf16>
  %o = attn.merge gated (%a, %g1), (%b, %g2)
      : tensor<2x4x1000x128xbf16>, tensor<2x4x1000xf32> -> tensor<2x4x1000x128xbf16>
  return %o : tensor<2x4x1000x128xbf16>
}
