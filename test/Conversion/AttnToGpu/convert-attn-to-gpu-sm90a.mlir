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
func.func @causal(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x512x128xbf16>,
                  %v: tensor<1x4x512x128xbf16>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>
      -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}

// Data-dependent masks (documents) keep the sm_80 kernel with its tile list.
// CHECK: func.func @documents(
// CHECK-NOT: attnCudaEncodeTensorMap
// CHECK: gpu.launch_func @attn_kernels::@documents_kernel
// CHECK-SAME: threads in (%c128{{.*}},
// The warp-specialised kernel: tensor maps, then Q, K, V and the output.
// CHECK: gpu.func @causal_kernel(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>,
// CHECK-SAME: attn.block_kv = 128 : i64, attn.block_q = 128 : i64
// CHECK-SAME: attn.tensor_maps = 3 : i64, attn.threads = 384 : i64
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
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK: nvvm.mbarrier.arrive
func.func @documents(%q: tensor<1x4x512x128xbf16>, %k: tensor<1x4x512x128xbf16>,
                     %v: tensor<1x4x512x128xbf16>, %qs: tensor<1x512xi32>,
                     %ks: tensor<1x512xi32>) -> tensor<1x4x512x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) mask [#attn.document, #attn.causal]
      : tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>, tensor<1x4x512x128xbf16>,
        tensor<1x512xi32>, tensor<1x512xi32> -> tensor<1x4x512x128xbf16>
  return %o : tensor<1x4x512x128xbf16>
}
