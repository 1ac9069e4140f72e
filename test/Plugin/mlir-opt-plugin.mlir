// Debian's stock mlir-opt reads attn IR and runs attn passes and the CPU
// pipeline once it has loaded libAttnPlugin.so. Plugin passes are named in
// --pass-pipeline (mlir-opt parses its pass flags before loading plugins).
// RUN: %sanitizer_env mlir-opt %s --load-dialect-plugin=%attn_plugin --load-pass-plugin=%attn_plugin --pass-pipeline="builtin.module(canonicalize, attn-plan-tiles{vector-bits=512 l1-bytes=49152 l2-bytes=2097152 cores=2})" | FileCheck %s
// RUN: %sanitizer_env mlir-opt %s --load-dialect-plugin=%attn_plugin --load-pass-plugin=%attn_plugin --pass-pipeline="builtin.module(func.func(attn-print-block-map{block-q=64 block-kv=64}))" 2>&1 >/dev/null | FileCheck %s --check-prefix=MAP
// RUN: %sanitizer_env mlir-opt %s --load-dialect-plugin=%attn_plugin --load-pass-plugin=%attn_plugin --pass-pipeline="builtin.module(attn-cpu-pipeline)" | FileCheck %s --check-prefix=LLVM
// Without the plugin, the dialect is unknown.
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// CHECK-LABEL: func.func @causal
// CHECK: attn.attention %{{.*}} mask [#attn.causal] {tiling = #attn.tiling<block_q = {{[0-9]+}}, block_kv = {{[0-9]+}}>}
// MAP: remark: block map: 4x4 tiles of 64x64, full 6, partial 4, empty 6, visited 10/16
// LLVM: llvm.func @causal
// LLVM-NOT: attn.
// UNKNOWN: error: Dialect `attn' not found
func.func @causal(%q: tensor<1x2x256x32xf32>, %k: tensor<1x2x256x32xf32>, %v: tensor<1x2x256x32xf32>) -> tensor<1x2x256x32xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x256x32xf32>, tensor<1x2x256x32xf32>, tensor<1x2x256x32xf32> -> tensor<1x2x256x32xf32>
  return %o : tensor<1x2x256x32xf32>
}
