// Two query head dims that one key's open head dim must both equal: no
// call could satisfy them.
func.func @two_head_dims(%q: tensor<1x1x8x16xf32>, %q2: tensor<1x1x8x32xf32>,
                         %k: tensor<1x1x8x?xf32>, %v: tensor<1x1x8x16xf32>)
    -> (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) {
  %o = attn.attention %q, %k, %v
      : tensor<1x1x8x16xf32>, tensor<1x1x8x?xf32>, tensor<1x1x8x16xf32>
      -> tensor<1x1x8x16xf32>
  %o2 = attn.attention %q2, %k, %v
      : tensor<1x1x8x32xf32>, tensor<1x1x8x?xf32>, tensor<1x1x8x16xf32>
      -> tensor<1x1x8x16xf32>
  return %o, %o2 : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>
}
