// Linear attention with dynamic batch and lengths through the flash path's
// chunked form (one compiled program for every length), causal with
// Lq != Lkv both ways and decay, against the double-precision reference.
// Inputs come from .npy files (dynamic shapes cannot be filled at random).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/q150.npy '<f4' 2x2x150x16
// RUN: %python %S/../../Tools/make_npy.py %t/k90.npy '<f4' 2x1x90x16
// RUN: %python %S/../../Tools/make_npy.py %t/x90.npy '<f4' 2x2x90
// RUN: attn-run %s --input q=%t/q150.npy --input k=%t/k90.npy --input x=%t/x90.npy --check | FileCheck %s
// RUN: %python %S/../../Tools/make_npy.py %t/q70.npy '<f4' 1x2x70x16
// RUN: %python %S/../../Tools/make_npy.py %t/k200.npy '<f4' 1x1x200x16
// RUN: %python %S/../../Tools/make_npy.py %t/x200.npy '<f4' 1x2x200
// RUN: attn-run %s --input q=%t/q70.npy --input k=%t/k200.npy --input x=%t/x200.npy --check | FileCheck %s
// The chunked form, not the reference lowering, serves dynamic shapes.
// RUN: attn-opt %s --attn-chunk-linear-attention | FileCheck %s --check-prefix=IR
// IR-NOT: attn.linear_attention
// IR: scf.forall
// IR: scf.for
// CHECK: check=PASS
func.func @dynamic(%q: tensor<?x2x?x16xf32>, %k: tensor<?x1x?x16xf32>,
                   %x: tensor<?x2x?xf32>) -> tensor<?x2x?x16xf32> {
  %sq = arith.mulf %x, %x : tensor<?x2x?xf32>
  %g = arith.negf %sq : tensor<?x2x?xf32>
  %o = attn.linear_attention %q, %k, %k decay(%g) feature elu_plus_one causal
      normalize
      : tensor<?x2x?x16xf32>, tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32>,
        tensor<?x2x?xf32> -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}
