// Small arrays (8 MiB) whose scores (2^42 entries, 16 TiB) the reference
// lowering would materialise.
func.func @scores(%q: tensor<1x1x2097152x1xf32>) -> tensor<1x1x2097152x1xf32> {
  %o = attn.attention %q, %q, %q : tensor<1x1x2097152x1xf32>, tensor<1x1x2097152x1xf32>, tensor<1x1x2097152x1xf32> -> tensor<1x1x2097152x1xf32>
  return %o : tensor<1x1x2097152x1xf32>
}
