// Linear attention with dynamic batch and lengths through the flash path's
// chunked form (one compiled program for every length), causal with
// Lq != Lkv both ways and decay, against the double-precision reference,
// on fresh random inputs. Inputs come from .npy files (dynamic shapes
// cannot be filled at random by attn-run). The key lengths cover the
// chunked form's three cases (chunks of 64): full chunks and a partial
// last one (90, 200), full chunks only (128), and a partial chunk only (40).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/q150.npy '<f4' 2x2x150x16 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k90.npy '<f4' 2x1x90x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/x90.npy '<f4' 2x2x90 --random=2%seed
// RUN: attn-run %s --input q=%t/q150.npy --input k=%t/k90.npy --input x=%t/x90.npy --check | FileCheck %s
// RUN: %python %S/../../Tools/make_npy.py %t/q70.npy '<f4' 1x2x70x16 --random=3%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k200.npy '<f4' 1x1x200x16 --random=4%seed
// RUN: %python %S/../../Tools/make_npy.py %t/x200.npy '<f4' 1x2x200 --random=5%seed
// RUN: attn-run %s --input q=%t/q70.npy --input k=%t/k200.npy --input x=%t/x200.npy --check | FileCheck %s
// RUN: %python %S/../../Tools/make_npy.py %t/q128.npy '<f4' 1x2x128x16 --random=6%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k128.npy '<f4' 1x1x128x16 --random=7%seed
// RUN: %python %S/../../Tools/make_npy.py %t/x128.npy '<f4' 1x2x128 --random=8%seed
// RUN: attn-run %s --input q=%t/q128.npy --input k=%t/k128.npy --input x=%t/x128.npy --check | FileCheck %s
// RUN: %python %S/../../Tools/make_npy.py %t/q40.npy '<f4' 1x2x40x16 --random=9%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k40.npy '<f4' 1x1x40x16 --random=10%seed
// RUN: %python %S/../../Tools/make_npy.py %t/x40.npy '<f4' 1x2x40 --random=11%seed
// RUN: attn-run %s --input q=%t/q40.npy --input k=%t/k40.npy --input x=%t/x40.npy --check | FileCheck %s
// The chunked form, not the reference lowering, serves dynamic shapes.
// RUN: attn-opt %s --attn-chunk-linear-attention | FileCheck %s --check-prefix=IR
// IR-NOT: attn.linear_attention
// IR: scf.forall
// IR: scf.for
// Full chunks register-blocked, then the partial one (a second loop).
// IR: vector.fma
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
