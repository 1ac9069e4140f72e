// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a clusters=true" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a clusters=true" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=DEFAULT

// With `clusters`, four query heads on each K/V head and a selection (the
// group's): the group's CTAs form a cluster along grid y. Each producer
// waits on its own empty barriers, which count the consumer warps of all
// four CTAs, and issues the K and V panels that its rank owns, multicast to
// every CTA; each consumer warp frees a stage in all four. Cluster barriers
// follow the barriers' initialisation and precede the exit.
// CHECK-LABEL: gpu.func @gqa4_kernel(
// CHECK-SAME: nvvm.cluster_dim = array<i32: 1, 4, 1>
// CHECK: nvvm.read.ptx.sreg.cluster.ctarank : i32
// CHECK: nvvm.mbarrier.init %{{.*}}, %c16_i32
// CHECK: nvvm.fence.mbarrier.init
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask = %{{.*}} : !llvm.ptr<7>, !llvm.ptr
// CHECK: %[[REMOTE:.*]] = nvvm.mapa %{{.*}}, %{{.*}} : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: nvvm.mbarrier.arrive %[[REMOTE]] : !llvm.ptr<7>
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK-NEXT: gpu.return
// ROUNDTRIP-LABEL: gpu.func @gqa4_kernel(
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

// One query head per K/V head: no cluster, local loads and arrivals.
// CHECK-LABEL: gpu.func @mha_kernel(
// CHECK-NOT: nvvm.cluster_dim
// CHECK-NOT: cluster.ctarank
// CHECK-NOT: multicast_mask
// CHECK-NOT: nvvm.mapa
// CHECK: gpu.return
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

// Three heads a group: clusters are chosen of 2, 4 or 8 CTAs only.
// CHECK-LABEL: gpu.func @gqa3_kernel(
// CHECK-NOT: nvvm.cluster_dim
// CHECK: gpu.return
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

// Grouped heads without a selection (a short window, also the paired
// form): no cluster.
// CHECK-LABEL: gpu.func @window_kernel(
// CHECK-SAME: attn.ctas_per_sm = 2
// CHECK-NOT: nvvm.cluster_dim
// CHECK: gpu.return
func.func @window(%q: tensor<1x8x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                  %v: tensor<1x2x512x128xbf16>) -> tensor<1x8x512x128xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x8x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x8x512x128xbf16>
  return %o : tensor<1x8x512x128xbf16>
}

// -----

// Without the option (the default): the CTAs' own loads.
// DEFAULT-LABEL: gpu.func @gqa4_default_kernel(
// DEFAULT-NOT: nvvm.cluster_dim
// DEFAULT-NOT: multicast_mask
// DEFAULT: gpu.return
func.func @gqa4_default(%q: tensor<1x8x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                        %v: tensor<1x2x512x128xbf16>, %idx: tensor<1x2x8x2xi32>)
    -> tensor<1x8x512x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x8x512x128xbf16>
  return %o : tensor<1x8x512x128xbf16>
}
