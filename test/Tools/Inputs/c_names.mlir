// Argument names C cannot take as they are (a keyword, a result's name, the
// stream, the launchers' locals, a repeat) become arg<N>.
!t = tensor<1x2x64x64xbf16>
func.func @names(%int: !t, %result0: !t, %i: !t, %stream: !t, %q: !t) -> !t {
  %o = attn.attention %int, %result0, %i : !t, !t, !t -> !t
  %m = attn.merge sum (%o), (%stream), (%q) : !t -> !t
  return %m : !t
}
