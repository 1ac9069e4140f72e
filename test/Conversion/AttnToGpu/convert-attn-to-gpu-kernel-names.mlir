// Kernel names come from their functions' names, which MLIR allows to hold
// any character, but PTX identifiers only letters, digits, '_' and '$' (not
// starting with a digit): others become '_', a leading digit gets a '_'
// before it, and a name another function's kernels already took gets a
// suffix. LLVM's PTX printer stopped the process on "a-b" before.
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_80" | FileCheck %s
// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefix=PTX

// CHECK-LABEL: func.func @"a-b"(
// CHECK: gpu.launch_func @attn_kernels::@a_b_kernel
// CHECK-LABEL: func.func @a_b(
// CHECK: gpu.launch_func @attn_kernels::@a_b_1_kernel
// CHECK-LABEL: func.func @"1st head"(
// CHECK: gpu.launch_func @attn_kernels::@_1st_head_kernel
// CHECK-LABEL: func.func @"r\C3\A9sum\C3\A9$"(
// CHECK: gpu.launch_func @attn_kernels::@r__sum__$_kernel
// CHECK: gpu.module @attn_kernels
// CHECK-DAG: gpu.func @a_b_kernel(
// CHECK-DAG: gpu.func @a_b_1_kernel(
// CHECK-DAG: gpu.func @_1st_head_kernel(
// CHECK-DAG: gpu.func @r__sum__$_kernel(

// PTX-DAG: .entry a_b_kernel(
// PTX-DAG: .entry a_b_1_kernel(
// PTX-DAG: .entry _1st_head_kernel(
// PTX-DAG: .entry r__sum__$_kernel(

!t = tensor<1x1x64x64xbf16>
func.func @"a-b"(%x: !t) -> !t {
  %o = attn.attention %x, %x, %x : !t, !t, !t -> !t
  return %o : !t
}
func.func @a_b(%x: !t) -> !t {
  %o = attn.attention %x, %x, %x mask [#attn.causal] : !t, !t, !t -> !t
  return %o : !t
}
func.func @"1st head"(%x: !t) -> !t {
  %o = attn.attention %x, %x, %x : !t, !t, !t -> !t
  return %o : !t
}
func.func @"résumé$"(%x: !t) -> !t {
  %o = attn.attention %x, %x, %x : !t, !t, !t -> !t
  return %o : !t
}
