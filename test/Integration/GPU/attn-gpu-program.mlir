// A program of several attn ops through attn-compile's GPU targets, checked
// without a GPU: a kernel per op in the PTX (compress, block scores, top-k,
// two attentions, the gated merge in the last one's epilogue), ptxas assembles them for sm_80 and
// sm_90a, and the generated launcher checks every buffer before anything
// reaches the GPU, then (no driver here) fails at the first temporary.
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: FileCheck %s --check-prefix=PTX < %t.80.ptx
// The compressions read and write 16 bytes per thread.
// PTX: .entry nsa_kernel_0(
// PTX: ld.global.v4.b32
// PTX: st.global.v4.b32
// The compressed branch (moved first: the block scores take its LSE).
// PTX: .entry nsa_kernel_2(
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// Block scores: cp.async key tiles, one pass.
// PTX: .entry nsa_kernel_3(
// PTX: cp.async.cg.shared.global
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// Top-k: a warp per row, warp reductions by redux.sync.
// PTX: .entry nsa_kernel_4(
// PTX: redux.sync.max.s32
// PTX: redux.sync.min.s32
// PTX: bar.warp.sync
// The selected branch, which runs the gated merge as it stores its rows
// (the compressed branch's rows read 16 bytes at a time): no merge kernel.
// PTX: .entry nsa_kernel_5(
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX: ld.global.v4.b32
// PTX: st.global.v4.b32
// PTX-NOT: .entry
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin
// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin
// With --gpu-fuse-topk the block scores' kernel (mma.sync: 32-row blocks)
// picks its row's top 2 itself: one kernel fewer, and ptxas assembles it.
// RUN: attn-compile %s -o %t.fused.ptx --target=sm_90a --gpu-fuse-topk
// RUN: FileCheck %s --check-prefix=FUSED < %t.fused.ptx
// RUN: %ptxas -arch=sm_90a %t.fused.ptx -o %t.fused.cubin
// FUSED: .entry nsa_kernel_3(
// FUSED: mma.sync.aligned.m16n8k16
// FUSED: bar.sync
// FUSED: redux.sync.max.s32
// FUSED: .entry nsa_kernel_4(
// FUSED-NOT: redux.sync
// FUSED-NOT: .entry nsa_kernel_6(

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/program.so --target=sm_90
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/program.h
// HEADER: int attn_nsa(const attn_strided_4d *q,
// HEADER-NEXT: const attn_strided_4d *k,
// HEADER-NEXT: const attn_strided_4d *v,
// HEADER-NEXT: const attn_strided_3d *g,
// HEADER-NEXT: attn_strided_4d *result0,
// HEADER-NEXT: attn_strided_4d *result1,
// HEADER-NEXT: void *stream);
// RUN: %c_compiler -I %t.dir %S/Inputs/call-program.c %t.dir/program.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: short queries: 1
// CALL-NEXT: strided gates: -999
// CALL-NEXT: strided keys: 2
// CALL-NEXT: misaligned output: 5
// CALL-NEXT: misaligned selection: 6
// CALL-NEXT: valid, no driver: -999

func.func @nsa(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
               %v: tensor<1x2x128x64xbf16>, %g: tensor<1x2x128xf32>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>) {
  %kc = attn.compress mean %k stride 32
      : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  %o_sel = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>,
        tensor<1x2x4x2xi32> -> tensor<1x2x128x64xbf16>
  %vc = attn.compress mean %v stride 32
      : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>
  %o = attn.merge gated (%o_cmp, %g), (%o_sel, %g)
      : tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  return %o, %sel : tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>
}
