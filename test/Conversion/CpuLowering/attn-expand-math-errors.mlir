// RUN: attn-opt %s --attn-expand-math --verify-diagnostics

// A rounding mode to x86's f80, whose explicit leading bit the expansion's
// step on the bits does not take, is refused: LLVM's lowering would
// ignore the mode.
func.func @f80_upward(%x: f128) -> f80 {
  // expected-error @below {{'arith.truncf' op rounds to 'f80' in mode 'upward', which this lowering implements only for f16, bf16, f32 and f64 results}}
  %t = arith.truncf %x upward : f128 to f80
  return %t : f80
}
