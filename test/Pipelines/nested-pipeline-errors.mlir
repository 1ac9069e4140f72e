// The pipelines are of module passes: nested on another op they are
// refused with an error (adding a module pass there was a fatal LLVM
// error that aborted attn-opt and the C API's attnRunPassPipeline).
// RUN: not attn-opt %s --pass-pipeline='builtin.module(func.func(attn-cpu-pipeline))' 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: attn-cpu-pipeline runs on a builtin.module, not nested on 'func.func'
// RUN: not attn-opt %s --pass-pipeline='builtin.module(func.func(attn-gpu-pipeline{chip=sm_90}))' 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: error: attn-gpu-pipeline runs on a builtin.module, not nested on 'func.func'
// An option no pass of the pipeline would check (the vector width reaches
// the tiling passes only with the flash form) is refused by the pipeline.
// RUN: not attn-opt %s --attn-cpu-pipeline="vector-bits=-1" 2>&1 | FileCheck %s --check-prefix=BITS -DBITS=-1
// RUN: not attn-opt %s --attn-cpu-pipeline="flash=false vector-bits=7" 2>&1 | FileCheck %s --check-prefix=BITS -DBITS=7
// BITS: error: attn-cpu-pipeline: vector-bits must be 0 or a multiple of 32 from 32 to 2048, but is [[BITS]]
// RUN: attn-opt %s --pass-pipeline='builtin.module(attn-cpu-pipeline{flash=false})' | FileCheck %s --check-prefix=MODULE
// MODULE: llvm.func @a(

func.func @a(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %q, %q : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}
