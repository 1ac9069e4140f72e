func.func @bad(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x8xf32>) -> tensor<1x2x5x8xf32> {
  %o = attn.attention %q, %k, %k : tensor<1x2x5x4xf32>, tensor<1x1x7x8xf32>, tensor<1x1x7x8xf32> -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}
