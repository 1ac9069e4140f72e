// arith.truncf in every rounding mode and without one, from f64 to bf16,
// f16 and f32 and from f32 to bf16 and f16, against the reference's single
// rounding (APFloat), bit for bit: ties of bf16 and f16, values next to
// them by less than an f32 ulp (to bf16 through f32, rounding twice moved
// them; the CPU had no f64 -> bf16 at all: compiler-rt's __truncdfbf2),
// subnormals, +-0, the largest finite values and past them (in the
// directed modes overflow stops at the largest finite value). Infinite
// results read as +-7, since --check fails any inf.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %attn_venv_python %S/Inputs/truncation_values.py %t/x64.npy %t/x32.npy
// RUN: attn-run %s --function=from_f64 --input x=%t/x64.npy --check | FileCheck %s
// RUN: attn-run %s --function=from_f32 --input x=%t/x32.npy --check | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: max_error=0.000e+00 check=PASS

func.func @from_f64(%x: tensor<1024xf64>) -> (tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>) {
  %seven = arith.constant dense<7.0> : tensor<1024xf64>
  %t1 = arith.truncf %x : tensor<1024xf64> to tensor<1024xbf16>
  %e1 = arith.extf %t1 : tensor<1024xbf16> to tensor<1024xf64>
  %i1 = math.isinf %e1 : tensor<1024xf64>
  %s1 = math.copysign %seven, %e1 : tensor<1024xf64>
  %r1 = arith.select %i1, %s1, %e1 : tensor<1024xi1>, tensor<1024xf64>
  %t2 = arith.truncf %x to_nearest_even : tensor<1024xf64> to tensor<1024xbf16>
  %e2 = arith.extf %t2 : tensor<1024xbf16> to tensor<1024xf64>
  %i2 = math.isinf %e2 : tensor<1024xf64>
  %s2 = math.copysign %seven, %e2 : tensor<1024xf64>
  %r2 = arith.select %i2, %s2, %e2 : tensor<1024xi1>, tensor<1024xf64>
  %t3 = arith.truncf %x to_nearest_away : tensor<1024xf64> to tensor<1024xbf16>
  %e3 = arith.extf %t3 : tensor<1024xbf16> to tensor<1024xf64>
  %i3 = math.isinf %e3 : tensor<1024xf64>
  %s3 = math.copysign %seven, %e3 : tensor<1024xf64>
  %r3 = arith.select %i3, %s3, %e3 : tensor<1024xi1>, tensor<1024xf64>
  %t4 = arith.truncf %x upward : tensor<1024xf64> to tensor<1024xbf16>
  %e4 = arith.extf %t4 : tensor<1024xbf16> to tensor<1024xf64>
  %i4 = math.isinf %e4 : tensor<1024xf64>
  %s4 = math.copysign %seven, %e4 : tensor<1024xf64>
  %r4 = arith.select %i4, %s4, %e4 : tensor<1024xi1>, tensor<1024xf64>
  %t5 = arith.truncf %x downward : tensor<1024xf64> to tensor<1024xbf16>
  %e5 = arith.extf %t5 : tensor<1024xbf16> to tensor<1024xf64>
  %i5 = math.isinf %e5 : tensor<1024xf64>
  %s5 = math.copysign %seven, %e5 : tensor<1024xf64>
  %r5 = arith.select %i5, %s5, %e5 : tensor<1024xi1>, tensor<1024xf64>
  %t6 = arith.truncf %x toward_zero : tensor<1024xf64> to tensor<1024xbf16>
  %e6 = arith.extf %t6 : tensor<1024xbf16> to tensor<1024xf64>
  %i6 = math.isinf %e6 : tensor<1024xf64>
  %s6 = math.copysign %seven, %e6 : tensor<1024xf64>
  %r6 = arith.select %i6, %s6, %e6 : tensor<1024xi1>, tensor<1024xf64>
  %t7 = arith.truncf %x : tensor<1024xf64> to tensor<1024xf16>
  %e7 = arith.extf %t7 : tensor<1024xf16> to tensor<1024xf64>
  %i7 = math.isinf %e7 : tensor<1024xf64>
  %s7 = math.copysign %seven, %e7 : tensor<1024xf64>
  %r7 = arith.select %i7, %s7, %e7 : tensor<1024xi1>, tensor<1024xf64>
  %t8 = arith.truncf %x to_nearest_even : tensor<1024xf64> to tensor<1024xf16>
  %e8 = arith.extf %t8 : tensor<1024xf16> to tensor<1024xf64>
  %i8 = math.isinf %e8 : tensor<1024xf64>
  %s8 = math.copysign %seven, %e8 : tensor<1024xf64>
  %r8 = arith.select %i8, %s8, %e8 : tensor<1024xi1>, tensor<1024xf64>
  %t9 = arith.truncf %x to_nearest_away : tensor<1024xf64> to tensor<1024xf16>
  %e9 = arith.extf %t9 : tensor<1024xf16> to tensor<1024xf64>
  %i9 = math.isinf %e9 : tensor<1024xf64>
  %s9 = math.copysign %seven, %e9 : tensor<1024xf64>
  %r9 = arith.select %i9, %s9, %e9 : tensor<1024xi1>, tensor<1024xf64>
  %t10 = arith.truncf %x upward : tensor<1024xf64> to tensor<1024xf16>
  %e10 = arith.extf %t10 : tensor<1024xf16> to tensor<1024xf64>
  %i10 = math.isinf %e10 : tensor<1024xf64>
  %s10 = math.copysign %seven, %e10 : tensor<1024xf64>
  %r10 = arith.select %i10, %s10, %e10 : tensor<1024xi1>, tensor<1024xf64>
  %t11 = arith.truncf %x downward : tensor<1024xf64> to tensor<1024xf16>
  %e11 = arith.extf %t11 : tensor<1024xf16> to tensor<1024xf64>
  %i11 = math.isinf %e11 : tensor<1024xf64>
  %s11 = math.copysign %seven, %e11 : tensor<1024xf64>
  %r11 = arith.select %i11, %s11, %e11 : tensor<1024xi1>, tensor<1024xf64>
  %t12 = arith.truncf %x toward_zero : tensor<1024xf64> to tensor<1024xf16>
  %e12 = arith.extf %t12 : tensor<1024xf16> to tensor<1024xf64>
  %i12 = math.isinf %e12 : tensor<1024xf64>
  %s12 = math.copysign %seven, %e12 : tensor<1024xf64>
  %r12 = arith.select %i12, %s12, %e12 : tensor<1024xi1>, tensor<1024xf64>
  %t13 = arith.truncf %x : tensor<1024xf64> to tensor<1024xf32>
  %e13 = arith.extf %t13 : tensor<1024xf32> to tensor<1024xf64>
  %i13 = math.isinf %e13 : tensor<1024xf64>
  %s13 = math.copysign %seven, %e13 : tensor<1024xf64>
  %r13 = arith.select %i13, %s13, %e13 : tensor<1024xi1>, tensor<1024xf64>
  %t14 = arith.truncf %x to_nearest_even : tensor<1024xf64> to tensor<1024xf32>
  %e14 = arith.extf %t14 : tensor<1024xf32> to tensor<1024xf64>
  %i14 = math.isinf %e14 : tensor<1024xf64>
  %s14 = math.copysign %seven, %e14 : tensor<1024xf64>
  %r14 = arith.select %i14, %s14, %e14 : tensor<1024xi1>, tensor<1024xf64>
  %t15 = arith.truncf %x to_nearest_away : tensor<1024xf64> to tensor<1024xf32>
  %e15 = arith.extf %t15 : tensor<1024xf32> to tensor<1024xf64>
  %i15 = math.isinf %e15 : tensor<1024xf64>
  %s15 = math.copysign %seven, %e15 : tensor<1024xf64>
  %r15 = arith.select %i15, %s15, %e15 : tensor<1024xi1>, tensor<1024xf64>
  %t16 = arith.truncf %x upward : tensor<1024xf64> to tensor<1024xf32>
  %e16 = arith.extf %t16 : tensor<1024xf32> to tensor<1024xf64>
  %i16 = math.isinf %e16 : tensor<1024xf64>
  %s16 = math.copysign %seven, %e16 : tensor<1024xf64>
  %r16 = arith.select %i16, %s16, %e16 : tensor<1024xi1>, tensor<1024xf64>
  %t17 = arith.truncf %x downward : tensor<1024xf64> to tensor<1024xf32>
  %e17 = arith.extf %t17 : tensor<1024xf32> to tensor<1024xf64>
  %i17 = math.isinf %e17 : tensor<1024xf64>
  %s17 = math.copysign %seven, %e17 : tensor<1024xf64>
  %r17 = arith.select %i17, %s17, %e17 : tensor<1024xi1>, tensor<1024xf64>
  %t18 = arith.truncf %x toward_zero : tensor<1024xf64> to tensor<1024xf32>
  %e18 = arith.extf %t18 : tensor<1024xf32> to tensor<1024xf64>
  %i18 = math.isinf %e18 : tensor<1024xf64>
  %s18 = math.copysign %seven, %e18 : tensor<1024xf64>
  %r18 = arith.select %i18, %s18, %e18 : tensor<1024xi1>, tensor<1024xf64>
  return %r1, %r2, %r3, %r4, %r5, %r6, %r7, %r8, %r9, %r10, %r11, %r12, %r13, %r14, %r15, %r16, %r17, %r18 : tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>
}

func.func @from_f32(%x: tensor<1024xf32>) -> (tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>) {
  %seven = arith.constant dense<7.0> : tensor<1024xf64>
  %t1 = arith.truncf %x : tensor<1024xf32> to tensor<1024xbf16>
  %e1 = arith.extf %t1 : tensor<1024xbf16> to tensor<1024xf64>
  %i1 = math.isinf %e1 : tensor<1024xf64>
  %s1 = math.copysign %seven, %e1 : tensor<1024xf64>
  %r1 = arith.select %i1, %s1, %e1 : tensor<1024xi1>, tensor<1024xf64>
  %t2 = arith.truncf %x to_nearest_even : tensor<1024xf32> to tensor<1024xbf16>
  %e2 = arith.extf %t2 : tensor<1024xbf16> to tensor<1024xf64>
  %i2 = math.isinf %e2 : tensor<1024xf64>
  %s2 = math.copysign %seven, %e2 : tensor<1024xf64>
  %r2 = arith.select %i2, %s2, %e2 : tensor<1024xi1>, tensor<1024xf64>
  %t3 = arith.truncf %x to_nearest_away : tensor<1024xf32> to tensor<1024xbf16>
  %e3 = arith.extf %t3 : tensor<1024xbf16> to tensor<1024xf64>
  %i3 = math.isinf %e3 : tensor<1024xf64>
  %s3 = math.copysign %seven, %e3 : tensor<1024xf64>
  %r3 = arith.select %i3, %s3, %e3 : tensor<1024xi1>, tensor<1024xf64>
  %t4 = arith.truncf %x upward : tensor<1024xf32> to tensor<1024xbf16>
  %e4 = arith.extf %t4 : tensor<1024xbf16> to tensor<1024xf64>
  %i4 = math.isinf %e4 : tensor<1024xf64>
  %s4 = math.copysign %seven, %e4 : tensor<1024xf64>
  %r4 = arith.select %i4, %s4, %e4 : tensor<1024xi1>, tensor<1024xf64>
  %t5 = arith.truncf %x downward : tensor<1024xf32> to tensor<1024xbf16>
  %e5 = arith.extf %t5 : tensor<1024xbf16> to tensor<1024xf64>
  %i5 = math.isinf %e5 : tensor<1024xf64>
  %s5 = math.copysign %seven, %e5 : tensor<1024xf64>
  %r5 = arith.select %i5, %s5, %e5 : tensor<1024xi1>, tensor<1024xf64>
  %t6 = arith.truncf %x toward_zero : tensor<1024xf32> to tensor<1024xbf16>
  %e6 = arith.extf %t6 : tensor<1024xbf16> to tensor<1024xf64>
  %i6 = math.isinf %e6 : tensor<1024xf64>
  %s6 = math.copysign %seven, %e6 : tensor<1024xf64>
  %r6 = arith.select %i6, %s6, %e6 : tensor<1024xi1>, tensor<1024xf64>
  %t7 = arith.truncf %x : tensor<1024xf32> to tensor<1024xf16>
  %e7 = arith.extf %t7 : tensor<1024xf16> to tensor<1024xf64>
  %i7 = math.isinf %e7 : tensor<1024xf64>
  %s7 = math.copysign %seven, %e7 : tensor<1024xf64>
  %r7 = arith.select %i7, %s7, %e7 : tensor<1024xi1>, tensor<1024xf64>
  %t8 = arith.truncf %x to_nearest_even : tensor<1024xf32> to tensor<1024xf16>
  %e8 = arith.extf %t8 : tensor<1024xf16> to tensor<1024xf64>
  %i8 = math.isinf %e8 : tensor<1024xf64>
  %s8 = math.copysign %seven, %e8 : tensor<1024xf64>
  %r8 = arith.select %i8, %s8, %e8 : tensor<1024xi1>, tensor<1024xf64>
  %t9 = arith.truncf %x to_nearest_away : tensor<1024xf32> to tensor<1024xf16>
  %e9 = arith.extf %t9 : tensor<1024xf16> to tensor<1024xf64>
  %i9 = math.isinf %e9 : tensor<1024xf64>
  %s9 = math.copysign %seven, %e9 : tensor<1024xf64>
  %r9 = arith.select %i9, %s9, %e9 : tensor<1024xi1>, tensor<1024xf64>
  %t10 = arith.truncf %x upward : tensor<1024xf32> to tensor<1024xf16>
  %e10 = arith.extf %t10 : tensor<1024xf16> to tensor<1024xf64>
  %i10 = math.isinf %e10 : tensor<1024xf64>
  %s10 = math.copysign %seven, %e10 : tensor<1024xf64>
  %r10 = arith.select %i10, %s10, %e10 : tensor<1024xi1>, tensor<1024xf64>
  %t11 = arith.truncf %x downward : tensor<1024xf32> to tensor<1024xf16>
  %e11 = arith.extf %t11 : tensor<1024xf16> to tensor<1024xf64>
  %i11 = math.isinf %e11 : tensor<1024xf64>
  %s11 = math.copysign %seven, %e11 : tensor<1024xf64>
  %r11 = arith.select %i11, %s11, %e11 : tensor<1024xi1>, tensor<1024xf64>
  %t12 = arith.truncf %x toward_zero : tensor<1024xf32> to tensor<1024xf16>
  %e12 = arith.extf %t12 : tensor<1024xf16> to tensor<1024xf64>
  %i12 = math.isinf %e12 : tensor<1024xf64>
  %s12 = math.copysign %seven, %e12 : tensor<1024xf64>
  %r12 = arith.select %i12, %s12, %e12 : tensor<1024xi1>, tensor<1024xf64>
  return %r1, %r2, %r3, %r4, %r5, %r6, %r7, %r8, %r9, %r10, %r11, %r12 : tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>, tensor<1024xf64>
}
