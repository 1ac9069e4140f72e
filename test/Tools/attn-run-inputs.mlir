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

// i64 values reach the compiled code bit for bit (they went through
// doubles: 2^53 + 1 came back even, 2^63 - 1 as -2^63); --check refuses
// values past 2^53, which its reference cannot hold.
// RUN: %python %S/make_npy.py %t/wide.npy '<i8' 3 --values=9007199254740993,9223372036854775807,-9223372036854775803
// RUN: attn-run %s --function=wide_integers --input a=%t/wide.npy --output %t/wide
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); e=open(sys.argv[2],'rb').read(); assert d[-24:]==e[-24:], (d[-24:], e[-24:])" %t/wide.npy %t/wide/result0.npy
// RUN: not attn-run %s --function=wide_integers --input a=%t/wide.npy --check 2>&1 | FileCheck %s --check-prefix=WIDE
// WIDE: attn-run: error: --check: argument 'a' holds 9007199254740993 (element 0), past the 2^53 that the reference's doubles hold exactly
// So does the reference for constants its doubles do not hold and for
// values its arithmetic computes at 2^53 or more, which they may have
// rounded: a correct (2^53 + 1) - 2^53 + a failed, and a result off by one
// passed. Exact ones pass on (INT64_MIN, 2^60 through a max). Without
// --check such programs run.
// RUN: %python %S/make_npy.py %t/small.npy '<i8' 3 --values=1,2,3
// RUN: not attn-run %s --function=past_exact_sum --input a=%t/small.npy --check 2>&1 | FileCheck %s --check-prefix=COMPUTED
// COMPUTED: attn-run: error: reference: {{.*}}attn-run-inputs.mlir":{{[0-9]+}}:8): 'arith.addi': computes 9007199254740992 (element 0 of result 0): at or past 2^53, where the reference's doubles may have rounded it
// RUN: not attn-run %s --function=past_exact_constant --input a=%t/small.npy --check 2>&1 | FileCheck %s --check-prefix=CONSTANT
// CONSTANT: attn-run: error: reference: {{.*}}attn-run-inputs.mlir":{{[0-9]+}}:8): 'arith.constant': holds 9007199254740993 (element 1), which the reference's doubles do not hold exactly
// RUN: attn-run %s --function=past_exact_sum --input a=%t/small.npy --output %t/sum
// RUN: %attn_venv_python -c "import numpy as np; print(np.load('%t/sum/result0.npy').tolist())" | FileCheck %s --check-prefix=SUM
// SUM: [2, 3, 4]
// RUN: attn-run %s --function=exact_large_constants --input a=%t/small.npy --check | FileCheck %s --check-prefix=EXACT
// EXACT: check=PASS

// A bool array's nonzero bytes are True, as NumPy reads them (the compiled
// code took the bytes 2, 3, 255 as i1 and computed undefined values).
// RUN: %python %S/make_npy_header.py %t/flags.npy "{'descr': '|b1', 'fortran_order': False, 'shape': (6,), }" 0
// RUN: %python -c "open('%t/flags.npy', 'ab').write(bytes([0, 1, 2, 3, 255, 128]))"
// RUN: attn-run %s --function=flags --input m=%t/flags.npy --check --output %t/flags | FileCheck %s --check-prefix=FLAGS
// FLAGS: check=PASS
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); assert d[-6:]==bytes([0, 1, 1, 1, 1, 1]), d[-6:]" %t/flags/result0.npy

// A result whose .npy header passes 65535 bytes (a rank of 3201) is
// written in version 2, whose header length takes 4 bytes (version 1's 2
// bytes held the length's low half).
// RUN: %python -c "d='x'.join(['0'] + ['9223372036854775807'] * 3200); open('%t/rank.mlir', 'w').write('func.func @f() -> tensor<%%sxf32> {\n  %%%%e = tensor.empty() : tensor<%%sxf32>\n  return %%%%e : tensor<%%sxf32>\n}\n' %% (d, d, d))"
// RUN: attn-run %t/rank.mlir --output %t/rank
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); n=int.from_bytes(d[8:12],'little'); assert d[6]==2 and len(d)==12+n and d[12+n-1:12+n]==b'\n' and d[12:13]==b'{' and (12+n)%%64==0, (d[:12], n, len(d))" %t/rank/result0.npy

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

func.func @past_exact_sum(%a: tensor<3xi64>) -> tensor<3xi64> {
  %c = arith.constant dense<9007199254740992> : tensor<3xi64>
  %one = arith.constant dense<1> : tensor<3xi64>
  %d = arith.addi %c, %one : tensor<3xi64>
  %r = arith.subi %d, %c : tensor<3xi64>
  %s = arith.addi %r, %a : tensor<3xi64>
  return %s : tensor<3xi64>
}

func.func @past_exact_constant(%a: tensor<3xi64>) -> tensor<3xi64> {
  %c = arith.constant dense<[0, 9007199254740993, 0]> : tensor<3xi64>
  %r = arith.addi %a, %c : tensor<3xi64>
  return %r : tensor<3xi64>
}

func.func @exact_large_constants(%a: tensor<3xi64>) -> tensor<3xi64> {
  %c = arith.constant dense<[-9223372036854775808, 1152921504606846976, 0]> : tensor<3xi64>
  %r = arith.maxsi %a, %c : tensor<3xi64>
  return %r : tensor<3xi64>
}

func.func @wide_integers(%a: tensor<3xi64>) -> tensor<3xi64> {
  %zero = arith.constant dense<0> : tensor<3xi64>
  %r = arith.addi %a, %zero : tensor<3xi64>
  return %r : tensor<3xi64>
}

func.func @flags(%m: tensor<6xi1>) -> (tensor<6xi1>, tensor<6xi32>) {
  %true = arith.constant dense<true> : tensor<6xi1>
  %n = arith.xori %m, %true : tensor<6xi1>
  %nn = arith.xori %n, %true : tensor<6xi1>
  %wide = arith.extui %m : tensor<6xi1> to tensor<6xi32>
  return %nn, %wide : tensor<6xi1>, tensor<6xi32>
}
