// Dynamic sizes that attention ties together: the C wrapper checks them.
func.func @dyn(%q: tensor<1x4x?x16xf32>, %k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x4x?x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

func.func @looped(%q: tensor<1x4x?x16xf32>, %k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %q) -> (tensor<1x4x?x16xf32>) {
    %o = attn.attention %x, %k, %v mask [#attn.causal] : tensor<1x4x?x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x?x16xf32>
    scf.yield %o : tensor<1x4x?x16xf32>
  }
  return %r : tensor<1x4x?x16xf32>
}

func.func @compressed(%k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %c = attn.compress mean %k stride 4 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %c : tensor<1x2x?x16xf32>
}
