// Constants the reference does not evaluate (attn-run-reference-errors.mlir).
func.func @vector_in_region(%q: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %o = attn.attention %q, %q, %q score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : vector<4xf32>
    %e = vector.extract %c[%j] : f32 from vector<4xf32>
    %r = arith.addf %s, %e : f32
    attn.yield %r : f32
  } : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %o : tensor<1x1x4x4xf32>
}

func.func @complex_tensor(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense<(1.0, 2.0)> : tensor<2xcomplex<f32>>
  return %a : tensor<2xf32>
}
