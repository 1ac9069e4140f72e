// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a fuse-compress=false" | FileCheck %s --check-prefix=SEPARATE
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: attn-opt %s --split-input-file --attn-gpu-pipeline="chip=sm_90a format=isa" | FileCheck %s --check-prefix=PTX

// SCOUT's mixer and its checkpoints: an attn.compress mean of 64-token
// segments of an attention's output runs in the epilogue of that
// attention's warp-specialised kernel (each consumer warpgroup's 64 rows
// are one segment). The mixer's output is read by nothing else, so it is
// neither stored nor allocated: two kernels, one temporary.
func.func @mixer(%q: tensor<1x2x200x128xbf16>, %k: tensor<1x2x200x128xbf16>,
                 %v: tensor<1x2x200x128xbf16>) -> tensor<1x2x200x128xbf16> {
  %mixed = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 100, right = 0>]
      : tensor<1x2x200x128xbf16>, tensor<1x2x200x128xbf16>, tensor<1x2x200x128xbf16>
      -> tensor<1x2x200x128xbf16>
  %ck = attn.compress mean %mixed stride 64
      : tensor<1x2x200x128xbf16> -> tensor<1x2x4x128xbf16>
  %o = attn.attention %q, %ck, %ck mask [#attn.causal<stride = 64>]
      : tensor<1x2x200x128xbf16>, tensor<1x2x4x128xbf16>, tensor<1x2x4x128xbf16>
      -> tensor<1x2x200x128xbf16>
  return %o : tensor<1x2x200x128xbf16>
}

// CHECK-LABEL: func.func @mixer(
// CHECK: %[[CK:.*]] = gpu.alloc () : memref<1x2x4x128xbf16>
// CHECK-NOT: gpu.alloc
// CHECK: gpu.launch_func @attn_kernels::@mixer_kernel_0
// CHECK-SAME: : memref<1x2x200x128xbf16, strided<[?, ?, ?, 1], offset: ?>>, %{{.*}} : memref<1x2x4x128xbf16, strided<[?, ?, ?, 1], offset: ?>>)
// CHECK: gpu.launch_func @attn_kernels::@mixer_kernel_1
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[CK]]
// The mixer's kernel: Q, K, V, then the checkpoints (no output).
// CHECK: gpu.func @mixer_kernel_0(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: memref<1x2x200x128xbf16, strided<[?, ?, ?, 1], offset: ?>>, %{{.*}}: memref<1x2x200x128xbf16, strided<[?, ?, ?, 1], offset: ?>>, %{{.*}}: memref<1x2x200x128xbf16, strided<[?, ?, ?, 1], offset: ?>>, %[[OUT:.*]]: memref<1x2x4x128xbf16, strided<[?, ?, ?, 1], offset: ?>>)
// The scratch is the consumer's rows of Q: 64 rows of 128 bytes each.
// CHECK: %[[ROWS:.*]] = arith.muli %{{.*}}, %c8192_i64 : i64
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x128xf32, #gpu.address_space<workgroup>>
// No 16-byte row stores: the output is not written.
// CHECK-NOT: vector.store
// The rounded outputs, summed over the lane's rows, then over the 8 lanes
// of a column, left by lanes 0-3 of each warp; the warpgroup's barrier.
// CHECK: arith.extf %{{.*}} : vector<2xbf16> to vector<2xf32>
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c16_i32
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c128_i32
// The mean over the segment's rows (5 in the last one of 200) of each
// column, one column per thread.
// CHECK: arith.minui %c64{{.*}}, %{{.*}} : index
// CHECK: arith.uitofp
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK: gpu.func @mixer_kernel_1(

// SEPARATE-LABEL: func.func @mixer(
// SEPARATE-COUNT-2: gpu.alloc
// SEPARATE-COUNT-3: gpu.launch_func

// The sm_80 kernel keeps the compress kernel.
// SM90-LABEL: func.func @mixer(
// SM90-COUNT-3: gpu.launch_func

// PTX-LABEL: .visible .entry mixer_kernel_0(
// PTX: bar.sync {{.*}}, 128;
// PTX-LABEL: .visible .entry mixer_kernel_1(

// ROUNDTRIP-LABEL: func.func @mixer(

// -----

// The mixer's output returned too: its kernel stores the rows and the
// checkpoints.
func.func @mixer_returned(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                          %v: tensor<1x2x128x64xbf16>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x2x64xbf16>) {
  %mixed = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x128x64xbf16>
  %ck = attn.compress mean %mixed stride 64
      : tensor<1x2x128x64xbf16> -> tensor<1x2x2x64xbf16>
  return %mixed, %ck : tensor<1x2x128x64xbf16>, tensor<1x2x2x64xbf16>
}

// CHECK-LABEL: func.func @mixer_returned(
// CHECK-SAME: %[[MIXED:[^:]*]]: memref<1x2x128x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %[[CK:[^:]*]]: memref<1x2x2x64xbf16, strided<[?, ?, ?, 1], offset: ?>>)
// CHECK-NOT: gpu.alloc
// CHECK: gpu.launch_func @attn_kernels::@mixer_returned_kernel_0
// CHECK-SAME: %[[MIXED]] : {{.*}}, %[[CK]] : 
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.func @mixer_returned_kernel_0(
// CHECK: vector.store
// CHECK: nvvm.barrier id
// CHECK: memref.store

// -----

// A compress the epilogue cannot run keeps its kernel: segments of 32
// tokens, overlapping windows, a max.
func.func @other_compressions(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                              %v: tensor<1x2x128x64xbf16>)
    -> (tensor<1x2x4x64xbf16>, tensor<1x2x2x64xbf16>, tensor<1x2x2x64xbf16>) {
  %mixed = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x128x64xbf16>
  %c32 = attn.compress mean %mixed stride 32
      : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %wide = attn.compress mean %mixed stride 64 window 96
      : tensor<1x2x128x64xbf16> -> tensor<1x2x2x64xbf16>
  %max = attn.compress max %mixed stride 64
      : tensor<1x2x128x64xbf16> -> tensor<1x2x2x64xbf16>
  return %c32, %wide, %max : tensor<1x2x4x64xbf16>, tensor<1x2x2x64xbf16>, tensor<1x2x2x64xbf16>
}

// CHECK-LABEL: func.func @other_compressions(
// CHECK-COUNT-4: gpu.launch_func
// CHECK-NOT: gpu.launch_func
