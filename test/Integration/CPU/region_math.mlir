// Regions and programs that use arith and math beyond the basic arithmetic
// (powers, rounding, inverse trigonometry, bit counts, classification), an
// scf.if in a region, and reshapes of a bias: the compiled paths against the
// reference, which evaluates each op itself (lib/Reference/ScalarSemantics.cpp).
// Each region's terms change the scores by more than the bound if the
// reference took one op for another (floor for ceil, round for roundeven at
// the halves that integer_and_rounding reaches).
// PASS-NOT: FAIL
// PASS: check=PASS
// RUN: rm -rf %t && mkdir -p %t

// RUN: attn-run %s --function=math_score_mod --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=math_score_mod --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @math_score_mod(%q: tensor<1x2x17x16xf32>, %k: tensor<1x2x33x16xf32>, %v: tensor<1x2x33x16xf32>) -> tensor<1x2x17x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c3 = arith.constant 3.0 : f32
    %c2 = arith.constant 2 : i32
    %a = math.powf %c3, %s : f32
    %l = math.log1p %a : f32
    %f = math.floor %s : f32
    %r = math.roundeven %s : f32
    %cb = math.cbrt %s : f32
    %at = math.atan2 %s, %c3 : f32
    %cs = math.copysign %f, %s : f32
    %rm = arith.remf %s, %c3 : f32
    %pi = math.fpowi %cb, %c2 : f32, i32
    %t1 = arith.addf %l, %r : f32
    %t2 = arith.addf %t1, %at : f32
    %t3 = arith.addf %t2, %cs : f32
    %t4 = arith.addf %t3, %rm : f32
    %t5 = arith.addf %t4, %pi : f32
    %isn = math.isnan %s : f32
    %z = arith.constant 0.0 : f32
    %t6 = arith.select %isn, %z, %t5 : f32
    attn.yield %t6 : f32
  } : tensor<1x2x17x16xf32>, tensor<1x2x33x16xf32>, tensor<1x2x33x16xf32> -> tensor<1x2x17x16xf32>
  return %o : tensor<1x2x17x16xf32>
}

// RUN: attn-run %s --function=branch_score_mod --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=branch_score_mod --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @branch_score_mod(%q: tensor<1x2x17x16xf32>, %k: tensor<1x2x33x16xf32>, %v: tensor<1x2x33x16xf32>) -> tensor<1x2x17x16xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %near = arith.cmpi ult, %j, %i : index
    %r = scf.if %near -> f32 {
      %c = arith.constant 0.5 : f32
      %m = arith.mulf %s, %c : f32
      scf.yield %m : f32
    } else {
      %t = math.tanh %s : f32
      scf.yield %t : f32
    }
    attn.yield %r : f32
  } : tensor<1x2x17x16xf32>, tensor<1x2x33x16xf32>, tensor<1x2x33x16xf32> -> tensor<1x2x17x16xf32>
  return %o : tensor<1x2x17x16xf32>
}

// RUN: attn-run %s --function=integer_and_rounding --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=integer_and_rounding --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @integer_and_rounding(%q: tensor<1x1x19x8xf32>, %k: tensor<1x1x23x8xf32>, %v: tensor<1x1x23x8xf32>) -> tensor<1x1x19x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %i, %j : index
    %di = arith.index_cast %d : index to i32
    %df = arith.sitofp %di : i32 to f32
    %half = arith.constant 0.5 : f32
    %x = arith.mulf %df, %half : f32
    %r1 = math.round %x : f32
    %r2 = math.roundeven %x : f32
    %r3 = math.trunc %x : f32
    %r4 = math.ceil %x : f32
    %pc = math.ctpop %di : i32
    %lz = math.ctlz %di : i32
    %tz = math.cttz %di : i32
    %ab = math.absi %di : i32
    %pcf = arith.sitofp %pc : i32 to f32
    %lzf = arith.sitofp %lz : i32 to f32
    %tzf = arith.sitofp %tz : i32 to f32
    %abf = arith.sitofp %ab : i32 to f32
    %c1 = arith.constant 0.7 : f32
    %c2 = arith.constant 0.1 : f32
    %c3 = arith.constant 0.05 : f32
    %a1 = arith.subf %r1, %r2 : f32
    %a2 = arith.mulf %a1, %c1 : f32
    %a3 = arith.subf %r4, %r3 : f32
    %a4 = arith.addf %a2, %a3 : f32
    %b1 = arith.mulf %pcf, %c2 : f32
    %b2 = arith.mulf %lzf, %c3 : f32
    %b3 = arith.mulf %tzf, %c3 : f32
    %b4 = arith.mulf %abf, %c2 : f32
    %e1 = arith.addf %a4, %b1 : f32
    %e2 = arith.addf %e1, %b2 : f32
    %e3 = arith.addf %e2, %b3 : f32
    %e4 = arith.addf %e3, %b4 : f32
    %r = arith.addf %s, %e4 : f32
    attn.yield %r : f32
  } : tensor<1x1x19x8xf32>, tensor<1x1x23x8xf32>, tensor<1x1x23x8xf32> -> tensor<1x1x19x8xf32>
  return %o : tensor<1x1x19x8xf32>
}

// A bias made [1, 1, L, L] from a [L, L] tensor and a [1, 1, L*L] one (the
// forms raised programs have), and a bias of open length through a dynamic
// expand_shape.
// RUN: attn-run %s --function=reshaped_bias --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=reshaped_bias --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @reshaped_bias(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>, %b: tensor<16x16xf32>, %flat: tensor<1x1x256xf32>) -> tensor<1x2x16x8xf32> {
  %e = tensor.expand_shape %b [[0, 1, 2], [3]] output_shape [1, 1, 16, 16] : tensor<16x16xf32> into tensor<1x1x16x16xf32>
  %c = tensor.collapse_shape %flat [[0, 1, 2]] : tensor<1x1x256xf32> into tensor<256xf32>
  %f = tensor.expand_shape %c [[0, 1, 2, 3]] output_shape [1, 1, 16, 16] : tensor<256xf32> into tensor<1x1x16x16xf32>
  %s = arith.addf %e, %f : tensor<1x1x16x16xf32>
  %o = attn.attention %q, %k, %v bias(%s) score [#attn.bias] : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x1x16x16xf32> -> tensor<1x2x16x8xf32>
  return %o : tensor<1x2x16x8xf32>
}

// RUN: %python %S/../../Tools/make_npy.py %t/b.npy '<f4' 21x21
// RUN: attn-run %s --function=open_bias --shape q=1x1x21x8 --shape k=1x1x21x8 --shape v=1x1x21x8 --input b=%t/b.npy --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=open_bias --shape q=1x1x21x8 --shape k=1x1x21x8 --shape v=1x1x21x8 --input b=%t/b.npy --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @open_bias(%q: tensor<1x1x?x8xf32>, %k: tensor<1x1x?x8xf32>, %v: tensor<1x1x?x8xf32>, %b: tensor<?x?xf32>) -> tensor<1x1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %l = tensor.dim %b, %c0 : tensor<?x?xf32>
  %m = tensor.dim %b, %c1 : tensor<?x?xf32>
  %e = tensor.expand_shape %b [[0, 1, 2], [3]] output_shape [1, 1, %l, %m] : tensor<?x?xf32> into tensor<1x1x?x?xf32>
  %o = attn.attention %q, %k, %v bias(%e) mask [#attn.causal] score [#attn.bias] : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x?xf32> -> tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}

// isnan, isinf and isfinite where a region makes NaN and infinities (0/0
// and 1/0 on the diagonal), each moving the scores. (Upstream's
// math-to-LLVM has no isinf: attn-expand-math writes it as |x| == inf.)
// RUN: attn-run %s --function=classification --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=classification --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @classification(%q: tensor<1x1x13x8xf32>, %k: tensor<1x1x13x8xf32>, %v: tensor<1x1x13x8xf32>) -> tensor<1x1x13x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %i, %j : index
    %di = arith.index_cast %d : index to i32
    %df = arith.sitofp %di : i32 to f32
    %zero = arith.constant 0.0 : f32
    %one = arith.constant 1.0 : f32
    %nan = arith.divf %zero, %df : f32
    %inf = arith.divf %one, %df : f32
    %isn = math.isnan %nan : f32
    %isi = math.isinf %inf : f32
    %isf = math.isfinite %inf : f32
    %w1 = arith.constant 0.7 : f32
    %w2 = arith.constant 0.4 : f32
    %w3 = arith.constant 0.2 : f32
    %a1 = arith.select %isn, %w1, %zero : f32
    %a2 = arith.select %isi, %w2, %zero : f32
    %a3 = arith.select %isf, %w3, %zero : f32
    %t1 = arith.addf %s, %a1 : f32
    %t2 = arith.addf %t1, %a2 : f32
    %t3 = arith.addf %t2, %a3 : f32
    attn.yield %t3 : f32
  } : tensor<1x1x13x8xf32>, tensor<1x1x13x8xf32>, tensor<1x1x13x8xf32> -> tensor<1x1x13x8xf32>
  return %o : tensor<1x1x13x8xf32>
}

// expm1 and log1p near 0, where exp(x) - 1 and log(1 + x) (upstream's
// lowering) lose every digit: inputs scaled to about 1e-7.
// RUN: attn-run %s --function=near_zero --check --seed=%seed | FileCheck %s --check-prefix=PASS
func.func @near_zero(%a: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %tiny = arith.constant dense<1.0e-7> : tensor<64xf32>
  %x = arith.mulf %a, %tiny : tensor<64xf32>
  %e = math.expm1 %x : tensor<64xf32>
  %l = math.log1p %x : tensor<64xf32>
  return %e, %l : tensor<64xf32>, tensor<64xf32>
}

// The same in bf16 and f16, where Kahan's forms in the narrow type round
// several times (expm1 of bf16 was off by twice the bound): they are
// computed in f32 and rounded once. Inputs of about 0.01 to 3.
// RUN: attn-run %s --function=narrow_expm1_log1p --check --seed=%seed | FileCheck %s --check-prefix=PASS
func.func @narrow_expm1_log1p(%a: tensor<64xf32>) -> (tensor<64xbf16>, tensor<64xbf16>, tensor<64xf16>, tensor<64xf16>) {
  %x = math.absf %a : tensor<64xf32>
  %b = arith.truncf %x : tensor<64xf32> to tensor<64xbf16>
  %h = arith.truncf %x : tensor<64xf32> to tensor<64xf16>
  %eb = math.expm1 %b : tensor<64xbf16>
  %lb = math.log1p %b : tensor<64xbf16>
  %eh = math.expm1 %h : tensor<64xf16>
  %lh = math.log1p %h : tensor<64xf16>
  return %eb, %lb, %eh, %lh : tensor<64xbf16>, tensor<64xbf16>, tensor<64xf16>, tensor<64xf16>
}

// fpowi with an i64 exponent past 2^32 (LLVM's powi kept its low half:
// 0.999^(j - i) instead of 0) and an i16 one (which LLVM's powi does not
// compile on x86).
// RUN: attn-run %s --function=integer_powers --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=integer_powers --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @integer_powers(%q: tensor<1x1x17x8xf32>, %k: tensor<1x1x17x8xf32>, %v: tensor<1x1x17x8xf32>) -> tensor<1x1x17x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %d64 = arith.index_cast %d : index to i64
    %big = arith.constant 4294967296 : i64
    %n = arith.addi %d64, %big : i64
    %base = arith.constant 0.999 : f32
    %p = math.fpowi %base, %n : f32, i64
    %n16 = arith.trunci %d64 : i64 to i16
    %base2 = arith.constant -1.1 : f32
    %p2 = math.fpowi %base2, %n16 : f32, i16
    %w = arith.constant 0.1 : f32
    %p2w = arith.mulf %p2, %w : f32
    %t1 = arith.addf %s, %p : f32
    %t2 = arith.addf %t1, %p2w : f32
    attn.yield %t2 : f32
  } : tensor<1x1x17x8xf32>, tensor<1x1x17x8xf32>, tensor<1x1x17x8xf32> -> tensor<1x1x17x8xf32>
  return %o : tensor<1x1x17x8xf32>
}

// maximumf and minimumf order -0 below +0 (std::max took the first of two
// zeros), and f32 arithmetic overflows to infinity in the reference too
// (exp(100) is inf in f32, not 2.7e43).
// RUN: attn-run %s --function=zeros_and_overflow --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=zeros_and_overflow --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @zeros_and_overflow(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %z = arith.constant 0.0 : f32
    %nz = arith.constant -0.0 : f32
    %x = arith.mulf %s, %z : f32
    %m = arith.maximumf %nz, %x : f32
    %n = arith.minimumf %x, %nz : f32
    %one = arith.constant 1.0 : f32
    %c1 = math.copysign %one, %m : f32
    %c2 = math.copysign %one, %n : f32
    %t = arith.subf %c1, %c2 : f32
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %j, %c0 : index
    %hundred = arith.constant 100.0 : f32
    %y = arith.select %first, %hundred, %s : f32
    %e = math.exp %y : f32
    %finite = math.isfinite %e : f32
    %half = arith.constant 0.5 : f32
    %u = arith.select %finite, %z, %half : f32
    %t2 = arith.addf %t, %u : f32
    %out = arith.addf %s, %t2 : f32
    attn.yield %out : f32
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// math.ipowi (run-time exponents from -3 to 3 on bases from -2 to 2, so 0,
// 1 and -1 under negative powers; i64 powers of 2 past 2^63, which wrap; a
// constant power of an index), math.clampf (in order and with crossed
// bounds, which give the lower one; weighted apart, since the swapped
// semantics of MLIR 22's expansion would trade the two), math.isnormal on f32 subnormals (in the
// double the reference holds they are normal) and math.sincos.
// RUN: attn-run %s --function=powers_clamps_classes --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=powers_clamps_classes --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @powers_clamps_classes(%q: tensor<1x2x19x16xf32>, %k: tensor<1x2x37x16xf32>, %v: tensor<1x2x37x16xf32>) -> tensor<1x2x19x16xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %ii = arith.index_cast %i : index to i32
    %ji = arith.index_cast %j : index to i32
    %c2 = arith.constant 2 : i32
    %c3 = arith.constant 3 : i32
    %c5 = arith.constant 5 : i32
    %c7 = arith.constant 7 : i32
    %er = arith.remui %ii, %c7 : i32
    %e = arith.subi %er, %c3 : i32
    %br = arith.remui %ji, %c5 : i32
    %base = arith.subi %br, %c2 : i32
    %p = math.ipowi %base, %e : i32
    %pf = arith.sitofp %p : i32 to f32
    %tenth = arith.constant 0.1 : f32
    %t1 = arith.mulf %pf, %tenth : f32
    %j64 = arith.index_cast %j : index to i64
    %c70 = arith.constant 70 : i64
    %e64 = arith.addi %j64, %c70 : i64
    %two = arith.constant -2 : i64
    %p64 = math.ipowi %two, %e64 : i64
    %p64f = arith.sitofp %p64 : i64 to f32
    %tiny = arith.constant 1.0e-19 : f32
    %t2 = arith.mulf %p64f, %tiny : f32
    %ci3 = arith.constant 3 : index
    %cube = math.ipowi %j, %ci3 : index
    %cubei = arith.index_cast %cube : index to i32
    %cubef = arith.sitofp %cubei : i32 to f32
    %milli = arith.constant 1.0e-4 : f32
    %t3 = arith.mulf %cubef, %milli : f32
    %lo = arith.constant -0.5 : f32
    %hi = arith.constant 0.75 : f32
    %cl = math.clampf %s to [%lo, %hi] : f32
    %crossed = math.clampf %s to [%hi, %lo] : f32
    %sub = arith.constant 1.0e-38 : f32
    %small = arith.mulf %s, %sub : f32
    %normal = math.isnormal %small : f32
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %t4 = arith.select %normal, %one, %zero : f32
    %sn, %cs = math.sincos %s : f32
    %a1 = arith.addf %t1, %t2 : f32
    %a2 = arith.addf %a1, %t3 : f32
    %a3 = arith.addf %a2, %cl : f32
    %halfc = arith.constant 0.5 : f32
    %crossed2 = arith.mulf %crossed, %halfc : f32
    %a4 = arith.addf %a3, %crossed2 : f32
    %a5 = arith.addf %a4, %t4 : f32
    %a6 = arith.addf %a5, %sn : f32
    %a7 = arith.addf %a6, %cs : f32
    attn.yield %a7 : f32
  } : tensor<1x2x19x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x37x16xf32> -> tensor<1x2x19x16xf32>
  return %o : tensor<1x2x19x16xf32>
}

// arith.truncf in each rounding mode, to bf16 and f16, of values exact in
// f32 (the reference holds a region's f32 values in double precision;
// n * 95/256 is exact in both) that bf16 and f16 round (exact ties among
// them). Each mode's error weighs differently, so a mode taken for another
// changes the scores. (LLVM's constrained fptrunc, the lowering's form of
// a mode, only asserts the environment's: the CPU rounded to nearest, and
// bf16 called compiler-rt's __truncsfbf2, which nothing links.)
// RUN: attn-run %s --function=rounded_truncations --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=rounded_truncations --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @rounded_truncations(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x41x16xf32>, %v: tensor<1x1x41x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c7 = arith.constant 7 : index
    %c13 = arith.constant 13 : index
    %a = arith.muli %i, %c7 : index
    %bj = arith.muli %j, %c13 : index
    %n = arith.subi %a, %bj : index
    %ni = arith.index_cast %n : index to i32
    %nf = arith.sitofp %ni : i32 to f32
    %c = arith.constant 0.37109375 : f32
    %x = arith.mulf %nf, %c : f32
    %t1 = arith.truncf %x downward : f32 to bf16
    %e1 = arith.extf %t1 : bf16 to f32
    %d1 = arith.subf %e1, %x : f32
    %w1 = arith.constant 0.5 : f32
    %p1 = arith.mulf %d1, %w1 : f32
    %t2 = arith.truncf %x upward : f32 to bf16
    %e2 = arith.extf %t2 : bf16 to f32
    %d2 = arith.subf %e2, %x : f32
    %w2 = arith.constant 0.25 : f32
    %p2 = arith.mulf %d2, %w2 : f32
    %t3 = arith.truncf %x toward_zero : f32 to bf16
    %e3 = arith.extf %t3 : bf16 to f32
    %d3 = arith.subf %e3, %x : f32
    %w3 = arith.constant 0.125 : f32
    %p3 = arith.mulf %d3, %w3 : f32
    %t4 = arith.truncf %x to_nearest_away : f32 to bf16
    %e4 = arith.extf %t4 : bf16 to f32
    %d4 = arith.subf %e4, %x : f32
    %w4 = arith.constant 0.0625 : f32
    %p4 = arith.mulf %d4, %w4 : f32
    %t5 = arith.truncf %x downward : f32 to f16
    %e5 = arith.extf %t5 : f16 to f32
    %d5 = arith.subf %e5, %x : f32
    %w5 = arith.constant 8.0 : f32
    %p5 = arith.mulf %d5, %w5 : f32
    %t6 = arith.truncf %x upward : f32 to f16
    %e6 = arith.extf %t6 : f16 to f32
    %d6 = arith.subf %e6, %x : f32
    %w6 = arith.constant 4.0 : f32
    %p6 = arith.mulf %d6, %w6 : f32
    %t7 = arith.truncf %x toward_zero : f32 to f16
    %e7 = arith.extf %t7 : f16 to f32
    %d7 = arith.subf %e7, %x : f32
    %w7 = arith.constant 2.0 : f32
    %p7 = arith.mulf %d7, %w7 : f32
    %t8 = arith.truncf %x to_nearest_away : f32 to f16
    %e8 = arith.extf %t8 : f16 to f32
    %d8 = arith.subf %e8, %x : f32
    %w8 = arith.constant 1.0 : f32
    %p8 = arith.mulf %d8, %w8 : f32
    %a0 = arith.addf %s, %p1 : f32
    %a1 = arith.addf %a0, %p2 : f32
    %a2 = arith.addf %a1, %p3 : f32
    %a3 = arith.addf %a2, %p4 : f32
    %a4 = arith.addf %a3, %p5 : f32
    %a5 = arith.addf %a4, %p6 : f32
    %a6 = arith.addf %a5, %p7 : f32
    %a7 = arith.addf %a6, %p8 : f32
    attn.yield %a7 : f32
  } : tensor<1x1x37x16xf32>, tensor<1x1x41x16xf32>, tensor<1x1x41x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// arith.bitcast both ways: a score's exponent field read as an integer, a
// power of two built from its bits, and bf16's bits.
// RUN: attn-run %s --function=bitcasts --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=bitcasts --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @bitcasts(%q: tensor<1x2x21x16xf32>, %k: tensor<1x2x29x16xf32>, %v: tensor<1x2x29x16xf32>) -> tensor<1x2x21x16xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %one = arith.constant 1.0 : f32
    %sq = arith.mulf %s, %s : f32
    %pos = arith.addf %sq, %one : f32
    %bits = arith.bitcast %pos : f32 to i32
    %c23 = arith.constant 23 : i32
    %c127 = arith.constant 127 : i32
    %field = arith.shrui %bits, %c23 : i32
    %exp = arith.subi %field, %c127 : i32
    %expf = arith.sitofp %exp : i32 to f32
    %ji = arith.index_cast %j : index to i32
    %c7 = arith.constant 7 : i32
    %k7 = arith.remui %ji, %c7 : i32
    %biased = arith.subi %c127, %k7 : i32
    %pbits = arith.shli %biased, %c23 : i32
    %pow = arith.bitcast %pbits : i32 to f32
    %sb = arith.truncf %s : f32 to bf16
    %hb = arith.bitcast %sb : bf16 to i16
    %c1 = arith.constant 1 : i16
    %hb1 = arith.xori %hb, %c1 : i16
    %sb1 = arith.bitcast %hb1 : i16 to bf16
    %s1 = arith.extf %sb1 : bf16 to f32
    %t0 = arith.addf %s1, %pow : f32
    %quarter = arith.constant 0.25 : f32
    %t1 = arith.mulf %expf, %quarter : f32
    %t2 = arith.addf %t0, %t1 : f32
    attn.yield %t2 : f32
  } : tensor<1x2x21x16xf32>, tensor<1x2x29x16xf32>, tensor<1x2x29x16xf32> -> tensor<1x2x21x16xf32>
  return %o : tensor<1x2x21x16xf32>
}
