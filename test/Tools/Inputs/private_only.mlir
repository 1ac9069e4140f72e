// Only private functions: nothing attn-run may call.
func.func private @hidden(%q: tensor<2xf32>) -> tensor<2xf32> {
  return %q : tensor<2xf32>
}
