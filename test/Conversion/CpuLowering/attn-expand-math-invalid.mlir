// RUN: attn-opt %s --attn-expand-math=libdevice-remainders --split-input-file --verify-diagnostics

// A symbol that takes libdevice's fmod's name with another form: the
// remainders cannot call it (a second declaration would redefine it).
// expected-error @below {{'llvm.func' op takes the name of libdevice's fmod, which remainders call as a func.func of type '(f32, f32) -> f32'}}
llvm.func @__nv_fmodf(f32, f32) -> f32
func.func @remainder(%a: f32) -> f32 {
  %r = arith.remf %a, %a : f32
  return %r : f32
}

// -----

// expected-error @below {{'func.func' op takes the name of libdevice's fmod, which remainders call as a func.func of type '(f64, f64) -> f64'}}
func.func private @__nv_fmod(f32, f32) -> f32
func.func @remainder(%a: f64) -> f64 {
  %r = arith.remf %a, %a : f64
  return %r : f64
}
