func.func @causal_first_empty_three(%q: tensor<1x2x700x128xbf16>, %k: tensor<1x2x500x128xbf16>,
    %v: tensor<1x2x500x128xbf16>, %k2: tensor<1x2x300x128xbf16>, %v2: tensor<1x2x300x128xbf16>,
    %g1: tensor<1x2x700xf32>, %g2: tensor<1x2x700xf32>, %g3: tensor<1x2x700xf32>)
    -> tensor<1x2x700x128xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x700x128xbf16>, tensor<1x2x500x128xbf16>, tensor<1x2x500x128xbf16>
      -> tensor<1x2x700x128xbf16>
  %c = attn.attention %q, %k2, %v2
      : tensor<1x2x700x128xbf16>, tensor<1x2x300x128xbf16>, tensor<1x2x300x128xbf16>
      -> tensor<1x2x700x128xbf16>
  %b = attn.attention %q, %k, %v
      : tensor<1x2x700x128xbf16>, tensor<1x2x500x128xbf16>, tensor<1x2x500x128xbf16>
      -> tensor<1x2x700x128xbf16>
  %o = attn.merge gated (%a, %g1), (%c, %g2), (%b, %g3)
      : tensor<1x2x700x128xbf16>, tensor<1x2x700xf32> -> tensor<1x2x700x128xbf16>
  return %o : tensor<1x2x700x128xbf16>
}
