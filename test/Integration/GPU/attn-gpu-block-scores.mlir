// attn.block_scores through attn-compile without a GPU. On sm_90a a block
// of 64 rows per head (@scores: 2 heads per K/V head, 128 rows, two 64-row
// chunks; @wide: 64 rows) at head dim 128 takes warpgroup products: both
// passes' scores are wgmma's on 128B-swizzled tiles, as many CTAs per
// multiprocessor as their shared memory allows (3 and 4), and no ldmatrix.
// Pass 1 multiplies 64 rows at a time; pass 2 multiplies each key tile with
// up to 256 rows at once (wgmma's widest n: @group4's 256 rows in one
// product, @tall's 512 in two), as many as the registers of the CTAs that
// share a multiprocessor hold: @grouped64's 256 rows at head dim 64 leave
// room for four CTAs, 128 registers a thread, so 64 rows a product (256
// would not assemble); @scores' three CTAs, 170 registers, keep their rows'
// shifts in registers too, so 64 as well.
// Blocks of whole 8-row groups get Q (a box per head) and the key tiles by
// TMA on mbarriers, the tensor maps the kernel's first two (grid-constant)
// parameters; @uneven's blocks of 4 rows x 16 heads copy by cp.async into
// the same swizzle instead. Blocks of 32 rows keep the mma.sync kernel;
// sm_90 (no "a") keeps it for all.
// REQUIRES: ptxas

// The GPU IR of @wide: the barriers (Q's, two key stages per pass), Q's two
// panels by TMA, a wait for Q; per key tile the wait for its stage, the
// next tile's TMA, descriptors in the 128B mode (stride 1024, leading 16
// bytes) and each k16 step 32 bytes further (2 in the descriptor's address
// field), the fifth in the second 64-column panel (64 rows x 128 bytes:
// 512).
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=GPUIR
// @scores: Q's 2 heads x 64 rows x 128 columns (32768 bytes) on Q's
// barrier, each head's box at its rows of both panels (8192 bytes apart,
// the second panel 16384 bytes on), waited for before pass 1's first key
// tile (16384 bytes).
// GPUIR-LABEL: gpu.func @scores_kernel_0(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>,
// GPUIR: nvvm.mbarrier.arrive.expect_tx %[[QBAR:[0-9]+]], %c32768_i32
// GPUIR: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %[[QBAR]], box[%c0_i32
// GPUIR: arith.constant 8192 : i64
// GPUIR: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %[[QBAR]], box[%c0_i32
// GPUIR: arith.constant 16384 : i64
// GPUIR: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %[[QBAR]], box[%c64_i32
// GPUIR: arith.constant 24576 : i64
// GPUIR: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %[[QBAR]], box[%c64_i32
// GPUIR: nvvm.mbarrier.try_wait.parity %[[QBAR]], %c0_i32
// GPUIR: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// GPUIR-NOT: n = 128
// GPUIR-LABEL: gpu.func @wide_kernel_0(%{{.*}}: !llvm.array<16 x i64>, %{{.*}}: !llvm.array<16 x i64>,
// GPUIR-SAME: attn.block_kv = 64 : i64, attn.block_q = 64 : i64, attn.ctas_per_sm = 4 : i64
// GPUIR-SAME: attn.tensor_maps = 2 : i64
// GPUIR-SAME: nvvm.minctasm = 4
// GPUIR-COUNT-5: nvvm.mbarrier.init
// GPUIR: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// GPUIR-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global
// GPUIR: nvvm.mbarrier.try_wait.parity
// GPUIR: nvvm.cp.async.bulk.tensor.shared.cluster.global
// GPUIR: scf.for
// GPUIR: nvvm.mbarrier.try_wait.parity
// GPUIR-NEXT: gpu.barrier
// GPUIR: nvvm.mbarrier.arrive.expect_tx
// GPUIR: arith.constant 4611686293305360384 : i64
// GPUIR: nvvm.wgmma.fence.aligned
// GPUIR: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// GPUIR: arith.constant 2 : i64
// GPUIR: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>]
// GPUIR: arith.constant 512 : i64
// GPUIR-COUNT-6: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>]
// GPUIR: nvvm.wgmma.commit.group.sync.aligned
// GPUIR: nvvm.wgmma.wait.group.sync.aligned 0
// @uneven: copies to swizzled chunks (j ^ (r % 8)) made visible to the
// async proxy after each wait. @tall's blocks of 512 rows exceed TMA's
// boxes (at most 256 rows): cp.async too.
// GPUIR-LABEL: gpu.func @uneven_kernel_0(%{{.*}}: memref
// GPUIR-NOT: nvvm.mbarrier
// GPUIR: arith.xori
// GPUIR: nvgpu.device_async_copy
// GPUIR: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// GPUIR: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>
// GPUIR-LABEL: gpu.func @tall_kernel_0(%{{.*}}: memref
// GPUIR: nvgpu.device_async_copy
// GPUIR: nvvm.wgmma.mma_async

// No cp.async anywhere in the TMA kernels (each label's block is the
// kernel up to the next one).
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=NOCOPY
// NOCOPY-LABEL: gpu.func @scores_kernel_0(
// NOCOPY-NOT: nvgpu.device_async_copy
// NOCOPY-LABEL: gpu.func @fine_kernel_0(
// NOCOPY-LABEL: gpu.func @wide_kernel_0(
// NOCOPY-NOT: nvgpu.device_async_copy
// NOCOPY-LABEL: gpu.func @uneven_kernel_0(

// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=HOPPER < %t.90a.ptx
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin
// RUN: attn-compile %s -o %t.90.ptx --target=sm_90
// RUN: FileCheck %s --check-prefix=AMPERE < %t.90.ptx
// RUN: %ptxas -arch=sm_90 %t.90.ptx -o %t.90.cubin

// HOPPER-LABEL: .entry scores_kernel_0(
// HOPPER-NEXT: .param .align 64 .b8 scores_kernel_0_param_0[128],
// HOPPER-NEXT: .param .align 64 .b8 scores_kernel_0_param_1[128],
// HOPPER: .minnctapersm 3
// HOPPER-NOT: ldmatrix
// Q: a box per head and panel (2 x 2).
// HOPPER-COUNT-4: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// Pass 1: the row statistics.
// HOPPER: mbarrier.try_wait.parity.shared.b64
// HOPPER-COUNT-16: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER: wgmma.wait_group.sync.aligned 0;
// Each row's shift, m + log2 l.
// HOPPER: lg2.approx.f32
// Pass 2: the keys' sums.
// HOPPER: mbarrier.try_wait.parity.shared.b64
// HOPPER-COUNT-16: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER-NOT: wgmma.mma_async
// HOPPER-LABEL: .entry fine_kernel_0(
// HOPPER-NOT: wgmma
// HOPPER: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// HOPPER: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// HOPPER-LABEL: .entry wide_kernel_0(
// HOPPER: .minnctapersm 4
// HOPPER-COUNT-16: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER-NOT: wgmma.mma_async
// HOPPER-LABEL: .entry uneven_kernel_0(
// HOPPER-NOT: cp.async.bulk
// HOPPER: cp.async.cg.shared.global
// HOPPER: fence.proxy.async.shared::cta;
// HOPPER: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER-LABEL: .entry tall_kernel_0(
// HOPPER-COUNT-32: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER: wgmma.wait_group.sync.aligned 0;
// HOPPER-COUNT-8: wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16
// HOPPER-NOT: wgmma.mma_async
// HOPPER-LABEL: .entry group4_kernel_0(
// HOPPER: .minnctapersm 2
// HOPPER-COUNT-32: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// HOPPER: wgmma.wait_group.sync.aligned 0;
// HOPPER-COUNT-8: wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16
// HOPPER-NOT: wgmma.mma_async
// HOPPER-LABEL: .entry grouped64_kernel_0(
// HOPPER: .minnctapersm 4
// HOPPER-NOT: m64n128k16
// HOPPER-NOT: m64n256k16

// AMPERE-LABEL: .entry scores_kernel_0(
// AMPERE-NOT: wgmma
// AMPERE: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// AMPERE-LABEL: .entry fine_kernel_0(
// AMPERE: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// AMPERE-LABEL: .entry wide_kernel_0(
// AMPERE-NOT: wgmma
// AMPERE-LABEL: .entry uneven_kernel_0(
// AMPERE-NOT: wgmma

func.func @scores(%q: tensor<1x4x300x128xbf16>, %kc: tensor<1x2x5x128xbf16>)
    -> tensor<1x2x5x5xf32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x4x300x128xbf16>, tensor<1x2x5x128xbf16> -> tensor<1x2x5x5xf32>
  return %s : tensor<1x2x5x5xf32>
}

func.func @fine(%q: tensor<1x2x300x64xf16>, %kc: tensor<1x2x10x64xf16>)
    -> tensor<1x2x10x10xf32> {
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x300x64xf16>, tensor<1x2x10x64xf16> -> tensor<1x2x10x10xf32>
  return %s : tensor<1x2x10x10xf32>
}

func.func @wide(%q: tensor<1x2x300x128xbf16>, %kc: tensor<1x2x5x128xbf16>)
    -> tensor<1x2x5x5xf32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x2x300x128xbf16>, tensor<1x2x5x128xbf16> -> tensor<1x2x5x5xf32>
  return %s : tensor<1x2x5x5xf32>
}

func.func @uneven(%q: tensor<1x16x300x64xbf16>, %kc: tensor<1x1x75x64xbf16>)
    -> tensor<1x1x75x75xf32> {
  %s = attn.block_scores %q, %kc block_q 4 mask [#attn.causal<stride = 4>]
      : tensor<1x16x300x64xbf16>, tensor<1x1x75x64xbf16> -> tensor<1x1x75x75xf32>
  return %s : tensor<1x1x75x75xf32>
}

func.func @tall(%q: tensor<1x1x1024x64xbf16>, %kc: tensor<1x1x2x64xbf16>)
    -> tensor<1x1x2x2xf32> {
  %s = attn.block_scores %q, %kc block_q 512 mask [#attn.causal<stride = 512>]
      : tensor<1x1x1024x64xbf16>, tensor<1x1x2x64xbf16> -> tensor<1x1x2x2xf32>
  return %s : tensor<1x1x2x2xf32>
}

func.func @group4(%q: tensor<1x8x300x128xbf16>, %kc: tensor<1x2x5x128xbf16>)
    -> tensor<1x2x5x5xf32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x8x300x128xbf16>, tensor<1x2x5x128xbf16> -> tensor<1x2x5x5xf32>
  return %s : tensor<1x2x5x5xf32>
}

func.func @grouped64(%q: tensor<1x8x300x64xbf16>, %kc: tensor<1x2x5x64xbf16>)
    -> tensor<1x2x5x5xf32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x8x300x64xbf16>, tensor<1x2x5x64xbf16> -> tensor<1x2x5x5xf32>
  return %s : tensor<1x2x5x5xf32>
}
