// arith.remf in a score_mod through the GPU pipeline (the kernels'
// conversion refused the llvm.frem that arith-to-LLVM made: NVPTX has no
// frem). attn-expand-math calls libdevice's fmod instead, which is linked
// and inlined: no call or extern stays, and the sm_90a kernel keeps its
// wgmma pipeline.
// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_90a format=isa" | FileCheck %s
// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_90a format=isa" --mlir-print-ir-after=attn-expand-math 2>&1 >/dev/null | FileCheck %s --check-prefix=CALLS
// CHECK: gpu.binary
// CHECK-NOT: __nv_
// CHECK-NOT: prototype_
// CHECK: wgmma.mma_async
// CALLS-DAG: func.func private @__nv_fmodf(f32, f32) -> f32
// CALLS-DAG: func.func private @__nv_fmod(f64, f64) -> f64
// CALLS-DAG: %{{.*}} = arith.extf %{{.*}} : bf16 to f32
func.func @remainders(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %period = arith.constant 7.5 : f32
    %r = arith.remf %s, %period : f32
    %sb = arith.truncf %s : f32 to bf16
    %three = arith.constant 3.0 : bf16
    %rb = arith.remf %sb, %three : bf16
    %rbf = arith.extf %rb : bf16 to f32
    %sd = arith.extf %s : f32 to f64
    %two = arith.constant 2.0 : f64
    %rd = arith.remf %sd, %two : f64
    %rdf = arith.truncf %rd : f64 to f32
    %t = arith.addf %r, %rbf : f32
    %u = arith.addf %t, %rdf : f32
    attn.yield %u : f32
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
