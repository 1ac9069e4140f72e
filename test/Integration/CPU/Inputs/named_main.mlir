// A kernel called `main`: the C program that calls it has its own main.
func.func @main(%q: tensor<1x2x32x16xf32>, %k: tensor<1x2x32x16xf32>,
                %v: tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>
      -> tensor<1x2x32x16xf32>
  return %o : tensor<1x2x32x16xf32>
}
