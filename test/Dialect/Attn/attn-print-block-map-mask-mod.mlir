// Tile classes that mask_mod regions give the block map (MaskModTiles):
// interval arithmetic on the region's integer ops over each tile's rows and
// keys. check-mask-mod folds each region at every pair of each tile and
// fails on a class that a pair contradicts.
// RUN: attn-opt %s --attn-print-block-map='block-q=16 block-kv=16 check-mask-mod' -o /dev/null 2>&1 | FileCheck %s --implicit-check-not=error

// All pairs j <= i: the same map as #attn.causal.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 6, partial 4, empty 6, visited 10/16 (62.5%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  #+..  [0, 2)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  ###+  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 12 of 16 tiles decided
func.func @causal(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %ok = arith.cmpi ule, %j, %i : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Bottom-right aligned causal written by hand (j <= i + 32): #attn.causal's map of 32 x 64.
// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16, full 5, partial 2, empty 1, visited 7/8 (87.5%)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  ###+  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 6 of 8 tiles decided
func.func @causal_bottom_right(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c32 = arith.constant 32 : index
    %p = arith.addi %i, %c32 : index
    %ok = arith.cmpi sle, %j, %p : index
    attn.yield %ok : i1
  } : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// FlexAttention's sliding window: 0 <= i - j < 24.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 9, empty 7, visited 9/16 (56.2%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ++..  [0, 2)
// CHECK-NEXT: {{^}}  +++.  [0, 3)
// CHECK-NEXT: {{^}}  .+++  [1, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 7 of 16 tiles decided
func.func @window_signed(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %c24 = arith.constant 24 : index
    %d = arith.subi %i, %j : index
    %ge = arith.cmpi sge, %d, %c0 : index
    %lt = arith.cmpi slt, %d, %c24 : index
    %ok = arith.andi %ge, %lt : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// The same in one unsigned compare (i - j wraps above the diagonal).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 9, empty 7, visited 9/16 (56.2%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ++..  [0, 2)
// CHECK-NEXT: {{^}}  +++.  [0, 3)
// CHECK-NEXT: {{^}}  .+++  [1, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 7 of 16 tiles decided
func.func @window_unsigned(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c24 = arith.constant 24 : index
    %d = arith.subi %i, %j : index
    %ok = arith.cmpi ult, %d, %c24 : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Prefix-LM: j <= i or j < 20.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 7, partial 4, empty 5, visited 11/16 (68.8%)
// CHECK-NEXT: {{^}}  #+..  [0, 2)
// CHECK-NEXT: {{^}}  #+..  [0, 2)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  ###+  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 12 of 16 tiles decided
func.func @prefix_lm(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c20 = arith.constant 20 : index
    %causal = arith.cmpi ule, %j, %i : index
    %prefix = arith.cmpi ult, %j, %c20 : index
    %ok = arith.ori %causal, %prefix : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A limit chosen by select: j < (i < 32 ? 8 : 40).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 4, partial 4, empty 8, visited 8/16 (50.0%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 12 of 16 tiles decided
func.func @select_limit(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c32 = arith.constant 32 : index
    %c8 = arith.constant 8 : index
    %c40 = arith.constant 40 : index
    %early = arith.cmpi ult, %i, %c32 : index
    %limit = arith.select %early, %c8, %c40 : index
    %ok = arith.cmpi ult, %j, %limit : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// j <= min(i, 40) and j >= max(i - 30, 0).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 8, empty 8, visited 8/16 (50.0%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ++..  [0, 2)
// CHECK-NEXT: {{^}}  +++.  [0, 3)
// CHECK-NEXT: {{^}}  .++.  [1, 3)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 8 of 16 tiles decided
func.func @min_max(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %c30 = arith.constant 30 : index
    %c40 = arith.constant 40 : index
    %upper = arith.minsi %i, %c40 : index
    %back = arith.subi %i, %c30 : index
    %lower = arith.maxsi %back, %c0 : index
    %below = arith.cmpi sle, %j, %upper : index
    %above = arith.cmpi sge, %j, %lower : index
    %ok = arith.andi %below, %above : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Segments of 16 in i32 arithmetic, the block of the key one or two before the query's, by floordiv, remsi and casts.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 5, partial 0, empty 11, visited 5/16 (31.2%)
// CHECK-NEXT: {{^}}  ....  [0, 0)
// CHECK-NEXT: {{^}}  #...  [0, 1)
// CHECK-NEXT: {{^}}  ##..  [0, 2)
// CHECK-NEXT: {{^}}  .##.  [1, 3)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 16 of 16 tiles decided
func.func @segments_i32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c16 = arith.constant 16 : i32
    %c1 = arith.constant 1 : i32
    %c2 = arith.constant 2 : i32
    %i32 = arith.index_cast %i : index to i32
    %j32 = arith.index_cast %j : index to i32
    %si = arith.floordivsi %i32, %c16 : i32
    %sj = arith.floordivsi %j32, %c16 : i32
    %gap = arith.subi %si, %sj : i32
    %near = arith.cmpi sge, %gap, %c1 : i32
    %far = arith.cmpi sle, %gap, %c2 : i32
    %ok = arith.andi %near, %far : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Its negation by xori with true: j > i.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 6, partial 4, empty 6, visited 10/16 (62.5%)
// CHECK-NEXT: {{^}}  +###  [0, 4)
// CHECK-NEXT: {{^}}  .+##  [1, 4)
// CHECK-NEXT: {{^}}  ..+#  [2, 4)
// CHECK-NEXT: {{^}}  ...+  [3, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 12 of 16 tiles decided
func.func @not_causal(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %t = arith.constant true
    %causal = arith.cmpi ule, %j, %i : index
    %ok = arith.xori %causal, %t : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// An i1 widened by extui and extsi (true is 1, then -1) and compared.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 6, partial 4, empty 6, visited 10/16 (62.5%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  #+..  [0, 2)
// CHECK-NEXT: {{^}}  ##+.  [0, 3)
// CHECK-NEXT: {{^}}  ###+  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 12 of 16 tiles decided
func.func @bool_casts(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %one = arith.constant 1 : i8
    %minus = arith.constant -1 : i32
    %causal = arith.cmpi ule, %j, %i : index
    %u = arith.extui %causal : i1 to i8
    %s = arith.extsi %causal : i1 to i32
    %x = arith.cmpi eq, %u, %one : i8
    %y = arith.cmpi eq, %s, %minus : i32
    %ok = arith.andi %x, %y : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Every fourth key (j mod 4 == 0) decides no tile: each has both.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 16, empty 0, visited 16/16 (100.0%)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 0 of 16 tiles decided
func.func @remainder(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %r = arith.remui %j, %c4 : index
    %ok = arith.cmpi eq, %r, %c0 : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Keys of the first 16 rows' segment only: i / 16 == 0 and j / 16 == 0 (remainders inside one period).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 1, partial 0, empty 15, visited 1/16 (6.2%)
// CHECK-NEXT: {{^}}  #...  [0, 1)
// CHECK-NEXT: {{^}}  ....  [0, 0)
// CHECK-NEXT: {{^}}  ....  [0, 0)
// CHECK-NEXT: {{^}}  ....  [0, 0)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 16 of 16 tiles decided
func.func @rows_by_segment(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %si = arith.divui %i, %c16 : index
    %sj = arith.divsi %j, %c16 : index
    %x = arith.cmpi eq, %si, %c0 : index
    %y = arith.cmpi eq, %sj, %c0 : index
    %ok = arith.andi %x, %y : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A compare of floats decides nothing.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 16, empty 0, visited 16/16 (100.0%)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 0 of 16 tiles decided
func.func @floats(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %i64 = arith.index_cast %i : index to i64
    %j64 = arith.index_cast %j : index to i64
    %fi = arith.sitofp %i64 : i64 to f32
    %fj = arith.sitofp %j64 : i64 to f32
    %ok = arith.cmpf ole, %fj, %fi : f32
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A product that may wrap (i * 2^62) decides nothing.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 16, empty 0, visited 16/16 (100.0%)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 0 of 16 tiles decided
func.func @overflow(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %big = arith.constant 4611686018427387904 : index
    %c0 = arith.constant 0 : index
    %p = arith.muli %i, %big : index
    %ok = arith.cmpi sge, %p, %c0 : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Batch and head may be any index: h < 1000000 is not always true.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 16, empty 0, visited 16/16 (100.0%)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 0 of 16 tiles decided
func.func @heads(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %lim = arith.constant 1000000 : index
    %ok = arith.cmpi ult, %h, %lim : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A region that reads a tensor (a prefix length per batch): the pairs
// below the diagonal are allowed whatever it holds, the others are decided
// per element; the check cannot fold the region.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 6, partial 10, empty 0, visited 16/16 (100.0%)
// CHECK-NEXT: {{^}}  ++++  [0, 4)
// CHECK-NEXT: {{^}}  #+++  [0, 4)
// CHECK-NEXT: {{^}}  ##++  [0, 4)
// CHECK-NEXT: {{^}}  ###+  [0, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: not checked (the region does not fold to constants)
func.func @reads_tensor(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>, %len: tensor<2xindex>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %p = tensor.extract %len[%b] : tensor<2xindex>
    %causal = arith.cmpi ule, %j, %i : index
    %prefix = arith.cmpi ult, %j, %p : index
    %ok = arith.ori %causal, %prefix : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A window whose width is a constant of the function, read from inside the
// region: the same map as the constant inside (and the check folds it).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 9, empty 7, visited 9/16 (56.2%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ++..  [0, 2)
// CHECK-NEXT: {{^}}  +++.  [0, 3)
// CHECK-NEXT: {{^}}  .+++  [1, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 7 of 16 tiles decided
func.func @window_width_from_above(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %c24 = arith.constant 24 : index
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c0 = arith.constant 0 : index
    %d = arith.subi %i, %j : index
    %ge = arith.cmpi sge, %d, %c0 : index
    %lt = arith.cmpi slt, %d, %c24 : index
    %ok = arith.andi %ge, %lt : i1
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Chunks of 16 by shifts (i >> 4 == j >> 4): every tile full or empty.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 4, partial 0, empty 12, visited 4/16 (25.0%)
// CHECK-NEXT: {{^}}  #...  [0, 1)
// CHECK-NEXT: {{^}}  .#..  [1, 2)
// CHECK-NEXT: {{^}}  ..#.  [2, 3)
// CHECK-NEXT: {{^}}  ...#  [3, 4)
// CHECK-NEXT: {{^}}  mask_mod classes: sound, 16 of 16 tiles decided
func.func @chunks_by_shifts(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c4 = arith.constant 4 : index
    %ci = arith.shrui %i, %c4 : index
    %cj = arith.shrsi %j, %c4 : index
    %ok = arith.cmpi eq, %ci, %cj : index
    attn.yield %ok : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}
