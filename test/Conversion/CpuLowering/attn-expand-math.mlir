// RUN: attn-opt %s --attn-expand-math --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-expand-math=libdevice-remainders --split-input-file | FileCheck %s --check-prefix=LIBDEVICE

// expm1 as Kahan's (u - 1) x / log u with u = exp x; x itself where u is 1.
// CHECK-LABEL: func.func @expm1
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK: %[[U:.*]] = math.exp %[[X]] : f32
// CHECK: %[[UM1:.*]] = arith.subf %[[U]], %{{.*}} : f32
// CHECK: %[[NUM:.*]] = arith.mulf %[[UM1]], %[[X]] : f32
// CHECK: %[[LOG:.*]] = math.log %[[U]] : f32
// CHECK: %[[GEN:.*]] = arith.divf %[[NUM]], %[[LOG]] : f32
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[ISINF:.*]] = arith.cmpf oeq, %[[U]], %[[INF]] : f32
// CHECK: %[[R1:.*]] = arith.select %[[ISINF]], %[[U]], %[[GEN]] : f32
// CHECK: %[[MINUS_ONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK: %[[ISM1:.*]] = arith.cmpf oeq, %[[UM1]], %[[MINUS_ONE]] : f32
// CHECK: %[[R2:.*]] = arith.select %[[ISM1]], %[[UM1]], %[[R1]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[ISONE:.*]] = arith.cmpf oeq, %[[U]], %[[ONE]] : f32
// CHECK: %[[R:.*]] = arith.select %[[ISONE]], %[[X]], %[[R2]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: math.expm1
func.func @expm1(%x: f32) -> f32 {
  %r = math.expm1 %x : f32
  return %r : f32
}

// -----

// log1p as Kahan's log(u) x / (u - 1) with u = 1 + x, on vectors.
// CHECK-LABEL: func.func @log1p
// CHECK: %[[U:.*]] = arith.addf %{{.*}}, %[[X:.*]] : vector<8xf32>
// CHECK: %[[LOG:.*]] = math.log %[[U]] : vector<8xf32>
// CHECK: arith.mulf %[[LOG]], %[[X]] : vector<8xf32>
// CHECK: arith.divf
// CHECK: arith.select {{.*}} : vector<8xi1>, vector<8xf32>
// CHECK-NOT: math.log1p
func.func @log1p(%x: vector<8xf32>) -> vector<8xf32> {
  %r = math.log1p %x : vector<8xf32>
  return %r : vector<8xf32>
}

// -----

// isinf as |x| == inf.
// CHECK-LABEL: func.func @isinf
// CHECK: %[[A:.*]] = math.absf %arg0 : f64
// CHECK: %[[INF:.*]] = arith.constant 0x7FF0000000000000 : f64
// CHECK: arith.cmpf oeq, %[[A]], %[[INF]] : f64
func.func @isinf(%x: f64) -> i1 {
  %r = math.isinf %x : f64
  return %r : i1
}

// -----

// fpowi: a run-time or large exponent as pow(|x|, n) with x's sign where n
// is odd; a small constant one stays fpowi, on an i32.
// CHECK-LABEL: func.func @fpowi
// CHECK-SAME: (%[[X:.*]]: f32, %[[N:.*]]: i64)
// CHECK: %[[A:.*]] = math.absf %[[X]] : f32
// CHECK: %[[E:.*]] = arith.sitofp %[[N]] : i64 to f32
// CHECK: %[[P:.*]] = math.powf %[[A]], %[[E]] : f32
// CHECK: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: %[[LOW:.*]] = arith.andi %[[N]], %[[ONE]] : i64
// CHECK: %[[ODD:.*]] = arith.trunci %[[LOW]] : i64 to i1
// CHECK: %[[S:.*]] = math.copysign %[[P]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[ODD]], %[[S]], %[[P]] : f32
// CHECK: %[[THREE:.*]] = arith.constant 3 : i32
// CHECK: %[[CUBE:.*]] = math.fpowi %[[X]], %[[THREE]] : f32, i32
// CHECK: %[[BIG:.*]] = math.powf
// CHECK: %[[SQUARE:.*]] = math.fpowi %[[X]], %{{.*}} : f32, i32
// CHECK: return %[[R]], %[[CUBE]], %{{.*}}, %[[SQUARE]]
func.func @fpowi(%x: f32, %n: i64) -> (f32, f32, f32, f32) {
  %r = math.fpowi %x, %n : f32, i64
  %c3 = arith.constant 3 : i16
  %cube = math.fpowi %x, %c3 : f32, i16
  %c1m = arith.constant 1048576 : i32
  %big = math.fpowi %x, %c1m : f32, i32
  %c2 = arith.constant 2 : i32
  %square = math.fpowi %x, %c2 : f32, i32
  return %r, %cube, %big, %square : f32, f32, f32, f32
}

// -----

// Narrower than f32: computed in f32 and rounded once (each of Kahan's
// steps in bf16 would round).
// CHECK-LABEL: func.func @narrow
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : bf16 to f32
// CHECK: math.exp %[[W]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[V:.*]] = arith.extf %{{.*}} : vector<4xf16> to vector<4xf32>
// CHECK: math.log %{{.*}} : vector<4xf32>
// CHECK: arith.truncf %{{.*}} : vector<4xf32> to vector<4xf16>
// CHECK-NOT: math.expm1
// CHECK-NOT: math.log1p
func.func @narrow(%x: bf16, %y: vector<4xf16>) -> (bf16, vector<4xf16>) {
  %a = math.expm1 %x : bf16
  %b = math.log1p %y : vector<4xf16>
  return %a, %b : bf16, vector<4xf16>
}

// -----

// clampf as maximumf(minimumf(x, hi), lo), llvm-project#175012's fix (MLIR
// 22's own expansion takes the bounds the other way round), fastmath kept.
// CHECK-LABEL: func.func @clampf
// CHECK-SAME: (%[[X:.*]]: vector<4xbf16>, %[[LO:.*]]: vector<4xbf16>, %[[HI:.*]]: vector<4xbf16>)
// CHECK: %[[BELOW:.*]] = arith.minimumf %[[X]], %[[HI]] fastmath<nnan> : vector<4xbf16>
// CHECK: %[[R:.*]] = arith.maximumf %[[BELOW]], %[[LO]] fastmath<nnan> : vector<4xbf16>
// CHECK: return %[[R]]
func.func @clampf(%x: vector<4xbf16>, %lo: vector<4xbf16>, %hi: vector<4xbf16>) -> vector<4xbf16> {
  %r = math.clampf %x to [%lo, %hi] fastmath<nnan> : vector<4xbf16>
  return %r : vector<4xbf16>
}

// -----

// isnormal as smallest normal <= |x| <= largest finite in x's own type.
// CHECK-LABEL: func.func @isnormal
// CHECK: %[[A:.*]] = math.absf %arg0 : f16
// CHECK: %[[MIN:.*]] = arith.constant 6.103520e-05 : f16
// CHECK: %[[ABOVE:.*]] = arith.cmpf oge, %[[A]], %[[MIN]] : f16
// CHECK: %[[MAX:.*]] = arith.constant 6.550400e+04 : f16
// CHECK: %[[FINITE:.*]] = arith.cmpf ole, %[[A]], %[[MAX]] : f16
// CHECK: %[[R:.*]] = arith.andi %[[ABOVE]], %[[FINITE]] : i1
// CHECK: return %[[R]]
// CHECK-NOT: math.isnormal
func.func @isnormal(%x: f16) -> i1 {
  %r = math.isnormal %x : f16
  return %r : i1
}

// -----

// ipowi by a constant: only the squares and products its bits need
// (13 = 0b1101: b * b^4 * b^8); by 0: 1; by a negative constant: 1 for
// b = 1, -1 or 1 for b = -1 (n odd or even), else 0; on index through i64.
// CHECK-LABEL: func.func @ipowi_constant
// CHECK-SAME: (%[[B:.*]]: i32)
// CHECK: %[[B2:.*]] = arith.muli %[[B]], %[[B]] : i32
// CHECK: %[[B4:.*]] = arith.muli %[[B2]], %[[B2]] : i32
// CHECK: %[[B5:.*]] = arith.muli %[[B]], %[[B4]] : i32
// CHECK: %[[B8:.*]] = arith.muli %[[B4]], %[[B4]] : i32
// CHECK: %[[B13:.*]] = arith.muli %[[B5]], %[[B8]] : i32
// CHECK: return %[[B13]]
// CHECK-LABEL: func.func @ipowi_zero
// CHECK-NOT: arith.muli
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: return %[[ONE]]
// CHECK-LABEL: func.func @ipowi_negative
// CHECK-SAME: (%[[B:.*]]: vector<4xi16>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1> : vector<4xi16>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0> : vector<4xi16>
// CHECK: %[[ODD:.*]] = arith.cmpi ne
// CHECK: %[[MINUS:.*]] = arith.constant dense<-1> : vector<4xi16>
// CHECK: %[[OFMINUS:.*]] = arith.select %[[ODD]], %[[MINUS]], %[[ONE]]
// CHECK: %[[ISMINUS:.*]] = arith.cmpi eq, %[[B]], %[[MINUS]]
// CHECK: %[[P:.*]] = arith.select %[[ISMINUS]], %[[OFMINUS]], %[[ZERO]]
// CHECK: %[[ISONE:.*]] = arith.cmpi eq, %[[B]], %[[ONE]]
// CHECK: %[[R:.*]] = arith.select %[[ISONE]], %[[ONE]], %[[P]]
// CHECK: return %[[R]]
// CHECK-LABEL: func.func @ipowi_index
// CHECK: %[[W:.*]] = arith.index_cast %arg0 : index to i64
// CHECK: %[[SQ:.*]] = arith.muli %[[W]], %[[W]] : i64
// CHECK: %[[R:.*]] = arith.index_cast %[[SQ]] : i64 to index
// CHECK: return %[[R]]
// CHECK-NOT: math.ipowi
func.func @ipowi_constant(%b: i32) -> i32 {
  %c = arith.constant 13 : i32
  %r = math.ipowi %b, %c : i32
  return %r : i32
}
func.func @ipowi_zero(%b: i32) -> i32 {
  %c = arith.constant 0 : i32
  %r = math.ipowi %b, %c : i32
  return %r : i32
}
func.func @ipowi_negative(%b: vector<4xi16>) -> vector<4xi16> {
  %c = arith.constant dense<-3> : vector<4xi16>
  %r = math.ipowi %b, %c : vector<4xi16>
  return %r : vector<4xi16>
}
func.func @ipowi_index(%b: index) -> index {
  %c = arith.constant 2 : index
  %r = math.ipowi %b, %c : index
  return %r : index
}

// -----

// ipowi by a run-time exponent: over its bits but the sign, the square
// multiplied in where the bit is set (7 bits of an i8), then the negative
// powers where n < 0; on i1 the same form (no bits: n ? b : true).
// CHECK-LABEL: func.func @ipowi_dynamic
// CHECK-COUNT-7: arith.select %{{.*}}, %{{.*}}, %{{.*}} : i8
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %arg1, %{{.*}} : i8
// CHECK-COUNT-3: arith.select
// CHECK: %[[R:.*]] = arith.select %[[NEG]], %{{.*}}, %{{.*}} : i8
// CHECK: return %[[R]]
// CHECK-LABEL: func.func @ipowi_bool
// CHECK-NOT: arith.muli
// CHECK: arith.cmpi slt, %arg1, %{{.*}} : i1
// CHECK-NOT: math.ipowi
func.func @ipowi_dynamic(%b: i8, %n: i8) -> i8 {
  %r = math.ipowi %b, %n : i8
  return %r : i8
}
func.func @ipowi_bool(%b: i1, %n: i1) -> i1 {
  %r = math.ipowi %b, %n : i1
  return %r : i1
}

// -----

// With libdevice-remainders (the GPU kernels, where NVPTX has no frem):
// scalar remf calls libdevice's fmod, declared once; f16 through f32;
// vectors stay. Without it, remf stays (the CPU's frem is fmod).
// CHECK-LABEL: func.func @remainders
// CHECK-COUNT-4: arith.remf
// LIBDEVICE-DAG: func.func private @__nv_fmodf(f32, f32) -> f32
// LIBDEVICE-DAG: func.func private @__nv_fmod(f64, f64) -> f64
// LIBDEVICE-LABEL: func.func @remainders
// LIBDEVICE: call @__nv_fmodf(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// LIBDEVICE: %[[H:.*]] = call @__nv_fmodf(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
// LIBDEVICE: arith.truncf %[[H]] : f32 to f16
// LIBDEVICE: call @__nv_fmod(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// LIBDEVICE: arith.remf %{{.*}}, %{{.*}} : vector<4xf32>
func.func @remainders(%a: f32, %b: f16, %c: f64, %d: vector<4xf32>) -> (f32, f16, f64, vector<4xf32>) {
  %x = arith.remf %a, %a : f32
  %y = arith.remf %b, %b : f16
  %z = arith.remf %c, %c : f64
  %w = arith.remf %d, %d : vector<4xf32>
  return %x, %y, %z, %w : f32, f16, f64, vector<4xf32>
}

// -----

// truncf in a rounding mode: the default truncf, then one step of its bits
// where the mode rounds the other way (decided in the source type, where
// the rounded value is exact); to_nearest_even drops the mode.
// CHECK-LABEL: func.func @rounded_truncations
// CHECK-SAME: (%[[X:.*]]: f32, %[[V:.*]]: vector<8xf32>)
// CHECK: %[[R:.*]] = arith.truncf %[[X]] : f32 to bf16
// CHECK: %[[BITS:.*]] = arith.bitcast %[[R]] : bf16 to i16
// CHECK: %[[AWAY:.*]] = arith.addi %[[BITS]], %{{.*}} : i16
// CHECK: %[[TOWARD:.*]] = arith.subi %[[BITS]], %{{.*}} : i16
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[BITS]], %{{.*}} : i16
// CHECK: %[[EXACT:.*]] = arith.extf %[[R]] : bf16 to f32
// CHECK: %[[BELOW:.*]] = arith.cmpf olt, %[[EXACT]], %[[X]] : f32
// CHECK: %[[UP:.*]] = arith.select %[[NEG]], %[[TOWARD]], %[[AWAY]] : i16
// CHECK: %[[PICK:.*]] = arith.select %[[BELOW]], %[[UP]], %[[BITS]] : i16
// CHECK: arith.bitcast %[[PICK]] : i16 to bf16
// CHECK: arith.truncf %[[X]] : f32 to f16
// CHECK: arith.cmpf ogt, %{{.*}}, %[[X]] : f32
// CHECK: math.absf
// CHECK: arith.cmpf ogt
// CHECK: %[[VR:.*]] = arith.truncf %[[V]] : vector<8xf32> to vector<8xf16>
// CHECK: arith.cmpf oeq, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: arith.andi %{{.*}}, %{{.*}} : vector<8xi1>
// CHECK: %[[EVEN:.*]] = arith.truncf %[[X]] : f32 to f16
// CHECK: return {{.*}}, %[[EVEN]]
// CHECK-NOT: upward
// CHECK-NOT: to_nearest
func.func @rounded_truncations(%x: f32, %v: vector<8xf32>) -> (bf16, f16, f16, vector<8xf16>, f16) {
  %a = arith.truncf %x upward : f32 to bf16
  %b = arith.truncf %x downward : f32 to f16
  %c = arith.truncf %x toward_zero : f32 to f16
  %d = arith.truncf %v to_nearest_away : vector<8xf32> to vector<8xf16>
  %e = arith.truncf %x to_nearest_even : f32 to f16
  return %a, %b, %c, %d, %e : bf16, f16, f16, vector<8xf16>, f16
}

// -----

// ipowi past 64 bits: each bit's own mask (bit 64 is 2^64, not 1).
// CHECK-LABEL: func.func @ipowi_wide
// CHECK: arith.constant 9223372036854775808 : i128
// CHECK: arith.constant 18446744073709551616 : i128
func.func @ipowi_wide(%b: i128, %n: i128) -> i128 {
  %r = math.ipowi %b, %n : i128
  return %r : i128
}

// -----

// bf16 from f64: through f32 rounded to odd (toward zero, the last bit set
// where inexact), then one rounding to bf16 (two roundings to nearest
// through f32 moved values next to a tie; the CPU had no f64 -> bf16).
// CHECK-LABEL: func.func @bf16_from_f64
// CHECK-SAME: (%[[X:.*]]: f64)
// CHECK: %[[T:.*]] = arith.truncf %[[X]] : f64 to f32
// CHECK: arith.cmpf ogt
// CHECK: %[[TZ:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[BACK:.*]] = arith.extf %[[TZ]] : f32 to f64
// CHECK: %[[INEXACT:.*]] = arith.cmpf one, %[[BACK]], %[[X]] : f64
// CHECK: %[[BITS:.*]] = arith.bitcast %[[TZ]] : f32 to i32
// CHECK: %[[ODD:.*]] = arith.ori %[[BITS]], %{{.*}} : i32
// CHECK: %[[PICK:.*]] = arith.select %[[INEXACT]], %[[ODD]], %[[BITS]] : i32
// CHECK: %[[F32:.*]] = arith.bitcast %[[PICK]] : i32 to f32
// CHECK: %[[R:.*]] = arith.truncf %[[F32]] : f32 to bf16
// CHECK: return %[[R]]
func.func @bf16_from_f64(%x: f64) -> bf16 {
  %t = arith.truncf %x : f64 to bf16
  return %t : bf16
}
