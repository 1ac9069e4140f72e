func.func @dense_then_causal_short_keys(%q: tensor<1x2x700x128xbf16>, %k: tensor<1x2x500x128xbf16>,
    %v: tensor<1x2x500x128xbf16>) -> tensor<1x2x700x128xbf16> {
  %a = attn.attention %q, %k, %v
      : tensor<1x2x700x128xbf16>, tensor<1x2x500x128xbf16>, tensor<1x2x500x128xbf16>
      -> tensor<1x2x700x128xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x700x128xbf16>, tensor<1x2x500x128xbf16>, tensor<1x2x500x128xbf16>
      -> tensor<1x2x700x128xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x700x128xbf16> -> tensor<1x2x700x128xbf16>
  return %o : tensor<1x2x700x128xbf16>
}
