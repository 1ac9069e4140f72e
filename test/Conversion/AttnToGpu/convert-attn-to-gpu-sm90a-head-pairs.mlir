// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=on" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=on" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=off" | FileCheck %s --check-prefix=OFF
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=auto" | FileCheck %s --check-prefix=AUTO
// Without fused merges a merged branch runs alone: `auto` keeps the paired form.
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a fuse-merges=false" | FileCheck %s --check-prefix=UNFUSED
// UNFUSED-LABEL: func.func @gqa4_long_merged(
// UNFUSED-NOT: attn.consumer_heads = 2
// UNFUSED: attn.ctas_per_sm = 2 : i64
// UNFUSED-NOT: attn.consumer_heads = 2
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=on pair-key-blocks=false" | FileCheck %s --check-prefix=SINGLE
// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=true" 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: error: convert-attn-to-gpu: head-pairs must be 'auto', 'on' or 'off', but is 'true'

// With `head-pairs=on`, four query heads on each K/V head
// and NSA's 64 x 64 selection (the group's), which takes the paired form:
// a CTA takes the same 64 rows of two heads of a group instead, one
// consumer warpgroup each (384 threads, one CTA a multiprocessor), so each
// K/V tile it loads serves both. Grid y runs over the pairs; the CTA's
// first head is twice its pair, Q loads once per head into a tile each,
// and each consumer adds its number to the head.
// CHECK-LABEL: func.func @gqa4(
// CHECK: %[[HEADS:.*]] = memref.dim %{{.*}}, %c1{{.*}} : memref<1x8x512x128xbf16
// CHECK: %[[PAIRS:.*]] = arith.divui %[[HEADS]], %c2{{.*}} : index
// CHECK: gpu.launch_func @attn_kernels::@gqa4_kernel blocks in (%{{.*}}, %[[PAIRS]], %{{.*}}) threads in (%c384,
// CHECK: gpu.func @gqa4_kernel(
// CHECK-SAME: attn.block_kv = 64 : i64, attn.block_q = 64 : i64, attn.consumer_heads = 2 : i64, attn.ctas_per_sm = 1 : i64, attn.key_blocks_per_tile = 2 : i64
// CHECK: %[[FIRST:.*]] = arith.muli %{{.*}}, %c2{{.*}} : index
// CHECK: %[[FIRST32:.*]] = arith.index_cast %[[FIRST]] : index to i32
// CHECK-NEXT: arith.index_cast %block_id_z
// CHECK-NEXT: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, box[%c0_i32, %{{.*}}, %[[FIRST32]], %{{.*}}]
// CHECK: %[[SECOND:.*]] = arith.addi %[[FIRST]], %c1{{.*}} : index
// CHECK: %[[SECOND32:.*]] = arith.index_cast %[[SECOND]] : index to i32
// CHECK-NEXT: arith.index_cast %block_id_z
// CHECK-NEXT: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, box[%c0_i32{{.*}}, %{{.*}}, %[[SECOND32]], %{{.*}}]
// Each tile of the products holds the listed blocks 2 i and 2 i + 1, the
// second past the keys where the list has no such entry (then the
// producer loads the first block twice: the second half is masked): a
// 32 KiB K tile of four TMA boxes (two panels of two blocks), and S = Q
// K^T of 64 x 128 with Q from shared memory.
// CHECK: nvvm.setmaxregister decrease 24
// CHECK: scf.for %[[TILE:.*]] = %{{.*}} to
// CHECK: %[[BLOCK:.*]] = arith.muli %[[TILE]], %c2{{.*}} : index
// CHECK: %[[NEXT:.*]] = arith.addi %[[BLOCK]], %c1{{.*}} : index
// CHECK: %[[HAS_NEXT:.*]] = arith.cmpi ult, %[[NEXT]], %{{.*}} : index
// CHECK: %[[PAST:.*]] = arith.divui
// CHECK: %[[SECOND_BLOCK:.*]] = arith.select %[[HAS_NEXT]], %{{.*}}, %[[PAST]] : index
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c32768_i32
// CHECK-COUNT-4: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvvm.cp.async.bulk.tensor
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c32768_i32
// CHECK-COUNT-4: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: nvvm.setmaxregister increase 240
// CHECK: %[[CONSUMER:.*]] = arith.subi %{{.*}}, %c1{{.*}} : index
// CHECK: arith.addi %[[FIRST]], %[[CONSUMER]] : index
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// Without pair-key-blocks: tiles of one block (16 KiB of K, two boxes).
// SINGLE-LABEL: gpu.func @gqa4_kernel(
// SINGLE-NOT: attn.key_blocks_per_tile
// SINGLE: nvvm.setmaxregister decrease 24
// SINGLE: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// SINGLE-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global
// SINGLE-NOT: nvvm.cp.async.bulk.tensor
// SINGLE: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// ROUNDTRIP-LABEL: gpu.func @gqa4_kernel(
// With `auto` (the default), pairs only where K and V hold 96 MiB or more
// (below, two CTAs a multiprocessor overlapping their prologues and
// epilogues are faster; KernelShapes.cpp has the timings): here 512 keys,
// so the paired form, a head a CTA; and `off`.
// OFF-LABEL: func.func @gqa4(
// OFF: gpu.launch_func @attn_kernels::@gqa4_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%c256,
// OFF: gpu.func @gqa4_kernel(
// OFF-SAME: attn.ctas_per_sm = 2 : i64
func.func @gqa4(%q: tensor<1x8x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                %v: tensor<1x2x512x128xbf16>, %idx: tensor<1x2x8x2xi32>)
    -> tensor<1x8x512x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x8x512x128xbf16>
  return %o : tensor<1x8x512x128xbf16>
}

// -----

// A short window over grouped heads (the paired form, no selection): a
// head a CTA.
// CHECK-LABEL: gpu.func @window_kernel(
// CHECK-SAME: attn.block_q = 64 : i64, attn.ctas_per_sm = 2 : i64
// CHECK-SAME: attn.threads = 256 : i64
func.func @window(%q: tensor<1x8x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                  %v: tensor<1x2x512x128xbf16>) -> tensor<1x8x512x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x8x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x8x512x128xbf16>
  return %o : tensor<1x8x512x128xbf16>
}

// -----

// One query head a K/V head, or an odd group: the paired form.
// CHECK-LABEL: gpu.func @mha_kernel(
// CHECK-SAME: attn.ctas_per_sm = 2 : i64
// CHECK-SAME: attn.threads = 256 : i64
func.func @mha(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
               %v: tensor<1x2x512x128xbf16>, %idx: tensor<1x2x8x2xi32>)
    -> tensor<1x2x512x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}

// -----

// CHECK-LABEL: gpu.func @gqa3_kernel(
// CHECK-SAME: attn.ctas_per_sm = 2 : i64
// CHECK-SAME: attn.threads = 256 : i64
func.func @gqa3(%q: tensor<1x6x512x64xbf16>, %k: tensor<1x2x512x64xbf16>,
                %v: tensor<1x2x512x64xbf16>, %idx: tensor<1x2x8x2xi32>)
    -> tensor<1x6x512x64xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x6x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x6x512x64xbf16>
  return %o : tensor<1x6x512x64xbf16>
}

// -----

// Grouped heads over the 128-row form (full causal): a head a CTA.
// CHECK-LABEL: gpu.func @causal_kernel(
// CHECK-SAME: attn.block_q = 128 : i64
func.func @causal(%q: tensor<1x8x1024x128xbf16>, %k: tensor<1x2x1024x128xbf16>,
                  %v: tensor<1x2x1024x128xbf16>) -> tensor<1x8x1024x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x8x1024x128xbf16>, tensor<1x2x1024x128xbf16>, tensor<1x2x1024x128xbf16>
      -> tensor<1x8x1024x128xbf16>
  return %o : tensor<1x8x1024x128xbf16>
}

// -----

// Segment means of a selection's output over grouped heads: the compress
// runs in the head pairs' epilogue (each consumer's 64 rows are a segment
// of its own head), which stores the output too (it is returned).
// CHECK-LABEL: func.func @compressed(
// CHECK: gpu.launch_func @attn_kernels::@compressed_kernel_0
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK: gpu.func @compressed_kernel_0(
// CHECK-SAME: attn.consumer_heads = 2 : i64
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %c128_i32
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x4x10x128xbf16
func.func @compressed(%q: tensor<1x4x600x128xbf16>, %k: tensor<1x2x600x128xbf16>,
                      %v: tensor<1x2x600x128xbf16>, %idx: tensor<1x2x10x2xi32>)
    -> (tensor<1x4x600x128xbf16>, tensor<1x4x10x128xbf16>) {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x600x128xbf16>, tensor<1x2x600x128xbf16>, tensor<1x2x600x128xbf16>,
        tensor<1x2x10x2xi32> -> tensor<1x4x600x128xbf16>
  %c = attn.compress mean %o stride 64
      : tensor<1x4x600x128xbf16> -> tensor<1x4x10x128xbf16>
  return %o, %c : tensor<1x4x600x128xbf16>, tensor<1x4x10x128xbf16>
}

// -----

// K and V of 65536 keys over 4 heads at head dim 128, bf16: 128 MiB. With
// `auto`, a branch of a gated merge (NSA's selected blocks, whose kernel
// runs the window branch too) takes head pairs (0.95x the time at 64k on
// an H100); a selection alone does not (1.00x on an H100, 1.07x on an
// H200).
// AUTO-LABEL: func.func @gqa4_long(
// AUTO: gpu.func @gqa4_long_kernel(
// AUTO-SAME: attn.ctas_per_sm = 2 : i64
// AUTO-LABEL: func.func @gqa4_long_merged(
// AUTO: gpu.func @gqa4_long_merged_kernel{{.*}}(
// AUTO-SAME: attn.consumer_heads = 2 : i64, attn.ctas_per_sm = 1 : i64
func.func @gqa4_long(%q: tensor<1x16x65536x128xbf16>, %k: tensor<1x4x65536x128xbf16>,
                     %v: tensor<1x4x65536x128xbf16>, %idx: tensor<1x4x1024x16xi32>)
    -> tensor<1x16x65536x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x16x65536x128xbf16>, tensor<1x4x65536x128xbf16>, tensor<1x4x65536x128xbf16>,
        tensor<1x4x1024x16xi32> -> tensor<1x16x65536x128xbf16>
  return %o : tensor<1x16x65536x128xbf16>
}

// -----

func.func @gqa4_long_merged(%q: tensor<1x16x65536x128xbf16>, %k: tensor<1x4x65536x128xbf16>,
                            %v: tensor<1x4x65536x128xbf16>, %idx: tensor<1x4x1024x16xi32>,
                            %g1: tensor<1x16x65536xf32>, %g2: tensor<1x16x65536xf32>)
    -> tensor<1x16x65536x128xbf16> {
  %o_s = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x16x65536x128xbf16>, tensor<1x4x65536x128xbf16>, tensor<1x4x65536x128xbf16>,
        tensor<1x4x1024x16xi32> -> tensor<1x16x65536x128xbf16>
  %o_w = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 511, right = 0>]
      : tensor<1x16x65536x128xbf16>, tensor<1x4x65536x128xbf16>, tensor<1x4x65536x128xbf16>
      -> tensor<1x16x65536x128xbf16>
  %o = attn.merge gated (%o_s, %g1), (%o_w, %g2)
      : tensor<1x16x65536x128xbf16>, tensor<1x16x65536xf32> -> tensor<1x16x65536x128xbf16>
  return %o : tensor<1x16x65536x128xbf16>
}
