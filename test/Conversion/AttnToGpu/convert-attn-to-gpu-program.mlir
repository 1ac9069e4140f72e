// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --attn-gpu-pipeline="chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="fuse-merges=false" | FileCheck %s --check-prefix=SEPARATE
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="fuse-topk=true" | FileCheck %s --check-prefix=FUSED

// A program of several kernels: each op becomes a kernel, launched in order
// by the host function; results that are not returned live in device
// buffers (gpu.alloc), freed at the end; returned ones are the output
// arguments. Buffers are cast to the layouts the kernels take.
func.func @program(%q: tensor<1x2x64x64xbf16>, %k: tensor<1x2x64x64xbf16>,
                   %v: tensor<1x2x64x64xbf16>, %w: tensor<32xf32>)
    -> (tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>) {
  %kc = attn.compress max %k stride 16 window 32
      : tensor<1x2x64x64xbf16> -> tensor<1x2x4x64xbf16>
  %vc = attn.compress sum %v weights(%w) stride 16 window 32
      : tensor<1x2x64x64xbf16>, tensor<32xf32> -> tensor<1x2x4x64xbf16>
  %o1, %l1 = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 16>]
      : tensor<1x2x64x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o2, %l2 = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 15, right = 0>]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32> -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  return %o, %l : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
}

// CHECK-LABEL: func.func @program(
// CHECK-SAME: %[[Q:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[K:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[V:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[W:[^:]*]]: memref<32xf32, strided<[?], offset: ?>>
// CHECK-SAME: %[[O:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[L:[^:]*]]: memref<1x2x64xf32, strided<[?, ?, ?], offset: ?>>)
// CHECK-SAME: attributes {attn.gpu_program}
// CHECK: %[[KC:.*]] = gpu.alloc () : memref<1x2x4x64xbf16>
// A thread per 8 compressed elements of a row (16-byte loads and stores):
// 64 threads, one CTA of 256.
// CHECK: gpu.launch_func @attn_kernels::@program_kernel_0 blocks in (%c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) threads in (%c256{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}})
// CHECK: %[[VC:.*]] = gpu.alloc () : memref<1x2x4x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@program_kernel_1
// CHECK-SAME: %[[W]] : memref<32xf32, strided<[?], offset: ?>>
// The LSE merge of two attentions of the same queries is their union: one
// kernel (the first source's, at the merge's place) visits the compressed
// keys' tiles, then the window's, in one online softmax, and writes the
// merge's output and LSE; no branch is materialised.
// CHECK-NOT: gpu.alloc
// CHECK: gpu.launch_func @attn_kernels::@program_kernel_2
// CHECK-SAME: args(%[[Q]] : {{.*}}, %{{.*}} : memref<1x2x4x64xbf16, {{.*}}>, %{{.*}} : memref<1x2x4x64xbf16, {{.*}}>, %[[K]] : {{.*}}, %[[V]] : {{.*}}, %[[O]] : {{.*}}, %[[L]] :
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[VC]]
// CHECK: gpu.dealloc %[[KC]]
// CHECK-NEXT: return

// compress max over a window of 32 rows every 16, clipped to the sequence,
// in f32, rounded once.
// CHECK: gpu.func @program_kernel_0(
// CHECK-SAME: attn.threads = 256
// CHECK: %[[FIRST:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[END:.*]] = arith.addi %[[FIRST]], %c32
// CHECK: %[[LAST:.*]] = arith.minui %[[END]], %c64
// CHECK: scf.for %[[ROW:.*]] = %[[FIRST]] to %[[LAST]]
// CHECK: vector.load %{{.*}}[%{{.*}}, %{{.*}}, %[[ROW]], %{{.*}}] {alignment = 16 : i64} : {{.*}}, vector<8xbf16>
// CHECK: arith.maximumf %{{.*}} : vector<8xf32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>
// CHECK: vector.store
// The weighted sum scales token c * 16 + t by weights[t].
// CHECK: gpu.func @program_kernel_1(
// CHECK: scf.for %[[ROW1:.*]] = %[[FIRST1:.*]] to
// CHECK: %[[TAP:.*]] = arith.subi %[[ROW1]], %[[FIRST1]]
// CHECK: %[[WEIGHT:.*]] = memref.load %{{.*}}[%[[TAP]]] : memref<32xf32
// CHECK: %[[SPLAT:.*]] = vector.broadcast %[[WEIGHT]] : f32 to vector<8xf32>
// CHECK: arith.mulf %{{.*}}, %[[SPLAT]] : vector<8xf32>
// CHECK: arith.addf
// Each source's range table; a visited tile's loads and scores under its
// source's masks (a branch per source), one online softmax.
// CHECK: memref.global "private" constant @program_kernel_2_tiles_0 : memref<1x4xi32>
// CHECK: memref.global "private" constant @program_kernel_2_tiles_1 : memref<1x4xi32>
// CHECK: gpu.func @program_kernel_2(
// CHECK: memref.get_global @program_kernel_2_tiles_0
// CHECK: memref.get_global @program_kernel_2_tiles_1
// CHECK: scf.for
// CHECK: nvvm.mma.sync
// CHECK: %[[FIRST_SOURCE:.*]] = arith.cmpi ult, %{{.*}}, %{{.*}} : index
// CHECK: scf.if %[[FIRST_SOURCE]] -> (f32
// CHECK: nvgpu.device_async_copy

// Without fuse-merges the branches and the merge are kernels of their own.
// SEPARATE-LABEL: func.func @program(
// SEPARATE-COUNT-5: gpu.launch_func
// SEPARATE-NOT: gpu.launch_func
// SEPARATE: return

// ROUNDTRIP-LABEL: func.func @program
// ROUNDTRIP-COUNT-3: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// PTX: .visible .entry program_kernel_0(
// PTX: .visible .entry program_kernel_1(
// PTX: .visible .entry program_kernel_2(
// PTX: mma.sync.aligned.m16n8k16
// PTX-NOT: .entry program_kernel_3(

// -----

// An LSE merge whose union one kernel cannot run (a source's document mask
// is data-dependent): each branch is a kernel, and the merge kernel weighs
// branch k by 2^((lse_k - max) log2 e), a row without keys 0 and -inf, the
// merged LSE once per row.
func.func @lse_merge(%q: tensor<1x2x64x64xbf16>, %k: tensor<1x2x64x64xbf16>,
                     %v: tensor<1x2x64x64xbf16>, %seg: tensor<1x64xi32>)
    -> (tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v segments(%seg, %seg) mask [#attn.document, #attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>,
        tensor<1x64xi32>, tensor<1x64xi32> -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o2, %l2 = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 15, right = 0>]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32> -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  return %o, %l : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
}

// CHECK-LABEL: func.func @lse_merge(
// CHECK-SAME: memref<1x64xi32, strided<[?, ?], offset: ?>>, %[[O:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[L:[^:]*]]: memref<1x2x64xf32, strided<[?, ?, ?], offset: ?>>)
// CHECK: %[[O1:.*]] = gpu.alloc () : memref<1x2x64x64xbf16>
// CHECK: %[[L1:.*]] = gpu.alloc () : memref<1x2x64xf32>
// The document mask's branch: its key tiles' segment ranges first (a warp
// per 64-key tile), into a temporary that its kernel takes after the ids.
// CHECK: %[[R:.*]] = gpu.alloc () : memref<1x1x2xi32>
// CHECK: gpu.launch_func @attn_kernels::@lse_merge_kernel_0_ranges
// CHECK-SAME: args(%{{.*}} : memref<1x64xi32, {{.*}}>, %[[R]] : memref<1x1x2xi32>)
// CHECK: gpu.launch_func @attn_kernels::@lse_merge_kernel_0
// CHECK-SAME: %[[R]] : memref<1x1x2xi32>
// CHECK: gpu.dealloc %[[R]]
// CHECK: %[[O2:.*]] = gpu.alloc () : memref<1x2x64x64xbf16>
// CHECK: %[[L2:.*]] = gpu.alloc () : memref<1x2x64xf32>
// CHECK: gpu.launch_func @attn_kernels::@lse_merge_kernel_1
// CHECK: %[[O1C:.*]] = memref.cast %[[O1]]
// CHECK: %[[O2C:.*]] = memref.cast %[[O2]]
// CHECK: %[[L1C:.*]] = memref.cast %[[L1]]
// CHECK: %[[L2C:.*]] = memref.cast %[[L2]]
// CHECK: gpu.launch_func @attn_kernels::@lse_merge_kernel_2 blocks in (%c4{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}})
// CHECK-SAME: args(%[[O1C]] : {{.*}}, %[[O2C]] : {{.*}}, %[[L1C]] : {{.*}}, %[[L2C]] : {{.*}}, %[[O]] : {{.*}}, %[[L]] :
// CHECK: gpu.dealloc %[[L2]]
// CHECK: gpu.dealloc %[[O2]]
// CHECK: gpu.dealloc %[[L1]]
// CHECK: gpu.dealloc %[[O1]]
// CHECK-NEXT: return
// CHECK: gpu.func @lse_merge_kernel_2(
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: arith.divf
// CHECK: arith.select
// CHECK: vector.store
// CHECK: scf.if
// CHECK: llvm.call_intrinsic "llvm.nvvm.lg2.approx.f"
// CHECK: memref.store

// ROUNDTRIP-LABEL: func.func @lse_merge
// ROUNDTRIP-COUNT-4: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// PTX: .visible .entry lse_merge_kernel_2(
// PTX: ex2.approx.ftz.f32
// PTX: lg2.approx.f32

// -----

// NSA's selection: block scores of the compressed keys (a CTA per query
// block of 32 rows x 2 query heads per K/V head, 10 blocks x 2 K/V heads;
// each block's key-tile range from the block map, a constant table), the
// top 3 per row (a warp per row: 20 rows, 4 per CTA), the selected blocks'
// attention reading the picks. The scores and picks are results too.
func.func @nsa(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x2x300x64xbf16>, %v: tensor<1x2x300x64xbf16>)
    -> (tensor<1x4x300x64xbf16>, tensor<1x2x10x10xf32>, tensor<1x2x10x3xi32>) {
  %kc = attn.compress mean %k stride 32 : tensor<1x2x300x64xbf16> -> tensor<1x2x10x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x4x300x64xbf16>, tensor<1x2x10x64xbf16> -> tensor<1x2x10x10xf32>
  %i = attn.topk %s k 3 : tensor<1x2x10x10xf32> -> tensor<1x2x10x3xi32>
  %o = attn.attention %q, %k, %v indices(%i) mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x4x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x300x64xbf16>, tensor<1x2x10x3xi32> -> tensor<1x4x300x64xbf16>
  return %o, %s, %i : tensor<1x4x300x64xbf16>, tensor<1x2x10x10xf32>, tensor<1x2x10x3xi32>
}

// CHECK-LABEL: func.func @nsa(
// CHECK: %[[KC:.*]] = gpu.alloc () : memref<1x2x10x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@nsa_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@nsa_kernel_1 blocks in (%c10{{[_0-9]*}}, %c2{{[_0-9]*}}, %c1{{[_0-9]*}}) threads in (%c128{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) dynamic_shared_memory_size %c27904_i32
// CHECK: gpu.launch_func @attn_kernels::@nsa_kernel_2 blocks in (%c5{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) threads in (%c128{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) dynamic_shared_memory_size %c208_i32
// CHECK: gpu.launch_func @attn_kernels::@nsa_kernel_3
// CHECK: gpu.dealloc %[[KC]]
// CHECK-NEXT: return
// CHECK: memref.global "private" constant @nsa_kernel_1_tiles : memref<10x4xi32>
// CHECK: gpu.func @nsa_kernel_1(
// CHECK-SAME: attn.shared_bytes = 27904 : i64, attn.threads = 128 : i64
// CHECK: memref.get_global @nsa_kernel_1_tiles
// Key tiles by cp.async, the next while this one is used.
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// Pass 1: the rows' maxima and sums over the range's key tiles, the mask
// only on partial tiles.
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix
// CHECK: nvvm.mma.sync
// CHECK: scf.if
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// Each row's shift, m + log2 l, to shared memory.
// CHECK: llvm.call_intrinsic "llvm.nvvm.lg2.approx.f"
// CHECK: memref.store
// Pass 2: keys as the product's rows, their sums over the query rows,
// times 1 / rows (computed once, before the loop).
// CHECK: arith.divf
// CHECK: scf.for
// CHECK: nvvm.mma.sync
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: gpu.shuffle xor
// CHECK: arith.mulf
// CHECK: memref.store
// Top-k: each round two warp reductions (the largest ordered key, then the
// lowest index holding it).
// CHECK: gpu.func @nsa_kernel_2(
// CHECK: nvvm.redux.sync max
// CHECK: nvvm.redux.sync min
// CHECK: nvvm.bar.warp.sync
// CHECK: memref.store %{{.*}} : memref<1x2x10x3xi32

// ROUNDTRIP: func.func @nsa
// ROUNDTRIP-COUNT-4: gpu.launch_func

// PTX: .visible .entry nsa_kernel_1(
// PTX: mma.sync.aligned.m16n8k16
// PTX: ex2.approx.ftz.f32
// PTX: .visible .entry nsa_kernel_2(
// PTX: shfl.sync.bfly.b32
// PTX: bar.warp.sync

// -----

// Block scores over the same query, compressed keys and mask as NSA's
// compressed attention: the attention gains an LSE result, moves (with the
// compression of its values) before the block scores, and their kernel
// takes its LSE instead of a first pass of its own.
func.func @nsa_shared_lse(%q: tensor<1x4x300x64xbf16>, %k: tensor<1x2x300x64xbf16>, %v: tensor<1x2x300x64xbf16>)
    -> (tensor<1x4x300x64xbf16>, tensor<1x2x10x10xf32>) {
  %kc = attn.compress mean %k stride 32 : tensor<1x2x300x64xbf16> -> tensor<1x2x10x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x4x300x64xbf16>, tensor<1x2x10x64xbf16> -> tensor<1x2x10x10xf32>
  %vc = attn.compress mean %v stride 32 : tensor<1x2x300x64xbf16> -> tensor<1x2x10x64xbf16>
  %o = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 32>]
      : tensor<1x4x300x64xbf16>, tensor<1x2x10x64xbf16>, tensor<1x2x10x64xbf16> -> tensor<1x4x300x64xbf16>
  return %o, %s : tensor<1x4x300x64xbf16>, tensor<1x2x10x10xf32>
}

// CHECK-LABEL: func.func @nsa_shared_lse(
// CHECK: gpu.launch_func @attn_kernels::@nsa_shared_lse_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@nsa_shared_lse_kernel_1
// CHECK: %[[LSE:.*]] = gpu.alloc () : memref<1x4x300xf32>
// CHECK: gpu.launch_func @attn_kernels::@nsa_shared_lse_kernel_2
// CHECK: %[[LSECAST:.*]] = memref.cast %[[LSE]]
// CHECK: gpu.launch_func @attn_kernels::@nsa_shared_lse_kernel_3
// CHECK-SAME: %[[LSECAST]] : memref<1x4x300xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: gpu.func @nsa_shared_lse_kernel_3(
// CHECK-SAME: %{{[^:]*}}: memref<1x4x300xf32, strided<[?, ?, ?], offset: ?>>
// The rows' statistics from the LSE, then the one pass.
// CHECK: memref.load %{{.*}} : memref<1x4x300xf32
// CHECK-COUNT-1: nvvm.mma.sync
// CHECK: gpu.shuffle xor
// CHECK-NOT: gpu.func @nsa_shared_lse_kernel_4

// ROUNDTRIP: func.func @nsa_shared_lse

// -----

// With fuse-topk: the top-k is the block scores' only reader, so their kernel
// runs it. Each CTA keeps its row of 4 scores in shared memory after its
// tiles and shifts (16 bytes, then 8 for the 2 picks: 24 more than
// without), and after the last key tile its first warp picks the row's top
// 2 and stores them; the scores are never stored.
func.func @fused_topk(%q: tensor<1x2x128x64xbf16>, %kc: tensor<1x2x4x64xbf16>)
    -> tensor<1x2x4x2xi32> {
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  return %sel : tensor<1x2x4x2xi32>
}
// FUSED-LABEL: func.func @fused_topk(
// FUSED-NOT: gpu.alloc
// FUSED: gpu.launch_func @attn_kernels::@fused_topk_kernel_0 blocks in (%c4{{[_0-9]*}}, %c2{{[_0-9]*}}, %c1{{[_0-9]*}}) threads in (%c128{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) dynamic_shared_memory_size %c23192_i32
// FUSED-NOT: gpu.launch_func
// FUSED: return
// FUSED: gpu.func @fused_topk_kernel_0(%{{[^:]*}}: memref<1x2x128x64xbf16, {{[^>]*}}>>, %{{[^:]*}}: memref<1x2x4x64xbf16, {{[^>]*}}>>, %[[PICKS:[^:]*]]: memref<1x2x4x2xi32, {{[^>]*}}>>)
// Columns outside the block's range, then pass 2's means: to the row.
// FUSED: memref.store %{{.*}} : memref<1x4xf32, #gpu.address_space<workgroup>>
// FUSED: nvvm.mma.sync
// FUSED: memref.store %{{.*}} : memref<1x4xf32, #gpu.address_space<workgroup>>
// Every warp's scores in the row, then the first warp's rounds.
// FUSED: gpu.barrier
// FUSED-NEXT: arith.constant 1 : index
// FUSED-NEXT: arith.cmpi ult
// FUSED-NEXT: scf.if
// FUSED: nvvm.redux.sync max
// FUSED: nvvm.redux.sync min
// FUSED: memref.store %{{.*}}, %{{.*}} : memref<1x2xi32, #gpu.address_space<workgroup>>
// FUSED: nvvm.bar.warp.sync
// The picks by rank, -1 after them.
// FUSED: memref.store %{{.*}}, %[[PICKS]][
// FUSED: memref.store %c-1_i32{{.*}}, %[[PICKS]][
// FUSED-NOT: memref<1x2x4x4xf32
// FUSED: gpu.return

// By default (fuse-topk off: it saves memory, not time) two kernels.
// CHECK-LABEL: func.func @fused_topk(
// CHECK: %[[SCORES:.*]] = gpu.alloc () : memref<1x2x4x4xf32>
// CHECK: gpu.launch_func @attn_kernels::@fused_topk_kernel_0 {{.*}} dynamic_shared_memory_size %c23168_i32
// CHECK: gpu.launch_func @attn_kernels::@fused_topk_kernel_1
// CHECK: gpu.dealloc %[[SCORES]]

// ROUNDTRIP-LABEL: func.func @fused_topk
// ROUNDTRIP-COUNT-2: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// -----

// A row of 1024 scores (4 KiB) would leave 2 CTAs of the block scores'
// 52,480 bytes per A100 multiprocessor instead of 3: the top-k stays a
// kernel of its own even with fuse-topk.
func.func @topk_row_lowers_residency(%q: tensor<1x1x64x128xbf16>,
                                     %kc: tensor<1x1x1024x128xbf16>)
    -> tensor<1x1x1x16xi32> {
  %s = attn.block_scores %q, %kc block_q 64
      : tensor<1x1x64x128xbf16>, tensor<1x1x1024x128xbf16> -> tensor<1x1x1x1024xf32>
  %sel = attn.topk %s k 16 : tensor<1x1x1x1024xf32> -> tensor<1x1x1x16xi32>
  return %sel : tensor<1x1x1x16xi32>
}
// FUSED-LABEL: func.func @topk_row_lowers_residency(
// FUSED: %[[SCORES:.*]] = gpu.alloc () : memref<1x1x1x1024xf32>
// FUSED: gpu.launch_func @attn_kernels::@topk_row_lowers_residency_kernel_0 {{.*}} dynamic_shared_memory_size %c52480_i32
// FUSED: gpu.launch_func @attn_kernels::@topk_row_lowers_residency_kernel_1
// FUSED: gpu.dealloc %[[SCORES]]

// ROUNDTRIP-LABEL: func.func @topk_row_lowers_residency
// ROUNDTRIP-COUNT-2: gpu.launch_func

// -----

// The attention over the block scores' query, keys and mask reads values
// computed from the scores' selection: it cannot run first, so the block
// scores keep their own first pass (no LSE argument).
func.func @scores_feed_values(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                              %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %kc = attn.compress mean %k stride 32 : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  %o1 = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>,
        tensor<1x2x4x2xi32> -> tensor<1x2x128x64xbf16>
  %vc = attn.compress mean %o1 stride 32 : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %o2 = attn.attention %q, %kc, %vc
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>
  return %o2 : tensor<1x2x128x64xbf16>
}
// CHECK-LABEL: func.func @scores_feed_values(
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_1
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_2
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_3
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_4
// CHECK: gpu.launch_func @attn_kernels::@scores_feed_values_kernel_5
// CHECK: gpu.func @scores_feed_values_kernel_1(%{{[^:]*}}: memref<1x2x128x64xbf16, {{[^>]*}}>>, %{{[^:]*}}: memref<1x2x4x64xbf16, {{[^>]*}}>>, %{{[^:]*}}: memref<1x2x4x4xf32, {{[^>]*}}>>)

// -----

// LAWCAT: the causal convs of the queries and keys are kernels of the
// program: a thread per 8 rows x 8 columns (128 threads, one CTA) loads the
// 4 taps' weights once (gathered over the 8 columns) and each of the 11
// input rows it needs once (zeros before the sequence), then stores 8 rows.
func.func @lawcat(%q: tensor<1x2x64x64xbf16>, %k: tensor<1x2x64x64xbf16>,
                  %v: tensor<1x2x64x64xbf16>, %wq: tensor<2x64x4xbf16>,
                  %wk: tensor<2x64x4xbf16>, %a: tensor<1x2x64xf32>)
    -> tensor<1x2x64x64xbf16> {
  %qc = attn.causal_conv %q, %wq : tensor<1x2x64x64xbf16>, tensor<2x64x4xbf16>
      -> tensor<1x2x64x64xbf16>
  %kc = attn.causal_conv %k, %wk : tensor<1x2x64x64xbf16>, tensor<2x64x4xbf16>
      -> tensor<1x2x64x64xbf16>
  %o = attn.linear_attention %qc, %kc, %v decay(%a) feature elu_plus_one
      causal normalize
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>,
        tensor<1x2x64xf32> -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}
// CHECK-LABEL: func.func @lawcat(
// CHECK: %[[QC:.*]] = gpu.alloc () : memref<1x2x64x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@lawcat_kernel_0 blocks in (%c1{{[_0-9]*}}, %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) threads in (%c256
// CHECK: %[[KC:.*]] = gpu.alloc () : memref<1x2x64x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@lawcat_kernel_1
// CHECK: gpu.launch_func @attn_kernels::@lawcat_kernel_2
// CHECK: gpu.func @lawcat_kernel_0(
// CHECK-COUNT-8: memref.load {{.*}} : memref<2x64x4xbf16
// CHECK: vector.from_elements
// CHECK: %[[INSIDE:.*]] = arith.andi
// CHECK: scf.if %[[INSIDE]] -> (vector<8xf32>)
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : {{.*}}, vector<8xbf16>
// CHECK-COUNT-10: vector.load {{.*}}, vector<8xbf16>
// CHECK-NOT: vector.load
// CHECK: arith.mulf {{.*}} : vector<8xf32>
// CHECK-COUNT-8: vector.store
// CHECK: gpu.func @lawcat_kernel_2(

// -----

// attn.merge gated / sum in an attention kernel's epilogue: the last branch
// whose output nothing else reads (%o_w here; %o_c is returned too) moves to
// the merge's place and writes the merge's result, reading the other
// branches' rows and every gate as it stores its own. The second merge's
// branches are a merge and an output read twice: a merge kernel of its own.
func.func @gated_epilogue(%q: tensor<1x2x64x64xbf16>, %k: tensor<1x2x64x64xbf16>,
                          %v: tensor<1x2x64x64xbf16>, %g1: tensor<1x2x64xf32>,
                          %g2: tensor<1x2x64xf32>)
    -> (tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>) {
  %o_w = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 15, right = 0>]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  %o_c = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  %o_g = attn.merge gated (%o_w, %g1), (%o_c, %g2)
      : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32> -> tensor<1x2x64x64xbf16>
  %o = attn.merge sum (%o_g), (%o_c) : tensor<1x2x64x64xbf16> -> tensor<1x2x64x64xbf16>
  return %o, %o_c : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
}

// CHECK-LABEL: func.func @gated_epilogue(
// CHECK-SAME: %[[Q:[^:]*]]: memref
// CHECK-SAME: %[[K:[^:]*]]: memref
// CHECK-SAME: %[[V:[^:]*]]: memref
// CHECK-SAME: %[[G1:[^:]*]]: memref<1x2x64xf32, strided<[?, ?, ?], offset: ?>>
// CHECK-SAME: %[[G2:[^:]*]]: memref<1x2x64xf32, strided<[?, ?, ?], offset: ?>>
// CHECK-SAME: %[[O:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// CHECK-SAME: %[[OC:[^:]*]]: memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
// The causal branch first, into the returned buffer.
// CHECK: gpu.launch_func @attn_kernels::@gated_epilogue_kernel_0
// CHECK-SAME: args(%[[Q]] : {{.*}}, %[[K]] : {{.*}}, %[[V]] : {{.*}}, %[[OC]] :
// Then the window branch with the gated merge: branch 2's rows and both
// gates before the merge's result.
// CHECK: %[[OG:.*]] = gpu.alloc () : memref<1x2x64x64xbf16>
// CHECK: %[[OGC:.*]] = memref.cast %[[OG]]
// CHECK: gpu.launch_func @attn_kernels::@gated_epilogue_kernel_1
// CHECK-SAME: args(%[[Q]] : {{.*}}, %[[K]] : {{.*}}, %[[V]] : {{.*}}, %[[OC]] : {{.*}}, %[[G1]] : {{.*}}, %[[G2]] : {{.*}}, %[[OGC]] :
// CHECK: gpu.launch_func @attn_kernels::@gated_epilogue_kernel_2
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[OG]]
// CHECK-NEXT: return

// The kernel's rows: the gates and branch 2's rows of each of the lane's
// rows are read first (their latencies overlap); then each row is
// normalised, rounded and packed, and inside the row bound each 8 columns
// are 0 + g1 (own rows) + g2 (branch 2's rows) in f32, rounded once, and
// stored 16 bytes at a time.
// CHECK: gpu.func @gated_epilogue_kernel_1(
// CHECK: nvvm.mma.sync
// CHECK: %[[GATE1:.*]] = memref.load %{{.*}} : memref<1x2x64xf32
// CHECK: %[[GATE2:.*]] = memref.load %{{.*}} : memref<1x2x64xf32
// CHECK: %[[OTHER:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, vector<8xbf16>
// CHECK: scf.if
// CHECK: %[[OWN:.*]] = vector.bitcast %{{.*}} : vector<4xi32> to vector<8xbf16>
// CHECK: %[[OWNF:.*]] = arith.extf %[[OWN]] : vector<8xbf16> to vector<8xf32>
// CHECK: %[[SPLAT1:.*]] = vector.broadcast %[[GATE1]] : f32 to vector<8xf32>
// CHECK: %[[TERM1:.*]] = arith.mulf %[[SPLAT1]], %[[OWNF]] : vector<8xf32>
// CHECK: %[[SUM1:.*]] = arith.addf %{{.*}}, %[[TERM1]] : vector<8xf32>
// CHECK: %[[OTHERF:.*]] = arith.extf %[[OTHER]] : vector<8xbf16> to vector<8xf32>
// CHECK: %[[SPLAT2:.*]] = vector.broadcast %[[GATE2]] : f32 to vector<8xf32>
// CHECK: %[[TERM2:.*]] = arith.mulf %[[SPLAT2]], %[[OTHERF]] : vector<8xf32>
// CHECK: %[[SUM2:.*]] = arith.addf %[[SUM1]], %[[TERM2]] : vector<8xf32>
// CHECK: arith.truncf %[[SUM2]] : vector<8xf32> to vector<8xbf16>
// CHECK: vector.store
// CHECK: gpu.func @gated_epilogue_kernel_2(

// Without fuse-merges each merge is a kernel of its own.
// SEPARATE-LABEL: func.func @gated_epilogue
// SEPARATE-COUNT-4: gpu.launch_func
// SEPARATE-NOT: gpu.launch_func
// SEPARATE: return

// ROUNDTRIP-LABEL: func.func @gated_epilogue
// ROUNDTRIP-COUNT-3: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// PTX: .visible .entry gated_epilogue_kernel_1(
// PTX: mma.sync.aligned.m16n8k16
// PTX: ld.global.v4.b32
// PTX: st.global.v4.b32

// -----

// A union source whose LSE the block scores take (NSA's compressed branch,
// also merged by LSE with a window): it must still write that LSE, so the
// merge stays a kernel of its own and the attention keeps its place before
// the block scores.
func.func @shared_lse_union(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                            %v: tensor<1x2x128x64xbf16>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>) {
  %kc = attn.compress mean %k stride 32 : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %vc = attn.compress mean %v stride 32 : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %o_c, %l_c = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>, tensor<1x2x128xf32>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  %o_w, %l_w = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 15, right = 0>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x128x64xbf16>, tensor<1x2x128xf32>
  %o = attn.merge lse (%o_c, %l_c), (%o_w, %l_w)
      : tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  return %o, %sel : tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>
}

// CHECK-LABEL: func.func @shared_lse_union(
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_1
// The compressed branch, writing its output and LSE.
// CHECK: %[[OC:.*]] = gpu.alloc () : memref<1x2x128x64xbf16>
// CHECK: %[[LC:.*]] = gpu.alloc () : memref<1x2x128xf32>
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_2
// The block scores read that LSE.
// CHECK: %[[LCC:.*]] = memref.cast %[[LC]]
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_3
// CHECK-SAME: %[[LCC]] : memref<1x2x128xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_4
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_5
// The LSE merge, a kernel of its own.
// CHECK: gpu.launch_func @attn_kernels::@shared_lse_union_kernel_6
// CHECK-NOT: gpu.launch_func
// CHECK: return

// ROUNDTRIP-LABEL: func.func @shared_lse_union
// ROUNDTRIP-COUNT-7: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// -----

// A program compiled for any batch and length: each temporary's sizes and
// each grid come from the buffers' sizes at run time (the compressed keys'
// length is ceil(L / 16)), and the kernels read the sizes that their types
// leave open from their buffers. The conv, the compress, then one kernel
// over the union of the two attentions' keys.
func.func @dynamic_program(%q: tensor<?x2x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                           %v: tensor<?x2x?x64xbf16>, %w: tensor<2x64x4xbf16>)
    -> (tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>) {
  %qc = attn.causal_conv %q, %w
      : tensor<?x2x?x64xbf16>, tensor<2x64x4xbf16> -> tensor<?x2x?x64xbf16>
  %kc = attn.compress max %k stride 16 window 32
      : tensor<?x2x?x64xbf16> -> tensor<?x2x?x64xbf16>
  %o1, %l1 = attn.attention %qc, %kc, %kc mask [#attn.causal<stride = 16>]
      : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
      -> tensor<?x2x?x64xbf16>, tensor<?x2x?xf32>
  %o2, %l2 = attn.attention %qc, %k, %v mask [#attn.causal]
      : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
      -> tensor<?x2x?x64xbf16>, tensor<?x2x?xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<?x2x?x64xbf16>, tensor<?x2x?xf32>
      -> tensor<?x2x?x64xbf16>, tensor<?x2x?xf32>
  return %o, %qc : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
}
// CHECK-LABEL: func.func @dynamic_program(
// The conv's grid: batch x 2 heads x ceil(L / 8) row blocks x 8 column
// groups, in CTAs of 256.
// CHECK: %[[CL:.*]] = memref.dim %arg5, %c2
// CHECK: %[[ROWS:.*]] = arith.addi %[[CL]], %c7
// CHECK: arith.divui %[[ROWS]], %c8
// CHECK: memref.dim %arg5, %c0
// CHECK: gpu.launch_func @attn_kernels::@dynamic_program_kernel_0 blocks in (%{{.*}}, %c1, %c1{{.*}}) {{.*}} args(%arg0 : {{.*}}, %arg3 : {{.*}}, %arg5 :
// CHECK: %[[KB:.*]] = memref.dim %arg1, %c0
// CHECK: %[[KL:.*]] = memref.dim %arg1, %c2
// CHECK: %[[KSUM:.*]] = arith.addi %[[KL]], %c15
// CHECK: %[[KCL:.*]] = arith.divui %[[KSUM]], %c16
// CHECK: %[[KC:.*]] = gpu.alloc (%[[KB]], %[[KCL]]) : memref<?x2x?x64xbf16>
// CHECK: memref.dim %[[KC]], %c0
// CHECK: memref.dim %[[KC]], %c2
// CHECK: gpu.launch_func @attn_kernels::@dynamic_program_kernel_1
// The union's merged LSE (not returned): a temporary of the queries' sizes.
// CHECK: %[[LB:.*]] = memref.dim %arg5, %c0
// CHECK: %[[LL:.*]] = memref.dim %arg5, %c2
// CHECK: %[[LSE:.*]] = gpu.alloc (%[[LB]], %[[LL]]) : memref<?x2x?xf32>
// CHECK: %[[QL:.*]] = memref.dim %arg5, %c2
// CHECK: %[[QROWS:.*]] = arith.muli %[[QL]], %c1
// CHECK: %[[QSUM:.*]] = arith.addi %[[QROWS]], %c127
// CHECK: %[[TILES:.*]] = arith.divui %[[QSUM]], %c128
// CHECK: %[[HEADS:.*]] = memref.dim %arg5, %c1
// CHECK: %[[BATCH:.*]] = memref.dim %arg5, %c0
// CHECK: gpu.launch_func @attn_kernels::@dynamic_program_kernel_2 blocks in (%[[TILES]], %[[HEADS]], %[[BATCH]])
// CHECK: gpu.dealloc %[[LSE]]
// CHECK: gpu.dealloc %[[KC]]
// The compress kernel's rows end at its input's length, read from it.
// CHECK-LABEL: gpu.func @dynamic_program_kernel_1(
// CHECK: memref.dim %arg0, %c2

// ROUNDTRIP-LABEL: func.func @dynamic_program
// ROUNDTRIP-COUNT-3: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// -----

// Block scores and top-k over any length: a block-scores CTA per
// ceil(Lq / 32) query block (its key tiles bounded at run time), the
// scores' buffer [1, 2, ceil(Lq / 32), Lc], and top-k's shared memory
// sized per launch by its rows' width: 4 warps x 4 bytes x (Lc + 2).
func.func @dynamic_selection(%q: tensor<1x2x?x64xbf16>, %k: tensor<1x2x?x64xbf16>,
                             %v: tensor<1x2x?x64xbf16>)
    -> (tensor<1x2x?x64xbf16>, tensor<1x2x?x2xi32>) {
  %kc = attn.compress mean %k stride 32
      : tensor<1x2x?x64xbf16> -> tensor<1x2x?x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16> -> tensor<1x2x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x?x?xf32> -> tensor<1x2x?x2xi32>
  %o = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>,
        tensor<1x2x?x2xi32> -> tensor<1x2x?x64xbf16>
  return %o, %sel : tensor<1x2x?x64xbf16>, tensor<1x2x?x2xi32>
}
// CHECK-LABEL: func.func @dynamic_selection(
// CHECK: %[[KC:.*]] = gpu.alloc (%{{.*}}) : memref<1x2x?x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@dynamic_selection_kernel_0
// CHECK: %[[QL:.*]] = memref.dim %arg0, %c2
// CHECK: %[[QSUM:.*]] = arith.addi %[[QL]], %c31
// CHECK: %[[BLOCKS:.*]] = arith.divui %[[QSUM]], %c32
// CHECK: %[[LC:.*]] = memref.dim %[[KC]], %c2
// CHECK: %[[SCORES:.*]] = gpu.alloc (%[[BLOCKS]], %[[LC]]) : memref<1x2x?x?xf32>
// CHECK: gpu.launch_func @attn_kernels::@dynamic_selection_kernel_1 blocks in (%{{.*}}, %c2{{[_0-9]*}}, %c1{{[_0-9]*}})
// CHECK: %[[WIDTH:.*]] = memref.dim %[[SCORES]], %c3
// CHECK: %[[ENTRIES:.*]] = arith.addi %[[WIDTH]], %c2
// CHECK: %[[BYTES:.*]] = arith.muli %[[ENTRIES]], %c16
// CHECK: %[[SHARED:.*]] = arith.index_cast %[[BYTES]] : index to i32
// CHECK: gpu.launch_func @attn_kernels::@dynamic_selection_kernel_2 {{.*}} dynamic_shared_memory_size %[[SHARED]]
// CHECK: gpu.launch_func @attn_kernels::@dynamic_selection_kernel_3
// CHECK: gpu.dealloc %[[SCORES]]
// CHECK: gpu.dealloc %[[KC]]
// The block-scores kernel computes each block's key tiles (no table).
// CHECK-NOT: memref.global "private" constant @dynamic_selection_kernel_1_tiles

// ROUNDTRIP-LABEL: func.func @dynamic_selection
// ROUNDTRIP-COUNT-4: gpu.launch_func
// ROUNDTRIP-NOT: gpu.launch_func

// -----

// Queries and keys that only block scores read: the kernel copies their
// rows, so the host function takes them with unit inner strides.
// ROUNDTRIP-LABEL: func.func @scores_only(
// CHECK-LABEL: func.func @scores_only(
// CHECK-SAME: memref<1x2x128x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %{{[^:]*}}: memref<1x2x2x64xbf16, strided<[?, ?, ?, 1], offset: ?>>
func.func @scores_only(%q: tensor<1x2x128x64xbf16>, %kc: tensor<1x2x2x64xbf16>)
    -> tensor<1x2x2x1xi32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x2x64xbf16> -> tensor<1x2x2x2xf32>
  %i = attn.topk %s k 1 : tensor<1x2x2x2xf32> -> tensor<1x2x2x1xi32>
  return %i : tensor<1x2x2x1xi32>
}
