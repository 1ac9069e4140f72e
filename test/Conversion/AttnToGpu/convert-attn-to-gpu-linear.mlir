// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | attn-opt | FileCheck %s --check-prefix=ROUNDTRIP

// attn.linear_attention becomes the chunked kernels: a CTA per (value
// slice, query head, batch x sequence segment). Four heads would leave most
// of the GPU idle, so the sequence is cut into segments (two: one per
// 128-token chunk of the 200 tokens): a first kernel builds each segment's
// state alone into a workspace, the second starts each segment from the
// ones before it. One slice of 64 value columns; eight warps.
// CHECK-LABEL: func.func @elu(
// CHECK-SAME: %[[Q:[^:]*]]: memref<1x4x200x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[O:[^:]*]]: memref<1x4x200x64xbf16, strided<[?, ?, ?, 1], offset: ?>>)
// CHECK-SAME: attn.gpu_kernel = @attn_kernels::@elu_kernel
// CHECK: %[[H:.*]] = memref.dim %[[Q]], %c1
// CHECK: %[[B:.*]] = memref.dim %[[Q]], %c0
// CHECK: %[[Z:.*]] = arith.muli %[[B]], %c2
// CHECK: %[[BH:.*]] = arith.muli %[[B]], %[[H]]
// CHECK: %[[N:.*]] = arith.muli %[[BH]], %c10244
// CHECK: %[[W:.*]] = gpu.alloc (%[[N]]) : memref<?xf32>
// CHECK: gpu.launch_func @attn_kernels::@elu_kernel_states blocks in (%c1, %[[H]], %[[Z]]) threads in (%c256{{.*}}, %c1{{.*}}, %c1{{.*}}) dynamic_shared_memory_size %c133136_i32
// CHECK-SAME: %[[W]] : memref<?xf32>
// CHECK: gpu.launch_func @attn_kernels::@elu_kernel blocks in (%c1, %[[H]], %[[Z]])
// CHECK-SAME: %[[W]] : memref<?xf32>
// CHECK: gpu.dealloc %[[W]]
// CHECK-NEXT: return
// The segment's states: the chunk loop's state updates only, then the
// accumulators to the workspace.
// CHECK: gpu.func @elu_kernel_states
// CHECK-SAME: kernel attributes {attn.block_q = 128 : i64, attn.grid_x = 1 : i64, attn.segments = 2 : i64, attn.shared_bytes = 133136 : i64, attn.threads = 256 : i64, attn.workspace_per_head = 10244 : i64, known_block_size = array<i32: 256, 1, 1>}
// CHECK: scf.for {{.*}} iter_args
// CHECK: nvvm.mma.sync
// CHECK: memref.store {{.*}} : memref<?xf32>
// CHECK: gpu.return
// The outputs: the segments before this one combined from the workspace,
// then the chunk loop: wait, barrier, the next chunk's copies, phi in
// place (elu + 1 with the hardware's ex2), the products (the key blocks
// past a warp's rows skipped), the state.
// CHECK: gpu.func @elu_kernel
// CHECK: scf.for {{.*}} iter_args
// CHECK: memref.load {{.*}} : memref<?xf32>
// CHECK: nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.device_async_copy
// CHECK: vector.load {{.*}} : memref<128x72xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: llvm.nvvm.ex2.approx.ftz.f
// CHECK: vector.store {{.*}} : memref<128x72xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>
// CHECK: scf.if
// CHECK: nvvm.mma.sync
// The normaliser: a product with a B operand of ones (bf16 1.0 pairs).
// CHECK: nvvm.mma.sync {{.*}} B[%c1065369472_i32, %c1065369472_i32]
// Eight tiles of 8 columns per row: 16-byte stores of the output.
// CHECK: vector.store {{.*}} vector<8xbf16>
// ROUNDTRIP: gpu.func @elu_kernel
func.func @elu(%q: tensor<1x4x200x64xbf16>, %k: tensor<1x2x200x64xbf16>,
               %v: tensor<1x2x200x64xbf16>) -> tensor<1x4x200x64xbf16> {
  %o = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize
      : tensor<1x4x200x64xbf16>, tensor<1x2x200x64xbf16>, tensor<1x2x200x64xbf16>
      -> tensor<1x4x200x64xbf16>
  return %o : tensor<1x4x200x64xbf16>
}

// -----

// Decay: the gates are copied 4 bytes at a time with the chunk (their rows
// contiguous, as Q's), warp 0 scans them (shuffles up), and the kernel
// records their argument for the launcher's checks. f16 products; dynamic
// lengths and batch need no recompilation (a slice of 32 columns without a
// known head count, so no segments either). Two stages of 128-token chunks
// would not fit sm_80's shared memory: four warps over chunks of 64.
// CHECK-LABEL: func.func @mamba(
// CHECK-SAME: memref<?x8x?x128xf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: memref<?x8x?xf32, strided<[?, ?, 1], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@mamba_kernel blocks in (%c4, {{.*}} threads in (%c128
// CHECK: gpu.func @mamba_kernel
// CHECK-SAME: attn.decay_argument = 3 : i64
// CHECK-SAME: attn.grid_x = 4 : i64
// CHECK: nvgpu.device_async_copy {{.*}} : memref<?x8x?xf32, strided<[?, ?, 1], offset: ?>> to memref<1x64xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.shuffle {{ *}}up
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
func.func @mamba(%q: tensor<?x8x?x128xf16>, %k: tensor<?x8x?x128xf16>,
                 %v: tensor<?x8x?x128xf16>, %a: tensor<?x8x?xf32>)
    -> tensor<?x8x?x128xf16> {
  %o = attn.linear_attention %q, %k, %v decay(%a) feature identity causal
      : tensor<?x8x?x128xf16>, tensor<?x8x?x128xf16>, tensor<?x8x?x128xf16>,
        tensor<?x8x?xf32> -> tensor<?x8x?x128xf16>
  return %o : tensor<?x8x?x128xf16>
}

// -----

// Without causal the state of every key is built first (one loop), then
// each query chunk reads it (a second loop); no intra-chunk products.
// Many heads: slices of 64 columns and no segments (256 CTAs already).
// CHECK-LABEL: func.func @dense(
// CHECK: gpu.launch_func @attn_kernels::@dense_kernel blocks in (%c2,
// CHECK: gpu.func @dense_kernel
// CHECK-SAME: attn.grid_x = 2 : i64
// CHECK: scf.for {{.*}} = %thread_id_x
// CHECK: scf.for {{.*}} iter_args
// CHECK: gpu.barrier
// CHECK: scf.for {{.*}} step %c1{{[_0-9]*}} {
// CHECK-NOT: scf.for
// CHECK: gpu.return
func.func @dense(%q: tensor<4x32x300x64xbf16>, %k: tensor<4x32x500x64xbf16>,
                 %v: tensor<4x32x500x128xbf16>) -> tensor<4x32x300x128xbf16> {
  %o = attn.linear_attention %q, %k, %v feature relu normalize
      : tensor<4x32x300x64xbf16>, tensor<4x32x500x64xbf16>, tensor<4x32x500x128xbf16>
      -> tensor<4x32x300x128xbf16>
  return %o : tensor<4x32x300x128xbf16>
}
