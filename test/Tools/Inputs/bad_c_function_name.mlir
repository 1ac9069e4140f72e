!t = tensor<1x1x8x16xf32>
func.func @"my-fn"(%q: !t) -> !t {
  %o = attn.attention %q, %q, %q : !t, !t, !t -> !t
  return %o : !t
}
