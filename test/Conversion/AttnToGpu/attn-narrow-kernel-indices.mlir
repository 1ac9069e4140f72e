// RUN: attn-opt %s --pass-pipeline="builtin.module(gpu.module(attn-narrow-kernel-indices))" | FileCheck %s

// In a kernel marked attn.narrow_indices, index arithmetic whose ranges fit
// in 32 bits runs on i32 (a table index clamped from a difference of
// positions); unmarked kernels keep theirs.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    // CHECK-LABEL: gpu.func @marked
    // CHECK: %[[T:.*]] = arith.index_cast %thread_id_x : index to i32
    // CHECK: %[[I:.*]] = arith.minui %[[T]], %{{.*}} : i32
    // CHECK: %[[B:.*]] = arith.index_cast %block_id_x : index to i32
    // CHECK: %[[J:.*]] = arith.minui %[[B]], %{{.*}} : i32
    // CHECK: %[[D:.*]] = arith.subi %[[I]], %[[J]] : i32
    // CHECK: %[[LO:.*]] = arith.maxsi %[[D]], %{{.*}} : i32
    // CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %{{.*}} : i32
    // CHECK: %[[E:.*]] = arith.addi %[[HI]], %{{.*}} : i32
    // CHECK: %[[INDEX:.*]] = arith.index_cast %[[E]] : i32 to index
    // CHECK-NEXT: memref.load %arg0[%[[INDEX]]] : memref<257xf32>
    gpu.func @marked(%table: memref<257xf32>, %out: memref<1024xf32>) kernel
        attributes {attn.narrow_indices, known_block_size = array<i32: 128, 1, 1>,
                    known_grid_size = array<i32: 128, 1, 1>} {
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
    // Ops whose 32-bit forms differ from the index ones on these values
    // stay index (upstream's MLIR 22 patterns narrow them): an unsigned
    // remainder of a difference that may be negative, a signed compare of
    // a value that fits 32 bits only unsigned, a shift.
    // CHECK-LABEL: gpu.func @kept
    // CHECK: arith.remui %{{.*}}, %{{.*}} : index
    // CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : index
    // CHECK: arith.shrsi %{{.*}}, %{{.*}} : index
    gpu.func @kept(%table: memref<64xi32>, %out: memref<1024xf32>, %flags: memref<1024xi1>) kernel
        attributes {attn.narrow_indices, known_block_size = array<i32: 128, 1, 1>,
                    known_grid_size = array<i32: 128, 1, 1>} {
      %tid = gpu.thread_id x
      %bid = gpu.block_id x
      %c0 = arith.constant 0 : index
      %c7 = arith.constant 7 : index
      %c63 = arith.constant 63 : index
      %d = arith.subi %tid, %bid : index
      %r = arith.remui %d, %c7 : index
      %small = arith.minui %tid, %c63 : index
      %raw = memref.load %table[%small] : memref<64xi32>
      %u = arith.index_castui %raw : i32 to index
      %negative = arith.cmpi slt, %u, %c0 : index
      %sign = arith.shrsi %d, %c63 : index
      %sum = arith.addi %r, %sign : index
      %i64 = arith.index_cast %sum : index to i64
      %f = arith.sitofp %i64 : i64 to f32
      memref.store %f, %out[%tid] : memref<1024xf32>
      memref.store %negative, %flags[%tid] : memref<1024xi1>
      gpu.return
    }
    // CHECK-LABEL: gpu.func @unmarked
    // CHECK-NOT: : i32
    // CHECK: arith.subi %{{.*}}, %{{.*}} : index
    // CHECK: gpu.return
    gpu.func @unmarked(%table: memref<257xf32>, %out: memref<1024xf32>) kernel
        attributes {known_block_size = array<i32: 128, 1, 1>,
                    known_grid_size = array<i32: 128, 1, 1>} {
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
