// Grouped heads with a selection on sm_90a with --gpu-clusters (off by
// default; slower on an H200 with two stages): the CTAs of a group's heads are
// a compile-time cluster (a plain launch), K and V panels come by TMA
// multicast, consumers free stages with remote arrivals, and ptxas
// assembles it. (Run and checked on the GPU machine: bench/gpu's
// chk-nsa-g4-s64-D128, chk-nsa-g8-s64-D64 and the other grouped
// selections.)
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a --gpu-clusters
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas -arch=sm_90a %t.ptx -o %t.cubin
// CHECK-LABEL: .entry gqa8_kernel(
// CHECK: .minnctapersm 2
// CHECK-NEXT: .explicitcluster
// CHECK-NEXT: .reqnctapercluster 1, 8, 1
// CHECK: barrier.cluster.arrive.aligned;
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK: mov.u32 {{.*}}, %cluster_ctarank;
// CHECK: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes.multicast::cluster
// CHECK: mapa.shared::cluster.u64
// CHECK: mbarrier.arrive.shared::cluster.b64 _,
// CHECK: barrier.cluster.arrive.aligned;
// CHECK-NEXT: barrier.cluster.wait.aligned;
// CHECK-NEXT: ret;
func.func @gqa8(%q: tensor<2x8x300x64xf16>, %k: tensor<2x1x300x64xf16>,
                %v: tensor<2x1x300x64xf16>, %idx: tensor<2x1x5x3xi32>)
    -> tensor<2x8x300x64xf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<2x8x300x64xf16>, tensor<2x1x300x64xf16>, tensor<2x1x300x64xf16>,
        tensor<2x1x5x3xi32> -> tensor<2x8x300x64xf16>
  return %o : tensor<2x8x300x64xf16>
}
