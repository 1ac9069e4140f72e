// RUN: attn-opt %s --split-input-file --pass-pipeline='builtin.module(gpu.module(attn-extern-dynamic-shared))' | FileCheck %s

// convert-gpu-to-nvvm's symbol for gpu.dynamic_shared_memory (a shared
// array of no elements, internal) becomes an external declaration, which
// NVPTX prints as `.extern .shared .align 16 .b8 __dynamic_shmem__0[];`.
// CHECK-LABEL: gpu.module @attn_kernels
// CHECK: llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64, dso_local} : !llvm.array<0 x i8>
// CHECK: llvm.func @k(
// CHECK: llvm.mlir.addressof @__dynamic_shmem__0
module attributes {gpu.container_module} {
  gpu.module @attn_kernels {
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64, dso_local} : !llvm.array<0 x i8>
    llvm.func @k() -> !llvm.ptr<3> {
      %0 = llvm.mlir.addressof @__dynamic_shmem__0 : !llvm.ptr<3>
      llvm.return %0 : !llvm.ptr<3>
    }
  }
}

// -----

// Static shared memory (a sized array), zero-length arrays with a value or
// an initializer region, and zero-length arrays outside shared memory keep
// their linkage.
// CHECK-LABEL: gpu.module @others
// CHECK: llvm.mlir.global internal @tile() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<64 x i8>
// CHECK: llvm.mlir.global internal @valued(dense<> : tensor<0xi8>) {addr_space = 3 : i32} : !llvm.array<0 x i8>
// CHECK: llvm.mlir.global internal @initialized() {addr_space = 3 : i32} : !llvm.array<0 x i8> {
// CHECK: llvm.mlir.global internal @global_memory() {addr_space = 1 : i32} : !llvm.array<0 x i8>
// CHECK: llvm.mlir.global internal @generic() {addr_space = 0 : i32} : !llvm.array<0 x i8>
module attributes {gpu.container_module} {
  gpu.module @others {
    llvm.mlir.global internal @tile() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<64 x i8>
    llvm.mlir.global internal @valued(dense<> : tensor<0xi8>) {addr_space = 3 : i32} : !llvm.array<0 x i8>
    llvm.mlir.global internal @initialized() {addr_space = 3 : i32} : !llvm.array<0 x i8> {
      %0 = llvm.mlir.undef : !llvm.array<0 x i8>
      llvm.return %0 : !llvm.array<0 x i8>
    }
    llvm.mlir.global internal @global_memory() {addr_space = 1 : i32} : !llvm.array<0 x i8>
    llvm.mlir.global internal @generic() : !llvm.array<0 x i8>
  }
}
