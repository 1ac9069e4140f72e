// RUN: attn-opt %s --allow-unregistered-dialect --attn-check-float-types --split-input-file --verify-diagnostics | FileCheck %s

// An extension from f8E4M3FN in a region fails on the op that computes on
// it (the translation to LLVM IR said only "LLVM Translation failed for
// operation: builtin.unrealized_conversion_cast").
func.func @region(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error @below {{'arith.truncf' op computes on 'f8E4M3FN': the CPU target computes on f16, bf16, f32, f64, f80 and f128 only}}
    %t = arith.truncf %s : f32 to f8E4M3FN
    %e = arith.extf %t : f8E4M3FN to f32
    attn.yield %e : f32
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// -----

// The elements of a tensor; a math op.
func.func @tensor_elements(%x: tensor<4xf8E5M2>) -> tensor<4xf8E5M2> {
  // expected-error @below {{'math.exp' op computes on 'tensor<4xf8E5M2>': the CPU target computes on f16, bf16, f32, f64, f80 and f128 only}}
  %y = math.exp %x : tensor<4xf8E5M2>
  return %y : tensor<4xf8E5M2>
}

// -----

// A comparison of tf32 values.
func.func @compare(%x: tf32, %y: tf32) -> i1 {
  // expected-error @below {{'arith.cmpf' op computes on 'tf32'}}
  %c = arith.cmpf olt, %x, %y : tf32
  return %c : i1
}

// -----

// Constants, selects and bitcasts of such floats move bits and pass, and
// so does arithmetic on LLVM's float types.
// CHECK-LABEL: func.func @bits_and_wide_floats
// CHECK: arith.constant dense<1.000000e+00> : tensor<4xf8E4M3FN>
// CHECK: arith.select
// CHECK: arith.bitcast
// CHECK: arith.addf {{.*}} : f80
func.func @bits_and_wide_floats(%c: i1, %x: tensor<4xf8E4M3FN>, %w: f80) -> (tensor<4xi8>, f80, f64) {
  %k = arith.constant dense<1.0> : tensor<4xf8E4M3FN>
  %s = arith.select %c, %x, %k : tensor<4xf8E4M3FN>
  %b = arith.bitcast %s : tensor<4xf8E4M3FN> to tensor<4xi8>
  %a = arith.addf %w, %w : f80
  %h = arith.constant 1.0 : f16
  %d = arith.extf %h : f16 to f64
  return %b, %a, %d : tensor<4xi8>, f80, f64
}

// -----

// tf32 on any op: LLVM's type conversion maps it to nothing.
func.func @tf32_select(%c: i1, %x: tf32, %y: tf32) -> tf32 {
  // expected-error @below {{'arith.select' op computes on 'tf32'}}
  %s = arith.select %c, %x, %y : tf32
  return %s : tf32
}

// -----

// A vector reduction.
func.func @reduction(%v: vector<4xf8E5M2>) -> f8E5M2 {
  // expected-error @below {{'vector.reduction' op computes on 'vector<4xf8E5M2>'}}
  %r = vector.reduction <add>, %v : vector<4xf8E5M2> into f8E5M2
  return %r : f8E5M2
}

// -----

// A named linalg op's body has no location: the linalg op is named.
func.func @named(%a: tensor<4x4xf8E5M2>, %b: tensor<4x4xf8E5M2>, %c: tensor<4x4xf8E5M2>) -> tensor<4x4xf8E5M2> {
  // expected-error @below {{'linalg.matmul' op (its body's 'arith.mulf') computes on 'f8E5M2'}}
  %m = linalg.matmul ins(%a, %b : tensor<4x4xf8E5M2>, tensor<4x4xf8E5M2>) outs(%c : tensor<4x4xf8E5M2>) -> tensor<4x4xf8E5M2>
  return %m : tensor<4x4xf8E5M2>
}

// -----

// An op of an unregistered dialect is not looked into (the check crashed
// on its null dialect).
// CHECK-LABEL: func.func @unregistered
// CHECK: "foo.bar"
func.func @unregistered() {
  "foo.bar"() : () -> ()
  return
}
