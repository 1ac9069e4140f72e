// The reference lowering: structure of what each attn op becomes.
// RUN: attn-opt %s --convert-attn-to-linalg --split-input-file | FileCheck %s

// GQA splits the query heads as [B, Hkv, G, ...] and reads K and V through
// indexing maps (no copy of K or V); bf16 products accumulate in f32; the
// causal mask compares j with pos(i) = i + (Lkv - Lq) and gives -inf; the
// softmax is max, exp(s - shift), sum; the LSE is shift + log(sum).
// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d5)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d5)>
// CHECK-DAG: #[[VMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d5, d4)>
// CHECK-LABEL: func.func @gqa_causal
// CHECK-SAME: (%[[Q:.*]]: tensor<2x8x16x32xbf16>, %[[K:.*]]: tensor<2x2x24x32xbf16>, %[[V:.*]]: tensor<2x2x24x16xbf16>)
// CHECK-DAG: %[[OFFSET:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 0.176776692 : f32
// CHECK: %[[QG:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [2, 2, 4, 16, 32]
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[QG]], %[[K]] : {{.*}}) outs({{.*}} : tensor<2x2x4x16x24xf32>)
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2x2x4x16x24xf32>)
// CHECK: %[[I:.*]] = linalg.index 3
// CHECK: %[[J:.*]] = linalg.index 4
// CHECK: arith.mulf %{{.*}}, %[[SCALE]]
// CHECK: math.tanh
// CHECK: %[[POS:.*]] = arith.addi %[[I]], %[[OFFSET]]
// CHECK: %[[ALLOWED:.*]] = arith.cmpi sle, %[[J]], %[[POS]]
// CHECK: arith.select %[[ALLOWED]], %{{.*}}, %[[NEGINF]]
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[MASKED]]
// CHECK: arith.maximumf
// CHECK: %[[SHIFT:.*]] = linalg.generic {{.*}} ins(%[[MAX]]
// CHECK: arith.cmpf oeq
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[MASKED]], %[[SHIFT]]
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[P]]
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[QMAP]], #[[VMAP]], {{.*}}]{{.*}} ins(%[[P]], %[[V]]
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[SUM]], %[[SHIFT]]
// CHECK: arith.cmpf une
// CHECK: arith.truncf {{.*}} : f32 to bf16
// CHECK: %[[LSE:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[SHIFT]]
// CHECK: math.log
// CHECK-DAG: %[[OUTC:.*]] = tensor.collapse_shape %[[OUT]] {{\[}}[0], [1, 2], [3], [4]]
// CHECK-DAG: %[[LSEC:.*]] = tensor.collapse_shape %[[LSE]] {{\[}}[0], [1, 2], [3]]
// CHECK: return %[[OUTC]], %[[LSEC]]
func.func @gqa_causal(%q: tensor<2x8x16x32xbf16>, %k: tensor<2x2x24x32xbf16>, %v: tensor<2x2x24x16xbf16>) -> (tensor<2x8x16x16xbf16>, tensor<2x8x16xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] score [#attn.softcap<20.0>] : tensor<2x8x16x32xbf16>, tensor<2x2x24x32xbf16>, tensor<2x2x24x16xbf16> -> tensor<2x8x16x16xbf16>, tensor<2x8x16xf32>
  return %o, %l : tensor<2x8x16x16xbf16>, tensor<2x8x16xf32>
}

// -----

// Dynamic batch and lengths (the head counts must be static here:
// convert-attn-to-linalg-errors.mlir): the offset of pos(i) comes from the
// tensor sizes at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK: tensor.expand_shape {{.*}} output_shape [%{{.*}}, 2, 2, %{{.*}}, 64]
// CHECK: linalg.generic
// CHECK: arith.subi
// CHECK: arith.cmpi sle
func.func @dynamic(%q: tensor<?x4x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<?x4x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Operand predicates read their tensors inside the masking body; block
// indices scan the selected slots.
// CHECK-LABEL: func.func @operand_predicates
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<1x64xi32>
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<1x64xi32>
// CHECK: scf.for {{.*}} iter_args
// CHECK: tensor.extract %{{.*}} : tensor<1x2x4x3xi32>
// CHECK: arith.cmpi eq
func.func @operand_predicates(%q: tensor<1x4x64x16xf32>, %k: tensor<1x2x64x16xf32>, %s: tensor<1x64xi32>, %i: tensor<1x2x4x3xi32>) -> tensor<1x4x64x16xf32> {
  %o = attn.attention %q, %k, %k segments(%s, %s) indices(%i) mask [#attn.document, #attn.block_indices<block_q = 16, block_kv = 16>] : tensor<1x4x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x64xi32>, tensor<1x64xi32>, tensor<1x2x4x3xi32> -> tensor<1x4x64x16xf32>
  return %o : tensor<1x4x64x16xf32>
}

// -----

// Hook regions are inlined into the masking body.
// CHECK-LABEL: func.func @hooks
// CHECK: linalg.generic
// CHECK: %[[T:.*]] = tensor.extract %{{.*}} : tensor<4xf32>
// CHECK: arith.addf %{{.*}}, %[[T]]
// CHECK: arith.cmpi ne
// CHECK-NOT: attn.
func.func @hooks(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>, %table: tensor<4xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %k score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = tensor.extract %table[%h] : tensor<4xf32>
    %r = arith.addf %s, %t : f32
    attn.yield %r : f32
  } mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ne, %i, %j : index
    attn.yield %c : i1
  } : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32> -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// Sigmoid: no row max, no sum; 1 / (1 + exp(-(s + bias))).
// CHECK-LABEL: func.func @sigmoid
// CHECK-NOT: arith.maximumf
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
func.func @sigmoid(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>) -> tensor<1x1x8x16xf32> {
  %o = attn.attention %q, %k, %k normalizer(#attn.sigmoid<bias = -1.0>) : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}

// -----

// The sink joins the denominator: exp(sink - shift) is added to the sum.
// CHECK-LABEL: func.func @sink
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
func.func @sink(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %sink: tensor<4xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %k sink(%sink) : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<4xf32> -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @token_ops
// compress: one generic over the output, a loop over the window.
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.maximumf
// block_scores: the softmax of the attention lowering, then a mean over the
// block's rows and the group's heads; -inf where no row sees the key.
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// topk: a search per output slot.
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x1x2xi32>)
// CHECK: scf.for
// merge: max of the LSEs, weights exp(lse - max).
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log
// causal conv: taps that fall before the sequence start are skipped.
// CHECK: linalg.generic
// CHECK: scf.if
// CHECK-NOT: attn.
func.func @token_ops(%q: tensor<1x4x16x8xf32>, %k: tensor<1x2x16x8xf32>, %o1: tensor<1x4x16x8xf32>, %l1: tensor<1x4x16xf32>, %w: tensor<2x8x3xf32>) -> (tensor<1x2x1x2xi32>, tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x2x16x8xf32>) {
  %kc = attn.compress max %k stride 4 : tensor<1x2x16x8xf32> -> tensor<1x2x4x8xf32>
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 4>] : tensor<1x4x16x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x1x4xf32>
  %i = attn.topk %s k 2 : tensor<1x2x1x4xf32> -> tensor<1x2x1x2xi32>
  %m, %ml = attn.merge lse (%o1, %l1), (%q, %l1) : tensor<1x4x16x8xf32>, tensor<1x4x16xf32> -> tensor<1x4x16x8xf32>, tensor<1x4x16xf32>
  %c = attn.causal_conv %k, %w : tensor<1x2x16x8xf32>, tensor<2x8x3xf32> -> tensor<1x2x16x8xf32>
  return %i, %m, %ml, %c : tensor<1x2x1x2xi32>, tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x2x16x8xf32>
}

// -----

// f64 scores are compared as f64 (no rounding that could make them tie).
// CHECK-LABEL: func.func @topk_f64
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2xi32>)
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f64
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK: return
func.func @topk_f64(%s: tensor<3x10xf64>) -> tensor<3x2xi32> {
  %i = attn.topk %s k 2 : tensor<3x10xf64> -> tensor<3x2xi32>
  return %i : tensor<3x2xi32>
}

// -----

// Results whose types fix other sizes than the operands the lowering takes
// its sizes from: cast to the declared types.
// CHECK-LABEL: func.func @mixed_types
// CHECK: %[[M:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x?x4xf32>)
// CHECK: tensor.cast %[[M]] : tensor<1x2x?x4xf32> to tensor<1x2x8x4xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x8x4xf32>)
// CHECK: tensor.cast %[[C]] : tensor<1x2x8x4xf32> to tensor<1x2x?x4xf32>
func.func @mixed_types(%a: tensor<1x2x?x4xf32>, %b: tensor<1x2x8x4xf32>, %w: tensor<2x4x3xf32>) -> (tensor<1x2x8x4xf32>, tensor<1x2x?x4xf32>) {
  %m = attn.merge sum (%a), (%b) : (tensor<1x2x?x4xf32>), (tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  %c = attn.causal_conv %b, %w : tensor<1x2x8x4xf32>, tensor<2x4x3xf32> -> tensor<1x2x?x4xf32>
  return %m, %c : tensor<1x2x8x4xf32>, tensor<1x2x?x4xf32>
}

// -----

// Linear attention: phi on both sides, f64 prefix sums of the log-gates,
// gamma = exp(cum[pos(i)] - cum[j]), the causal select, the normaliser.
// CHECK-LABEL: func.func @linear
// CHECK: arith.cmpf ogt
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x2x8xf64>)
// CHECK: arith.extf {{.*}} : f32 to f64
// CHECK: arith.subf {{.*}} : f64
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: arith.cmpi sle
// CHECK: arith.divf
func.func @linear(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %a: tensor<1x4x8xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.linear_attention %q, %k, %k decay(%a) feature elu_plus_one causal normalize : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x4x8xf32> -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// Dynamic head counts: G = Hq / Hkv at run time, and the query heads (and
// a sink per head) grouped by K/V head through a gathered copy, head
// hk * G + g for (hk, g), not an expand_shape view (which upstream's
// expand-strided-metadata cannot lower for such a split).
// CHECK-LABEL: func.func @dynamic_heads
// CHECK-SAME: (%[[Q:.*]]: tensor<1x?x8x16xf32>, %[[K:.*]]: tensor<1x?x8x16xf32>, %[[SINK:.*]]: tensor<?xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK-DAG: %[[HKV:.*]] = tensor.dim %[[K]], %c1
// CHECK-DAG: %[[HQ:.*]] = tensor.dim %[[Q]], %c1
// CHECK: %[[G:.*]] = arith.divui %[[HQ]], %[[HKV]] : index
// CHECK: %[[QG:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x?x?x8x16xf32>)
// CHECK: %[[KH:.*]] = linalg.index 1
// CHECK: %[[BASE:.*]] = arith.muli %[[KH]], %[[G]]
// CHECK: %[[GH:.*]] = linalg.index 2
// CHECK: %[[H:.*]] = arith.addi %[[BASE]], %[[GH]]
// CHECK: tensor.extract %[[Q]][%c0, %[[H]], %{{.*}}, %{{.*}}] : tensor<1x?x8x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[QG]], %[[K]] :
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK: tensor.extract %[[SINK]]
// CHECK-NOT: tensor.expand_shape
// CHECK: tensor.collapse_shape
func.func @dynamic_heads(%q: tensor<1x?x8x16xf32>, %k: tensor<1x?x8x16xf32>, %sink: tensor<?xf32>) -> tensor<1x?x8x16xf32> {
  %o = attn.attention %q, %k, %k sink(%sink) : tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>, tensor<?xf32> -> tensor<1x?x8x16xf32>
  return %o : tensor<1x?x8x16xf32>
}

// -----

// Results computed from dynamic operand sizes are cast to the op's declared
// types where those are more static (an LSE of static heads, here).
// CHECK-LABEL: func.func @static_lse_of_dynamic_heads
// CHECK: %[[LSE:.*]] = tensor.collapse_shape %{{.*}} : tensor<1x?x?x8xf32> into tensor<1x?x8xf32>
// CHECK: %[[CAST:.*]] = tensor.cast %[[LSE]] : tensor<1x?x8xf32> to tensor<1x4x8xf32>
// CHECK: return %{{.*}}, %[[CAST]] : tensor<1x?x8x16xf32>, tensor<1x4x8xf32>
func.func @static_lse_of_dynamic_heads(%q: tensor<1x?x8x16xf32>, %k: tensor<1x?x8x16xf32>) -> (tensor<1x?x8x16xf32>, tensor<1x4x8xf32>) {
  %o, %l = attn.attention %q, %k, %k : tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32> -> tensor<1x?x8x16xf32>, tensor<1x4x8xf32>
  return %o, %l : tensor<1x?x8x16xf32>, tensor<1x4x8xf32>
}

// -----

// Sizes that a tensor.cast hid from the operands' types fold back to
// constants: the grouped view is built from the tensor cast to them, so
// that its sizes and its type agree (it did not verify).
// CHECK-LABEL: func.func @cast_sizes
// CHECK: %[[STATIC:.*]] = tensor.cast %{{.*}} : tensor<1x?x?x8xf32> to tensor<1x4x33x8xf32>
// CHECK: tensor.expand_shape %[[STATIC]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, %{{.*}}, 8] : tensor<1x4x33x8xf32> into tensor<1x2x2x33x8xf32>
func.func @cast_sizes(%q0: tensor<1x4x33x8xf32>, %k: tensor<1x2x?x8xf32>) -> tensor<1x?x?x8xf32> {
  %q = tensor.cast %q0 : tensor<1x4x33x8xf32> to tensor<1x?x?x8xf32>
  %o = attn.attention %q, %k, %k : tensor<1x?x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x?x?x8xf32>
  return %o : tensor<1x?x?x8xf32>
}
