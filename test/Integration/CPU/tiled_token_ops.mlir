// The other attn ops tiled by upstream's transform ops through their
// TilingInterface (1 batch x 1 head each), then run on the flash path,
// against the untiled function's double-precision reference on the same
// fresh random inputs: a causal conv with per-head weights feeding a
// decayed linear attention over grouped heads, a weighted compress with
// per-head weights, block scores over grouped heads and their top-k, and
// an LSE merge.
// RUN: rm -rf %t && mkdir -p %t
// RUN: attn-opt %s --transform-preload-library=transform-library-paths=%S/Inputs/tile_token_ops.mlir --transform-interpreter -o %t/tiled.mlir
// RUN: grep -c "scf.forall (" %t/tiled.mlir | FileCheck %s --check-prefix=LOOPS
// RUN: attn-run %t/tiled.mlir --seed=%seed --output %t/results >/dev/null
// RUN: attn-run %s --seed=%seed --check --results %t/results | FileCheck %s

// LOOPS: 6
// CHECK-COUNT-6: PASS
// CHECK: summary: {{.*}} check=PASS

!x = tensor<2x6x40x16xf32>
!kv = tensor<2x3x40x16xf32>
func.func @token_ops(%x: !x, %w: tensor<6x16x4xf32>, %k: !kv, %v: !kv,
                     %a: tensor<2x6x40xf32>, %cw: tensor<3x8xf32>,
                     %o2: !x, %l1: tensor<2x6x40xf32>, %l2: tensor<2x6x40xf32>)
    -> (!x, tensor<2x3x5x16xf32>, tensor<2x3x3x5xf32>, tensor<2x3x3x2xi32>,
        !x, tensor<2x6x40xf32>) {
  %c = attn.causal_conv %x, %w : !x, tensor<6x16x4xf32> -> !x
  // Log-gates are at most 0.
  %abs = math.absf %a : tensor<2x6x40xf32>
  %gates = arith.negf %abs : tensor<2x6x40xf32>
  %o = attn.linear_attention %c, %k, %v decay(%gates) feature identity causal
      : !x, !kv, !kv, tensor<2x6x40xf32> -> !x
  %kc = attn.compress sum %k weights(%cw) stride 8
      : !kv, tensor<3x8xf32> -> tensor<2x3x5x16xf32>
  %s = attn.block_scores %c, %kc block_q 16 mask [#attn.causal<stride = 8>]
      : !x, tensor<2x3x5x16xf32> -> tensor<2x3x3x5xf32>
  %i = attn.topk %s k 2 : tensor<2x3x3x5xf32> -> tensor<2x3x3x2xi32>
  %m, %ml = attn.merge lse (%o, %l1), (%o2, %l2)
      : !x, tensor<2x6x40xf32> -> !x, tensor<2x6x40xf32>
  return %o, %kc, %s, %i, %m, %ml
      : !x, tensor<2x3x5x16xf32>, tensor<2x3x3x5xf32>, tensor<2x3x3x2xi32>,
        !x, tensor<2x6x40xf32>
}
