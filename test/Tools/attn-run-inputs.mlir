// attn-run reads .npy inputs by argument name or position, writes .npy
// results, and runs the same with them as with a random fill.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_npy.py %t/q.npy '<f4' 1x2x5x4
// RUN: %python %S/make_npy.py %t/k.npy '<f4' 1x1x7x4
// RUN: attn-run %s --function=single --input q=%t/q.npy --input 1=%t/k.npy --input v=%t/k.npy --check --output %t/out | FileCheck %s
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); assert d[:6]==b'\x93NUMPY' and b\"'shape': (1, 2, 5, 4)\" in d, d[:80]" %t/out/result0.npy
// RUN: %python %S/make_npy.py %t/qh.npy '<f2' 1x2x5x4
// RUN: %python %S/make_npy.py %t/kh.npy '<f2' 1x1x7x4
// RUN: attn-run %s --function=half --input q=%t/qh.npy --input k=%t/kh.npy --input v=%t/kh.npy --check | FileCheck %s
// RUN: attn-run %s --function=brain --input q=%t/q.npy --input k=%t/k.npy --input v=%t/k.npy --check --output %t/bf | FileCheck %s
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); assert b\"'descr': '<f4'\" in d" %t/bf/result0.npy

// Dynamic lengths with a mask_mod that reads a constant of the function:
// the reference's check of the sizes takes the region's outer values along.
// RUN: %python %S/make_npy.py %t/qd.npy '<f4' 1x2x9x4
// RUN: attn-run %s --function=dynamic_band --input q=%t/qd.npy --input k=%t/qd.npy --input v=%t/qd.npy --check | FileCheck %s

// The same with the dynamic arguments filled at random, their sizes from
// --shape (by name and by position).
// RUN: attn-run %s --function=dynamic_band --shape q=1x2x9x4 --shape 1=1x2x9x4 --shape v=1x2x9x4 --check | FileCheck %s --check-prefixes=CHECK,SHAPED
// SHAPED: shapes=1x2x9x4xf32,1x2x9x4xf32,1x2x9x4xf32

// CHECK: check=PASS

func.func @single(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>, %v: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}

func.func @half(%q: tensor<1x2x5x4xf16>, %k: tensor<1x1x7x4xf16>, %v: tensor<1x1x7x4xf16>) -> tensor<1x2x5x4xf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x5x4xf16>, tensor<1x1x7x4xf16>, tensor<1x1x7x4xf16> -> tensor<1x2x5x4xf16>
  return %o : tensor<1x2x5x4xf16>
}

func.func @brain(%q: tensor<1x2x5x4xbf16>, %k: tensor<1x1x7x4xbf16>, %v: tensor<1x1x7x4xbf16>) -> tensor<1x2x5x4xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x5x4xbf16>, tensor<1x1x7x4xbf16>, tensor<1x1x7x4xbf16> -> tensor<1x2x5x4xbf16>
  return %o : tensor<1x2x5x4xbf16>
}

func.func @dynamic_band(%q: tensor<1x2x?x4xf32>, %k: tensor<1x2x?x4xf32>, %v: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %c3 = arith.constant 3 : index
  %o = attn.attention %q, %k, %v mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %i, %j : index
    %near = arith.cmpi ult, %d, %c3 : index
    attn.yield %near : i1
  } : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32> -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}
