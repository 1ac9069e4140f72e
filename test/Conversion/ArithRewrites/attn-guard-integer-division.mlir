// RUN: attn-opt %s --attn-guard-integer-division --split-input-file | FileCheck %s

// A signed quotient by a value: the divisor is 1 where it is 0 or -1, and
// selects give 0 (by 0) and the wrapped negation (by -1).
// CHECK-LABEL: func.func @signed_quotient
// CHECK-SAME: (%[[A:.*]]: i32, %[[D:.*]]: i32)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[IS_ZERO:.*]] = arith.cmpi eq, %[[D]], %[[ZERO]]
// CHECK-NEXT: %[[MINUS_ONE:.*]] = arith.constant -1 : i32
// CHECK-NEXT: %[[IS_MINUS_ONE:.*]] = arith.cmpi eq, %[[D]], %[[MINUS_ONE]]
// CHECK-NEXT: %[[UNSAFE:.*]] = arith.ori %[[IS_ZERO]], %[[IS_MINUS_ONE]]
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[SAFE:.*]] = arith.select %[[UNSAFE]], %[[ONE]], %[[D]]
// CHECK-NEXT: %[[Q:.*]] = arith.divsi %[[A]], %[[SAFE]] : i32
// CHECK-NEXT: %[[NEG:.*]] = arith.subi %[[ZERO]], %[[A]]
// CHECK-NEXT: %[[R:.*]] = arith.select %[[IS_MINUS_ONE]], %[[NEG]], %[[Q]]
// CHECK-NEXT: %[[OUT:.*]] = arith.select %[[IS_ZERO]], %[[ZERO]], %[[R]]
// CHECK-NEXT: return %[[OUT]]
func.func @signed_quotient(%a: i32, %d: i32) -> i32 {
  %q = arith.divsi %a, %d : i32
  return %q : i32
}

// -----

// A remainder by the safe divisor 1 is already 0, so it needs no select; an
// unsigned division guards only 0; floor and ceil quotients take the
// negation by -1, as divsi does.
// CHECK-LABEL: func.func @other_ops
// CHECK: %[[SAFE_REM:.*]] = arith.select %{{.*}}, %{{.*}}, %arg1 : index
// CHECK-NEXT: arith.remsi %arg0, %[[SAFE_REM]] : index
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[IS_ZERO:.*]] = arith.cmpi eq, %arg1, %[[ZERO]] : index
// CHECK-NEXT: arith.constant 1
// CHECK-NEXT: %[[SAFE_U:.*]] = arith.select %[[IS_ZERO]], %{{.*}}, %arg1 : index
// CHECK-NEXT: %[[DIVU:.*]] = arith.divui %arg0, %[[SAFE_U]] : index
// CHECK-NEXT: arith.select %[[IS_ZERO]], %[[ZERO]], %[[DIVU]] : index
// CHECK: arith.floordivsi
// CHECK-NEXT: arith.subi
// CHECK: arith.ceildivsi
// CHECK-NEXT: arith.subi
// CHECK: arith.remui
// CHECK: arith.ceildivui
func.func @other_ops(%a: index, %d: index) -> (index, index, index, index, index, index) {
  %r = arith.remsi %a, %d : index
  %u = arith.divui %a, %d : index
  %f = arith.floordivsi %a, %d : index
  %c = arith.ceildivsi %a, %d : index
  %ru = arith.remui %a, %d : index
  %cu = arith.ceildivui %a, %d : index
  return %r, %u, %f, %c, %ru, %cu : index, index, index, index, index, index
}

// -----

// Divisions by constants that cannot trap stay (a chunk size, an unsigned
// all-ones); signed division by a constant -1 or any division by a
// constant 0 is guarded.
// CHECK-LABEL: func.func @constant_divisors
// CHECK: arith.divsi %arg0, %{{.*}} : index
// CHECK-NEXT: arith.divui %arg0, %{{.*}} : index
// CHECK: arith.select
// CHECK-NEXT: arith.divsi
// CHECK: arith.cmpi eq, %c0,
// CHECK: arith.select
// CHECK-NEXT: arith.remui
func.func @constant_divisors(%a: index) -> (index, index, index, index) {
  %c64 = arith.constant 64 : index
  %m1 = arith.constant -1 : index
  %c0 = arith.constant 0 : index
  %chunk = arith.divsi %a, %c64 : index
  %ones = arith.divui %a, %m1 : index
  %neg = arith.divsi %a, %m1 : index
  %zero = arith.remui %a, %c0 : index
  return %chunk, %ones, %neg, %zero : index, index, index, index
}

// -----

// Vectors and tensors take splat constants; a splat divisor of 8 stays.
// CHECK-LABEL: func.func @shaped
// CHECK: arith.constant dense<0> : vector<4xi32>
// CHECK: arith.divsi %{{.*}}, %{{.*}} : vector<4xi32>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi1>, vector<4xi32>
// CHECK: arith.constant dense<0> : tensor<16xi64>
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<16xi1>, tensor<16xi64>
// CHECK-NEXT: arith.remui %{{.*}}, %{{.*}} : tensor<16xi64>
// CHECK-NEXT: arith.divui %arg1, %{{.*}} : tensor<16xi64>
// CHECK-NEXT: return
func.func @shaped(%v: vector<4xi32>, %t: tensor<16xi64>, %dv: vector<4xi32>, %dt: tensor<16xi64>) -> (vector<4xi32>, tensor<16xi64>, tensor<16xi64>) {
  %c8 = arith.constant dense<8> : tensor<16xi64>
  %q = arith.divsi %v, %dv : vector<4xi32>
  %r = arith.remui %t, %dt : tensor<16xi64>
  %e = arith.divui %t, %c8 : tensor<16xi64>
  return %q, %r, %e : vector<4xi32>, tensor<16xi64>, tensor<16xi64>
}

// -----

// Inside an attn region (a mask_mod's i / j).
// CHECK-LABEL: func.func @region
// CHECK: mask_mod
// CHECK: %[[SAFE:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK-NEXT: arith.divsi %{{.*}}, %[[SAFE]] : index
func.func @region(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %x = arith.divsi %i, %j : index
    %ok = arith.cmpi sle, %x, %i : index
    attn.yield %ok : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// -----

// A tensor with open sizes: the constants are splats of its shape.
// CHECK-LABEL: func.func @open_tensor
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = tensor.dim %arg1, %[[C0]] : tensor<?xi32>
// CHECK: %[[ZERO:.*]] = tensor.splat %{{.*}}[%[[N]]] : tensor<?xi32>
// CHECK: arith.cmpi eq, %arg1, %[[ZERO]] : tensor<?xi32>
// CHECK: arith.divsi %arg0, %{{.*}} : tensor<?xi32>
func.func @open_tensor(%a: tensor<?xi32>, %d: tensor<?xi32>) -> tensor<?xi32> {
  %q = arith.divsi %a, %d : tensor<?xi32>
  return %q : tensor<?xi32>
}

// -----

// i1, where 1 is -1: quotients are a & d, remainders 0.
// CHECK-LABEL: func.func @booleans
// CHECK-SAME: (%[[A:.*]]: i1, %[[D:.*]]: i1)
// CHECK-NOT: arith.divsi
// CHECK-NOT: arith.remui
// CHECK-DAG: %[[Q:.*]] = arith.andi %[[A]], %[[D]] : i1
// CHECK-DAG: %[[U:.*]] = arith.andi %[[A]], %[[D]] : i1
// CHECK-DAG: %[[R:.*]] = arith.constant false
// CHECK: return %[[Q]], %[[U]], %[[R]]
func.func @booleans(%a: i1, %d: i1) -> (i1, i1, i1) {
  %q = arith.divsi %a, %d : i1
  %u = arith.divui %a, %d : i1
  %r = arith.remui %a, %d : i1
  return %q, %u, %r : i1, i1, i1
}
