// Types that leave sizes dynamic which the ops fix (attn-refine-shapes):
// results declared less static than the ops compute them, head dims that
// only another operand's type gives, and a selection program whose
// intermediates are declared dynamic. Each runs through both lowerings and
// is compared with the double-precision reference.
// PASS-NOT: FAIL
// PASS: check=PASS

// RUN: attn-run %s --function=dynamic_result --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=dynamic_result --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @dynamic_result(%q: tensor<1x2x17x16xf32>, %k: tensor<1x1x17x16xf32>, %v: tensor<1x1x17x8xf32>) -> (tensor<1x2x17x?xf32>, tensor<?x2x17xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x17x16xf32>, tensor<1x1x17x16xf32>, tensor<1x1x17x8xf32> -> tensor<1x2x17x?xf32>, tensor<?x2x17xf32>
  return %o, %l : tensor<1x2x17x?xf32>, tensor<?x2x17xf32>
}

// RUN: attn-run %s --function=head_dims_from_others --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=head_dims_from_others --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @head_dims_from_others(%q: tensor<1x2x33x16xf32>, %k: tensor<1x1x40x16xf32>, %v: tensor<1x1x40x24xf32>) -> tensor<1x2x33x24xf32> {
  %qd = tensor.cast %q : tensor<1x2x33x16xf32> to tensor<1x2x33x?xf32>
  %kd = tensor.cast %k : tensor<1x1x40x16xf32> to tensor<?x?x40x?xf32>
  %o = attn.attention %qd, %kd, %v mask [#attn.causal] : tensor<1x2x33x?xf32>, tensor<?x?x40x?xf32>, tensor<1x1x40x24xf32> -> tensor<1x2x33x24xf32>
  return %o : tensor<1x2x33x24xf32>
}

// RUN: attn-run %s --function=linear_head_dim --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=linear_head_dim --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @linear_head_dim(%q: tensor<1x2x70x16xf32>, %k: tensor<1x2x70x16xf32>, %v: tensor<1x2x70x16xf32>) -> tensor<1x2x70x?xf32> {
  %kd = tensor.cast %k : tensor<1x2x70x16xf32> to tensor<1x2x70x?xf32>
  %o = attn.linear_attention %q, %kd, %v feature elu_plus_one causal normalize : tensor<1x2x70x16xf32>, tensor<1x2x70x?xf32>, tensor<1x2x70x16xf32> -> tensor<1x2x70x?xf32>
  return %o : tensor<1x2x70x?xf32>
}

// RUN: attn-run %s --function=selection --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=selection --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @selection(%q: tensor<1x2x50x16xf32>, %k: tensor<1x1x50x16xf32>, %v: tensor<1x1x50x16xf32>) -> (tensor<1x2x50x16xf32>, tensor<1x1x?x?xi32>) {
  %kc = attn.compress mean %k stride 8 : tensor<1x1x50x16xf32> -> tensor<1x1x?x16xf32>
  %s = attn.block_scores %q, %kc block_q 8 mask [#attn.causal<stride = 8>] : tensor<1x2x50x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  %sel = attn.topk %s k 3 : tensor<1x1x?x?xf32> -> tensor<1x1x?x?xi32>
  %o = attn.attention %q, %k, %v indices(%sel) mask [#attn.causal, #attn.block_indices<block_q = 8, block_kv = 8>] : tensor<1x2x50x16xf32>, tensor<1x1x50x16xf32>, tensor<1x1x50x16xf32>, tensor<1x1x?x?xi32> -> tensor<1x2x50x16xf32>
  return %o, %sel : tensor<1x2x50x16xf32>, tensor<1x1x?x?xi32>
}
