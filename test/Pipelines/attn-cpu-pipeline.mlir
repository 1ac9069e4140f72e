// --attn-cpu-pipeline: attn on tensors to the LLVM dialect. Inputs are
// strided descriptors (any strides), results become caller-provided output
// descriptors, and the function returns nothing.
// RUN: attn-opt %s --attn-cpu-pipeline | FileCheck %s --check-prefixes=CHECK,FLASH
// RUN: attn-opt %s --attn-cpu-pipeline="flash=false" | FileCheck %s --check-prefixes=CHECK,REF
// RUN: attn-opt %s --attn-cpu-pipeline="threads=false" | FileCheck %s --check-prefixes=CHECK,REF
// The kernels write the caller's output buffer: no allocation of the
// whole result and no copy of it into the output at the end.
// RUN: attn-opt %s --attn-cpu-pipeline --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=OUTPARAM
// OUTPARAM-LABEL: IR Dump After BufferResultsToOutParamsPass
// OUTPARAM: func.func @decode({{.*}}, %[[OUT:.*]]: memref<2x8x1x64xf16>) {
// OUTPARAM-NOT: memref.alloc() {{.*}} : memref<2x8x1x64xf16>
// OUTPARAM: memref.subview %[[OUT]]
// OUTPARAM-NOT: memref.copy {{.*}} to memref<2x8x1x64xf16>
// OUTPARAM: return
// The vector width that the options give is the one the tiles are planned
// for and the lowerings take (else each reads the host's).
// RUN: attn-opt %s --attn-cpu-pipeline="vector-bits=256" --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=WIDTH
// WIDTH: attn-plan-tiles{{{.*}}vector-bits=256}
// WIDTH: attn-tile-selection{vector-bits=256}
// WIDTH: attn-tile-attention{bf16-dot=false vector-bits=256}

// Three rank-4 inputs and one rank-4 output: 4 x (2 pointers, offset,
// 4 sizes, 4 strides) arguments.
// CHECK-LABEL: llvm.func @decode(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64,
// CHECK-SAME: %[[OUT_ALLOC:[^:]*]]: !llvm.ptr, %[[OUT:[^:]*]]: !llvm.ptr, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64) {
// The flash path runs its (batch, head, query tile) loop on OpenMP threads.
// FLASH: omp.parallel
// FLASH: omp.wsloop
// REF-NOT: omp.
// exp is a vectorisable polynomial, not a call into libm.
// CHECK-NOT: llvm.intr.exp
// CHECK-NOT: @expf
// CHECK: llvm.return
// CHECK-NOT: attn.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-NOT: memref.
func.func @decode(%q: tensor<2x8x1x64xf16>, %k: tensor<2x2x100x64xf16>, %v: tensor<2x2x100x64xf16>) -> tensor<2x8x1x64xf16> {
  %o = attn.attention %q, %k, %v mask [#attn.window<left = 10, right = 0>] score [#attn.softcap<30.0>] : tensor<2x8x1x64xf16>, tensor<2x2x100x64xf16>, tensor<2x2x100x64xf16> -> tensor<2x8x1x64xf16>
  return %o : tensor<2x8x1x64xf16>
}
