// What canonicalisation leaves of a program whose attn ops' masks never
// hold: no attn op, only their results' splats (constants over static
// shapes, tensor.splats of the run-time sizes otherwise). Such a function
// is a program of the kernels that write its results, as those splats
// would be beside an attention. Functions without attn ops that are no
// such program (one returning its argument, one of other elementwise ops,
// one that another calls) are left alone.
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// With no attn op in the module, the first such function names a chip the
// kernels cannot be built for.
// RUN: not attn-opt %S/Inputs/folded_only.mlir --convert-attn-to-gpu="chip=sm_70" 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: folded_only.mlir:2:1: error: 'func.func' op GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_70'

// CHECK-LABEL: func.func @folded_static(
// CHECK-SAME: %{{[^:]*}}: memref<1x4x300x64xbf16, {{.*}}>, %[[OUT:[^:]*]]: memref<1x4x300x64xbf16, {{.*}}>, %[[LSE:[^:]*]]: memref<1x4x300xf32, {{.*}}>) attributes {attn.gpu_program}
// CHECK: %[[CAST:.*]] = memref.cast %[[OUT]]
// CHECK: gpu.launch_func @attn_kernels::@folded_static_kernel_0 blocks in (%c300, {{.*}} args(%[[CAST]] : memref<1x4x300x64xbf16, {{.*}}>)
// CHECK: gpu.launch_func @attn_kernels::@folded_static_kernel_1 blocks in (%c5, {{.*}} args(%[[LSE]] : memref<1x4x300xf32, {{.*}}>)
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @folded_static(%q: tensor<1x4x300x64xbf16>) -> (tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>) {
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4x300x64xbf16>
  %none = arith.constant dense<0xFF800000> : tensor<1x4x300xf32>
  return %zero, %none : tensor<1x4x300x64xbf16>, tensor<1x4x300xf32>
}

// Open sizes: each kernel's grid comes from its result's buffer (the C
// wrapper checks those sizes against the queries' and keys').
// CHECK-LABEL: func.func @folded_open(
// CHECK-SAME: %[[SCORES:[^:]*]]: memref<?x2x?x?xf32, {{.*}}>) attributes {attn.gpu_program}
// CHECK: gpu.launch_func @attn_kernels::@folded_open_kernel_0
// CHECK: %[[ROWS:.*]] = memref.dim %[[SCORES]], %{{.*}}2
// CHECK: gpu.launch_func @attn_kernels::@folded_open_kernel_1
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @folded_open(%q: tensor<?x4x?x64xbf16>, %kc: tensor<?x2x?x64xbf16>) -> (tensor<?x4x?xf32>, tensor<?x2x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %none = arith.constant 0xFF800000 : f32
  %b = tensor.dim %q, %c0 : tensor<?x4x?x64xbf16>
  %lq = tensor.dim %q, %c2 : tensor<?x4x?x64xbf16>
  %lc = tensor.dim %kc, %c2 : tensor<?x2x?x64xbf16>
  %blocks = arith.ceildivui %lq, %c64 : index
  %lse = tensor.splat %none[%b, %lq] : tensor<?x4x?xf32>
  %scores = tensor.splat %none[%b, %blocks, %lc] : tensor<?x2x?x?xf32>
  return %lse, %scores : tensor<?x4x?xf32>, tensor<?x2x?x?xf32>
}

// NSA's selection whose scores folded: the top-k reads a temporary of
// ceil(Lq / 64) rows of the compressed keys' length, which the host sizes
// from the queries' buffer and the compressed keys' temporary; the
// selected attention takes the picks as the top-k of block scores.
// CHECK-LABEL: func.func @folded_selection(
// CHECK-SAME: %[[Q:[^:]*]]: memref<1x4x?x64xbf16, {{.*}}>,
// CHECK: %[[KC:.*]] = gpu.alloc (%{{.*}}) : memref<1x2x?x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@folded_selection_kernel_0
// CHECK: %[[LQ:.*]] = memref.dim %[[Q]], %{{.*}}2
// CHECK: %[[LQ63:.*]] = arith.addi %[[LQ]], %[[C63:.*]] : index
// CHECK: %[[BLOCKS:.*]] = arith.divui %[[LQ63]], %[[C64:.*]] : index
// CHECK: %[[LC:.*]] = memref.dim %[[KC]], %{{.*}}2
// CHECK: %[[SPLAT:.*]] = gpu.alloc (%[[BLOCKS]], %[[LC]]) : memref<1x2x?x?xf32>
// CHECK: gpu.launch_func @attn_kernels::@folded_selection_kernel_1
// CHECK: gpu.launch_func @attn_kernels::@folded_selection_kernel_2
// CHECK: gpu.launch_func @attn_kernels::@folded_selection_kernel_3
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @folded_selection(%q: tensor<1x4x?x64xbf16>, %k: tensor<1x2x?x64xbf16>, %v: tensor<1x2x?x64xbf16>) -> tensor<1x4x?x64xbf16> {
  %none = arith.constant 0xFF800000 : f32
  %c64 = arith.constant 64 : index
  %c2 = arith.constant 2 : index
  %kc = attn.compress mean %k stride 16 : tensor<1x2x?x64xbf16> -> tensor<1x2x?x64xbf16>
  %lq = tensor.dim %q, %c2 : tensor<1x4x?x64xbf16>
  %lc = tensor.dim %kc, %c2 : tensor<1x2x?x64xbf16>
  %blocks = arith.ceildivui %lq, %c64 : index
  %scores = tensor.splat %none[%blocks, %lc] : tensor<1x2x?x?xf32>
  %picks = attn.topk %scores k 2 : tensor<1x2x?x?xf32> -> tensor<1x2x?x2xi32>
  %o = attn.attention %q, %k, %v indices(%picks) mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 16>] : tensor<1x4x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x2xi32> -> tensor<1x4x?x64xbf16>
  return %o : tensor<1x4x?x64xbf16>
}

// Canonicalisation and CSE merge equal folded results: each further return
// of one splat gets a copy, and each output a kernel.
// CHECK-LABEL: func.func @folded_twice(
// CHECK-SAME: %[[FIRST:[^:]*]]: memref<1x4x?xf32, {{.*}}>, %[[SECOND:[^:]*]]: memref<1x4x?xf32, {{.*}}>) attributes {attn.gpu_program}
// CHECK: gpu.launch_func @attn_kernels::@folded_twice_kernel_0 {{.*}} args(%[[FIRST]] :
// CHECK: gpu.launch_func @attn_kernels::@folded_twice_kernel_1 {{.*}} args(%[[SECOND]] :
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @folded_twice(%q: tensor<1x4x?x64xbf16>) -> (tensor<1x4x?xf32>, tensor<1x4x?xf32>) {
  %c2 = arith.constant 2 : index
  %none = arith.constant 0xFF800000 : f32
  %lq = tensor.dim %q, %c2 : tensor<1x4x?x64xbf16>
  %lse = tensor.splat %none[%lq] : tensor<1x4x?xf32>
  return %lse, %lse : tensor<1x4x?xf32>, tensor<1x4x?xf32>
}

// Only splats are what folded attn ops leave: a function of other
// elementwise ops without attn ops (a host helper) is left alone.
// CHECK-LABEL: func.func @elementwise_helper(
// CHECK-SAME: tensor<4xf32>
// CHECK-NEXT: arith.addf
func.func @elementwise_helper(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %s = arith.addf %a, %b : tensor<4xf32>
  return %s : tensor<4xf32>
}

// CHECK-LABEL: func.func @identity(
// CHECK-SAME: tensor<1x4x300x64xbf16>) -> tensor<1x4x300x64xbf16>
// CHECK-NEXT: return
func.func @identity(%q: tensor<1x4x300x64xbf16>) -> tensor<1x4x300x64xbf16> {
  return %q : tensor<1x4x300x64xbf16>
}

// CHECK-LABEL: func.func private @helper() -> tensor<4xf32>
// CHECK-LABEL: func.func @caller() -> tensor<4xf32>
// CHECK: call @helper()
func.func private @helper() -> tensor<4xf32> {
  %zero = arith.constant dense<0.0> : tensor<4xf32>
  return %zero : tensor<4xf32>
}

func.func @caller() -> tensor<4xf32> {
  %r = func.call @helper() : () -> tensor<4xf32>
  return %r : tensor<4xf32>
}
