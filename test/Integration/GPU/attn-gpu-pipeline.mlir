// The GPU pipeline and attn-compile's GPU targets, checked without a GPU:
// the PTX holds the tensor-core, ldmatrix and cp.async instructions, ptxas
// assembles it for sm_80 and sm_90, and the host library's checks refuse
// bad buffers before any launch.
// REQUIRES: ptxas

// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefix=PIPE
// A format the pipeline does not know fails its parse (non-zero, no output).
// RUN: rm -f %t.bad.mlir
// RUN: not attn-opt %s --attn-gpu-pipeline="chip=sm_80 format=bogus" -o %t.bad.mlir 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not ls %t.bad.mlir
// FORMAT: for the --format option: Cannot find option named 'bogus'!
// PIPE: llvm.func @gqa
// PIPE: gpu.launch_func @attn_kernels::@gqa_kernel
// PIPE: gpu.binary @attn_kernels
// PIPE-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// format=bin: gpu-module-to-binary runs ptxas (found on PATH) and embeds
// the cubin (an ELF image).
// RUN: env PATH=%ptxas_dir:$PATH attn-opt %s --attn-gpu-pipeline="chip=sm_90 format=bin" | FileCheck %s --check-prefix=BIN
// BIN: gpu.binary @attn_kernels {{.*}}chip = "sm_90"{{.*}}"\7FELF

// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: FileCheck %s --check-prefix=PTX < %t.80.ptx
// PTX: .target sm_80
// The dynamic shared memory is CUDA's `extern __shared__` array
// (attn-extern-dynamic-shared), so ptxas sees no one-byte variable that
// every tile access would overrun.
// PTX: .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// PTX: .entry gqa_kernel(
// PTX: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// PTX: cp.async.commit_group;
// PTX: cp.async.wait_group 2;
// PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX: ex2.approx.ftz.f32
// PTX: shfl.sync.bfly.b32
// PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// RUN: %ptxas -arch=sm_80 -v %t.80.ptx -o %t.80.cubin 2>&1 | FileCheck %s --check-prefix=SMEM --implicit-check-not="out of bound"
// RUN: attn-compile %s -o %t.90.ptx --target=sm_90
// RUN: %ptxas -arch=sm_90 -v %t.90.ptx -o %t.90.cubin 2>&1 | FileCheck %s --check-prefix=SMEM --implicit-check-not="out of bound"
// SMEM: Compiling entry function 'gqa_kernel'
// SMEM: Used {{[0-9]+}} registers
// RUN: attn-compile %s -o %t.cubin --target=sm_90

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/gqa.so --target=sm_90
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/gqa.h
// HEADER: int attn_gqa(const attn_strided_4d *q,
// HEADER-NEXT: const attn_strided_4d *k,
// HEADER-NEXT: const attn_strided_4d *v,
// HEADER-NEXT: attn_strided_4d *result0,
// HEADER-NEXT: void *stream);
// HEADER: int attn_swapped(const attn_strided_4d *v,
// RUN: %c_compiler -I %t.dir %S/Inputs/call-library.c %t.dir/gqa.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: wrong size: 2
// CALL-NEXT: strided rows: 3
// CALL-NEXT: misaligned: 1
// CALL-NEXT: strided output: 4
// CALL-NEXT: misaligned output: 4
// CALL-NEXT: output head stride: 4
// CALL-NEXT: valid: {{-999|0|-[0-9]+}}
// Arguments in another order than the op's operands: the checks and the
// kernel's parameters follow the op (the query is the third buffer here).
// CALL-NEXT: swapped, misaligned query: 3
// CALL-NEXT: swapped, valid: {{-999|0|-[0-9]+}}
// Dynamic sizes must agree: V shorter than K, an output of the wrong length.
// CALL-NEXT: dynamic, short value: 3
// CALL-NEXT: dynamic, wrong output: 4
// CALL-NEXT: dynamic, valid: {{-999|0|-[0-9]+}}
// CALL-NEXT: dynamic, empty: 0

// Bad targets and outputs get one-line errors and write nothing.
// RUN: not attn-compile %s -o %t.bad.so --target=gfx90a 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: attn-compile: error: target 'gfx90a' is not supported: use 'cpu' or an NVIDIA chip (sm_80, sm_90, ...)
// RUN: not attn-compile %s -o %t.bad.a --target=sm_90 2>&1 | FileCheck %s --check-prefix=EXT
// EXT: attn-compile: error: output '{{.*}}.bad.a' must end in .so, .o, .ptx or .cubin for a GPU target
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t.bad.so %t.bad.a
// RUN: env ATTN_PTXAS=/nonexistent/ptxas not attn-compile %s -o %t.noptxas.so --target=sm_90 2>&1 | FileCheck %s --check-prefix=PTXAS
// PTXAS: attn-compile: error: /nonexistent/ptxas failed
// RUN: not ls %t.noptxas.so

func.func @gqa(%q: tensor<1x4x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
               %v: tensor<1x2x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}

func.func @swapped(%v: tensor<1x2x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
                   %q: tensor<1x4x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}

func.func @dynamic(%q: tensor<?x?x?x64xbf16>, %k: tensor<?x?x?x64xbf16>,
                   %v: tensor<?x?x?x64xbf16>) -> tensor<?x?x?x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<?x?x?x64xbf16>, tensor<?x?x?x64xbf16>, tensor<?x?x?x64xbf16>
      -> tensor<?x?x?x64xbf16>
  return %o : tensor<?x?x?x64xbf16>
}
