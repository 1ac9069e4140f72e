// A returned tensor.empty gets a buffer of its own. CSE makes it the init of
// the attention whose result is returned beside it, and bufferization writes
// that result into it in place; the two results then shared one buffer and
// buffer-results-to-out-params crashed.
// RUN: attn-opt %s --attn-cpu-pipeline --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s
// RUN: attn-opt %s --attn-cpu-pipeline --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=WRITE
// RUN: attn-opt %s --attn-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// Two output buffers, and nothing writes the empty one's (a dead cast of
// it is left for the canonicalizer).
// CHECK-LABEL: IR Dump After BufferResultsToOutParamsPass
// CHECK: func.func @attention_and_empty(%{{.*}}: memref<1x1x64x64xbf16, strided<[?, ?, ?, ?], offset: ?>>, %{{.*}}: memref<1x1x64x64xbf16>, %[[E:[^:]*]]: memref<1x1x64x64xbf16>) {
// CHECK-NOT: memref.subview %[[E]]{{[^0-9]}}
// CHECK-NOT: outs(%[[E]]{{[^0-9]}}
// CHECK-NOT: memref.copy {{.*}}, %[[E]]{{[^0-9]}}
// CHECK: return
// The attention writes the first.
// WRITE-LABEL: IR Dump After BufferResultsToOutParamsPass
// WRITE: func.func @attention_and_empty(%{{.*}}: memref<1x1x64x64xbf16, strided<[?, ?, ?, ?], offset: ?>>, %[[O:[^:]*]]: memref<1x1x64x64xbf16>, %{{.*}}: memref<1x1x64x64xbf16>) {
// WRITE: memref.subview %[[O]]
// WRITE: return
// LLVM: llvm.func @attention_and_empty(

func.func @attention_and_empty(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16> -> tensor<1x1x64x64xbf16>
  %e = tensor.empty() : tensor<1x1x64x64xbf16>
  return %o, %e : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
}
