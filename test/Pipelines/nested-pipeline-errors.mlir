// The pipelines are of module passes: nested on another op they are
// refused with an error (adding a module pass there was a fatal LLVM
// error that aborted attn-opt and the C API's attnRunPassPipeline).
// RUN: not attn-opt %s --pass-pipeline='builtin.module(func.func(attn-cpu-pipeline))' 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: attn-cpu-pipeline runs on a builtin.module, not nested on 'func.func'
// RUN: not attn-opt %s --pass-pipeline='builtin.module(func.func(attn-gpu-pipeline{chip=sm_90}))' 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: error: attn-gpu-pipeline runs on a builtin.module, not nested on 'func.func'
// RUN: attn-opt %s --pass-pipeline='builtin.module(attn-cpu-pipeline{flash=false})' | FileCheck %s --check-prefix=MODULE
// MODULE: llvm.func @a(

func.func @a(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %q, %q : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}
