!t = tensor<1x2x64x64xbf16>
func.func private @layer(%q: !t, %k: !t, %v: !t) -> !t {
  %o = attn.attention %q, %k, %v : !t, !t, !t -> !t
  return %o : !t
}
func.func @model(%q: !t, %k: !t, %v: !t) -> !t {
  %o = func.call @layer(%q, %k, %v) : (!t, !t, !t) -> !t
  return %o : !t
}
