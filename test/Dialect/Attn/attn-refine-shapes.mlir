// Types take every static size that the attn ops relate: operands and
// results of attn ops become as static as the relations allow, with casts
// where a value meets an op (or, without `signatures`, a return) that
// keeps its declared type.
// RUN: attn-opt %s --attn-refine-shapes --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-refine-shapes=signatures --split-input-file | FileCheck %s --check-prefix=SIG

// A result declared less static than the op computes it.
// CHECK-LABEL: func.func @dynamic_result
// CHECK-SAME: -> tensor<1x1x8x?xf32>
// CHECK: %[[O:.*]] = attn.attention {{.*}} -> tensor<1x1x8x16xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[O]] : tensor<1x1x8x16xf32> to tensor<1x1x8x?xf32>
// CHECK: return %[[C]]
// SIG-LABEL: func.func @dynamic_result
// SIG-SAME: -> tensor<1x1x8x16xf32>
// SIG-NOT: tensor.cast
// SIG: return
func.func @dynamic_result(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x16xf32>) -> tensor<1x1x8x?xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x?xf32>
  return %o : tensor<1x1x8x?xf32>
}

// -----

// A key whose head dim is dynamic beside a static query's; the lengths stay
// dynamic (nothing fixes them).
// CHECK-LABEL: func.func @dynamic_key
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x?x16xf32>, %[[K:.*]]: tensor<1x1x?x?xf32>, %[[V:.*]]: tensor<1x1x?x8xf32>)
// CHECK: %[[KS:.*]] = tensor.cast %[[K]] : tensor<1x1x?x?xf32> to tensor<1x1x?x16xf32>
// CHECK: attn.attention %[[Q]], %[[KS]], %[[V]] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x8xf32> -> tensor<1x2x?x8xf32>
// SIG-LABEL: func.func @dynamic_key
// SIG-SAME: %{{.*}}: tensor<1x1x?x16xf32>
// SIG-NOT: tensor.cast
func.func @dynamic_key(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x?xf32>, %v: tensor<1x1x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x?x16xf32>, tensor<1x1x?x?xf32>, tensor<1x1x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// A compressed length is ceil(length / stride), top-k's last dimension is
// k, and block indices' rows are ceil(Lq / block_q); between attn ops the
// refined values flow without casts.
// CHECK-LABEL: func.func @selection
// CHECK: attn.compress mean %{{.*}} stride 4 : tensor<1x1x10x16xf32> -> tensor<1x1x3x16xf32>
// CHECK: attn.block_scores {{.*}} -> tensor<1x1x3x3xf32>
// CHECK: %[[SEL:.*]] = attn.topk {{.*}} k 2 : tensor<1x1x3x3xf32> -> tensor<1x1x3x2xi32>
// CHECK: %[[C:.*]] = tensor.cast %[[SEL]] : tensor<1x1x3x2xi32> to tensor<1x1x?x?xi32>
// CHECK: %[[O:.*]] = attn.attention {{.*}} indices(%[[SEL]]) {{.*}} : tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x3x2xi32> -> tensor<1x1x10x16xf32>
// CHECK: return %[[O]], %[[C]]
func.func @selection(%q: tensor<1x1x10x16xf32>, %k: tensor<1x1x10x16xf32>, %v: tensor<1x1x10x16xf32>) -> (tensor<1x1x10x16xf32>, tensor<1x1x?x?xi32>) {
  %kc = attn.compress mean %k stride 4 : tensor<1x1x10x16xf32> -> tensor<1x1x?x16xf32>
  %s = attn.block_scores %q, %kc block_q 4 : tensor<1x1x10x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x1x?x?xf32> -> tensor<1x1x?x?xi32>
  %o = attn.attention %q, %k, %v indices(%sel) mask [#attn.block_indices<block_q = 4, block_kv = 4>] : tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x10x16xf32>, tensor<1x1x?x?xi32> -> tensor<1x1x10x16xf32>
  return %o, %sel : tensor<1x1x10x16xf32>, tensor<1x1x?x?xi32>
}

// -----

// An op that is not an attn op keeps the type it was written with; so does
// a function that another calls, even with `signatures`.
// CHECK-LABEL: func.func @callee
// CHECK: %[[O:.*]] = attn.attention {{.*}} -> tensor<1x1x8x16xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[O]] : tensor<1x1x8x16xf32> to tensor<1x1x8x?xf32>
// CHECK: arith.addf %[[C]], %[[C]] : tensor<1x1x8x?xf32>
// CHECK: return %[[C]], %{{.*}} : tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>
// SIG-LABEL: func.func @callee
// SIG-SAME: -> (tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>)
// SIG: tensor.cast
// SIG-LABEL: func.func @caller
// SIG-SAME: -> tensor<1x1x8x?xf32>
func.func @callee(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>) -> (tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>) {
  %o = attn.attention %q, %k, %k : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x?xf32>
  %r = arith.addf %o, %o : tensor<1x1x8x?xf32>
  return %o, %r : tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>
}
func.func @caller(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>) -> tensor<1x1x8x?xf32> {
  %r:2 = func.call @callee(%q, %k) : (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) -> (tensor<1x1x8x?xf32>, tensor<1x1x8x?xf32>)
  return %r#0 : tensor<1x1x8x?xf32>
}

// -----

// The program's own casts are looked through: a cast that made a size
// dynamic and the refined operand's cast back would be a pair of no-ops.
// A cast that fixes a size stays an assertion, on the value it started
// from; with `signatures`, the results take the types their values start
// with.
// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%[[Q:.*]]: tensor<1x1x?x16xf32>, %[[K:.*]]: tensor<1x1x8x16xf32>)
// CHECK: %[[QS:.*]] = tensor.cast %[[Q]] : tensor<1x1x?x16xf32> to tensor<1x1x8x16xf32>
// CHECK-NEXT: %[[O:.*]] = attn.attention %[[QS]], %[[K]], %[[K]] :
// CHECK-NEXT: %[[C:.*]] = tensor.cast %[[O]] : tensor<1x1x8x16xf32> to tensor<1x1x?x16xf32>
// CHECK-NEXT: %[[R:.*]] = tensor.cast %[[C]] : tensor<1x1x?x16xf32> to tensor<1x1x?x?xf32>
// CHECK-NEXT: return %[[R]]
// SIG-LABEL: func.func @casts
// SIG-SAME: -> tensor<1x1x8x16xf32>
// SIG: %[[O:.*]] = attn.attention
// SIG-NEXT: return %[[O]] : tensor<1x1x8x16xf32>
func.func @casts(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x8x16xf32>) -> tensor<1x1x?x?xf32> {
  %qs = tensor.cast %q : tensor<1x1x?x16xf32> to tensor<1x1x8x16xf32>
  %kd = tensor.cast %k : tensor<1x1x8x16xf32> to tensor<?x?x?x?xf32>
  %o = attn.attention %qs, %kd, %kd : tensor<1x1x8x16xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<1x1x?x16xf32>
  %r = tensor.cast %o : tensor<1x1x?x16xf32> to tensor<1x1x?x?xf32>
  return %r : tensor<1x1x?x?xf32>
}

// -----

// Readers of one value share one cast (two attentions of one query stay
// one query's, for a union of their keys).
// CHECK-LABEL: func.func @shared_query
// CHECK-COUNT-1: tensor.cast
// CHECK-NOT: tensor.cast
func.func @shared_query(%q: tensor<1x1x?x16xf32>, %k1: tensor<1x1x64x16xf32>, %k2: tensor<1x1x64x16xf32>) -> tensor<1x1x32x16xf32> {
  %o1, %l1 = attn.attention %q, %k1, %k1 : tensor<1x1x?x16xf32>, tensor<1x1x64x16xf32>, tensor<1x1x64x16xf32> -> tensor<1x1x32x16xf32>, tensor<1x1x32xf32>
  %o2, %l2 = attn.attention %q, %k2, %k2 : tensor<1x1x?x16xf32>, tensor<1x1x64x16xf32>, tensor<1x1x64x16xf32> -> tensor<1x1x32x16xf32>, tensor<1x1x32xf32>
  %o = attn.merge lse (%o1, %l1), (%o2, %l2) : tensor<1x1x32x16xf32>, tensor<1x1x32xf32> -> tensor<1x1x32x16xf32>
  return %o : tensor<1x1x32x16xf32>
}

// -----

// A loop may change a carried tensor's sizes from one iteration to the
// next (each compression halves it): nothing is refined through it.
// CHECK-LABEL: func.func @loop
// CHECK: attn.compress mean %{{.*}} stride 2 : tensor<1x1x?x4xf32> -> tensor<1x1x?x4xf32>
func.func @loop(%k: tensor<1x1x8x4xf32>) -> tensor<1x1x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %kd = tensor.cast %k : tensor<1x1x8x4xf32> to tensor<1x1x?x4xf32>
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %kd) -> tensor<1x1x?x4xf32> {
    %c = attn.compress mean %x stride 2 : tensor<1x1x?x4xf32> -> tensor<1x1x?x4xf32>
    scf.yield %c : tensor<1x1x?x4xf32>
  }
  return %r : tensor<1x1x?x4xf32>
}

// -----

// The sizes at an op follow from the ops that run whenever it does: inside
// the loop, the addf beside the attention fixes %w's length to 8; after
// the loop (whose body may run no times) it fixes nothing.
// CHECK-LABEL: func.func @rules_in_scope
// CHECK: scf.for
// CHECK-NEXT: %[[W:.*]] = tensor.cast %{{.*}} : tensor<1x1x?x4xf32> to tensor<1x1x8x4xf32>
// CHECK: attn.attention %{{.*}}, %[[W]], %[[W]] : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>
// CHECK: }
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1x8x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32>
func.func @rules_in_scope(%q: tensor<1x1x8x4xf32>, %w: tensor<1x1x?x4xf32>, %n: index) -> tensor<1x1x8x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %qd = tensor.cast %q : tensor<1x1x8x4xf32> to tensor<1x1x?x4xf32>
  scf.for %i = %c0 to %n step %c1 {
    %y = arith.addf %qd, %w : tensor<1x1x?x4xf32>
    %in = attn.attention %q, %w, %w : tensor<1x1x8x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32> -> tensor<1x1x8x4xf32>
  }
  %o = attn.attention %q, %w, %w : tensor<1x1x8x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}

// -----

// With `signatures`, a returned cast that fixes sizes stays: the result
// type never becomes less static than declared.
// SIG-LABEL: func.func @returned_cast
// SIG-SAME: -> tensor<1x1x8x16xf32>
// SIG: %[[R:.*]] = tensor.cast %{{.*}} : tensor<?x?x?x?xf32> to tensor<1x1x8x16xf32>
// SIG: return %[[R]]
func.func @returned_cast(%e: tensor<?x?x?x?xf32>) -> tensor<1x1x8x16xf32> {
  %s = arith.addf %e, %e : tensor<?x?x?x?xf32>
  %r = tensor.cast %s : tensor<?x?x?x?xf32> to tensor<1x1x8x16xf32>
  return %r : tensor<1x1x8x16xf32>
}

// -----

// A merge whose branches and result fix different sizes: one type for all,
// the most static.
// CHECK-LABEL: func.func @mixed_merge
// CHECK: %[[A:.*]] = tensor.cast %{{.*}} : tensor<1x2x?x4xf32> to tensor<1x2x8x4xf32>
// CHECK: %[[M:.*]] = attn.merge sum (%[[A]]), (%{{.*}}) : tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
// CHECK: tensor.cast %[[M]] : tensor<1x2x8x4xf32> to tensor<1x2x?x4xf32>
func.func @mixed_merge(%a: tensor<1x2x?x4xf32>, %b: tensor<1x2x8x4xf32>) -> tensor<1x2x?x4xf32> {
  %m = attn.merge sum (%a), (%b) : (tensor<1x2x?x4xf32>), (tensor<1x2x8x4xf32>) -> tensor<1x2x?x4xf32>
  return %m : tensor<1x2x?x4xf32>
}

// -----

// With `signatures`, a region's reads of an argument (its elements and
// sizes) take the refined type: no cast stands between a kernel and the
// table it reads.
// CHECK-LABEL: func.func @region_reads
// CHECK: %[[V:.*]] = tensor.cast %arg2 : tensor<1x2x?x64xf32> to tensor<1x2x64x64xf32>
// CHECK: attn.attention %arg0, %arg1, %[[V]]
// CHECK: tensor.dim %arg2, %{{.*}} : tensor<1x2x?x64xf32>
// SIG-LABEL: func.func @region_reads(%arg0: tensor<1x2x?x64xf32>, %arg1: tensor<1x2x64x64xf32>, %arg2: tensor<1x2x64x64xf32>)
// SIG-NOT: tensor.cast
// SIG: tensor.dim %arg2, %{{.*}} : tensor<1x2x64x64xf32>
// SIG: tensor.extract %arg2[%{{.*}}] : tensor<1x2x64x64xf32>
// SIG-NOT: tensor.cast
// SIG: return
func.func @region_reads(%q: tensor<1x2x?x64xf32>, %k: tensor<1x2x64x64xf32>,
                        %v: tensor<1x2x?x64xf32>) -> tensor<1x2x?x64xf32> {
  %o = attn.attention %q, %k, %v
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c2 = arith.constant 2 : index
        %c0 = arith.constant 0 : index
        %lv = tensor.dim %v, %c2 : tensor<1x2x?x64xf32>
        %w = tensor.extract %v[%b, %h, %j, %c0] : tensor<1x2x?x64xf32>
        %li = arith.index_cast %lv : index to i32
        %lf = arith.sitofp %li : i32 to f32
        %y = arith.addf %s, %w : f32
        %y2 = arith.addf %y, %lf : f32
        attn.yield %y2 : f32
      }
      : tensor<1x2x?x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x?x64xf32>
      -> tensor<1x2x?x64xf32>
  return %o : tensor<1x2x?x64xf32>
}

// -----

// ALiBi's given slopes fix the query heads (one slope each).
// CHECK-LABEL: func.func @alibi_heads
// CHECK: tensor.cast %arg0 : tensor<1x?x8x16xf32> to tensor<1x2x8x16xf32>
// CHECK: attn.attention {{.*}} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
func.func @alibi_heads(%q: tensor<1x?x8x16xf32>) -> tensor<1x?x8x16xf32> {
  %o = attn.attention %q, %q, %q score [#attn.alibi<slopes = [0.5, 0.25]>]
      : tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>
      -> tensor<1x?x8x16xf32>
  return %o : tensor<1x?x8x16xf32>
}

// -----

// Functions of nested modules are refined too (the CPU pipeline's tiling
// of one failed to verify); a signature changes only at the top level
// (a nested module's function may be called from around it).
// CHECK-LABEL: module @inner
// CHECK: func.func @nested(%{{.*}}: tensor<1x1x4x?xf32>,
// CHECK: tensor.cast %{{.*}} : tensor<1x1x4x?xf32> to tensor<1x1x4x8xf32>
// CHECK: attn.attention {{.*}} : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
// SIG-LABEL: module @inner
// SIG: func.func @nested(%{{.*}}: tensor<1x1x4x?xf32>,
module {
  module @inner {
    func.func @nested(%q: tensor<1x1x4x?xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
      %o = attn.attention %q, %k, %v : tensor<1x1x4x?xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
      return %o : tensor<1x1x4x8xf32>
    }
  }
}
