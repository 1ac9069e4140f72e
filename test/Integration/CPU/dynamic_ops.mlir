// Ops whose result has an operand's sizes (causal conv, merges) with
// dynamic lengths, and (@mixed) with types that fix different sizes (a
// static branch beside a dynamic one, a dynamic result of static inputs): the reference checks a copy of each op over the inputs'
// concrete shapes, its results taking the sizes those fix, and both
// lowerings are compared with it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/x.npy '<f4' 1x2x37x16
// RUN: %python %S/../../Tools/make_npy.py %t/g.npy '<f4' 1x2x37
// RUN: attn-run %s --function=conv --input x=%t/x.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=conv --input x=%t/x.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=merges --input a=%t/x.npy --input b=%t/x.npy --input g=%t/g.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=merges --input a=%t/x.npy --input b=%t/x.npy --input g=%t/g.npy --check --path=reference | FileCheck %s
// RUN: attn-run %s --function=mixed --input a=%t/x.npy --input g=%t/g.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=mixed --input a=%t/x.npy --input g=%t/g.npy --check --path=reference | FileCheck %s
// RUN: %python %S/../../Tools/make_npy.py %t/w.npy '<f4' 1x1x5x4
// RUN: %python %S/../../Tools/make_npy.py %t/z.npy '<f4' 1x1x0x4
// RUN: attn-run %s --function=unrun_rule --input w=%t/w.npy --input z=%t/z.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=unrun_rule --input w=%t/w.npy --input z=%t/z.npy --check --path=reference | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: check=PASS

func.func @conv(%x: tensor<1x2x?x16xf32>, %w: tensor<2x16x4xf32>) -> tensor<1x2x?x16xf32> {
  %y = attn.causal_conv %x, %w : tensor<1x2x?x16xf32>, tensor<2x16x4xf32> -> tensor<1x2x?x16xf32>
  return %y : tensor<1x2x?x16xf32>
}

func.func @merges(%a: tensor<1x2x?x16xf32>, %b: tensor<1x2x?x16xf32>, %g: tensor<1x2x?xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) {
  %s = attn.merge sum (%a), (%b) : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %t = attn.merge gated (%a, %g), (%b, %g) : tensor<1x2x?x16xf32>, tensor<1x2x?xf32> -> tensor<1x2x?x16xf32>
  return %s, %t : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>
}

func.func @mixed(%a: tensor<1x2x?x16xf32>, %b: tensor<1x2x37x16xf32>, %g: tensor<1x2x?xf32>, %w: tensor<2x16x4xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x?x16xf32>) {
  %s = attn.merge sum (%a), (%b) : (tensor<1x2x?x16xf32>), (tensor<1x2x37x16xf32>) -> tensor<1x2x?x16xf32>
  %t = attn.merge gated (%b, %g), (%a, %g) : (tensor<1x2x37x16xf32>, tensor<1x2x?xf32>), (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) -> tensor<1x2x37x16xf32>
  %c = attn.causal_conv %b, %w : tensor<1x2x37x16xf32>, tensor<2x16x4xf32> -> tensor<1x2x?x16xf32>
  return %s, %t, %c : tensor<1x2x?x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x?x16xf32>
}

// An op in a loop that runs no times (the trip count is %z's length, 0
// here) would relate %w's length to %q's 8, but it does not run, so %w may
// have any length (5 here) at the attention after the loop: refinement
// takes the rules of the ops that run whenever the attention does.
func.func @unrun_rule(%q: tensor<1x1x8x4xf32>, %w: tensor<1x1x?x4xf32>, %z: tensor<1x1x?x4xf32>) -> tensor<1x1x8x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %z, %c2 : tensor<1x1x?x4xf32>
  %qd = tensor.cast %q : tensor<1x1x8x4xf32> to tensor<1x1x?x4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %qd) -> (tensor<1x1x?x4xf32>) {
    %y = arith.addf %qd, %w : tensor<1x1x?x4xf32>
    scf.yield %y : tensor<1x1x?x4xf32>
  }
  %o = attn.attention %q, %w, %w : tensor<1x1x8x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}
