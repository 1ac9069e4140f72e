// RUN: attn-opt %s --attn-approximate-math | FileCheck %s

// math.exp, scalar or vector, becomes MLIR's polynomial: FMAs and an
// exponent built by integer shifts, no call. Other math ops stay.
// CHECK-LABEL: func.func @exp(
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK: arith.shli
// CHECK: arith.bitcast
// CHECK-NOT: math.exp
// CHECK: math.log
// CHECK: math.fma {{.*}} : vector<8xf32>
// CHECK: arith.shli {{.*}} : vector<8xi32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @exp(%x: f32, %v: vector<8xf32>) -> (f32, f32, vector<8xf32>) {
  %e = math.exp %x : f32
  %l = math.log %x : f32
  %w = math.exp %v : vector<8xf32>
  return %e, %l, %w : f32, f32, vector<8xf32>
}

// math.tanh (a soft-cap's) becomes a rational function of FMAs and one
// division, clamped: no call.
// CHECK-LABEL: func.func @tanh(
// CHECK-NOT: math.tanh
// CHECK: arith.select {{.*}} : vector<8xi1>, vector<8xf32>
// CHECK: math.fma {{.*}} : vector<8xf32>
// CHECK: arith.divf {{.*}} : vector<8xf32>
// CHECK-NOT: math.tanh
// CHECK: return
func.func @tanh(%v: vector<8xf32>) -> vector<8xf32> {
  %t = math.tanh %v : vector<8xf32>
  return %t : vector<8xf32>
}

// Tensors (before bufferisation, which the CPU pipeline runs first) are left
// as they are: upstream's patterns would build invalid IR from them.
// CHECK-LABEL: func.func @tensors(
// CHECK: math.exp %{{.*}} : tensor<4xf32>
// CHECK: math.tanh %{{.*}} : tensor<4xf32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @tensors(%x: tensor<4xf32>, %s: f32) -> (tensor<4xf32>, tensor<4xf32>, f32) {
  %e = math.exp %x : tensor<4xf32>
  %t = math.tanh %x : tensor<4xf32>
  %f = math.exp %s : f32
  return %e, %t, %f : tensor<4xf32>, tensor<4xf32>, f32
}
