// The pipelines lower the functions of the module they run on: a function
// in a nested module stayed on tensors while the pipeline succeeded. It is
// now an error naming it; run on the nested module itself, the pipeline
// lowers it.
// RUN: not attn-opt %s --attn-cpu-pipeline 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not attn-opt %s --attn-gpu-pipeline=chip=sm_90 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: function 'a' is in a nested module, which the pipeline would leave unlowered: run the pipeline on that module
// RUN: attn-opt %s --pass-pipeline='builtin.module(builtin.module(attn-cpu-pipeline))' | FileCheck %s --check-prefix=INNER
// INNER: module @inner
// INNER: llvm.func @a(

module {
  func.func @top(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
    return %q : tensor<1x1x4x8xf32>
  }
  module @inner {
    func.func @a(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
      %o = attn.attention %q, %q, %q : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
      return %o : tensor<1x1x4x8xf32>
    }
  }
}
