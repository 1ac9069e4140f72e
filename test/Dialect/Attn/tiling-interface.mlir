// attn.attention's TilingInterface, driven by upstream's transform ops:
// tiles over batches and K/V heads (each with its group of query heads),
// fusion into a consumer's tiles, and the destinations of dynamic shapes.
// RUN: attn-opt %s --transform-interpreter --split-input-file | FileCheck %s

// Batches in pairs (the last pair partial), one K/V head (two query heads)
// at a time: Q, the sink and the batch-broadcast bias take query heads, K
// and V the K/V head. ALiBi needs the global head and Hq: it moves with the
// bias after it into the score_mod region, before the region's own body,
// which sees the global batch and head; softcap, before it, stays.
// CHECK-LABEL: func.func @gqa_alibi
// CHECK: scf.forall (%[[B:.*]], %[[KV:.*]]) in (2, 4)
// CHECK: %[[B0:.*]] = affine.apply #{{.*}}(%[[B]])
// CHECK: %[[BS:.*]] = affine.min
// CHECK: %[[H0:.*]] = arith.muli %[[KV]], %c2
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg0[%[[B0]], %[[H0]], 0, 0] [%[[BS]], 2, 64, 32]
// CHECK: %[[K:.*]] = tensor.extract_slice %arg1[%[[B0]], %[[KV]], 0, 0] [%[[BS]], 1, 64, 32]
// CHECK: %[[V:.*]] = tensor.extract_slice %arg2[%[[B0]], %[[KV]], 0, 0] [%[[BS]], 1, 64, 32]
// CHECK: %[[SINK:.*]] = tensor.extract_slice %arg4[%[[H0]]] [2] [1]
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] sink(%[[SINK]]) mask [#attn.causal] score [#attn.softcap<2.000000e+01>] score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %[[TB:.*]]: index, %[[TH:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT: %[[GB:.*]] = arith.addi %[[TB]], %[[B0]]
// CHECK-NEXT: %[[GH:.*]] = arith.addi %[[TH]], %[[H0]]
// CHECK: math.exp2
// CHECK: tensor.extract %arg3[%{{.*}}, %[[GH]], %[[I]], %[[J]]] : tensor<1x8x64x64xf32>
// CHECK: arith.index_cast %[[GB]]
// CHECK: arith.index_cast %[[GH]]
// CHECK: attn.yield
// CHECK-NEXT: } : tensor<?x2x64x32xf32>, tensor<?x1x64x32xf32>, tensor<?x1x64x32xf32>, tensor<2xf32> -> tensor<?x2x64x32xf32>, tensor<?x2x64xf32>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[B0]], %{{.*}}, 0, 0] [%[[BS]], 2, 64, 32]
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[B0]], %{{.*}}, 0] [%[[BS]], 2, 64]
!q = tensor<3x8x64x32xf32>
!kv = tensor<3x4x64x32xf32>
func.func @gqa_alibi(%q: !q, %k: !kv, %v: !kv, %bias: tensor<1x8x64x64xf32>,
                     %sink: tensor<8xf32>) -> (!q, tensor<3x8x64xf32>) {
  %o, %l = attn.attention %q, %k, %v bias(%bias) sink(%sink) mask [#attn.causal]
      score [#attn.softcap<20.0>, #attn.alibi, #attn.bias]
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %bi = arith.index_cast %b : index to i64
        %hi = arith.index_cast %h : index to i64
        %sum = arith.addi %bi, %hi : i64
        %f = arith.sitofp %sum : i64 to f32
        %r = arith.addf %s, %f : f32
        attn.yield %r : f32
      }
      : !q, !kv, !kv, tensor<1x8x64x64xf32>, tensor<8xf32> -> !q, tensor<3x8x64xf32>
  return %o, %l : !q, tensor<3x8x64xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attn.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %a tile_sizes [2, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Batches only (a head tile size of 0 leaves the heads whole): ALiBi stays
// an attribute, the mask_mod sees the global batch, and the operands that
// the predicates read are sliced by batch (segments), by batch and query
// head (layout) or by batch and K/V head (indices).
// CHECK-LABEL: func.func @batches_only
// CHECK: scf.forall (%[[B:.*]]) in (2)
// CHECK-DAG: %[[QS:.*]] = tensor.extract_slice %arg3[%[[B]], 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<1x64xi32>
// CHECK-DAG: %[[KS:.*]] = tensor.extract_slice %arg4[%[[B]], 0] [1, 64] [1, 1] : tensor<2x64xi32> to tensor<1x64xi32>
// CHECK-DAG: %[[LAYOUT:.*]] = tensor.extract_slice %arg5[%[[B]], 0, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : tensor<2x4x4x4xi1> to tensor<1x4x4x4xi1>
// CHECK-DAG: %[[IDX:.*]] = tensor.extract_slice %arg6[%[[B]], 0, 0, 0] [1, 2, 4, 2] [1, 1, 1, 1] : tensor<2x2x4x2xi32> to tensor<1x2x4x2xi32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} segments(%[[QS]], %[[KS]]) layout(%[[LAYOUT]]) indices(%[[IDX]])
// CHECK-SAME: score [#attn.alibi]
// CHECK-SAME: mask_mod {
// CHECK-NEXT: ^bb0(%[[TB:.*]]: index, %[[TH:.*]]: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT: %[[GB:.*]] = arith.addi %[[TB]], %[[B]]
// CHECK-NEXT: arith.cmpi ne, %[[GB]], %[[TH]]
!q = tensor<2x4x64x16xf32>
!kv = tensor<2x2x64x16xf32>
func.func @batches_only(%q: !q, %k: !kv, %v: !kv, %qs: tensor<2x64xi32>,
                        %ks: tensor<2x64xi32>, %layout: tensor<2x4x4x4xi1>,
                        %idx: tensor<2x2x4x2xi32>) -> !q {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) layout(%layout) indices(%idx)
      mask [#attn.document, #attn.or<[#attn.block_layout<block_q = 16, block_kv = 16>,
                                      #attn.block_indices<block_q = 16, block_kv = 16>]>]
      score [#attn.alibi]
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ne = arith.cmpi ne, %b, %h : index
        attn.yield %ne : i1
      }
      : !q, !kv, !kv, tensor<2x64xi32>, tensor<2x64xi32>, tensor<2x4x4x4xi1>, tensor<2x2x4x2xi32> -> !q
  return %o : !q
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attn.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %a tile_sizes [1, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Dynamic shapes: the destinations come from the operands' sizes
// (ReifyRankedShapedTypeOpInterface), the group size is divided at run
// time, and a bias whose head dim may broadcast is sliced at 0 where that
// dim is 1 at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK-DAG: %[[B:.*]] = tensor.dim %arg0, %c0
// CHECK-DAG: %[[HQ:.*]] = tensor.dim %arg0, %c1
// CHECK-DAG: %[[LQ:.*]] = tensor.dim %arg0, %c2
// CHECK: tensor.empty(%[[B]], %[[HQ]], %[[LQ]]) : tensor<?x?x?x16xf32>
// CHECK: scf.for %[[BI:[^ ]+]] =
// CHECK: scf.for %[[KV:[^ ]+]] =
// CHECK: %[[G:[^ ]+]] = arith.divui
// CHECK: %[[H0:.*]] = arith.muli %[[KV]], %[[G]]
// CHECK: %[[BH:.*]] = tensor.dim %arg3, %c1
// CHECK: %[[ONE:.*]] = arith.cmpi eq, %[[BH]], %c1
// CHECK: %[[OFF:.*]] = arith.select %[[ONE]], %c0{{.*}}, %[[H0]]
// CHECK: %[[SIZE:.*]] = arith.select %[[ONE]], %c1{{.*}}, %[[G]]
// CHECK: tensor.extract_slice %arg3[0, %[[OFF]], 0, 0] [1, %[[SIZE]], %{{.*}}, %{{.*}}]
// CHECK: attn.attention
// CHECK-SAME: -> tensor<1x?x?x16xf32>
!t = tensor<?x?x?x16xf32>
func.func @dynamic(%q: !t, %k: !t, %v: !t, %bias: tensor<1x?x?x?xf32>) -> !t {
  %o = attn.attention %q, %k, %v bias(%bias) mask [#attn.causal] score [#attn.bias]
      : !t, !t, !t, tensor<1x?x?x?xf32> -> !t
  return %o : !t
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["attn.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %a tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Fusion into a consumer's tiles: a tile of whole groups of query heads is a
// tile of the domain (the consumer's head offset, 4 x iv, is a multiple of
// the group of 2); a single query head is an attention of its own over its
// K/V head. A tile of rows is no attention tile: the producer is not tiled
// (upstream then computes it whole inside the loop).
// CHECK-LABEL: func.func @fuse_groups
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]]) in (2, 2)
// CHECK: %[[H0:.*]] = affine.apply #{{.*}}(%[[H]])
// CHECK: %[[KV0:.*]] = arith.divui %[[H0]], %c2
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg0[%[[B]], %{{.*}}, 0, 0] [1, 4, 64, 32]
// CHECK: %[[K:.*]] = tensor.extract_slice %arg1[%[[B]], %[[KV0]], 0, 0] [1, 2, 64, 32]
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %{{.*}} mask [#attn.causal] : tensor<1x4x64x32xf32>, tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32> -> tensor<1x4x64x32xf32>
// CHECK: linalg.generic {{.*}} ins(%[[O]] : tensor<1x4x64x32xf32>)
// CHECK-LABEL: func.func @fuse_heads
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]]) in (2, 8)
// CHECK: %[[KV:.*]] = arith.divui %[[H]], %c2
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg0[%[[B]], %[[H]], 0, 0] [1, 1, 64, 32]
// CHECK: %[[K:.*]] = tensor.extract_slice %arg1[%[[B]], %[[KV]], 0, 0] [1, 1, 64, 32]
// CHECK: attn.attention %[[Q]], %[[K]], %{{.*}} : tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32> -> tensor<1x1x64x32xf32>
// CHECK-LABEL: func.func @fuse_rows
// CHECK: scf.forall
// CHECK: attn.attention %arg0, %arg1, %arg2 mask [#attn.causal] : tensor<2x8x64x32xf32>, tensor<2x4x64x32xf32>, tensor<2x4x64x32xf32> -> tensor<2x8x64x32xf32>
!q = tensor<2x8x64x32xf32>
!kv = tensor<2x4x64x32xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @fuse_groups(%q: !q, %k: !kv, %v: !kv) -> !q {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : !q, !kv, !kv -> !q
  %e = tensor.empty() : !q
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%o : !q) outs(%e : !q) {
  ^bb0(%x: f32, %y: f32):
    %t = arith.mulf %x, %x : f32
    linalg.yield %t : f32
  } -> !q
  return %r : !q
}
func.func @fuse_heads(%q: !q, %k: !kv, %v: !kv) -> !q {
  %o = attn.attention %q, %k, %v : !q, !kv, !kv -> !q
  %e = tensor.empty() : !q
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%o : !q) outs(%e : !q) {
  ^bb0(%x: f32, %y: f32):
    %t = arith.mulf %x, %x : f32
    linalg.yield %t : f32
  } -> !q
  return %r : !q
}
func.func @fuse_rows(%q: !q, %k: !kv, %v: !kv) -> !q {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : !q, !kv, !kv -> !q
  %e = tensor.empty() : !q
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%o : !q) outs(%e : !q) {
  ^bb0(%x: f32, %y: f32):
    %t = arith.mulf %x, %x : f32
    linalg.yield %t : f32
  } -> !q
  return %r : !q
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @fuse(%f: !transform.any_op, %sizes: !transform.param<i64>) {
    transform.yield
  }
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %funcs = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    %f1, %f2, %f3 = transform.split_handle %funcs : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    %g1 = transform.structured.match ops{["linalg.generic"]} in %f1 : (!transform.any_op) -> !transform.any_op
    %a1 = transform.structured.match ops{["attn.attention"]} in %f1 : (!transform.any_op) -> !transform.any_op
    %t1, %l1 = transform.structured.tile_using_forall %g1 tile_sizes [1, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %x1, %y1 = transform.structured.fuse_into_containing_op %a1 into %l1 : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    %g2 = transform.structured.match ops{["linalg.generic"]} in %f2 : (!transform.any_op) -> !transform.any_op
    %a2 = transform.structured.match ops{["attn.attention"]} in %f2 : (!transform.any_op) -> !transform.any_op
    %t2, %l2 = transform.structured.tile_using_forall %g2 tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %x2, %y2 = transform.structured.fuse_into_containing_op %a2 into %l2 : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    %g3 = transform.structured.match ops{["linalg.generic"]} in %f3 : (!transform.any_op) -> !transform.any_op
    %a3 = transform.structured.match ops{["attn.attention"]} in %f3 : (!transform.any_op) -> !transform.any_op
    %t3, %l3 = transform.structured.tile_using_forall %g3 tile_sizes [1, 4, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %x3, %y3 = transform.structured.fuse_into_containing_op %a3 into %l3 : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// The ops around attention tile over the leading dims of their results:
// merge over (batch, head, row), compress over (batch, head) with per-head
// weights sliced by head, block_scores over (batch, K/V head) with the
// query's heads in whole groups, top-k over every dim but the last.
// CHECK-LABEL: func.func @token_ops
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]], %[[R:.*]]) in (2, 2, 4)
// CHECK-DAG: %[[H0:.*]] = affine.apply #{{.*}}(%[[H]])
// CHECK-DAG: %[[R0:.*]] = affine.apply #{{.*}}(%[[R]])
// CHECK: %[[O1:.*]] = tensor.extract_slice %arg0[%[[B]], %[[H0]], %[[R0]], 0] [1, 2, 16, 8]
// CHECK: %[[L1:.*]] = tensor.extract_slice %arg2[%[[B]], %[[H0]], %[[R0]]] [1, 2, 16]
// CHECK: attn.merge lse (%[[O1]], %[[L1]]), (%{{.*}}, %{{.*}}) : tensor<1x2x16x8xf32>, tensor<1x2x16xf32> -> tensor<1x2x16x8xf32>, tensor<1x2x16xf32>
// CHECK: scf.forall (%[[CB:.*]], %[[CH:.*]]) in (2, 4)
// CHECK-DAG: %[[X:.*]] = tensor.extract_slice %arg4[%[[CB]], %[[CH]], 0, 0] [1, 1, 64, 8]
// CHECK-DAG: %[[W:.*]] = tensor.extract_slice %arg5[%[[CH]], 0] [1, 16]
// CHECK: attn.compress sum %[[X]] weights(%[[W]]) stride 16 : tensor<1x1x64x8xf32>, tensor<1x16xf32> -> tensor<1x1x4x8xf32>
// CHECK: scf.forall (%[[SB:.*]], %[[SH:.*]]) in (2, 2)
// CHECK: %[[QH:.*]] = arith.muli %[[SH]], %c2
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg6[%[[SB]], %[[QH]], 0, 0] [1, 2, 64, 8]
// CHECK: %[[KC:.*]] = tensor.extract_slice %arg7[%[[SB]], %[[SH]], 0, 0] [1, 1, 4, 8]
// CHECK: attn.block_scores %[[Q]], %[[KC]] block_q 16 mask [#attn.causal<stride = 16>] : tensor<1x2x64x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x4xf32>
// CHECK: scf.forall (%[[TB:.*]], %[[TH:.*]], %[[TR:.*]]) in (2, 2, 4)
// CHECK: %[[S:.*]] = tensor.extract_slice %arg8[%[[TB]], %[[TH]], %[[TR]], 0] [1, 1, 1, 4]
// CHECK: attn.topk %[[S]] k 2 : tensor<1x1x1x4xf32> -> tensor<1x1x1x2xi32>
!o = tensor<2x4x64x8xf32>
!l = tensor<2x4x64xf32>
func.func @token_ops(%o1: !o, %o2: !o, %l1: !l, %l2: !l, %x: tensor<2x4x64x8xf32>,
                     %w: tensor<4x16xf32>, %q: tensor<2x4x64x8xf32>,
                     %kc: tensor<2x2x4x8xf32>, %s: tensor<2x2x4x4xf32>)
    -> (!o, !l, tensor<2x4x4x8xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x2xi32>) {
  %m, %ml = attn.merge lse (%o1, %l1), (%o2, %l2) : !o, !l -> !o, !l
  %c = attn.compress sum %x weights(%w) stride 16
      : tensor<2x4x64x8xf32>, tensor<4x16xf32> -> tensor<2x4x4x8xf32>
  %b = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 16>]
      : tensor<2x4x64x8xf32>, tensor<2x2x4x8xf32> -> tensor<2x2x4x4xf32>
  %t = attn.topk %s k 2 : tensor<2x2x4x4xf32> -> tensor<2x2x4x2xi32>
  return %m, %ml, %c, %b, %t
      : !o, !l, tensor<2x4x4x8xf32>, tensor<2x2x4x4xf32>, tensor<2x2x4x2xi32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %m = transform.structured.match ops{["attn.merge"]} in %root : (!transform.any_op) -> !transform.any_op
    %t1, %l1 = transform.structured.tile_using_forall %m tile_sizes [1, 2, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %c = transform.structured.match ops{["attn.compress"]} in %root : (!transform.any_op) -> !transform.any_op
    %t2, %l2 = transform.structured.tile_using_forall %c tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %b = transform.structured.match ops{["attn.block_scores"]} in %root : (!transform.any_op) -> !transform.any_op
    %t3, %l3 = transform.structured.tile_using_forall %b tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %k = transform.structured.match ops{["attn.topk"]} in %root : (!transform.any_op) -> !transform.any_op
    %t4, %l4 = transform.structured.tile_using_forall %k tile_sizes [1, 1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// A program fused head group by head group: the merge tiled by 2 query
// heads (one K/V head's group), and every producer fused into its loop,
// compress, block scores and top-k included. Upstream's fusion tiles a
// producer for its first reader in the loop: the block scores read their
// slice of the compressed keys from the whole compress outside it.
// CHECK-LABEL: func.func @nsa_style
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]]) in (1, 2)
// CHECK-DAG: attn.compress mean %{{.*}} stride 16 : tensor<1x1x64x8xf32> -> tensor<1x1x4x8xf32>
// CHECK-DAG: attn.block_scores %{{.*}}, %{{.*}} block_q 16 {{.*}} : tensor<1x2x64x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x4xf32>
// CHECK-DAG: attn.topk %{{.*}} k 2 : tensor<1x1x4x4xf32> -> tensor<1x1x4x2xi32>
// CHECK-DAG: attn.attention {{.*}} indices(%{{.*}}) {{.*}} : tensor<1x2x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x4x2xi32> -> tensor<1x2x64x8xf32>
// CHECK-DAG: attn.attention {{.*}} mask [#attn.causal<stride = 16>] : tensor<1x2x64x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x2x64x8xf32>
// CHECK: attn.merge gated {{.*}} -> tensor<1x2x64x8xf32>
!q = tensor<1x4x64x8xf32>
!kv = tensor<1x2x64x8xf32>
!c = tensor<1x2x4x8xf32>
!g = tensor<1x4x64xf32>
func.func @nsa_style(%q: !q, %k: !kv, %v: !kv, %g1: !g, %g2: !g) -> !q {
  %kc = attn.compress mean %k stride 16 : !kv -> !c
  %vc = attn.compress mean %v stride 16 : !kv -> !c
  %o1 = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 16>] : !q, !c, !c -> !q
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 16>]
      : !q, !c -> tensor<1x2x4x4xf32>
  %i = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  %o2 = attn.attention %q, %k, %v indices(%i)
      mask [#attn.causal, #attn.block_indices<block_q = 16, block_kv = 16>]
      : !q, !kv, !kv, tensor<1x2x4x2xi32> -> !q
  %o = attn.merge gated (%o1, %g1), (%o2, %g2) : !q, !g -> !q
  return %o : !q
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %m = transform.structured.match ops{["attn.merge"]} in %root : (!transform.any_op) -> !transform.any_op
    %p = transform.structured.match ops{["attn.attention", "attn.compress", "attn.block_scores", "attn.topk"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %m tile_sizes [1, 2, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %f, %l2 = transform.structured.fuse_into_containing_op %p into %l : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Linear attention tiles like attention, by batch and K/V head with each
// K/V head's group of query heads (query, decay and result); the causal
// conv by batch and head, its weights by head.
// CHECK-LABEL: func.func @linear_and_conv
// CHECK: scf.forall (%[[B:.*]], %[[KV:.*]]) in (2, 2)
// CHECK: %[[H0:.*]] = arith.muli %[[KV]], %c4
// CHECK: %[[Q:.*]] = tensor.extract_slice %arg0[%[[B]], %[[H0]], 0, 0] [1, 4, 32, 16]
// CHECK: %[[K:.*]] = tensor.extract_slice %arg1[%[[B]], %[[KV]], 0, 0] [1, 1, 32, 16]
// CHECK: %[[V:.*]] = tensor.extract_slice %arg2[%[[B]], %[[KV]], 0, 0] [1, 1, 32, 8]
// CHECK: %[[D:.*]] = tensor.extract_slice %arg3[%[[B]], %{{.*}}, 0] [1, 4, 32]
// CHECK: attn.linear_attention %[[Q]], %[[K]], %[[V]] decay(%[[D]]) feature identity causal : tensor<1x4x32x16xf32>, tensor<1x1x32x16xf32>, tensor<1x1x32x8xf32>, tensor<1x4x32xf32> -> tensor<1x4x32x8xf32>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[B]], %{{.*}}, 0, 0] [1, 4, 32, 8]
// CHECK: scf.forall (%[[CB:.*]], %[[CH:.*]]) in (2, 4)
// CHECK: %[[CH0:.*]] = affine.apply #{{.*}}(%[[CH]])
// CHECK: %[[X:.*]] = tensor.extract_slice %arg4[%[[CB]], %[[CH0]], 0, 0] [1, 2, 32, 16]
// CHECK: %[[W:.*]] = tensor.extract_slice %arg5[%[[CH0]], 0, 0] [2, 16, 4]
// CHECK: attn.causal_conv %[[X]], %[[W]] : tensor<1x2x32x16xf32>, tensor<2x16x4xf32> -> tensor<1x2x32x16xf32>
func.func @linear_and_conv(%q: tensor<2x8x32x16xf32>, %k: tensor<2x2x32x16xf32>,
                           %v: tensor<2x2x32x8xf32>, %a: tensor<2x8x32xf32>,
                           %x: tensor<2x8x32x16xf32>, %w: tensor<8x16x4xf32>)
    -> (tensor<2x8x32x8xf32>, tensor<2x8x32x16xf32>) {
  %o = attn.linear_attention %q, %k, %v decay(%a) feature identity causal
      : tensor<2x8x32x16xf32>, tensor<2x2x32x16xf32>, tensor<2x2x32x8xf32>, tensor<2x8x32xf32>
      -> tensor<2x8x32x8xf32>
  %c = attn.causal_conv %x, %w : tensor<2x8x32x16xf32>, tensor<8x16x4xf32> -> tensor<2x8x32x16xf32>
  return %o, %c : tensor<2x8x32x8xf32>, tensor<2x8x32x16xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %l = transform.structured.match ops{["attn.linear_attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t1, %l1 = transform.structured.tile_using_forall %l tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %c = transform.structured.match ops{["attn.causal_conv"]} in %root : (!transform.any_op) -> !transform.any_op
    %t2, %l2 = transform.structured.tile_using_forall %c tile_sizes [1, 2] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// A result type may leave sizes open that the operands fix: the tiles and
// the loop's destination then leave them open too.
// CHECK-LABEL: func.func @open_result_sizes
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<2x8x?x?xf32>
// CHECK: attn.causal_conv %{{.*}}, %{{.*}} : tensor<1x1x32x16xf32>, tensor<1x16x4xf32> -> tensor<1x1x?x?xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<2x4x16x?xf32>
// CHECK: attn.attention {{.*}} -> tensor<1x2x16x?xf32>
func.func @open_result_sizes(%x: tensor<2x8x32x16xf32>, %w: tensor<8x16x4xf32>,
                             %q: tensor<2x4x16x8xf32>, %k: tensor<2x2x16x8xf32>)
    -> (tensor<2x8x?x?xf32>, tensor<2x4x16x?xf32>) {
  %c = attn.causal_conv %x, %w : tensor<2x8x32x16xf32>, tensor<8x16x4xf32> -> tensor<2x8x?x?xf32>
  %o = attn.attention %q, %k, %k : tensor<2x4x16x8xf32>, tensor<2x2x16x8xf32>, tensor<2x2x16x8xf32> -> tensor<2x4x16x?xf32>
  return %c, %o : tensor<2x8x?x?xf32>, tensor<2x4x16x?xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %ops = transform.structured.match ops{["attn.causal_conv", "attn.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %ops tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
