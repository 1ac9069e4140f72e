// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | attn-opt | FileCheck %s --check-prefix=ROUNDTRIP

// Prefill with head dim 128 on sm_90a: the warp-specialised kernel.
// CHECK: func.func private @attnCudaEncodeTensorMap(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i64, i64, i64, i32) -> i32
// CHECK-LABEL: func.func @causal(
// CHECK-COUNT-3: call @attnCudaEncodeTensorMap
// CHECK: scf.if
// CHECK: gpu.launch_func @attn_kernels::@causal_kernel
// CHECK-SAME: threads in (%c384,
// CHECK-SAME: args(%{{.*}} : !llvm.array<16 x i64>, %{{.*}} : !llvm.array<16 x i64>, %{{.*}} : !llvm.array<16 x i64>,
// ROUNDTRIP: gpu.func @causal_kernel
func.func @causal(%q: tensor<1x4x2048x128xbf16>, %k: tensor<1x4x2048x128xbf16>,
                  %v: tensor<1x4x2048x128xbf16>) -> tensor<1x4x2048x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x2048x128xbf16>, tensor<1x4x2048x128xbf16>, tensor<1x4x2048x128xbf16>
      -> tensor<1x4x2048x128xbf16>
  return %o : tensor<1x4x2048x128xbf16>
}

// Masks of which 128 x 128 tiles visit at least 8% more than 64-row tiles
// (a short window's band; causal over 512 keys, 11% more) take the paired
// form; causal over 2048 keys (3% more, above) does not.
// CHECK-LABEL: func.func @short_window(
// CHECK: gpu.launch_func @attn_kernels::@short_window_kernel
// CHECK-SAME: threads in (%c256,
// CHECK-LABEL: func.func @short_causal(
// CHECK: gpu.launch_func @attn_kernels::@short_causal_kernel
// CHECK-SAME: threads in (%c256,
func.func @short_window(%q: tensor<1x4x4096x128xbf16>, %k: tensor<1x4x4096x128xbf16>,
                        %v: tensor<1x4x4096x128xbf16>) -> tensor<1x4x4096x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 511, right = 0>]
      : tensor<1x4x4096x128xbf16>, tensor<1x4x4096x128xbf16>, tensor<1x4x4096x128xbf16>
      -> tensor<1x4x4096x128xbf16>
  return %o : tensor<1x4x4096x128xbf16>
}

func.func @short_causal(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x512x128xbf16>,
                        %v: tensor<1x4x512x128xbf16>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>
      -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}

// Data-dependent masks over a static key length: the warp-specialised
// kernel over a tile list.
// Over static shapes, after its key tiles' segment ranges.
// CHECK: func.func @documents(
// CHECK: gpu.launch_func @attn_kernels::@documents_kernel_0_ranges
// CHECK-COUNT-3: call @attnCudaEncodeTensorMap
// CHECK: gpu.launch_func @attn_kernels::@documents_kernel_0
// CHECK-SAME: threads in (%c384,
// CHECK: func.func @documents_dynamic_batch(
// CHECK-NOT: gpu.alloc
// CHECK-COUNT-3: call @attnCudaEncodeTensorMap
// CHECK: gpu.launch_func @attn_kernels::@documents_dynamic_batch_kernel
// CHECK-SAME: threads in (%c384,
// Selections whose blocks nest with its 128 x 128 tiles take it too; NSA's
// 64 x 64 blocks take the paired form (one consumer of 64 rows, key tiles
// of 64, two CTAs per multiprocessor); data-dependent masks over a dynamic
// key length keep the sm_80 kernel.
// CHECK: func.func @selection128(
// CHECK: gpu.launch_func @attn_kernels::@selection128_kernel
// CHECK-SAME: threads in (%c384,
// CHECK: func.func @selection64(
// CHECK-COUNT-3: call @attnCudaEncodeTensorMap
// CHECK: gpu.launch_func @attn_kernels::@selection64_kernel
// CHECK-SAME: threads in (%c256,
// CHECK: func.func @dynamic_documents(
// CHECK-NOT: attnCudaEncodeTensorMap
// CHECK: gpu.launch_func @attn_kernels::@dynamic_documents_kernel
// CHECK-SAME: threads in (%c128{{.*}},
// The warp-specialised kernel: tensor maps, then Q, K, V and the output.
// CHECK: gpu.func @causal_kernel(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>,
// CHECK-SAME: attn.block_kv = 128 : i64, attn.block_q = 128 : i64
// CHECK-SAME: attn.tensor_maps = 3 : i64, attn.threads = 384 : i64
// A causal mask's CTAs differ in length: the CTAs of the 4 heads (1 MB of
// K and V each) interleave in launch order, x + X y walking groups of 4
// heads, the last query tiles first.
// CHECK: %[[Y:.*]] = gpu.block_id  y
// CHECK: %[[X:.*]] = gpu.grid_dim  x
// CHECK: %[[BX:.*]] = gpu.block_id  x
// CHECK: %[[XY:.*]] = arith.muli %[[X]], %[[Y]] : index
// CHECK: arith.addi %[[BX]], %[[XY]] : index
// CHECK: arith.muli %[[X]], %c4 : index
// CHECK: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// CHECK: nvvm.setmaxregister decrease 24
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.setmaxregister increase 240
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// A row's reference point moves only when a tile's max passes it by more
// than 8 (log2 units); the scale is inside the exponent's FMA.
// CHECK: %[[EIGHT:.*]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[BOUND:.*]] = arith.addf %{{.*}}, %[[EIGHT]] : f32
// CHECK: arith.cmpf ogt, %{{.*}}, %[[BOUND]] : f32
// CHECK: arith.mulf %{{.*}} fastmath<contract> : f32
// CHECK-NEXT: arith.subf %{{.*}} fastmath<contract> : f32
// CHECK-NEXT: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// In the loop a warp rescales its accumulators only if one of its rows'
// reference points moved.
// CHECK: scf.for
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.vote.sync  any
// CHECK-NEXT: scf.if %{{.*}} -> (f32,
// CHECK-NEXT: arith.mulf
// CHECK: } else {
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK: nvvm.mbarrier.arrive
// The documents kernel: every thread tests tiles before the roles split;
// the list's flags, built in the tile area, are fenced from TMA's writes.
// Its shared memory: the tiles and barriers, then the list (4 entries and
// its length); the flags and segment ranges live in the tile area.
// CHECK: gpu.func @documents_kernel_0(
// CHECK-SAME: memref<1x4x2xi32>
// CHECK-SAME: attn.shared_bytes = 230524 : i64
// CHECK: nvvm.fence.mbarrier.init
// CHECK-NOT: nvvm.setmaxregister
// CHECK: memref.load %{{.*}} : memref<1x4x2xi32>
// CHECK: %[[UNIFORM0:.*]] = arith.shli %{{.*}}, %c30_i32 : i32
// CHECK: nvvm.setmaxregister decrease 24
// The consumers (ping-pong) read a tile's list entry before issuing its
// products: after the wgmma wait it would delay the softmax.
// CHECK: nvvm.setmaxregister increase 240
// CHECK: scf.for {{.*}} iter_args
// CHECK-NOT: nvvm.wgmma.fence.aligned
// CHECK: memref.load %{{.*}} : memref<5xi32, #gpu.address_space<workgroup>>
// CHECK: nvvm.wgmma.fence.aligned
// Without the ranges (a dynamic batch), the kv segment ids' scan: 4 ids a
// load, 8 lanes a chunk of 32 keys, when the rows start on 16 bytes and
// hold a multiple of 4 contiguous ids (a run-time test of the strided
// buffer); one id a load otherwise.
// CHECK: gpu.func @documents_dynamic_batch_kernel(
// CHECK-SAME: attn.shared_bytes = 230524 : i64
// CHECK: nvvm.fence.mbarrier.init
// CHECK-NOT: nvvm.setmaxregister
// CHECK: %[[BASE:.*]] = memref.extract_aligned_pointer_as_index
// CHECK: arith.remui %{{.*}}, %c16 : index
// CHECK: scf.if
// CHECK: memref.reinterpret_cast
// CHECK: scf.for
// CHECK-COUNT-4: vector.load {{.*}} : memref<?x512xi32, strided<[?, 1], offset: ?>>, vector<4xi32>
// CHECK: vector.reduction <minsi>
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32
// CHECK-NOT: gpu.shuffle  xor %{{.*}}, %c8_i32
// CHECK: } else {
// CHECK: scf.for
// CHECK-COUNT-4: memref.load {{.*}} : memref<?x512xi32, strided<[?, ?], offset: ?>>
// CHECK: gpu.shuffle  xor %{{.*}}, %c16_i32
// Each entry: the tile, and bit 30 when the tile is one document's.
// CHECK: %[[UNIFORM:.*]] = arith.shli %{{.*}}, %c30_i32 : i32
// CHECK: %[[ENTRY:.*]] = arith.ori %{{.*}}, %[[UNIFORM]] : i32
// CHECK: memref.store %[[ENTRY]], %[[LIST:.*]][%{{.*}}] : memref<5xi32, #gpu.address_space<workgroup>>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.setmaxregister decrease 24
// The producer loads the listed tiles.
// CHECK: scf.for
// CHECK: memref.load %[[LIST]]
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.setmaxregister increase 240
// One 128-row query block per CTA: warp 0 lists the slots' tiles, no
// per-tile flags.
// CHECK: gpu.func @selection128_kernel(
// CHECK-NOT: memref.atomic_rmw
// CHECK: nvvm.match.sync  any
// CHECK: nvvm.fence.proxy
// CHECK: nvvm.setmaxregister decrease 24
// CHECK: gpu.func @selection64_kernel(
// CHECK-SAME: attn.block_kv = 64 : i64, attn.block_q = 64 : i64
// CHECK-SAME: attn.ctas_per_sm = 2 : i64
// CHECK-SAME: attn.threads = 256 : i64
// CHECK: nvvm.setmaxregister increase 232
// The paired form reads its rows of Q into A operands once (four words per
// k16 step of head dim 64); S = Q K^T takes Q from registers and K from
// its tile, K-major (the last immediate, B's transpose, is 0), the first
// step overwriting the scores (scale-d 0); P V takes V transposed.
// CHECK-COUNT-16: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;{{.*}}, %c0_i32{{(_[0-9]+)?}}, 
// CHECK-COUNT-3: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 1;
// CHECK: gpu.func @dynamic_documents_kernel(
// CHECK-NOT: nvvm.wgmma
// CHECK: gpu.return
// A gated merge of two branches of the same Q, K and V: one kernel runs
// both (the causal one's tiles, then the window's, each its own softmax;
// K and V of each, so 5 tensor maps) and merges them as it stores its rows:
// the gates are read after the loop but before the last tile's P V, whose
// latency then covers theirs. Neither branch is stored
// (convert-attn-to-gpu-sm90a-branches.mlir has more).
// CHECK: gpu.func @gated_kernel_0(
// CHECK-SAME: attn.tensor_maps = 5
// CHECK: scf.for {{.*}} iter_args
// CHECK: memref.load %{{.*}} : memref<1x4x1024xf32
// CHECK-NOT: vector.load %{{.*}} : memref<1x4x1024x128xbf16
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16
// CHECK: gpu.return
func.func @documents(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x512x128xbf16>,
                     %v: tensor<1x4x512x128xbf16>, %qs: tensor<1x512xi32>,
                     %ks: tensor<1x512xi32>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) mask [#attn.document, #attn.causal]
      : tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>,
        tensor<1x512xi32>, tensor<1x512xi32> -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}

func.func @documents_dynamic_batch(%q: tensor<?x4x512x128xbf16>, %k: tensor<?x4x512x128xbf16>,
                                   %v: tensor<?x4x512x128xbf16>, %qs: tensor<?x512xi32>,
                                   %ks: tensor<?x512xi32>) -> tensor<?x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) mask [#attn.document, #attn.causal]
      : tensor<?x4x512x128xbf16>, tensor<?x4x512x128xbf16>, tensor<?x4x512x128xbf16>,
        tensor<?x512xi32>, tensor<?x512xi32> -> tensor<?x4x512x128xbf16>
  return %o : tensor<?x4x512x128xbf16>
}

func.func @selection128(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                        %v: tensor<1x2x512x128xbf16>, %i: tensor<1x2x4x2xi32>)
    -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%i)
      mask [#attn.causal, #attn.block_indices<block_q = 128, block_kv = 128>]
      : tensor<1x4x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x2x4x2xi32> -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}

func.func @selection64(%q: tensor<1x4x512x64xbf16>, %k: tensor<1x2x512x64xbf16>,
                       %v: tensor<1x2x512x64xbf16>, %i: tensor<1x2x8x2xi32>)
    -> tensor<1x4x512x64xbf16> {
  %o = attn.attention %q, %k, %v indices(%i)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x4x512x64xbf16>
  return %o : tensor<1x4x512x64xbf16>
}

func.func @dynamic_documents(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x?x128xbf16>,
                             %v: tensor<1x4x?x128xbf16>, %qs: tensor<1x512xi32>,
                             %ks: tensor<1x?xi32>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) mask [#attn.document]
      : tensor<1x4x512x128xbf16>, tensor<1x4x?x128xbf16>, tensor<1x4x?x128xbf16>,
        tensor<1x512xi32>, tensor<1x?xi32> -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}

func.func @gated(%q: tensor<1x4x1024x128xbf16>, %k: tensor<1x4x1024x128xbf16>,
                 %v: tensor<1x4x1024x128xbf16>, %g: tensor<1x4x1024xf32>)
    -> tensor<1x4x1024x128xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x1024x128xbf16>, tensor<1x4x1024x128xbf16>,
        tensor<1x4x1024x128xbf16> -> tensor<1x4x1024x128xbf16>
  %b = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 255, right = 0>]
      : tensor<1x4x1024x128xbf16>, tensor<1x4x1024x128xbf16>,
        tensor<1x4x1024x128xbf16> -> tensor<1x4x1024x128xbf16>
  %o = attn.merge gated (%a, %g), (%b, %g)
      : tensor<1x4x1024x128xbf16>, tensor<1x4x1024xf32>
      -> tensor<1x4x1024x128xbf16>
  return %o : tensor<1x4x1024x128xbf16>
}
