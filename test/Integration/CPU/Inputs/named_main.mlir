// Kernels called `main`, `malloc` and `free`: the C program that calls them
// has its own main, and the lowered code calls the C runtime's malloc and
// free.
func.func @main(%q: tensor<1x2x32x16xf32>, %k: tensor<1x2x32x16xf32>,
                %v: tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>
      -> tensor<1x2x32x16xf32>
  return %o : tensor<1x2x32x16xf32>
}

func.func @malloc(%q: tensor<1x2x32x16xf32>, %k: tensor<1x2x32x16xf32>,
                %v: tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>
      -> tensor<1x2x32x16xf32>
  return %o : tensor<1x2x32x16xf32>
}

// Its arguments keep the C library's names too: the wrapper reaches
// malloc, memcpy and free through the compilers' builtins.
func.func @free(%malloc: tensor<1x2x32x16xf32>, %memcpy: tensor<1x2x32x16xf32>,
                %free: tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32> {
  %o = attn.attention %malloc, %memcpy, %free mask [#attn.causal]
      : tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>
      -> tensor<1x2x32x16xf32>
  return %o : tensor<1x2x32x16xf32>
}
