// A splat constant that verifies but has 2^65 elements.
func.func @f(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %c = arith.constant dense<1.0> : tensor<1x2x4611686018427387904x4xf32>
  %o = attn.attention %q, %c, %c : tensor<1x2x8x4xf32>, tensor<1x2x4611686018427387904x4xf32>, tensor<1x2x4611686018427387904x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}
