// Mask predicates fold against the op's sequence lengths. attn-canonicalize
// applies the same patterns and folds as --canonicalize, to attn ops only.
// RUN: attn-opt %s --attn-canonicalize --split-input-file | FileCheck %s --check-prefixes=CHECK,ATTN
// RUN: attn-opt %s --canonicalize --split-input-file | FileCheck %s --check-prefixes=CHECK,ALL

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>
!lse = tensor<1x4x64xf32>

// A window wider than the sequence on both sides allows everything.
// CHECK-LABEL: func.func @wide_window
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x64x32xf32>
func.func @wide_window(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v mask [#attn.window<left = 63, right = 100>]
      : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// Unbounded on the left and ending at the query: causal.
// CHECK-LABEL: func.func @window_is_causal
// CHECK: mask [#attn.causal] :
func.func @window_is_causal(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v mask [#attn.window<left = 4096, right = 0>]
      : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// A window that fits is kept; causal bounds its right side.
// CHECK-LABEL: func.func @causal_window
// CHECK: mask [#attn.window<left = 8, right = 0>] :
func.func @causal_window(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 8, right = 8>] : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<8x32x1x128xf16>
!kv = tensor<8x8x4096x128xf16>

// One decode query at the end of the cache sees all of it.
// CHECK-LABEL: func.func @decode_causal
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<8x32x1x128xf16>
func.func @decode_causal(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v mask [#attn.causal] : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x?x32xf32>
!kv = tensor<1x2x?x32xf32>

// With dynamic lengths causal may hold or not: it stays. prefix<len = 0>
// holds for no key at any length: its attention is the empty-row result, a
// splat of the query's run-time length.
// CHECK-LABEL: func.func @dynamic_causal
// CHECK: %[[KEPT:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.causal] :
// CHECK: %[[EMPTY:.*]] = tensor.splat %{{.*}}[%{{.*}}] : tensor<1x4x?x32xf32>
// CHECK-NOT: attn.attention
// CHECK: return %[[KEPT]], %[[EMPTY]]
func.func @dynamic_causal(%q: !q, %k: !kv, %v: !kv) -> (!q, !q) {
  %0 = attn.attention %q, %k, %v mask [#attn.causal]
      : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v mask [#attn.causal, #attn.prefix<len = 0>]
      : !q, !kv, !kv -> !q
  return %0, %1 : !q, !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// CHECK-LABEL: func.func @double_negation
// CHECK: mask [#attn.prefix<len = 4>] :
func.func @double_negation(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v mask [#attn.not<#attn.not<#attn.prefix<len = 4>>>]
      : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// Disjunctions: a member that always holds makes the whole `or` true; members
// that never hold are dropped; nested `or`s flatten; one member is itself.
// CHECK-LABEL: func.func @disjunctions
// CHECK: %[[A:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.causal] :
// CHECK: %[[B:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.or<[#attn.causal, #attn.global<count = 2>, #attn.stripes<diagonals = [7]>]>] :
// CHECK: %[[C:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x64x32xf32>
func.func @disjunctions(%q: !q, %k: !kv, %v: !kv) -> (!q, !q, !q) {
  %0 = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.prefix<len = 0>, #attn.causal]>] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.causal, #attn.or<[#attn.global<count = 2>, #attn.stripes<diagonals = [7]>]>, #attn.global<count = 0>]>]
      : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.causal, #attn.prefix<len = 64>]>] : !q, !kv, !kv -> !q
  return %0, %1, %2 : !q, !q, !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// Conjunctions nested in the mask list flatten into it, and repeats go.
// CHECK-LABEL: func.func @conjunctions
// CHECK: mask [#attn.prefix<len = 8>, #attn.global<count = 1>] :
func.func @conjunctions(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v
      mask [#attn.and<[#attn.prefix<len = 8>, #attn.global<count = 1>]>, #attn.prefix<len = 8>]
      : !q, !kv, !kv -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// Atoms that cover the whole sequence: the four unmasked attentions are
// then one.
// CHECK-LABEL: func.func @trivial_atoms
// CHECK: %[[ALL:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x64x32xf32>
// CHECK-NOT: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor
// CHECK: %[[W:.*]] = attn.attention {{.*}} mask [#attn.window<left = 3, right = 3>] :
// CHECK: return %[[ALL]], %[[ALL]], %[[ALL]], %[[ALL]], %[[W]]
func.func @trivial_atoms(%q: !q, %k: !kv, %v: !kv) -> (!q, !q, !q, !q, !q) {
  %0 = attn.attention %q, %k, %v mask [#attn.global<count = 64>] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v mask [#attn.prefix<len = 100>] : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v
      mask [#attn.neighborhood<grid = [8, 8], radius = [7, 9], dilation = [1, 1]>]
      : !q, !kv, !kv -> !q
  %3 = attn.attention %q, %k, %v
      mask [#attn.dilated<window = 64, dilation = 1>] : !q, !kv, !kv -> !q
  %4 = attn.attention %q, %k, %v
      mask [#attn.dilated<window = 3, dilation = 1>] : !q, !kv, !kv -> !q
  return %0, %1, %2, %3, %4 : !q, !q, !q, !q, !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>
!lse = tensor<1x4x64xf32>

// No key is ever allowed: zeros and an LSE of -inf.
// CHECK-LABEL: func.func @fully_masked
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<1x4x64x32xf32>
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : tensor<1x4x64xf32>
// CHECK-NOT: attn.attention
// CHECK: return %[[ZERO]], %[[NEGINF]]
func.func @fully_masked(%q: !q, %k: !kv, %v: !kv) -> (!q, !lse) {
  %0, %1 = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.not<#attn.prefix<len = 64>>] : !q, !kv, !kv -> !q, !lse
  return %0, %1 : !q, !lse
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// A predicate and its negation never hold together, whatever the lengths
// (the empty-row result), and one of them always holds (dropped from a
// disjunction), also where they meet only after simplification.
// CHECK-LABEL: func.func @complements
// ALL: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<1x4x64x32xf32>
// ATTN-COUNT-3: arith.constant dense<0.000000e+00> : tensor<1x4x64x32xf32>
// CHECK: %[[KEPT:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.window<left = 2, right = 2>] :
// CHECK-NOT: attn.attention
// ALL: return %[[ZERO]], %[[ZERO]], %[[ZERO]], %[[KEPT]]
// ATTN: return %{{.*}}, %{{.*}}, %{{.*}}, %[[KEPT]]
func.func @complements(%q: !q, %k: !kv, %v: !kv) -> (!q, !q, !q, !q) {
  %0 = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.not<#attn.causal>] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v
      mask [#attn.not<#attn.or<[#attn.stripes<diagonals = [3]>, #attn.not<#attn.stripes<diagonals = [3]>>]>>]
      : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v
      mask [#attn.not<#attn.not<#attn.causal>>, #attn.not<#attn.causal>] : !q, !kv, !kv -> !q
  %3 = attn.attention %q, %k, %v
      mask [#attn.window<left = 2, right = 2>,
            #attn.or<[#attn.not<#attn.not<#attn.causal>>, #attn.not<#attn.causal>]>]
      : !q, !kv, !kv -> !q
  return %0, %1, %2, %3 : !q, !q, !q, !q
}

// -----

!q = tensor<1x4x?x32xf32>
!kv = tensor<1x2x?x32xf32>
!lse = tensor<1x4x?xf32>

// With open lengths the complement still decides: the results are splats of
// the sizes read from the operands (the query's length; the query blocks and
// compressed keys of block scores).
// CHECK-LABEL: func.func @complements_open_lengths
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x?x32xf32>,
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[LQ:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<1x4x?x32xf32>
// CHECK-DAG: %[[OUT:.*]] = tensor.splat %[[ZERO]][%[[LQ]]] : tensor<1x4x?x32xf32>
// CHECK-DAG: %[[LSE:.*]] = tensor.splat %[[NEGINF]][%{{.*}}] : tensor<1x4x?xf32>
// CHECK-NOT: attn.
// CHECK: return %[[OUT]], %[[LSE]]
func.func @complements_open_lengths(%q: !q, %k: !kv, %v: !kv) -> (!q, !lse) {
  %0, %1 = attn.attention %q, %k, %v
      mask [#attn.not<#attn.not<#attn.causal>>, #attn.not<#attn.causal>]
      : !q, !kv, !kv -> !q, !lse
  return %0, %1 : !q, !lse
}

// Block scores over open lengths fold the same way; over an open query
// length the query blocks are ceil(Lq / block_q), a ceildivui of Lq's
// tensor.dim (which the GPU lowering and the C wrappers' size checks read).
// CHECK-LABEL: func.func @block_scores_complements_open_lengths
// CHECK-SAME: (%{{.*}}: tensor<1x4x64x32xf32>, %[[K:.*]]: tensor<1x2x?x32xf32>, %[[Q:.*]]: tensor<1x4x?x32xf32>)
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[LKV:.*]] = tensor.dim %[[K]], %{{.*}} : tensor<1x2x?x32xf32>
// CHECK-DAG: %[[SCORES:.*]] = tensor.splat %[[NEGINF]][%[[LKV]]] : tensor<1x2x4x?xf32>
// CHECK-DAG: %[[LQ:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<1x4x?x32xf32>
// CHECK-DAG: %[[BLOCKS:.*]] = arith.ceildivui %[[LQ]], %[[C16]] : index
// CHECK-DAG: %[[OPEN:.*]] = tensor.splat %{{.*}}[%[[BLOCKS]], %{{.*}}] : tensor<1x2x?x?xf32>
// CHECK-NOT: attn.
// CHECK: return %[[SCORES]], %[[OPEN]]
func.func @block_scores_complements_open_lengths(
    %q: tensor<1x4x64x32xf32>, %k: !kv, %q_open: !q)
    -> (tensor<1x2x4x?xf32>, tensor<1x2x?x?xf32>) {
  %0 = attn.block_scores %q, %k block_q 16
      mask [#attn.and<[#attn.prefix<len = 2>, #attn.not<#attn.prefix<len = 2>>]>]
      : tensor<1x4x64x32xf32>, !kv -> tensor<1x2x4x?xf32>
  %1 = attn.block_scores %q_open, %k block_q 16
      mask [#attn.prefix<len = 2>, #attn.not<#attn.prefix<len = 2>>]
      : !q, !kv -> tensor<1x2x?x?xf32>
  return %0, %1 : tensor<1x2x4x?xf32>, tensor<1x2x?x?xf32>
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>

// When the predicate that read an operand folds away, the operand goes too.
// CHECK-LABEL: func.func @drop_operands
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.causal] : tensor<1x4x64x32xf32>, tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32> -> tensor<1x4x64x32xf32>
func.func @drop_operands(%q: !q, %k: !kv, %v: !kv, %s: tensor<1x64xi32>,
                         %layout: tensor<1x1x1x1xi1>) -> !q {
  %0 = attn.attention %q, %k, %v segments(%s, %s) layout(%layout)
      mask [#attn.causal, #attn.or<[#attn.document, #attn.global<count = 64>]>,
            #attn.or<[#attn.prefix<len = 64>, #attn.block_layout<block_q = 64, block_kv = 64>]>]
      : !q, !kv, !kv, tensor<1x64xi32>, tensor<1x64xi32>, tensor<1x1x1x1xi1> -> !q
  return %0 : !q
}

// -----

!q = tensor<1x4x64x32xf32>
!kv = tensor<1x2x64x32xf32>
!lse = tensor<1x4x64xf32>

// An LSE nobody reads is not computed; the regions move to the new op.
// CHECK-LABEL: func.func @unused_lse
// CHECK: %[[OUT:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.causal] score_mod {
// CHECK: attn.yield
// CHECK: } : tensor<1x4x64x32xf32>, tensor<1x2x64x32xf32>, tensor<1x2x64x32xf32> -> tensor<1x4x64x32xf32>
// CHECK: return %[[OUT]]
func.func @unused_lse(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0, %1 = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = arith.mulf %s, %s : f32
    attn.yield %t : f32
  } : !q, !kv, !kv -> !q, !lse
  return %0 : !q
}

// -----

// One branch merged by sum is that branch; by lse only where its rows of
// LSE -inf are 0 already (an attention's output and LSE: other values may
// hold anything there, which the merge makes 0); a gated one is not.
// CHECK-LABEL: func.func @merge_one_branch
// CHECK-SAME: (%[[O:.*]]: tensor<1x2x8x4xf32>, %[[L:.*]]: tensor<1x2x8xf32>,
// CHECK: %[[M:.*]], %[[ML:.*]] = attn.merge lse (%[[O]], %[[L]])
// CHECK: %[[G:.*]] = attn.merge gated (%[[O]], %[[L]])
// CHECK: %[[A:.*]], %[[AL:.*]] = attn.attention
// CHECK-NOT: attn.merge
// CHECK: return %[[M]], %[[ML]], %[[O]], %[[G]], %[[A]], %[[AL]]
func.func @merge_one_branch(%o: tensor<1x2x8x4xf32>, %l: tensor<1x2x8xf32>, %q: tensor<1x2x8x4xf32>)
    -> (tensor<1x2x8x4xf32>, tensor<1x2x8xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) {
  %0, %1 = attn.merge lse (%o, %l) : tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
      -> tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  %2 = attn.merge sum (%o) : tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  %3 = attn.merge gated (%o, %l) : tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
      -> tensor<1x2x8x4xf32>
  %a, %al = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>
      -> tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  %4, %5 = attn.merge lse (%a, %al) : tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
      -> tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x2x8x4xf32>, tensor<1x2x8xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
}

// -----

// Not where the result's type fixes other sizes than the branch's.
// CHECK-LABEL: func.func @merge_one_branch_other_type
// CHECK: %[[S:.*]] = attn.merge sum
// CHECK: return %[[S]]
func.func @merge_one_branch_other_type(%o: tensor<1x2x8x4xf32>) -> tensor<1x2x?x4xf32> {
  %0 = attn.merge sum (%o) : tensor<1x2x8x4xf32> -> tensor<1x2x?x4xf32>
  return %0 : tensor<1x2x?x4xf32>
}

// -----

// Block scores fold the same way; a mask that never holds gives -inf.
// CHECK-LABEL: func.func @block_scores
// CHECK-DAG: %[[S:.*]] = attn.block_scores %{{.*}}, %{{.*}} block_q 16 mask [#attn.causal<stride = 4>] :
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : tensor<1x2x4x16xf32>
// CHECK: return %[[S]], %[[NEGINF]]
func.func @block_scores(%q: tensor<1x4x64x32xf32>, %kc: tensor<1x2x16x32xf32>)
    -> (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>) {
  %0 = attn.block_scores %q, %kc block_q 16
      mask [#attn.causal<stride = 4>, #attn.window<left = 15, right = 100>]
      : tensor<1x4x64x32xf32>, tensor<1x2x16x32xf32> -> tensor<1x2x4x16xf32>
  %1 = attn.block_scores %q, %kc block_q 16 mask [#attn.not<#attn.global<count = 16>>]
      : tensor<1x4x64x32xf32>, tensor<1x2x16x32xf32> -> tensor<1x2x4x16xf32>
  return %0, %1 : tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>
}

// -----

// global<count = 0> holds for no key, but for every key of the rows that sit
// before the keys (Lq > Lkv: pos(i) < 0): it folds away only when Lq <= Lkv.
// CHECK-LABEL: func.func @global_zero
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.global<count = 0>] : tensor<1x1x4x8xf32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.not<#attn.global<count = 0>>] : tensor<1x1x4x8xf32>
// CHECK-NOT: attn.attention
// CHECK: return
func.func @global_zero(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x2x8xf32>,
                       %q2: tensor<1x1x2x8xf32>)
    -> (tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x2x8xf32>) {
  %0 = attn.attention %q, %k, %k mask [#attn.global<count = 0>]
      : tensor<1x1x4x8xf32>, tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32> -> tensor<1x1x4x8xf32>
  %1 = attn.attention %q, %k, %k mask [#attn.not<#attn.global<count = 0>>]
      : tensor<1x1x4x8xf32>, tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32> -> tensor<1x1x4x8xf32>
  %2 = attn.attention %q2, %k, %k mask [#attn.global<count = 0>]
      : tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32> -> tensor<1x1x2x8xf32>
  return %0, %1, %2 : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x2x8xf32>
}

// -----

// attn-canonicalize leaves the ops of other dialects as they are (the
// constant addition, the unused subtraction); --canonicalize folds them. A
// dead attn op goes either way.
// CHECK-LABEL: func.func @other_dialects
// ATTN: arith.addi
// ATTN: arith.subi
// ALL-NOT: arith.addi
// ALL-NOT: arith.subi
// CHECK-NOT: attn.compress
// CHECK: return
func.func @other_dialects(%x: tensor<1x1x8x4xf32>, %i: index) -> index {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %0 = arith.addi %c1, %c2 : index
  %1 = arith.subi %i, %c1 : index
  %2 = attn.compress mean %x stride 4
      : tensor<1x1x8x4xf32> -> tensor<1x1x2x4xf32>
  return %0 : index
}

// -----

// An attention that computes what an earlier one does takes its results
// (fusion tiles an attention once per result a loop reads); where only the
// later one has an LSE, one attention with it replaces both.
// CHECK-LABEL: func.func @duplicates
// CHECK: %[[O:.*]], %[[L:.*]] = attn.attention %arg0, %arg1, %arg1 mask [#attn.causal]
// CHECK-NOT: attn.attention
// CHECK: %[[R:.*]] = attn.attention %arg0, %arg1, %arg1 mask [#attn.window<left = 2, right = 0>]
// CHECK-NOT: attn.attention
// CHECK: return %[[O]], %[[O]], %[[L]], %[[R]]
!t = tensor<1x2x8x4xf32>
func.func @duplicates(%q: !t, %k: !t) -> (!t, !t, tensor<1x2x8xf32>, !t) {
  %0 = attn.attention %q, %k, %k mask [#attn.causal] : !t, !t, !t -> !t
  %1, %l = attn.attention %q, %k, %k mask [#attn.causal] : !t, !t, !t -> !t, tensor<1x2x8xf32>
  %2 = attn.attention %q, %k, %k mask [#attn.window<left = 2, right = 0>] : !t, !t, !t -> !t
  %3 = attn.attention %q, %k, %k mask [#attn.window<left = 2, right = 0>] : !t, !t, !t -> !t
  return %0, %1, %l, %3 : !t, !t, tensor<1x2x8xf32>, !t
}

// -----

// Hooks that read memory may see a write between two alike attentions:
// those do not merge.
// CHECK-LABEL: func.func @reads_memory
// CHECK-COUNT-2: attn.attention
!t = tensor<1x2x8x4xf32>
func.func @reads_memory(%q: !t, %m: memref<2xf32>, %x: f32) -> (!t, !t) {
  %c0 = arith.constant 0 : index
  %0 = attn.attention %q, %q, %q score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = memref.load %m[%h] : memref<2xf32>
    %r = arith.addf %s, %t : f32
    attn.yield %r : f32
  } : !t, !t, !t -> !t
  memref.store %x, %m[%c0] : memref<2xf32>
  %1 = attn.attention %q, %q, %q score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = memref.load %m[%h] : memref<2xf32>
    %r = arith.addf %s, %t : f32
    attn.yield %r : f32
  } : !t, !t, !t -> !t
  return %0, %1 : !t, !t
}
