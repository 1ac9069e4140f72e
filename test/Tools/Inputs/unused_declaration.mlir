// An unused declaration, named as the library's own entry point: dropped
// (it would have taken the entry point's symbol).
func.func private @attn_unused_declaration(tensor<4xf32>) -> tensor<4xf32>

func.func @unused_declaration(%q: tensor<1x1x4x16xf32>) -> tensor<1x1x4x16xf32> {
  %o = attn.attention %q, %q, %q : tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32>, tensor<1x1x4x16xf32> -> tensor<1x1x4x16xf32>
  return %o : tensor<1x1x4x16xf32>
}
