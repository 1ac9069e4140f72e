// RUN: attn-opt %s --pass-pipeline="builtin.module(gpu.module(attn-gpu-narrow-indices))" | FileCheck %s

// In a kernel marked attn.narrow_indices, index arithmetic whose ranges fit
// in 32 bits runs on i32 (a table index clamped from a difference of
// positions); unmarked kernels keep theirs.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // CHECK-LABEL: gpu.func @marked
    // CHECK: %[[T:.*]] = arith.index_castui %thread_id_x : index to i32
    // CHECK: %[[I:.*]] = arith.minui %[[T]], %{{.*}} : i32
    // CHECK: %[[B:.*]] = arith.index_castui %block_id_x : index to i32
    // CHECK: %[[J:.*]] = arith.minui %[[B]], %{{.*}} : i32
    // CHECK: %[[D:.*]] = arith.subi %[[I]], %[[J]] : i32
    // CHECK: %[[LO:.*]] = arith.maxsi %[[D]], %{{.*}} : i32
    // CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %{{.*}} : i32
    // CHECK: %[[E:.*]] = arith.addi %[[HI]], %{{.*}} : i32
    // CHECK: %[[INDEX:.*]] = arith.index_cast %[[E]] : i32 to index
    // CHECK: memref.load %arg0[%[[INDEX]]] : memref<257xf32>
    gpu.func @marked(%table: memref<257xf32>, %out: memref<1024xf32>) kernel
        attributes {attn.narrow_indices} {
      %tid = gpu.thread_id x
      %bid = gpu.block_id x
      %c127 = arith.constant 127 : index
      %cm128 = arith.constant -128 : index
      %c128 = arith.constant 128 : index
      %i = arith.minui %tid, %c127 : index
      %j = arith.minui %bid, %c127 : index
      %d = arith.subi %i, %j : index
      %lo = arith.maxsi %d, %cm128 : index
      %hi = arith.minsi %lo, %c128 : index
      %e = arith.addi %hi, %c128 : index
      %x = memref.load %table[%e] : memref<257xf32>
      memref.store %x, %out[%tid] : memref<1024xf32>
      gpu.return
    }
    // CHECK-LABEL: gpu.func @unmarked
    // CHECK-NOT: i32
    // CHECK: arith.subi %{{.*}}, %{{.*}} : index
    // CHECK: gpu.return
    gpu.func @unmarked(%table: memref<257xf32>, %out: memref<1024xf32>) kernel {
      %tid = gpu.thread_id x
      %bid = gpu.block_id x
      %c127 = arith.constant 127 : index
      %cm128 = arith.constant -128 : index
      %c128 = arith.constant 128 : index
      %i = arith.minui %tid, %c127 : index
      %j = arith.minui %bid, %c127 : index
      %d = arith.subi %i, %j : index
      %lo = arith.maxsi %d, %cm128 : index
      %hi = arith.minsi %lo, %c128 : index
      %e = arith.addi %hi, %c128 : index
      %x = memref.load %table[%e] : memref<257xf32>
      memref.store %x, %out[%tid] : memref<1024xf32>
      gpu.return
    }
  }
}
