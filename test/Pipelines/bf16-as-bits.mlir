// bf16 in the CPU pipeline's LLVM output: loads and stores of 16-bit
// integers and conversions in integer arithmetic, so that no bfloat value
// sits in a register. (On x86 without AVX-512 BF16, LLVM widens a bfloat
// register value to f32 and narrows it again by a call to __truncsfbf2,
// which the JIT cannot resolve.)
// RUN: attn-opt %s --attn-cpu-pipeline | FileCheck %s
// RUN: attn-opt %s --attn-cpu-pipeline="flash=false" | FileCheck %s

// CHECK-LABEL: llvm.func @mean
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i16
// CHECK: llvm.store %{{.*}}, %{{.*}} : i16, !llvm.ptr
// CHECK-NOT: -> bf16
// CHECK-NOT: to bf16
// CHECK-NOT: llvm.fptrunc
// CHECK-NOT: : bf16,
func.func @mean(%x: tensor<1x2x50x8xbf16>) -> tensor<1x2x7x8xbf16> {
  %c = attn.compress mean %x stride 8 : tensor<1x2x50x8xbf16> -> tensor<1x2x7x8xbf16>
  return %c : tensor<1x2x7x8xbf16>
}

// CHECK-LABEL: llvm.func @attention
// CHECK-NOT: -> bf16
// CHECK-NOT: to bf16
// CHECK-NOT: llvm.fptrunc {{.*}} to bf16
// CHECK-NOT: : bf16,
func.func @attention(%q: tensor<1x2x40x16xbf16>, %k: tensor<1x2x40x16xbf16>,
                     %v: tensor<1x2x40x16xbf16>) -> tensor<1x2x40x16xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x40x16xbf16>, tensor<1x2x40x16xbf16>, tensor<1x2x40x16xbf16> -> tensor<1x2x40x16xbf16>
  return %o : tensor<1x2x40x16xbf16>
}
