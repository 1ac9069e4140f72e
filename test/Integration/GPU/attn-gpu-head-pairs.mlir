// Grouped heads with a selection on sm_90a with --gpu-head-pairs=on (by
// default only where K and V hold 96 MiB or more): a
// CTA of 384 threads takes the same 64 rows of two query heads, Q's tile
// loads once per head (two 64-column panels each at head dim 128), the
// consumers take turns, and ptxas assembles it. Each tile of the products
// holds two 64-key blocks, a TMA box each per panel, and S = Q K^T (64 x
// 128) reads Q from shared memory; with --gpu-pair-key-blocks=false, tiles
// of one block (64 x 64) and Q in registers.
// (Run and checked on the GPU machine, the launcher's grid of half as many
// CTAs along y as query heads included: bench/gpu's grouped chk- cases and
// bench/gpu/programs/head-pairs.)
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a --gpu-head-pairs=on
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas -arch=sm_90a %t.ptx -o %t.cubin
// CHECK-LABEL: .entry gqa4_kernel(
// CHECK: .maxntid 384, 1, 1
// CHECK-NEXT: .minnctapersm 1
// CHECK-COUNT-4: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK: setmaxnreg.inc.sync.aligned.u32 240;
// CHECK: bar.arrive
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p,
// CHECK-NOT: m64n64k16
// RUN: attn-compile %s -o %t.single.ptx --target=sm_90a --gpu-head-pairs=on --gpu-pair-key-blocks=false
// RUN: FileCheck %s --check-prefix=SINGLE < %t.single.ptx
// RUN: %ptxas -arch=sm_90a %t.single.ptx -o %t.single.cubin
// SINGLE-LABEL: .entry gqa4_kernel(
// SINGLE: setmaxnreg.inc.sync.aligned.u32 240;
// SINGLE: bar.arrive
// SINGLE: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p,
// RUN: attn-compile %s -o %t.off.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=OFF < %t.off.ptx
// OFF-LABEL: .entry gqa4_kernel(
// OFF: .maxntid 256, 1, 1
// OFF-NEXT: .minnctapersm 2
func.func @gqa4(%q: tensor<2x8x300x128xbf16>, %k: tensor<2x2x300x128xbf16>,
                %v: tensor<2x2x300x128xbf16>, %idx: tensor<2x2x5x3xi32>)
    -> tensor<2x8x300x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<2x8x300x128xbf16>, tensor<2x2x300x128xbf16>, tensor<2x2x300x128xbf16>,
        tensor<2x2x5x3xi32> -> tensor<2x8x300x128xbf16>
  return %o : tensor<2x8x300x128xbf16>
}
