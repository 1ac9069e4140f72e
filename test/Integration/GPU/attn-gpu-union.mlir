// SCOUT's two attentions of the same queries (the completed segments'
// checkpoints and the query's own segment) merged by their LSEs compile to
// one kernel through attn-compile's GPU targets: its online softmax visits
// the checkpoints' key tiles, then the segment's, each under its own mask,
// and writes the merged output and LSE. Checked without a GPU: the PTX of
// each target, ptxas, and the library's entry point.
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: FileCheck %s --check-prefix=SM80 < %t.80.ptx
// The compressions, then the union (mma.sync, cp.async tiles of either
// source's K and V); nothing after it.
// SM80: .entry scout_kernel_0(
// SM80: .entry scout_kernel_1(
// SM80: .entry scout_kernel_2(
// SM80: cp.async.cg.shared.global
// SM80: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// SM80: lg2.approx.f32
// SM80-NOT: .entry
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin

// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=SM90A < %t.90a.ptx
// The warp-specialised union takes Q's tensor map, then K's and V's of each
// source (grid-constant parameters), and its producer loads either
// source's tiles by TMA.
// SM90A: .entry scout_kernel_2(
// SM90A-NEXT: .param .align 64 .b8 scout_kernel_2_param_0[128],
// SM90A-NEXT: .param .align 64 .b8 scout_kernel_2_param_1[128],
// SM90A-NEXT: .param .align 64 .b8 scout_kernel_2_param_2[128],
// SM90A-NEXT: .param .align 64 .b8 scout_kernel_2_param_3[128],
// SM90A-NEXT: .param .align 64 .b8 scout_kernel_2_param_4[128],
// SM90A-NOT: .param .align 64
// Q's two 64-column panels (by the CTA's first thread, before the CTA
// barrier), then the producer's two panels each of K and V per source
// (each source's loads in a branch of their own), and no other TMA load.
// SM90A: fence.mbarrier_init.release.cluster;
// SM90A-COUNT-2: cp.async.bulk.tensor.4d.shared::cluster.global
// SM90A: bar.sync 0;
// SM90A: setmaxnreg.dec.sync.aligned.u32
// SM90A-COUNT-8: cp.async.bulk.tensor.4d.shared::cluster.global
// SM90A-NOT: cp.async.bulk.tensor
// SM90A: wgmma.mma_async.sync.aligned
// SM90A-NOT: .entry
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/union.so --target=sm_90a
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/union.h
// HEADER: int attn_scout(const attn_strided_4d *q,
// HEADER-NEXT: const attn_strided_4d *k,
// HEADER-NEXT: const attn_strided_4d *v,
// HEADER-NEXT: attn_strided_4d *result0,
// HEADER-NEXT: attn_strided_3d *result1,
// HEADER-NEXT: void *stream);

func.func @scout(%q: tensor<1x2x256x128xbf16>, %k: tensor<1x2x256x128xbf16>,
                 %v: tensor<1x2x256x128xbf16>)
    -> (tensor<1x2x256x128xbf16>, tensor<1x2x256xf32>) {
  %ck = attn.compress mean %k stride 64 : tensor<1x2x256x128xbf16> -> tensor<1x2x4x128xbf16>
  %cv = attn.compress mean %v stride 64 : tensor<1x2x256x128xbf16> -> tensor<1x2x4x128xbf16>
  %o_ck, %l_ck = attn.attention %q, %ck, %cv mask [#attn.causal<stride = 64>]
      : tensor<1x2x256x128xbf16>, tensor<1x2x4x128xbf16>, tensor<1x2x4x128xbf16>
      -> tensor<1x2x256x128xbf16>, tensor<1x2x256xf32>
  %o_seg, %l_seg = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.constant 64 : index
    %si = arith.divui %i, %c : index
    %sj = arith.divui %j, %c : index
    %same = arith.cmpi eq, %si, %sj : index
    attn.yield %same : i1
  } : tensor<1x2x256x128xbf16>, tensor<1x2x256x128xbf16>, tensor<1x2x256x128xbf16>
      -> tensor<1x2x256x128xbf16>, tensor<1x2x256xf32>
  %o, %l = attn.merge lse (%o_seg, %l_seg), (%o_ck, %l_ck)
      : tensor<1x2x256x128xbf16>, tensor<1x2x256xf32> -> tensor<1x2x256x128xbf16>, tensor<1x2x256xf32>
  return %o, %l : tensor<1x2x256x128xbf16>, tensor<1x2x256xf32>
}
