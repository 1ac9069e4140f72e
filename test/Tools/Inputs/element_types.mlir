// Element types that attn-compile's C entry points do not describe: a
// complex argument (the wrapper read its width and crashed) and a tf32
// result.
func.func @complex_argument(%x: tensor<2x3xcomplex<f32>>) -> tensor<2x3xcomplex<f32>> {
  return %x : tensor<2x3xcomplex<f32>>
}

func.func @tf32_result(%x: tensor<2x3xf32>) -> tensor<2x3xtf32> {
  %y = arith.truncf %x : tensor<2x3xf32> to tensor<2x3xtf32>
  return %y : tensor<2x3xtf32>
}
