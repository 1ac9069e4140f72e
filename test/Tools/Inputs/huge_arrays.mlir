// Arrays larger than any test machine's memory (4 TiB each): attn-run
// refuses them before allocating anything.
func.func @huge(%q: tensor<1x1x1073741824x1024xf32>) -> tensor<1x1x1073741824x1024xf32> {
  %o = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x1x1073741824x1024xf32>, tensor<1x1x1073741824x1024xf32>, tensor<1x1x1073741824x1024xf32> -> tensor<1x1x1073741824x1024xf32>
  return %o : tensor<1x1x1073741824x1024xf32>
}
