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
