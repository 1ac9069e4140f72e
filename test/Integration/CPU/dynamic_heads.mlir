// Head counts left dynamic, through both lowerings, against the
// double-precision reference on fresh random inputs: grouped attention with
// a sink per query head and its LSE, block scores over grouped heads, and
// linear attention with decay over them. The reference lowering groups
// the query heads by K/V head with a gathered copy where the counts are
// not constants (a view of them crashed upstream's expand-strided-metadata).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/q4.npy '<f4' 2x4x37x16 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k2.npy '<f4' 2x2x37x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v2.npy '<f4' 2x2x37x16 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/s4.npy '<f4' 4 --random=3%seed
// RUN: %python %S/../../Tools/make_npy.py %t/q3.npy '<f4' 1x3x20x16 --random=4%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k3.npy '<f4' 1x3x20x16 --random=5%seed
// RUN: %python %S/../../Tools/make_npy.py %t/s3.npy '<f4' 3 --random=6%seed
// RUN: %python %S/../../Tools/make_npy.py %t/kc.npy '<f4' 2x2x5x16 --random=7%seed
// RUN: %python %S/../../Tools/make_npy.py %t/g4.npy '<f4' 2x4x37 --random=8%seed
// RUN: attn-run %s --function=gqa --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input sink=%t/s4.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=gqa --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input sink=%t/s4.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=gqa --input q=%t/q3.npy --input k=%t/k3.npy --input v=%t/k3.npy --input sink=%t/s3.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=scores --input q=%t/q4.npy --input kc=%t/kc.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=scores --input q=%t/q4.npy --input kc=%t/kc.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=linear --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input g=%t/g4.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=linear --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input g=%t/g4.npy --check --path=flash | FileCheck %s
// Static head counts with a head size left dynamic on a sink or decay
// operand (the verifier lets `?` stand for the count): a cast, then the view.
// RUN: attn-run %s --function=sink_only --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input sink=%t/s4.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=decay_only --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --input g=%t/g4.npy --check --path=reference | FileCheck %s
// Dynamic head counts with an LSE result of static heads (found by
// bench/cpu/fuzz_dynamic.py): the reference's result is cast to that type.
// RUN: attn-run %s --function=static_lse --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=static_lse --input q=%t/q4.npy --input k=%t/k2.npy --input v=%t/v2.npy --check --path=flash | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: check=PASS

func.func @gqa(%q: tensor<?x?x?x16xf32>, %k: tensor<?x?x?x16xf32>, %v: tensor<?x?x?x16xf32>, %sink: tensor<?xf32>) -> (tensor<?x?x?x16xf32>, tensor<?x?x?xf32>) {
  %o, %l = attn.attention %q, %k, %v sink(%sink) mask [#attn.causal] : tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>, tensor<?xf32> -> tensor<?x?x?x16xf32>, tensor<?x?x?xf32>
  return %o, %l : tensor<?x?x?x16xf32>, tensor<?x?x?xf32>
}

func.func @scores(%q: tensor<2x?x37x16xf32>, %kc: tensor<2x?x5x16xf32>) -> tensor<2x?x3x5xf32> {
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 8>] : tensor<2x?x37x16xf32>, tensor<2x?x5x16xf32> -> tensor<2x?x3x5xf32>
  return %s : tensor<2x?x3x5xf32>
}

func.func @linear(%q: tensor<2x?x37x16xf32>, %k: tensor<2x?x37x16xf32>, %v: tensor<2x?x37x16xf32>, %g: tensor<2x?x37xf32>) -> tensor<2x?x37x16xf32> {
  %n = math.exp %g : tensor<2x?x37xf32>
  %a = arith.negf %n : tensor<2x?x37xf32>
  %o = attn.linear_attention %q, %k, %v decay(%a) feature elu_plus_one causal normalize : tensor<2x?x37x16xf32>, tensor<2x?x37x16xf32>, tensor<2x?x37x16xf32>, tensor<2x?x37xf32> -> tensor<2x?x37x16xf32>
  return %o : tensor<2x?x37x16xf32>
}

func.func @sink_only(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x37x16xf32>, %v: tensor<2x2x37x16xf32>, %sink: tensor<?xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v sink(%sink) mask [#attn.causal] : tensor<2x4x37x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x16xf32>, tensor<?xf32> -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

func.func @decay_only(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x37x16xf32>, %v: tensor<2x2x37x16xf32>, %g: tensor<2x?x37xf32>) -> tensor<2x4x37x16xf32> {
  %n = math.exp %g : tensor<2x?x37xf32>
  %a = arith.negf %n : tensor<2x?x37xf32>
  %o = attn.linear_attention %q, %k, %v decay(%a) feature relu causal normalize : tensor<2x4x37x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x16xf32>, tensor<2x?x37xf32> -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

func.func @static_lse(%q: tensor<2x?x37x16xf32>, %k: tensor<2x?x37x16xf32>, %v: tensor<2x?x37x16xf32>) -> (tensor<2x?x37x16xf32>, tensor<2x4x37xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.window<left = 5, right = 5>] : tensor<2x?x37x16xf32>, tensor<2x?x37x16xf32>, tensor<2x?x37x16xf32> -> tensor<2x?x37x16xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x?x37x16xf32>, tensor<2x4x37xf32>
}
