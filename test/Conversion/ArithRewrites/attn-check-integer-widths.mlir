// RUN: attn-opt %s --attn-check-integer-widths --split-input-file --verify-diagnostics | FileCheck %s

// i0 in a region (its index casts) fails with the op that first computes on
// it; nothing else in the program matters.
func.func @region(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error @below {{'arith.index_cast' op computes on 'i0': integers must be at least 1 bit wide to lower to LLVM}}
    %a = arith.index_cast %i : index to i0
    %c = arith.index_cast %j : index to i0
    %r = arith.cmpi sle, %c, %a : i0
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// -----

// The elements of a tensor.
func.func @tensor_elements(%x: tensor<4xi0>) -> tensor<4xi0> {
  // expected-error @below {{'arith.addi' op computes on 'tensor<4xi0>': integers must be at least 1 bit wide to lower to LLVM}}
  %y = arith.addi %x, %x : tensor<4xi0>
  return %y : tensor<4xi0>
}

// -----

// Programs without i0 pass unchanged.
// CHECK-LABEL: func.func @narrow_but_fine
// CHECK: arith.index_cast %{{.*}} : index to i1
func.func @narrow_but_fine(%i: index) -> i1 {
  %b = arith.index_cast %i : index to i1
  return %b : i1
}

