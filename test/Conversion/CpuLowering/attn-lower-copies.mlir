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
// an alloca, even nested, is inlined between a stack save and a restore
// (its result too).
// CHECK-LABEL: func.func @scopes(
// CHECK-NOT: memref.alloca_scope
// CHECK: %[[HEAP:.*]] = memref.alloc() : memref<8xf32>
// CHECK: memref.dealloc %[[HEAP]]
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: %[[STACK:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: scf.for
// CHECK: memref.alloca() : memref<8xf32>
// CHECK: memref.store
// CHECK: llvm.intr.stackrestore %[[STACK]]
// CHECK: %[[OUTER:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: %[[INNER:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: %[[LOADED:.*]] = memref.load
// CHECK: llvm.intr.stackrestore %[[INNER]]
// CHECK: llvm.intr.stackrestore %[[OUTER]]
// CHECK: arith.addf %[[SUM]], %[[LOADED]]
// CHECK-NOT: memref.alloca_scope
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
  %nested = memref.alloca_scope -> f32 {
    %b = memref.alloca() : memref<1xf32>
    %inner = memref.alloca_scope -> f32 {
      %c0 = arith.constant 0 : index
      %a = memref.alloca() : memref<1xf32>
      memref.store %x, %a[%c0] : memref<1xf32>
      %v = memref.load %a[%c0] : memref<1xf32>
      memref.alloca_scope.return %v : f32
    }
    memref.alloca_scope.return %inner : f32
  }
  %t = arith.addf %r, %nested : f32
  return %t : f32
}
