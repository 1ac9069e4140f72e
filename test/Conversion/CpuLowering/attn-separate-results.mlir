// RUN: attn-opt %s --attn-separate-results | FileCheck %s

// A tensor returned twice: the repeat returns a copy of its own (sized as
// the tensor); a tensor returned once stays.
// CHECK-LABEL: func.func @twice(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x?xf32> {bufferization.writable = false}, %[[Y:[^:]*]]: tensor<4x?xf32> {bufferization.writable = false}
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C1]]
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<4x?xf32>
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[X]] : tensor<4x?xf32>) outs(%[[EMPTY]] : tensor<4x?xf32>)
// CHECK-NOT: linalg.copy
// CHECK: return %[[X]], %[[Y]], %[[COPY]]
func.func @twice(%x: tensor<4x?xf32>, %y: tensor<4x?xf32>)
    -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>) {
  return %x, %y, %x : tensor<4x?xf32>, tensor<4x?xf32>, tensor<4x?xf32>
}

// Three times: two copies, one each.
// CHECK-LABEL: func.func @thrice(
// CHECK: %[[A:.*]] = linalg.copy
// CHECK: %[[B:.*]] = linalg.copy
// CHECK: return %{{.*}}, %[[A]], %[[B]]
func.func @thrice(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  return %x, %x, %x : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// A returned tensor.empty (here also the init of another result) becomes
// an allocation of its own; values and distinct tensors stay as they are.
// CHECK-LABEL: func.func @empty(
// CHECK: %[[INIT:.*]] = tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[INIT]] : tensor<?xf32>)
// CHECK: %[[OWN:.*]] = bufferization.alloc_tensor(%{{.*}}) : tensor<?xf32>
// CHECK: return %[[FILLED]], %[[OWN]], %{{.*}} : tensor<?xf32>, tensor<?xf32>, f32
func.func @empty(%n: index, %s: f32) -> (tensor<?xf32>, tensor<?xf32>, f32) {
  %e = tensor.empty(%n) : tensor<?xf32>
  %f = linalg.fill ins(%s : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %f, %e, %s : tensor<?xf32>, tensor<?xf32>, f32
}

// The caller's tensors are read-only: a public function's tensor
// arguments are marked so; a scalar's and a private function's are not.
// CHECK-LABEL: func.func @inputs(
// CHECK-SAME: %{{[^:]*}}: tensor<3xf32> {bufferization.writable = false}, %{{[^:]*}}: f32) -> tensor<3xf32> {
// CHECK-LABEL: func.func private @helper(
// CHECK-SAME: %{{[^:]*}}: tensor<3xf32>) -> tensor<3xf32> {
func.func @inputs(%x: tensor<3xf32>, %s: f32) -> tensor<3xf32> {
  %r = call @helper(%x) : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
func.func private @helper(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// The copy has the returned type, encoding included (it was dropped, and
// the function's results no longer verified).
// CHECK-LABEL: func.func @encoded(
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<4xf32, "enc">
// CHECK: %[[COPY:.*]] = linalg.copy ins(%{{.*}} : tensor<4xf32, "enc">) outs(%[[EMPTY]] : tensor<4xf32, "enc">) -> tensor<4xf32, "enc">
// CHECK: return %{{.*}}, %[[COPY]] : tensor<4xf32, "enc">, tensor<4xf32, "enc">
func.func @encoded(%x: tensor<4xf32, "enc">) -> (tensor<4xf32, "enc">, tensor<4xf32, "enc">) {
  return %x, %x : tensor<4xf32, "enc">, tensor<4xf32, "enc">
}
