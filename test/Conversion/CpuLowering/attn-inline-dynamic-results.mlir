// RUN: attn-opt %s --attn-inline-dynamic-results --split-input-file --verify-diagnostics | FileCheck %s

// A call to a function with a result of dynamic shape is inlined, through
// calls it makes to such functions too; private functions left without
// calls are erased. A callee with static results stays called, and so does
// a public function, which keeps its definition.
// CHECK-LABEL: func.func private @static_result
// CHECK-NOT: func.func private @twice
// CHECK-NOT: func.func private @quadruple
// CHECK-LABEL: func.func @open(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?xf32>
// CHECK: %[[A:.*]] = arith.addf %[[X]], %[[X]] : tensor<?xf32>
// CHECK: %[[B:.*]] = arith.addf %[[A]], %[[A]] : tensor<?xf32>
// CHECK: return %[[B]]
// CHECK-LABEL: func.func @main(
// CHECK: %[[CAST:.*]] = tensor.cast
// CHECK: %[[Q:.*]] = arith.addf %[[CAST]], %[[CAST]] : tensor<?xf32>
// CHECK: %[[Q2:.*]] = arith.addf %[[Q]], %[[Q]] : tensor<?xf32>
// CHECK: %[[P:.*]] = arith.addf %[[CAST]], %[[CAST]] : tensor<?xf32>
// CHECK: %[[P2:.*]] = arith.addf %[[P]], %[[P]] : tensor<?xf32>
// CHECK: call @static_result
// CHECK-NOT: call
// CHECK: return
func.func private @static_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = arith.mulf %x, %x : tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func private @twice(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = arith.addf %x, %x : tensor<?xf32>
  return %r : tensor<?xf32>
}
func.func private @quadruple(%x: tensor<?xf32>) -> tensor<?xf32> {
  %a = func.call @twice(%x) : (tensor<?xf32>) -> tensor<?xf32>
  %b = func.call @twice(%a) : (tensor<?xf32>) -> tensor<?xf32>
  return %b : tensor<?xf32>
}
func.func @open(%x: tensor<?xf32>) -> tensor<?xf32> {
  %r = func.call @quadruple(%x) : (tensor<?xf32>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}
func.func @main(%a: tensor<8xf32>, %s: tensor<4xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) {
  %d = tensor.cast %a : tensor<8xf32> to tensor<?xf32>
  %q = func.call @quadruple(%d) : (tensor<?xf32>) -> tensor<?xf32>
  %p = func.call @open(%d) : (tensor<?xf32>) -> tensor<?xf32>
  %t = func.call @static_result(%s) : (tensor<4xf32>) -> tensor<4xf32>
  %qs = tensor.cast %q : tensor<?xf32> to tensor<8xf32>
  %ps = tensor.cast %p : tensor<?xf32> to tensor<8xf32>
  return %qs, %ps, %t : tensor<8xf32>, tensor<8xf32>, tensor<4xf32>
}

// -----

// An attention in the callee is inlined with it.
// CHECK-LABEL: func.func @layer_caller(
// CHECK-NEXT: attn.attention
// CHECK-NEXT: return
func.func private @layer(%q: tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32> {
  %o = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32> -> tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}
func.func @layer_caller(%q: tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32> {
  %o = func.call @layer(%q) : (tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}

// -----

// A recursive one cannot be inlined: named, and the pass fails.
func.func private @halve(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %done = arith.cmpi eq, %n, %c0 : index
  %y = scf.if %done -> tensor<?xf32> {
    scf.yield %x : tensor<?xf32>
  } else {
    %m = arith.subi %n, %c1 : index
    // expected-error @+1 {{'func.call' op calls 'halve', which returns a tensor of dynamic shape and is recursive: its results cannot become buffers the caller allocates (give them static shapes)}}
    %z = func.call @halve(%x, %m) : (tensor<?xf32>, index) -> tensor<?xf32>
    scf.yield %z : tensor<?xf32>
  }
  return %y : tensor<?xf32>
}

// -----

// A call inside an attention's region is not inlined there (the callee's
// loops would land in the region, which the verifier refuses): named.
func.func private @make_mask(%t: tensor<?xi1>, %j: index) -> tensor<?xi1> {
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%t : tensor<?xi1>) outs(%t : tensor<?xi1>) {
  ^bb0(%x: i1, %y: i1):
    %k = linalg.index 0 : index
    %e = arith.cmpi ule, %k, %j : index
    linalg.yield %e : i1
  } -> tensor<?xi1>
  return %n : tensor<?xi1>
}
func.func @mask_from_call(%q: tensor<1x1x8x4xf32>, %t: tensor<?xi1>) -> tensor<1x1x8x4xf32> {
  %o = attn.attention %q, %q, %q mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{'func.call' op cannot inline 'make_mask', which returns a tensor of dynamic shape (its results cannot become buffers the caller allocates)}}
    %n = func.call @make_mask(%t, %j) : (tensor<?xi1>, index) -> tensor<?xi1>
    %r = tensor.extract %n[%i] : tensor<?xi1>
    attn.yield %r : i1
  } : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
