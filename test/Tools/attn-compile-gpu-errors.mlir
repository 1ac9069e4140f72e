// attn-compile's GPU targets report bad requests in one line, exit non-zero
// and leave no output behind.
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: not attn-compile %S/Inputs/gpu_no_attention.mlir -o %t/none.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: attn-compile: error: function 'identity' has no attn.attention or attn.linear_attention to compile for the GPU
// RUN: not attn-compile %s -o %t/missing-dir/k.ptx --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXDIR
// PTXDIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}k.ptx'
// RUN: not attn-compile %s -o %t/missing-dir/k.cubin --target=sm_90 2>&1 | FileCheck %s --check-prefix=CUBINDIR
// CUBINDIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}k.cubin'
// An empty ATTN_PTXAS names no ptxas.
// RUN: env ATTN_PTXAS= not attn-compile %s -o %t/noptxas.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXAS
// PTXAS: attn-compile: error: no ptxas: set ATTN_PTXAS or put the CUDA toolkit's bin directory on PATH
// RUN: env PATH=/nonexistent ATTN_PTXAS=%ptxas not %attn_obj_root/bin/attn-compile %s -o %t/nocc.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=CC
// CC: attn-compile: error: no C compiler (clang-22, clang, cc or gcc) on PATH
// RUN: not ls %t/none.so %t/missing-dir %t/noptxas.so %t/noptxas.h %t/nocc.so %t/nocc.h

func.func @gpu(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}
