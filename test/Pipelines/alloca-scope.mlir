// The CPU pipeline on hand-written buffers with a stack-allocating
// memref.alloca_scope around loops: attn-lower-copies makes the scope a
// stack save and restore while its body is one block (SCF-to-CF made it
// several, which the scope's verifier refused). Run 100000 times, each
// iteration's 16 KiB must be freed at the scope's end, or the stack
// overflows.
// RUN: attn-opt %s --attn-cpu-pipeline | FileCheck %s
// RUN: attn-opt %s --attn-cpu-pipeline | mlir-runner -e main -entry-point-result=i32 | FileCheck %s --check-prefix=SUM
// CHECK-LABEL: llvm.func @main
// CHECK: %[[STACK:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: llvm.alloca %{{.*}} x i32
// CHECK: llvm.intr.stackrestore %[[STACK]] : !llvm.ptr
// CHECK-NOT: memref.alloca_scope
// SUM-NOT: error
// SUM: 600000

func.func @main() -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = arith.constant 100000 : index
  %z = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %a = memref.alloca() : memref<4xi32>
  scf.for %i = %c0 to %c4 step %c1 {
    %ii = arith.index_cast %i : index to i32
    memref.store %ii, %a[%i] : memref<4xi32>
  }
  %r = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %z) -> i32 {
    %v = memref.alloca_scope -> i32 {
      %t = memref.alloca() : memref<4096xi32>
      %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%sum = %z) -> i32 {
        %x = memref.load %a[%i] : memref<4xi32>
        memref.store %x, %t[%i] : memref<4096xi32>
        %y = memref.load %t[%i] : memref<4096xi32>
        %w = arith.addi %sum, %y : i32
        scf.yield %w : i32
      }
      memref.alloca_scope.return %s : i32
    }
    %acc2 = arith.addi %acc, %v : i32
    scf.yield %acc2 : i32
  }
  return %r : i32
}
