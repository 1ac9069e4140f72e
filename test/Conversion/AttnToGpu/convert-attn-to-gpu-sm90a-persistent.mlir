// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a persistent=off" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a persistent=on" | FileCheck %s --check-prefix=ON
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a ping-pong=false" | FileCheck %s --check-prefix=NOPP
// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a persistent=yes" 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: error: convert-attn-to-gpu: persistent must be 'auto', 'on' or 'off', but is 'yes'

// NSA's compressed branch at 64k: 1024 compressed keys, so a 128-row query
// tile visits 4.5 key tiles of 128 on average over 8192 work items (512
// query tiles x 16 heads). By default its CTAs are persistent: a grid of
// at most 132 CTAs (one a multiprocessor), each walking items blockIdx.x,
// blockIdx.x + gridDim.x, ... . Q's tile gets an empty barrier (slot 1 +
// 4 x 3 stages, 8 arrivals: lane 0 of each consumer warp), the producer
// loads each later item's Q once it completes, and the registers split
// 32 / 232 (the producer's loop spilled at 24).
// CHECK-LABEL: func.func @compressed_branch(
// CHECK: %[[GRID:.*]] = arith.minui %{{.*}}, %c132 : index
// CHECK: gpu.launch_func @attn_kernels::@compressed_branch_kernel blocks in (%[[GRID]], %[[ONE:.*]], %[[ONE]]) threads in (%c384,
// CHECK: gpu.func @compressed_branch_kernel(
// CHECK-SAME: attn.persistent_ctas = 132 : i64
// CHECK: nvvm.mbarrier.init %{{.*}}, %c8_i32
// CHECK: nvvm.fence.mbarrier.init
// CHECK: nvvm.setmaxregister decrease 32
// CHECK: %[[STRIDE:.*]] = gpu.grid_dim x
// CHECK: scf.for %[[ITEM:.*]] = %c0{{.*}} to %{{.*}} step %c1{{.*}} iter_args(%[[BASE:.*]] = %c0_i32) -> (i32) {
// CHECK: arith.muli %[[ITEM]], %[[STRIDE]] : index
// The range table's row of the item's query tile.
// CHECK: memref.load
// A later item's Q: after the empty barrier's phase of the item before.
// CHECK: scf.if
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c32768_i32
// CHECK: scf.yield %{{.*}} : i32
// CHECK: nvvm.setmaxregister increase 232
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %c0_i32) -> (i32) {
// After the tile loop the consumers free Q's tile (slot 13), then the last
// tile's P V frees its V stage (slot 1 + 3 x 3 + stage), which the
// producer fills again for a later item; a CTA of one item does not.
// CHECK: %[[QEMPTY:.*]] = arith.constant 13 : index
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NEXT: %[[TEN:.*]] = arith.constant 10 : index
// CHECK-NEXT: arith.addi %[[TEN]], %{{.*}} : index
// CHECK: nvvm.mbarrier.arrive
// ROUNDTRIP-LABEL: gpu.func @compressed_branch_kernel(
// Without the consumers' turns (an A/B option) the CTAs stay persistent,
// and no named barrier is left in the kernel.
// NOPP-LABEL: gpu.func @compressed_branch_kernel(
// NOPP-SAME: attn.persistent_ctas = 132 : i64
// NOPP-NOT: nvvm.barrier
// NOPP: gpu.return
// OFF-LABEL: gpu.func @compressed_branch_kernel(
// OFF-NOT: attn.persistent_ctas
// OFF: nvvm.setmaxregister decrease 24
// OFF: nvvm.setmaxregister increase 240
func.func @compressed_branch(%q: tensor<1x16x65536x128xbf16>, %kc: tensor<1x4x1024x128xbf16>,
                             %vc: tensor<1x4x1024x128xbf16>) -> tensor<1x16x65536x128xbf16> {
  %o = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>]
      : tensor<1x16x65536x128xbf16>, tensor<1x4x1024x128xbf16>, tensor<1x4x1024x128xbf16>
      -> tensor<1x16x65536x128xbf16>
  return %o : tensor<1x16x65536x128xbf16>
}

// -----

// Full causal at 4k: 16.5 key tiles a query tile on average, so a CTA an
// item by default; `on` makes it persistent.
// CHECK-LABEL: gpu.func @causal_long_kernel(
// CHECK-NOT: attn.persistent_ctas
// CHECK-SAME: attn.threads = 384
// ON-LABEL: gpu.func @causal_long_kernel(
// ON-SAME: attn.persistent_ctas = 132 : i64
func.func @causal_long(%q: tensor<1x16x4096x128xbf16>, %k: tensor<1x16x4096x128xbf16>,
                       %v: tensor<1x16x4096x128xbf16>) -> tensor<1x16x4096x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x16x4096x128xbf16>, tensor<1x16x4096x128xbf16>, tensor<1x16x4096x128xbf16>
      -> tensor<1x16x4096x128xbf16>
  return %o : tensor<1x16x4096x128xbf16>
}

// -----

// Causal at 1k: 4.5 key tiles on average, but 16 items (8 query tiles x 2
// heads) are less than a wave: a CTA an item.
// CHECK-LABEL: gpu.func @few_items_kernel(
// CHECK-NOT: attn.persistent_ctas
// CHECK-SAME: attn.threads = 384
func.func @few_items(%q: tensor<1x2x1024x128xbf16>, %k: tensor<1x2x1024x128xbf16>,
                     %v: tensor<1x2x1024x128xbf16>) -> tensor<1x2x1024x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x1024x128xbf16>, tensor<1x2x1024x128xbf16>, tensor<1x2x1024x128xbf16>
      -> tensor<1x2x1024x128xbf16>
  return %o : tensor<1x2x1024x128xbf16>
}

// -----

// Causal at 1k over many heads and batches: 4.5 key tiles on average over
// 2048 and 1024 items. With 16 K/V heads and 16 batches, K and V hold 128
// MiB, more than the L2: a persistent grid's waves would take the same
// query tile of 132 heads and read them again for each (H100: 1.38x the
// time). With 4 K/V heads and 8 batches (16 MiB) its CTAs are persistent.
// CHECK-LABEL: gpu.func @causal_1k_large_kernel(
// CHECK-NOT: attn.persistent_ctas
// CHECK-SAME: attn.threads = 384
// CHECK-LABEL: gpu.func @causal_1k_grouped_kernel(
// CHECK-SAME: attn.persistent_ctas = 132 : i64
func.func @causal_1k_large(%q: tensor<16x16x1024x128xbf16>, %k: tensor<16x16x1024x128xbf16>,
                           %v: tensor<16x16x1024x128xbf16>) -> tensor<16x16x1024x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<16x16x1024x128xbf16>, tensor<16x16x1024x128xbf16>, tensor<16x16x1024x128xbf16>
      -> tensor<16x16x1024x128xbf16>
  return %o : tensor<16x16x1024x128xbf16>
}
func.func @causal_1k_grouped(%q: tensor<8x16x1024x128xbf16>, %k: tensor<8x4x1024x128xbf16>,
                             %v: tensor<8x4x1024x128xbf16>) -> tensor<8x16x1024x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<8x16x1024x128xbf16>, tensor<8x4x1024x128xbf16>, tensor<8x4x1024x128xbf16>
      -> tensor<8x16x1024x128xbf16>
  return %o : tensor<8x16x1024x128xbf16>
}

// -----

// Causal at 1k, 4 batches of 16 heads: 512 items (3.9 waves) are too few
// to gain (H100: 1.03x the time).
// CHECK-LABEL: gpu.func @causal_1k_few_waves_kernel(
// CHECK-NOT: attn.persistent_ctas
// CHECK-SAME: attn.threads = 384
func.func @causal_1k_few_waves(%q: tensor<4x16x1024x128xbf16>, %k: tensor<4x16x1024x128xbf16>,
                               %v: tensor<4x16x1024x128xbf16>) -> tensor<4x16x1024x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<4x16x1024x128xbf16>, tensor<4x16x1024x128xbf16>, tensor<4x16x1024x128xbf16>
      -> tensor<4x16x1024x128xbf16>
  return %o : tensor<4x16x1024x128xbf16>
}

// -----

// Lengths known at run time: `on` takes them (the launch counts the items
// from the sizes); `auto` has no block map to weigh the loops by.
// CHECK-LABEL: gpu.func @dynamic_kernel(
// CHECK-NOT: attn.persistent_ctas
// CHECK-SAME: attn.threads = 384
// ON-LABEL: func.func @dynamic(
// ON: %[[GRID:.*]] = arith.minui %{{.*}}, %c132 : index
// ON: gpu.launch_func @attn_kernels::@dynamic_kernel blocks in (%[[GRID]],
// ON: gpu.func @dynamic_kernel(
// ON-SAME: attn.persistent_ctas = 132 : i64
func.func @dynamic(%q: tensor<?x16x?x128xbf16>, %k: tensor<?x16x?x128xbf16>,
                   %v: tensor<?x16x?x128xbf16>) -> tensor<?x16x?x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<?x16x?x128xbf16>, tensor<?x16x?x128xbf16>, tensor<?x16x?x128xbf16>
      -> tensor<?x16x?x128xbf16>
  return %o : tensor<?x16x?x128xbf16>
}

// -----

// Forms that stay a CTA an item even with `on`: a selection (its tile
// list is built per CTA), and the paired form (two CTAs a multiprocessor
// already overlap each other's prologues and epilogues).
// ON-LABEL: gpu.func @selection_kernel(
// ON-NOT: attn.persistent_ctas
// ON-SAME: attn.threads
// ON-LABEL: gpu.func @window_kernel(
// ON-NOT: attn.persistent_ctas
// ON-SAME: attn.threads = 256
func.func @selection(%q: tensor<1x8x2048x128xbf16>, %k: tensor<1x8x2048x128xbf16>,
                     %v: tensor<1x8x2048x128xbf16>, %idx: tensor<1x8x16x2xi32>)
    -> tensor<1x8x2048x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 128, block_kv = 128>]
      : tensor<1x8x2048x128xbf16>, tensor<1x8x2048x128xbf16>, tensor<1x8x2048x128xbf16>,
        tensor<1x8x16x2xi32> -> tensor<1x8x2048x128xbf16>
  return %o : tensor<1x8x2048x128xbf16>
}
func.func @window(%q: tensor<1x8x2048x128xbf16>, %k: tensor<1x8x2048x128xbf16>,
                  %v: tensor<1x8x2048x128xbf16>) -> tensor<1x8x2048x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x8x2048x128xbf16>, tensor<1x8x2048x128xbf16>, tensor<1x8x2048x128xbf16>
      -> tensor<1x8x2048x128xbf16>
  return %o : tensor<1x8x2048x128xbf16>
}

// -----

// A kernel that a program's fusions give a merge epilogue or a second
// branch is a CTA an item: here two branches over short keys under a
// gated merge run in one kernel.
// ON-LABEL: func.func @merged(
// ON: gpu.func @merged_kernel_0(
// ON-NOT: attn.persistent_ctas
// ON-SAME: attn.threads
func.func @merged(%q: tensor<1x8x8192x128xbf16>, %k1: tensor<1x8x128x128xbf16>,
                  %v1: tensor<1x8x128x128xbf16>, %k2: tensor<1x8x128x128xbf16>,
                  %v2: tensor<1x8x128x128xbf16>, %g1: tensor<1x8x8192xf32>,
                  %g2: tensor<1x8x8192xf32>) -> tensor<1x8x8192x128xbf16> {
  %a = attn.attention %q, %k1, %v1 mask [#attn.causal<stride = 64>]
      : tensor<1x8x8192x128xbf16>, tensor<1x8x128x128xbf16>, tensor<1x8x128x128xbf16>
      -> tensor<1x8x8192x128xbf16>
  %b = attn.attention %q, %k2, %v2 mask [#attn.causal<stride = 64>]
      : tensor<1x8x8192x128xbf16>, tensor<1x8x128x128xbf16>, tensor<1x8x128x128xbf16>
      -> tensor<1x8x8192x128xbf16>
  %o = attn.merge gated (%a, %g1), (%b, %g2)
      : tensor<1x8x8192x128xbf16>, tensor<1x8x8192xf32> -> tensor<1x8x8192x128xbf16>
  return %o : tensor<1x8x8192x128xbf16>
}
