// Integer arithmetic in hook regions as arith defines it (wrapping at the
// width, unsigned ops on unsigned values, i1 true as -1 when extended with
// sign), and two tile classifications, on both paths against the reference.
// Found by a differential fuzz: the reference evaluated integers as
// unbounded signed values, and the flash path misclassified the tiles.
// PASS-NOT: FAIL
// PASS: check=PASS

// A negative index constant (-1 read as 2^64 - 1 before).
// RUN: attn-run %s --function=negative_constant --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=negative_constant --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @negative_constant(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %c = arith.constant -1 : index
    %r = arith.cmpi eq, %d, %c : index
    attn.yield %r : i1
  } : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// A negative entry of an i32 table.
// RUN: attn-run %s --function=negative_dense_table --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=negative_dense_table --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @negative_dense_table(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %tab = arith.constant dense<[-1, 2]> : tensor<2xi32>
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c2 = arith.constant 2 : index
    %m = arith.remui %j, %c2 : index
    %t = tensor.extract %tab[%m] : tensor<2xi32>
    %z = arith.constant 0 : i32
    %one = arith.constant 1 : i32
    %u = arith.addi %t, %one : i32
    %r = arith.cmpi eq, %u, %z : i32
    attn.yield %r : i1
  } : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// Remui of a negative difference (its unsigned value).
// RUN: attn-run %s --function=unsigned_remainder --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=unsigned_remainder --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @unsigned_remainder(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %c3 = arith.constant 3 : index
    %m = arith.remui %d, %c3 : index
    %z = arith.constant 0 : index
    %r = arith.cmpi eq, %m, %z : index
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// Minui of a negative difference.
// RUN: attn-run %s --function=unsigned_minimum --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=unsigned_minimum --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @unsigned_minimum(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %z = arith.constant 2 : index
    %m = arith.minui %d, %z : index
    %r = arith.cmpi eq, %m, %z : index
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// Extsi of i1 true is -1.
// RUN: attn-run %s --function=sign_extended_boolean --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=sign_extended_boolean --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @sign_extended_boolean(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %e = arith.cmpi ule, %j, %i : index
    %x = arith.extsi %e : i1 to i32
    %f = arith.sitofp %x : i32 to f32
    %r = arith.addf %s, %f : f32
    attn.yield %r : f32
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// Trunci to i8 wraps (keys 128..255 are negative).
// RUN: attn-run %s --function=truncated_index --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=truncated_index --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @truncated_index(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x300x8xf32>, %v: tensor<1x1x300x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %x = arith.index_cast %j : index to i64
    %t = arith.trunci %x : i64 to i8
    %z = arith.constant 16 : i8
    %r = arith.cmpi slt, %t, %z : i8
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x300x8xf32>, tensor<1x1x300x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// An i32 sum past 2^31 wraps.
// RUN: attn-run %s --function=wrapping_i32_sum --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=wrapping_i32_sum --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @wrapping_i32_sum(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %x = arith.index_cast %j : index to i32
    %big = arith.constant 2147483645 : i32
    %y = arith.addi %x, %big : i32
    %z = arith.constant 0 : i32
    %r = arith.cmpi sge, %y, %z : i32
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// A stripe column listed twice covers one key (a tile was taken as full).
// RUN: attn-run %s --function=repeated_stripe_column --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=repeated_stripe_column --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @repeated_stripe_column(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x6x8xf32>, %v: tensor<1x1x6x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.stripes<columns = [3, 3]>] {tiling = #attn.tiling<block_q = 4, block_kv = 2>} : tensor<1x1x4x8xf32>, tensor<1x1x6x8xf32>, tensor<1x1x6x8xf32> -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// Radius x dilation x stride past 2^63 (tiles were misclassified).
// RUN: attn-run %s --function=neighborhood_huge_reach --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=neighborhood_huge_reach --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @neighborhood_huge_reach(%q: tensor<1x1x16x8xf32>, %k: tensor<1x1x16x8xf32>, %v: tensor<1x1x16x8xf32>) -> tensor<1x1x16x8xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.neighborhood<grid = [2, 8], radius = [1073741824, 1], dilation = [1073741824, 1]>] {tiling = #attn.tiling<block_q = 4, block_kv = 4>} : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x16x8xf32>
  return %o : tensor<1x1x16x8xf32>
}

// 64-bit wrapping arithmetic near 2^63, exact in the reference too (its
// scalars were doubles: (i + INT64_MAX) - j rounded and the compare
// disagreed with the compiled code's). Allows exactly j <= i.
// RUN: attn-run %s --function=wrapping_index_near_int64_max --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=wrapping_index_near_int64_max --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @wrapping_index_near_int64_max(%q: tensor<1x1x16x8xf32>, %k: tensor<1x1x16x8xf32>, %v: tensor<1x1x16x8xf32>) -> tensor<1x1x16x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %max = arith.constant 9223372036854775807 : index
    %min = arith.constant -9223372036854775808 : index
    %s = arith.addi %i, %max : index
    %d = arith.subi %s, %j : index
    %r = arith.cmpi ult, %d, %min : index
    attn.yield %r : i1
  } : tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x16x8xf32>
  return %o : tensor<1x1x16x8xf32>
}

// A hashed random mask (BigBird's random keys without a table): 64-bit
// multiplications that wrap, a logical shift and an unsigned remainder;
// the diagonal is kept so that no row is empty.
// RUN: attn-run %s --function=hashed_random_keys --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=hashed_random_keys --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @hashed_random_keys(%q: tensor<1x2x24x8xf32>, %k: tensor<1x2x40x8xf32>, %v: tensor<1x2x40x8xf32>) -> tensor<1x2x24x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %k1 = arith.constant -7046029254386353131 : index
    %k2 = arith.constant -4658895280553007687 : index
    %c29 = arith.constant 29 : index
    %c3 = arith.constant 3 : index
    %c0 = arith.constant 0 : index
    %hi = arith.muli %i, %k1 : index
    %hj = arith.muli %j, %k2 : index
    %hh = arith.addi %hi, %hj : index
    %hx = arith.addi %hh, %h : index
    %shifted = arith.shrui %hx, %c29 : index
    %mixed = arith.xori %hx, %shifted : index
    %m = arith.remui %mixed, %c3 : index
    %keep = arith.cmpi eq, %m, %c0 : index
    %diagonal = arith.cmpi eq, %i, %j : index
    %r = arith.ori %keep, %diagonal : i1
    attn.yield %r : i1
  } : tensor<1x2x24x8xf32>, tensor<1x2x40x8xf32>, tensor<1x2x40x8xf32> -> tensor<1x2x24x8xf32>
  return %o : tensor<1x2x24x8xf32>
}

// Shifts on i32: left past the sign bit, arithmetic right of a negative.
// Allows the keys whose (j << 27) >>s 30 is negative, j mod 32 in [16, 32)
// (j << 27 moves bit 4 of j into the sign), and the diagonal.
// RUN: attn-run %s --function=i32_shifts --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=i32_shifts --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @i32_shifts(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x48x8xf32>, %v: tensor<1x1x48x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %j32 = arith.index_cast %j : index to i32
    %c27 = arith.constant 27 : i32
    %c30 = arith.constant 30 : i32
    %z = arith.constant 0 : i32
    %l = arith.shli %j32, %c27 : i32
    %s = arith.shrsi %l, %c30 : i32
    %neg = arith.cmpi slt, %s, %z : i32
    %diagonal = arith.cmpi eq, %i, %j : index
    %r = arith.ori %neg, %diagonal : i1
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x48x8xf32>, tensor<1x1x48x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// Signed ops on i1 read true as -1: maxsi(true, false) is false, so this
// allows exactly the pairs where both compares hold. The carry of an index
// addition (addui_extended, upstream's lowering of which fails on index)
// and the high half of a product hold for none of these small indices.
// RUN: attn-run %s --function=boolean_extrema_and_carries --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=boolean_extrema_and_carries --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @boolean_extrema_and_carries(%q: tensor<1x1x16x8xf32>, %k: tensor<1x1x24x8xf32>, %v: tensor<1x1x24x8xf32>) -> tensor<1x1x16x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c3 = arith.constant 3 : index
    %causal = arith.cmpi sle, %j, %i : index
    %far = arith.cmpi sge, %i, %c3 : index
    %both = arith.maxsi %causal, %far : i1
    %sum, %carry = arith.addui_extended %i, %j : index, i1
    %low, %high = arith.mulsi_extended %i, %j : index
    %zero = arith.constant 0 : index
    %no_high = arith.cmpi eq, %high, %zero : index
    %keep = arith.xori %both, %carry : i1
    %r = arith.andi %keep, %no_high : i1
    attn.yield %r : i1
  } : tensor<1x1x16x8xf32>, tensor<1x1x24x8xf32>, tensor<1x1x24x8xf32> -> tensor<1x1x16x8xf32>
  return %o : tensor<1x1x16x8xf32>
}

// An index wrapped to 32 bits and widened again (upstream's canonicalizer
// folded the round trip to the identity): j * 2^31 wraps to 0 or -2^31 in
// i32, so this allows the even keys only. Found by a random score_mod.
// RUN: attn-run %s --function=index_i32_round_trip --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=index_i32_round_trip --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @index_i32_round_trip(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x24x8xf32>, %v: tensor<1x1x24x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %big = arith.constant 2147483648 : index
    %p = arith.muli %j, %big : index
    %n = arith.index_cast %p : index to i32
    %back = arith.index_cast %n : i32 to index
    %zero = arith.constant 0 : index
    %r = arith.cmpi eq, %back, %zero : index
    attn.yield %r : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x24x8xf32>, tensor<1x1x24x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}

// An i64 past 2^53 to f32 rounds once: 2^62 + 2^38 + 1 + j is past the
// halfway point between 2^62 and the next f32, so it rounds up (through a
// double it rounded to 2^62 + 2^38, a tie, then down). The first 8 keys'
// scores move by 2^39 * 1e-12.
// RUN: attn-run %s --function=i64_to_f32_rounds_once --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=i64_to_f32_rounds_once --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @i64_to_f32_rounds_once(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x16x8xf32>, %v: tensor<1x1x16x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %big = arith.constant 4611686293305294849 : i64
    %j64 = arith.index_cast %j : index to i64
    %x = arith.addi %big, %j64 : i64
    %f = arith.sitofp %x : i64 to f32
    %base = arith.constant 4.611686e+18 : f32
    %d = arith.subf %f, %base : f32
    %scale = arith.constant 1.0e-12 : f32
    %bias = arith.mulf %d, %scale : f32
    %c8 = arith.constant 8 : index
    %early = arith.cmpi ult, %j, %c8 : index
    %zero = arith.constant 0.0 : f32
    %moved = arith.select %early, %bias, %zero : f32
    %r = arith.addf %s, %moved : f32
    attn.yield %r : f32
  } : tensor<1x1x8x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}
