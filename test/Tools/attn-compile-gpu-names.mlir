// The GPU launchers' kernel descriptors are numbered per entry point, so no
// two functions' names make the same C symbol: a program @p's step 0 and a
// function @p_0, a segmented linear attention @x's states kernel and a
// function @x_states, a function @kernel_y and @y's kernel (each pair was
// a redefinition in the generated C, and the host compiler failed).
// RUN: rm -rf %t && mkdir -p %t
// RUN: attn-compile %s -o %t/names.so --target=sm_80
// RUN: nm -D --defined-only %t/names.so | FileCheck %s
// RUN: attn-compile %s -o %t/names90a.so --target=sm_90a
// RUN: nm -D --defined-only %t/names90a.so | FileCheck %s
// CHECK-DAG: T attn_kernel_y
// CHECK-DAG: T attn_p
// CHECK-DAG: T attn_p_0
// CHECK-DAG: T attn_x
// CHECK-DAG: T attn_x_states
// CHECK-DAG: T attn_y

func.func @p(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  %o2 = attn.attention %o, %k, %v : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o2 : tensor<1x2x128x64xbf16>
}

func.func @p_0(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @x(%q: tensor<1x4x4096x64xbf16>, %k: tensor<1x4x4096x64xbf16>, %v: tensor<1x4x4096x64xbf16>) -> tensor<1x4x4096x64xbf16> {
  %o = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize : tensor<1x4x4096x64xbf16>, tensor<1x4x4096x64xbf16>, tensor<1x4x4096x64xbf16> -> tensor<1x4x4096x64xbf16>
  return %o : tensor<1x4x4096x64xbf16>
}

func.func @x_states(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @kernel_y(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @y(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
