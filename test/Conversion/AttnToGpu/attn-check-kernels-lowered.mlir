// RUN: attn-opt %s --split-input-file --pass-pipeline='builtin.module(gpu.module(attn-check-kernels-lowered))' --verify-diagnostics | FileCheck %s

// A kernel module of LLVM and NVVM ops passes unchanged.
// CHECK-LABEL: gpu.module @attn_kernels
// CHECK: llvm.func @k(
// CHECK: nvvm.read.ptx.sreg.tid.x
module attributes {gpu.container_module} {
  gpu.module @attn_kernels {
    llvm.func @k(%x: i32) -> i32 {
      %t = nvvm.read.ptx.sreg.tid.x : i32
      %y = llvm.add %x, %t : i32
      llvm.return %y : i32
    }
  }
}

// -----

// An op that the conversion to NVVM left (upstream lowers no math.ipowi;
// the GPU pipeline expands it before) is named at its own location, before
// serialisation would fail without one.
module attributes {gpu.container_module} {
  gpu.module @attn_kernels {
    llvm.func @k(%x: i32) -> i32 {
      // expected-error @+1 {{GPU lowering: 'math.ipowi' in kernel module 'attn_kernels' has no lowering to NVVM (from a score_mod or mask_mod region, or a program's elementwise ops: write it with other ops)}}
      %y = math.ipowi %x, %x : i32
      llvm.return %y : i32
    }
  }
}
