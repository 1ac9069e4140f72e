// Block scores as a forall over (batch, kv head, query block) whose task
// holds one [rows, Lc] tile per query head of the group: no [Lq, Lc] or
// [B, Hkv, G, Lq, Lc] tensor. A topk that is the scores' only reader is
// fused into the same task; otherwise a forall over rows, each selected
// in one pass that keeps the k best entries so far.
// RUN: attn-opt %s --attn-tile-selection --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile-selection="vector-bits=0" --split-input-file | FileCheck %s --check-prefix=NOBLOCK

// CHECK-LABEL: func.func @fused
// CHECK-NOT: attn.
// CHECK-NOT: tensor<1x2x4x70x9xf32>
// The compressed keys, transposed once for all tasks: [B, Hkv, D, Lc].
// CHECK: %[[KT:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<1x2x9x16xf32>) outs(%{{.*}} : tensor<1x2x16x9xf32>)
// CHECK: scf.forall (%[[B:.*]], %[[G:.*]], %[[R:.*]]) in (1, 2, %c5) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<1x2x?x3xi32>)
// CHECK: tensor.extract_slice %[[KT]][%[[B]], %[[G]], 0, %{{.*}}] [1, 1, 16, %{{.*}}]
// CHECK: scf.for %[[HG:.*]] = %c0 to %c4 step %c1 iter_args
// CHECK: %[[HEAD0:.*]] = arith.muli %[[G]], %c4
// CHECK: %[[HEAD:.*]] = arith.addi %[[HEAD0]], %[[HG]]
// CHECK: tensor.extract_slice %arg0[%[[B]], %[[HEAD]], %{{.*}}, 0] [1, 1, %{{.*}}, 16]
// CHECK: iterator_types = ["parallel", "reduction", "parallel"]
// The causal<stride = 8> mask per element, -inf elsewhere.
// CHECK: arith.cmpi sle
// CHECK: arith.select %{{.*}}, %{{.*}}, %cst
// CHECK: math.exp
// Column sums of the normalised probabilities, the key index innermost.
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: arith.divf
// Top 3: one pass over the row; an entry strictly above the worst kept
// one replaces it, and the slots are scanned for the new worst. Then the
// kept indices in increasing order.
// CHECK: %[[PASS:.*]]:4 = scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args({{.*}}) -> (tensor<3xf32>, tensor<3xindex>, f32, index)
// CHECK: %[[BETTER:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : f32
// CHECK: scf.if %[[BETTER]]
// CHECK: tensor.insert
// CHECK: tensor.insert
// CHECK: scf.for %{{.*}} = %c1 to %c3 step %c1
// CHECK: arith.cmpf olt
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (tensor<3xi32>, index)
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %c-1) -> (index)
// CHECK: tensor.extract %[[PASS]]#1
// CHECK: arith.cmpi uge
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[OUT]][%[[B]], %[[G]], %[[R]], 0] [1, 1, 1, 3]
func.func @fused(%q: tensor<1x8x70x16xf32>, %kc: tensor<1x2x9x16xf32>) -> tensor<1x2x5x3xi32> {
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 8>]
      : tensor<1x8x70x16xf32>, tensor<1x2x9x16xf32> -> tensor<1x2x5x9xf32>
  %i = attn.topk %s k 3 : tensor<1x2x5x9xf32> -> tensor<1x2x5x3xi32>
  return %i : tensor<1x2x5x3xi32>
}

// -----

// A static mask bounds each query block's keys (in runs of 16): causal
// <stride = 4> lets query block r (rows 64r .. 64r + 63) see keys up to
// 16r + 15, so block r scores keys [0, 16 (r + 1)) and the rest are -inf.
// CHECK-LABEL: func.func @causal_range
// CHECK: %[[TABLE:.*]] = arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 2, 0, 1], [0, 3, 0, 2], [0, 4, 0, 3]]> : tensor<4x4xi64>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %[[R:.*]]) in (1, 2, %c4)
// CHECK: tensor.extract %[[TABLE]][%[[R]], %c0]
// CHECK: tensor.extract %[[TABLE]][%[[R]], %c1]
// Chunks of 64 keys of a full 64-row block: the register-blocked product.
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c64
// CHECK: scf.if
// CHECK: vector.fma
// CHECK: } else {
// CHECK: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: tensor.insert_slice
// CHECK: %[[NINF:.*]] = linalg.fill ins(%cst{{.*}} : f32) outs(%{{.*}} : tensor<64xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[NINF]]
// NOBLOCK-LABEL: func.func @causal_range
// NOBLOCK-NOT: vector.fma
// NOBLOCK: scf.forall.in_parallel
func.func @causal_range(%q: tensor<1x2x256x16xf32>, %kc: tensor<1x2x64x16xf32>)
    -> tensor<1x2x4x64xf32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 4>]
      : tensor<1x2x256x16xf32>, tensor<1x2x64x16xf32> -> tensor<1x2x4x64xf32>
  return %s : tensor<1x2x4x64xf32>
}

// -----

// Scores read twice: one forall writes the [B, Hkv, blocks, Lc] scores, and
// each topk is a forall over its rows.
// CHECK-LABEL: func.func @shared_scores
// CHECK: %[[S:.*]] = scf.forall {{.*}} in (1, 4, %c2) {{.*}} -> (tensor<1x4x?x5xf32>)
// CHECK: tensor.parallel_insert_slice %{{.*}} [1, 1, 1, 5]
// CHECK: %[[SC:.*]] = tensor.cast %[[S]] : tensor<1x4x?x5xf32> to tensor<1x4x2x5xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 2)
// CHECK: tensor.extract_slice %[[SC]]{{.*}} [1, 1, 1, 5] [1, 1, 1, 1] : tensor<1x4x2x5xf32> to tensor<5xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 2)
// CHECK-NOT: attn.
func.func @shared_scores(%q: tensor<1x4x20x16xbf16>, %kc: tensor<1x4x5x16xbf16>)
    -> (tensor<1x4x2x2xi32>, tensor<1x4x2x3xi32>) {
  %s = attn.block_scores %q, %kc block_q 16
      : tensor<1x4x20x16xbf16>, tensor<1x4x5x16xbf16> -> tensor<1x4x2x5xf32>
  %a = attn.topk %s k 2 : tensor<1x4x2x5xf32> -> tensor<1x4x2x2xi32>
  %b = attn.topk %s k 3 : tensor<1x4x2x5xf32> -> tensor<1x4x2x3xi32>
  return %a, %b : tensor<1x4x2x2xi32>, tensor<1x4x2x3xi32>
}

// -----

// A topk of any rank: a forall over every dimension but the last.
// CHECK-LABEL: func.func @rank2
// CHECK: scf.forall (%{{.*}}) in (3)
// CHECK: scf.for %{{.*}} = %c0 to %c10 step %c1
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpf ogt
// CHECK-NOT: attn.topk
func.func @rank2(%s: tensor<3x10xf16>) -> tensor<3x2xi32> {
  %i = attn.topk %s k 2 : tensor<3x10xf16> -> tensor<3x2xi32>
  return %i : tensor<3x2xi32>
}

// -----

// Dynamic lengths: each query block's keys come from the mask's run-time
// key interval (causal<stride = 4>: below floor((pos(last row) + 1) / 4));
// the scores of that slice are computed and the rest of the row is -inf.
// CHECK-LABEL: func.func @dynamic_keys
// CHECK: scf.forall
// CHECK: %[[END:.*]] = arith.divsi %{{.*}}, %c4
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}, 0, %{{.*}}] [1, 1, 16, %{{.*}}]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}] [%{{.*}}] [1] : tensor<?xf32> into tensor<?xf32>
func.func @dynamic_keys(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>) -> tensor<1x1x?x?xf32> {
  %s = attn.block_scores %q, %k block_q 16 mask [#attn.causal<stride = 4>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  return %s : tensor<1x1x?x?xf32>
}

// -----

// f64 scores are compared in f64 (rounding them to f32 could make distinct
// scores tie); narrower ones are extended to f32.
// CHECK-LABEL: func.func @wide_scores
// CHECK: scf.for %{{.*}} = %c0 to %c10 step %c1 iter_args({{.*}}) -> (tensor<2xf64>, tensor<2xindex>, f64, index)
// CHECK-NOT: arith.extf
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f64
// CHECK-NOT: attn.topk
func.func @wide_scores(%s: tensor<3x10xf64>) -> tensor<3x2xi32> {
  %i = attn.topk %s k 2 : tensor<3x10xf64> -> tensor<3x2xi32>
  return %i : tensor<3x2xi32>
}

// -----

// An attention over the block scores' own probabilities (the same query,
// keys, mask and scale) is computed by the same tasks: the forall also
// writes its output and LSE, from the task's probabilities times the
// values over the row sums. It was after the selection, its values
// compressed after it: both move before the scores.
// CHECK-LABEL: func.func @twin
// CHECK: %[[VC:.*]] = attn.compress mean %arg2
// CHECK: linalg.generic {{.*}} ins(%[[VC]] : tensor<1x2x5x16xbf16>) outs(%{{.*}} : tensor<1x2x5x16xf32>)
// CHECK: %[[ALL:.*]]:3 = scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 2, %c2) shared_outs({{.*}}) -> (tensor<1x2x?x2xi32>, tensor<1x4x20x16xbf16>, tensor<1x4x20xf32>)
// CHECK: math.exp
// The values' product by chunks of keys, scaled by each row's 1 / sum.
// CHECK: scf.for
// CHECK: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.mulf
// CHECK: math.log
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, 0] [1, 2, %{{.*}}, 16] [1, 1, 1, 1] : tensor<2x?x16xbf16> into tensor<1x4x20x16xbf16>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] [1, 2, %{{.*}}] [1, 1, 1] : tensor<2x?xf32> into tensor<1x4x20xf32>
// CHECK: %[[SEL:.*]] = tensor.cast %[[ALL]]#0
// CHECK: attn.attention %arg0, %arg1, %arg2 indices(%[[SEL]])
// CHECK-NOT: attn.attention
// CHECK: return %[[ALL]]#1, %[[ALL]]#2
func.func @twin(%q: tensor<1x4x20x16xbf16>, %kc: tensor<1x2x5x16xbf16>,
                %v: tensor<1x2x5x16xbf16>)
    -> (tensor<1x4x20x16xbf16>, tensor<1x4x20xf32>, tensor<1x4x20x16xbf16>) {
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 4>]
      : tensor<1x4x20x16xbf16>, tensor<1x2x5x16xbf16> -> tensor<1x2x2x5xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x2x5xf32> -> tensor<1x2x2x2xi32>
  %o_sel = attn.attention %q, %kc, %v indices(%sel)
      mask [#attn.block_indices<block_q = 16, block_kv = 1>]
      : tensor<1x4x20x16xbf16>, tensor<1x2x5x16xbf16>, tensor<1x2x5x16xbf16>, tensor<1x2x2x2xi32>
      -> tensor<1x4x20x16xbf16>
  %vc = attn.compress mean %v stride 1 : tensor<1x2x5x16xbf16> -> tensor<1x2x5x16xbf16>
  %o, %l = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 4>]
      : tensor<1x4x20x16xbf16>, tensor<1x2x5x16xbf16>, tensor<1x2x5x16xbf16>
      -> tensor<1x4x20x16xbf16>, tensor<1x4x20xf32>
  return %o, %l, %o_sel : tensor<1x4x20x16xbf16>, tensor<1x4x20xf32>, tensor<1x4x20x16xbf16>
}

// -----

// Not twins: another mask, another scale, a score modifier. Each attention
// stays for attn-tile-attention.
// CHECK-LABEL: func.func @not_twins
// CHECK: scf.forall {{.*}} -> (tensor<1x2x?x5xf32>)
// CHECK-COUNT-3: attn.attention
func.func @not_twins(%q: tensor<1x2x20x16xf32>, %kc: tensor<1x2x5x16xf32>)
    -> (tensor<1x2x2x5xf32>, tensor<1x2x20x16xf32>, tensor<1x2x20x16xf32>, tensor<1x2x20x16xf32>) {
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 4>]
      : tensor<1x2x20x16xf32>, tensor<1x2x5x16xf32> -> tensor<1x2x2x5xf32>
  %a = attn.attention %q, %kc, %kc mask [#attn.causal<stride = 2>]
      : tensor<1x2x20x16xf32>, tensor<1x2x5x16xf32>, tensor<1x2x5x16xf32> -> tensor<1x2x20x16xf32>
  %b = attn.attention %q, %kc, %kc mask [#attn.causal<stride = 4>] {scale = 0.5 : f32}
      : tensor<1x2x20x16xf32>, tensor<1x2x5x16xf32>, tensor<1x2x5x16xf32> -> tensor<1x2x20x16xf32>
  %c = attn.attention %q, %kc, %kc mask [#attn.causal<stride = 4>] score [#attn.softcap<30.0>]
      : tensor<1x2x20x16xf32>, tensor<1x2x5x16xf32>, tensor<1x2x5x16xf32> -> tensor<1x2x20x16xf32>
  return %s, %a, %b, %c : tensor<1x2x2x5xf32>, tensor<1x2x20x16xf32>, tensor<1x2x20x16xf32>, tensor<1x2x20x16xf32>
}
