func.func @window_pair_sum_d64(%q: tensor<1x3x777x64xbf16>, %k: tensor<1x3x777x64xbf16>,
    %v: tensor<1x3x777x64xbf16>) -> tensor<1x3x777x64xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 60, right = 0>]
      : tensor<1x3x777x64xbf16>, tensor<1x3x777x64xbf16>, tensor<1x3x777x64xbf16>
      -> tensor<1x3x777x64xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.window<left = 200, right = 30>]
      : tensor<1x3x777x64xbf16>, tensor<1x3x777x64xbf16>, tensor<1x3x777x64xbf16>
      -> tensor<1x3x777x64xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x3x777x64xbf16> -> tensor<1x3x777x64xbf16>
  return %o : tensor<1x3x777x64xbf16>
}
