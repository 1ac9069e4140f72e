// Argument names C cannot take as they are (a C or C++ keyword, a result's
// name, the stream, the launchers' locals and runtime calls) become arg<N>.
!t = tensor<1x2x64x64xbf16>
func.func @names(%int: !t, %result0: !t, %i: !t, %stream: !t, %q: !t, %new: !t, %attnCudaLaunch: !t) -> !t {
  %o = attn.attention %int, %result0, %i : !t, !t, !t -> !t
  %m = attn.merge sum (%o), (%stream), (%q), (%new), (%attnCudaLaunch) : !t -> !t
  return %m : !t
}
