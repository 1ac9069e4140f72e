// attn-compile's GPU targets report bad requests in one line, exit non-zero
// and leave no output behind.
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: not attn-compile %S/Inputs/gpu_no_attention.mlir -o %t/none.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: attn-compile: error: function 'identity' has nothing to compile for the GPU: no attn op, and its results are not all splats of its ops (what canonicalisation leaves of attn ops whose masks never hold, which kernels write)
// RUN: not attn-compile %s -o %t/missing-dir/k.ptx --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXDIR
// PTXDIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}k.ptx'
// RUN: not attn-compile %s -o %t/missing-dir/k.cubin --target=sm_90 2>&1 | FileCheck %s --check-prefix=CUBINDIR
// CUBINDIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}k.cubin'
// Integers past 64 bits are refused before NVPTX aborts on them, by
// attn-compile and by the pipeline.
// Arithmetic on a float type that kernels do not compute on (an f8 in a
// score_mod) is named where it is, before the conversion to NVVM.
// RUN: not attn-compile %S/Inputs/gpu_f8_score_mod.mlir -o %t/f8.ptx --target=sm_90 2>&1 | FileCheck %s --check-prefix=F8
// F8: gpu_f8_score_mod.mlir:5:14: error: 'arith.truncf' op computes on 'f8E4M3FN': GPU kernels compute on f16, bf16, f32 and f64 only
// F8-NEXT: attn-compile: error: lowering the kernels to PTX failed
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/f8.ptx
// RUN: not attn-compile %S/Inputs/gpu_wide_integer.mlir -o %t/wide.so --target=sm_90a 2>&1 | FileCheck %s --check-prefix=WIDE
// RUN: not attn-opt %S/Inputs/gpu_wide_integer.mlir --attn-gpu-pipeline=chip=sm_90a 2>&1 | FileCheck %s --check-prefix=WIDE
// WIDE: 'arith.fptosi' op computes on 'i128': this target takes integers of at most 64 bits
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/wide.so %t/wide.h
// An empty ATTN_PTXAS names no ptxas.
// RUN: env ATTN_PTXAS= not attn-compile %s -o %t/noptxas.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXAS
// PTXAS: attn-compile: error: no ptxas: set ATTN_PTXAS or put the CUDA toolkit's bin directory on PATH
// RUN: env PATH=/nonexistent ATTN_PTXAS=%ptxas not %attn_obj_root/bin/attn-compile %s -o %t/nocc.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=CC
// CC: attn-compile: error: no C compiler (clang-22, clang, cc or gcc) on PATH
// A ptxas that fails, and one that "succeeds" without writing the cubin;
// a scratch directory that cannot be made. None leaves an output behind.
// RUN: env ATTN_PTXAS=/bin/false not attn-compile %s -o %t/falseptxas.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXASFAIL
// PTXASFAIL: attn-compile: error: /bin/false failed (exit 1)
// RUN: env ATTN_PTXAS=/bin/true not attn-compile %s -o %t/trueptxas.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=NOCUBIN
// NOCUBIN: attn-compile: error: cannot read '{{.*}}kernels.cubin'
// RUN: env TMPDIR=%t/no-such-dir not attn-compile %s -o %t/notmp.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=SCRATCH
// SCRATCH: attn-compile: error: cannot create a scratch directory: No such file or directory
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/falseptxas.so %t/falseptxas.h %t/trueptxas.so %t/trueptxas.h %t/notmp.so %t/notmp.h
// A function that another calls stays for the lowering to name.
// RUN: not attn-compile %S/Inputs/gpu_called_function.mlir -o %t/called.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=CALLED
// CALLED: error: GPU lowering: function 'layer' is called from the module; its attn ops compile to an entry point of its own, which other functions cannot call
// Functions nobody exports are dropped however they call each other.
// RUN: attn-compile %S/Inputs/gpu_unexported_chain.mlir --function f -o %t/chain.ptx --target=sm_90
// A chip newer than PTX 8.0 knows is refused before LLVM sees it.
// RUN: not attn-compile %s -o %t/new.so --target=sm_100a 2>&1 | FileCheck %s --check-prefix=NEWCHIP
// NEWCHIP: error: 'attn.attention' op GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_100a'
// A program of several attn ops gets the message once, at its first op.
// RUN: not attn-compile %attn_src_root/examples/nsa.mlir -o %t/nsa.so --target=sm_75 2>&1 | FileCheck %s --check-prefix=ONCE --implicit-check-not="chip must be"
// ONCE: nsa.mlir:12:9: error: 'attn.compress' op GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_75'
// ONCE: attn-compile: error: the GPU lowering failed
// The GPU launchers' names: c_names.mlir's arguments compile there too.
// RUN: attn-compile %S/Inputs/c_names.mlir -o %t/names.so --target=sm_90
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/nsa.so %t/called.so %t/new.so %t/none.so %t/missing-dir %t/noptxas.so %t/noptxas.h %t/nocc.so %t/nocc.h

func.func @gpu(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}
