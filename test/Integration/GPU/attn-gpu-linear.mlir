// Linear attention through attn-compile's GPU targets, checked without a
// GPU: the PTX holds the chunked kernel's instructions, ptxas assembles it
// for sm_80 and sm_90a, and the library's checks refuse bad buffers (the
// gates' shape and rows among them) before any launch.
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: FileCheck %s --check-prefix=PTX < %t.80.ptx
// PTX: .entry mamba_kernel(
// PTX: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// PTX: cp.async.ca.shared.global [{{.*}}], [{{.*}}], 4, {{.*}};
// PTX: shfl.sync.up.b32
// PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// Four heads of one batch: segments, a states kernel before the outputs'.
// PTX: .entry elu_kernel_states(
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX: st.global.b32
// PTX: .entry elu_kernel(
// PTX: ld.global.b32
// PTX: ex2.approx.ftz.f32
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin
// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/linear.so --target=sm_90 2>&1 | FileCheck %s --allow-empty --check-prefix=QUIET
// QUIET-NOT: ptxas
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/linear.h
// HEADER: int attn_mamba(const attn_strided_4d *q,
// HEADER-NEXT: const attn_strided_4d *k,
// HEADER-NEXT: const attn_strided_4d *v,
// HEADER-NEXT: const attn_strided_3d *a,
// HEADER-NEXT: attn_strided_4d *result0,
// HEADER-NEXT: void *stream);
// RUN: %c_compiler -I %t.dir %S/Inputs/call-linear.c %t.dir/linear.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: short gates: 4
// CALL-NEXT: gates of other heads: 4
// CALL-NEXT: strided gates: 4
// CALL-NEXT: misaligned gates: 4
// CALL-NEXT: misaligned keys: 2
// CALL-NEXT: wrong output: 5
// CALL-NEXT: valid: {{-999|0|-[0-9]+}}
// (The segmented entry point allocates its workspace first: without a
// driver that is what fails.)
// CALL-NEXT: elu, valid: {{-999|0|-[0-9]+}}

// Mamba-2-style: identity features, log-gates, no normaliser; dynamic
// lengths and batch, grouped heads.
func.func @mamba(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                 %v: tensor<?x2x?x64xbf16>, %a: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xbf16> {
  %o = attn.linear_attention %q, %k, %v decay(%a) feature identity causal
      : tensor<?x4x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>,
        tensor<?x4x?xf32> -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// elu + 1 with the normaliser, f16; four heads over 1000 tokens: eight
// segments of one 128-token chunk.
func.func @elu(%q: tensor<1x4x1000x64xf16>, %k: tensor<1x4x1000x64xf16>,
               %v: tensor<1x4x1000x64xf16>) -> tensor<1x4x1000x64xf16> {
  %o = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize
      : tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>, tensor<1x4x1000x64xf16>
      -> tensor<1x4x1000x64xf16>
  return %o : tensor<1x4x1000x64xf16>
}
