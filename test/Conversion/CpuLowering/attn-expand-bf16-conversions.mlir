// RUN: attn-opt %s --attn-expand-bf16-conversions | FileCheck %s

// Truncations to bf16 round to nearest even in integer arithmetic and
// extensions shift the bits up: no arith.truncf or arith.extf of bf16 is
// left (LLVM would call compiler-rt for them); f16 ones stay.
// CHECK-LABEL: func.func @convert(
// CHECK-NOT: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
// CHECK: arith.extui %{{.*}} : vector<4xi16> to vector<4xi32>
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK-NOT: arith.truncf %{{.*}} to bf16
// CHECK-NOT: arith.extf %{{.*}} : vector<4xbf16>
// CHECK: return
func.func @convert(%x: f32, %v: vector<4xbf16>) -> (bf16, vector<4xf32>, f16) {
  %t = arith.truncf %x : f32 to bf16
  %e = arith.extf %v : vector<4xbf16> to vector<4xf32>
  %h = arith.truncf %x : f32 to f16
  return %t, %e, %h : bf16, vector<4xf32>, f16
}
