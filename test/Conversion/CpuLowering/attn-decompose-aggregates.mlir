// RUN: attn-opt %s --attn-decompose-aggregates | FileCheck %s

// linalg.softmax becomes its decomposition: a max reduction, the
// exponentials of the differences, their sum, the division.
// CHECK-LABEL: func.func @softmax(
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic
// CHECK: arith.maxnumf
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK-NOT: linalg.softmax
// CHECK: return
func.func @softmax(%x: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %e = tensor.empty() : tensor<2x3x8xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x3x8xf32>) outs(%e : tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return %p : tensor<2x3x8xf32>
}

// Other linalg ops stay.
// CHECK-LABEL: func.func @matmul(
// CHECK: linalg.matmul
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x4xf32>) outs(%c : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// Softmax of integers and on buffers stays (upstream's decomposition takes
// a float identity and builds tensor results).
// CHECK-LABEL: func.func @integers(
// CHECK: linalg.softmax
func.func @integers(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
  %e = tensor.empty() : tensor<2x4xi32>
  %p = linalg.softmax dimension(1) ins(%x : tensor<2x4xi32>) outs(%e : tensor<2x4xi32>) -> tensor<2x4xi32>
  return %p : tensor<2x4xi32>
}

// CHECK-LABEL: func.func @buffers(
// CHECK: linalg.softmax
func.func @buffers(%x: memref<2x4xf32>, %y: memref<2x4xf32>) {
  linalg.softmax dimension(1) ins(%x : memref<2x4xf32>) outs(%y : memref<2x4xf32>)
  return
}
