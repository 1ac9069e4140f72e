// A program compiled once for any batch and length (its types leave them
// open), checked without a GPU: ptxas assembles its kernels for sm_80 and
// sm_90a, and the generated launcher refuses buffers whose sizes break the
// ops' rules before anything reaches the GPU, then (no driver here) fails
// at the first temporary for valid buffers of two different lengths.
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: %ptxas -arch=sm_80 %t.80.ptx -o %t.80.cubin
// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=PTX < %t.90a.ptx
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin
// The two compressions, the compressed branch, the gates plus a generated
// 0.5 sized by the keys (an elementwise chain over the open sizes), then
// the window branch with the gated merge in its epilogue, and the sum
// merge.
// PTX: .entry gated_kernel_0(
// PTX: .entry gated_kernel_1(
// PTX: .entry gated_kernel_2(
// PTX: .entry gated_kernel_3(
// PTX: .entry gated_kernel_4(
// PTX: .entry gated_kernel_5(
// PTX-NOT: .entry

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/program.so --target=sm_90a
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/program.h
// HEADER: int attn_gated(const attn_strided_4d *q,
// HEADER-NEXT: const attn_strided_4d *k,
// HEADER-NEXT: const attn_strided_4d *v,
// HEADER-NEXT: const attn_strided_1d *w,
// HEADER-NEXT: const attn_strided_3d *g,
// HEADER-NEXT: attn_strided_4d *result0,
// HEADER-NEXT: attn_strided_4d *result1,
// HEADER-NEXT: void *stream);
// RUN: %c_compiler -I %t.dir %S/Inputs/call-dynamic-program.c %t.dir/program.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: three heads: 1
// CALL-NEXT: negative length: 1
// CALL-NEXT: values shorter than keys: 3
// CALL-NEXT: gates of another length: 5
// CALL-NEXT: keys of another length than the queries: 2
// CALL-NEXT: a result of another batch: 6
// CALL-NEXT: valid, 300 tokens, no driver: -999
// CALL-NEXT: valid, 2 x 77 tokens, no driver: -999

func.func @gated(%q: tensor<?x2x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                 %v: tensor<?x2x?x64xbf16>, %w: tensor<32xf32>,
                 %g: tensor<?x2x?xf32>)
    -> (tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>) {
  %c0 = arith.constant 0 : index
  %kc = attn.compress max %k stride 16 window 32
      : tensor<?x2x?x64xbf16> -> tensor<?x2x?x64xbf16>
  %vc = attn.compress sum %v weights(%w) stride 16 window 32
      : tensor<?x2x?x64xbf16>, tensor<32xf32> -> tensor<?x2x?x64xbf16>
  %o_c = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 16>]
      : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
      -> tensor<?x2x?x64xbf16>
  %o_w = attn.attention %q, %k, %v mask [#attn.causal,
                                         #attn.window<left = 63, right = 0>]
      : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
      -> tensor<?x2x?x64xbf16>
  %c2 = arith.constant 2 : index
  %lk = tensor.dim %k, %c2 : tensor<?x2x?x64xbf16>
  %b0 = tensor.dim %k, %c0 : tensor<?x2x?x64xbf16>
  %half = tensor.generate %b0, %lk {
  ^bb0(%i: index, %h: index, %t: index):
    %c = arith.constant 0.5 : f32
    tensor.yield %c : f32
  } : tensor<?x2x?xf32>
  %g2 = arith.addf %g, %half : tensor<?x2x?xf32>
  %o_g = attn.merge gated (%o_c, %g2), (%o_w, %g)
      : tensor<?x2x?x64xbf16>, tensor<?x2x?xf32> -> tensor<?x2x?x64xbf16>
  %o = attn.merge sum (%o_g), (%o_w) : tensor<?x2x?x64xbf16> -> tensor<?x2x?x64xbf16>
  return %o, %o_g : tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
}
