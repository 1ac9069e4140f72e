// RUN: attn-opt %s --attn-lower-copies | FileCheck %s

// A copy between strided buffers becomes linalg.copy (loops, no runtime
// call).
// CHECK-LABEL: func.func @copy(
// CHECK-SAME: %[[A:.*]]: memref<4x?xf32, strided<[?, 2]>>, %[[B:.*]]: memref<4x?xf32>
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<4x?xf32, strided<[?, 2]>>) outs(%[[B]] : memref<4x?xf32>)
// CHECK-NEXT: return
func.func @copy(%a: memref<4x?xf32, strided<[?, 2]>>, %b: memref<4x?xf32>) {
  memref.copy %a, %b : memref<4x?xf32, strided<[?, 2]>> to memref<4x?xf32>
  return
}

// A scope without a stack allocation is inlined (its result too); one with
// an alloca, even nested, stays.
// CHECK-LABEL: func.func @scopes(
// CHECK-NOT: memref.alloca_scope {
// CHECK: %[[HEAP:.*]] = memref.alloc() : memref<8xf32>
// CHECK: memref.dealloc %[[HEAP]]
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: memref.alloca_scope {
// CHECK: scf.for
// CHECK: memref.alloca() : memref<8xf32>
// CHECK: memref.store
// CHECK: return %[[SUM]]
func.func @scopes(%x: f32) -> f32 {
  %r = memref.alloca_scope -> f32 {
    %m = memref.alloc() : memref<8xf32>
    memref.dealloc %m : memref<8xf32>
    %s = arith.addf %x, %x : f32
    memref.alloca_scope.return %s : f32
  }
  memref.alloca_scope {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %c1 step %c1 {
      %a = memref.alloca() : memref<8xf32>
      memref.store %x, %a[%i] : memref<8xf32>
    }
  }
  return %r : f32
}
