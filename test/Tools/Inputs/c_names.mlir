// Argument names C cannot take as they are (a C or C++ keyword, a result's
// name, the stream, the launchers' locals and runtime calls) become arg<N>.
!t = tensor<1x2x64x64xbf16>
func.func @names(%int: !t, %result0: !t, %i: !t, %stream: !t, %q: !t, %new: !t, %attnCudaLaunch: !t) -> !t {
  %o = attn.attention %int, %result0, %i : !t, !t, !t -> !t
  %m = attn.merge sum (%o), (%stream), (%q), (%new), (%attnCudaLaunch) : !t -> !t
  return %m : !t
}

// Macros of the standard headers and compilers (upper case with an
// underscore or digit, EOF, complex.h's I, linux) become arg<N> too; other
// upper-case names (K) stay.
func.func @macros(%SIZE_MAX: !t, %INT64_MAX: !t, %EOF: !t, %I: !t, %linux: !t, %K: !t) -> !t {
  %o = attn.attention %SIZE_MAX, %INT64_MAX, %EOF : !t, !t, !t -> !t
  %m = attn.merge sum (%o), (%I), (%linux), (%K) : !t -> !t
  return %m : !t
}

// Type names (POSIX reserves ..._t, and the wrappers declare int64_t
// locals) and the wrappers' helpers' prefix become arg<N> too.
func.func @type_names(%int64_t: !t, %size_t: !t, %attnScratchBytes0: !t) -> !t {
  %o = attn.attention %int64_t, %size_t, %attnScratchBytes0 : !t, !t, !t -> !t
  return %o : !t
}

// Macros of inttypes.h, signal.h, errno.h, stdio.h and math.h by the
// prefixes POSIX reserves for them, or by name, become arg<N>; names that
// only start alike (Eq, SIGn, PRIOR) stay.
func.func @posix_macros(%PRId64: !t, %SIGINT: !t, %ENOMEM: !t, %L_tmpnam: !t, %math_errhandling: !t, %Eq: !t, %SIGn: !t, %PRIOR: !t) -> !t {
  %o = attn.attention %PRId64, %SIGINT, %ENOMEM : !t, !t, !t -> !t
  %m = attn.merge sum (%o), (%L_tmpnam), (%math_errhandling), (%Eq), (%SIGn), (%PRIOR) : !t -> !t
  return %m : !t
}
