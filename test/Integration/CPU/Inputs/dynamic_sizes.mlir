// Dynamic sizes that attention ties together: the C wrapper checks them.
func.func @dyn(%q: tensor<1x4x?x16xf32>, %k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x4x?x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}
