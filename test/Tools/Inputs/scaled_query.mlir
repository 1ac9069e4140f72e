// Its elementwise product could bufferize in place into the argument %q:
// every call must read the caller's q as it was.
func.func @scaled(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>) -> (tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>) {
  %two = arith.constant dense<2.0> : tensor<1x2x16x8xf32>
  %q2 = arith.mulf %q, %two : tensor<1x2x16x8xf32>
  %o = attn.attention %q2, %k, %v mask [#attn.causal] : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32> -> tensor<1x2x16x8xf32>
  return %o, %q2 : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>
}
