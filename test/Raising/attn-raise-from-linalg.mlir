// attn-raise-from-linalg on attention written the way StableHLO and IREE
// front ends emit it (4-D contraction generics, linalg.softmax, iota masks,
// linalg.broadcast for GQA), and cases that must be left alone.
// RUN: attn-opt %s --attn-raise-from-linalg --canonicalize --split-input-file | FileCheck %s
// A GQA group of 0 (no query heads) is not an attention: nothing raised.
// RUN: attn-opt %S/Inputs/sdpa_gqa_no_query_heads.mlir --attn-raise-from-linalg | FileCheck %s --check-prefix=NO-HEADS
// NO-HEADS-NOT: attn.attention
// NO-HEADS: math.exp
// Scores a batch_matmul writes in f16 from f32 operands: nothing raised.
// RUN: attn-opt %S/Inputs/f16_scores.mlir --attn-raise-from-linalg | FileCheck %s --check-prefix=F16-SCORES
// F16-SCORES-NOT: attn.attention
// F16-SCORES: linalg.batch_matmul {{.*}} outs({{.*}} : tensor<2x16x16xf16>)
// (Three positive StableHLO/IREE forms, also run before and after raising,
// are in linalg-softmax-forms.test.)
// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// tanh alone is a soft-cap of 1 (test/Raising/score-steps.mlir has the
// other score steps).
// CHECK-LABEL: func.func @tanh_alone
// CHECK: attn.attention %arg0, %arg1, %arg2 score [#attn.softcap<1.000000e+00>] {scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @tanh_alone(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %capped = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.tanh %in : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%capped : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>

// Negative: a softmax over the query dimension is not attention.
// CHECK-LABEL: func.func @softmax_over_queries
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax dimension(2)
func.func @softmax_over_queries(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(2) ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kn = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>

// Negative: Q K without the transpose (K read as [B, H, D, L] by the
// first product) is not Q K^T of a [B, H, L, D] key.
// CHECK-LABEL: func.func @untransposed_keys
// CHECK-NOT: attn.attention
func.func @untransposed_keys(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kn, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #kn, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

// Scores divided by 1e-45: the factor (7e44) is finite, but not as the
// op's f32 scale (the raised op had scale = +inf and failed to verify), so
// the linalg stays.
// CHECK-LABEL: func.func @scale_past_f32
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
#infq = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#infkt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#infv = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#info = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#infid = affine_map<(b, h, i, j) -> (b, h, i, j)>
func.func @scale_past_f32(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %c = arith.constant 1.0e-45 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#infq, #infkt, #info], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %scaled = linalg.generic {indexing_maps = [#infid, #infid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%scaled : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#infq, #infv, #info], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

// An f64 attention: attn.attention takes f32, f16 and bf16, so the linalg
// stays (the raised op failed to verify).
// CHECK-LABEL: func.func @f64_attention
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
#f64q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#f64kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#f64v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#f64o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
func.func @f64_attention(%q: tensor<1x2x8x4xf64>, %k: tensor<1x2x8x4xf64>, %v: tensor<1x2x8x4xf64>) -> tensor<1x2x8x4xf64> {
  %zero = arith.constant 0.0 : f64
  %fillv = arith.constant 0xFFF0000000000000 : f64
  %es = tensor.empty() : tensor<1x2x8x8xf64>
  %fs = linalg.fill ins(%zero : f64) outs(%es : tensor<1x2x8x8xf64>) -> tensor<1x2x8x8xf64>
  %s0 = linalg.generic {indexing_maps = [#f64q, #f64kt, #f64o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x2x8x4xf64>, tensor<1x2x8x4xf64>) outs(%fs : tensor<1x2x8x8xf64>) {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %m = arith.mulf %a, %b : f64
    %r = arith.addf %acc, %m : f64
    linalg.yield %r : f64
  } -> tensor<1x2x8x8xf64>
  %p = linalg.softmax dimension(3) ins(%s0 : tensor<1x2x8x8xf64>) outs(%es : tensor<1x2x8x8xf64>) -> tensor<1x2x8x8xf64>
  %eo = tensor.empty() : tensor<1x2x8x4xf64>
  %fo = linalg.fill ins(%zero : f64) outs(%eo : tensor<1x2x8x4xf64>) -> tensor<1x2x8x4xf64>
  %out = linalg.generic {indexing_maps = [#f64q, #f64v, #f64o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x2x8x8xf64>, tensor<1x2x8x4xf64>) outs(%fo : tensor<1x2x8x4xf64>) {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %m = arith.mulf %a, %b : f64
    %r = arith.addf %acc, %m : f64
    linalg.yield %r : f64
  } -> tensor<1x2x8x4xf64>
  return %out : tensor<1x2x8x4xf64>
}

// -----

// c tanh(x / c) with c = 1e40, finite as the product of two f32 factors
// but not as the op's f32 cap (+inf: every score NaN, every output 0),
// so the linalg stays.
// CHECK-LABEL: func.func @softcap_past_f32
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
#capq = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#capkt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#capv = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#capo = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#capid = affine_map<(b, h, i, j) -> (b, h, i, j)>
func.func @softcap_past_f32(%q: tensor<1x2x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>) -> (tensor<1x2x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x2x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %s0 = linalg.generic {indexing_maps = [#capq, #capkt, #capo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) outs(%f : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %s1 = linalg.generic {indexing_maps = [#capid, #capid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s0 : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %c = arith.constant 1.0e-40 : f32
    %r = arith.mulf %x, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %s2 = linalg.generic {indexing_maps = [#capid, #capid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s1 : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %r = math.tanh %x : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %s3 = linalg.generic {indexing_maps = [#capid, #capid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s2 : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %c = arith.constant 1.0e20 : f32
    %r = arith.mulf %x, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %sN = linalg.generic {indexing_maps = [#capid, #capid], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s3 : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %c = arith.constant 1.0e20 : f32
    %r = arith.mulf %x, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%sN : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %eo = tensor.empty() : tensor<1x2x8x8xf32>
  %fo = linalg.fill ins(%zero : f32) outs(%eo : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %out = linalg.generic {indexing_maps = [#capq, #capv, #capo], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) outs(%fo : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  return %out : tensor<1x2x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// Negative: an inline mask that is no atom ((i + j) mod 7 != 0) is left
// in linalg (the rewrite takes no other inline mask). Recognition stops
// at the first row that is not one run of keys.
// CHECK-LABEL: func.func @inline_mask_not_an_atom
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
func.func @inline_mask_not_an_atom(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %i = linalg.index 2 : index
    %j = linalg.index 3 : index
    %c7 = arith.constant 7 : index
    %c0 = arith.constant 0 : index
    %sum = arith.addi %i, %j : index
    %rem = arith.remui %sum, %c7 : index
    %allowed = arith.cmpi ne, %rem, %c0 : index
    %fill = arith.constant 0xFF800000 : f32
    %r = arith.select %allowed, %x, %fill : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// Negative: a mask that is causal wherever it is defined, but divides by
// zero on the last row, is not known at compile time: left in linalg.
// CHECK-LABEL: func.func @inline_mask_dividing_by_zero
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
func.func @inline_mask_dividing_by_zero(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %i = linalg.index 2 : index
    %j = linalg.index 3 : index
    %c0 = arith.constant 0 : index
    %c7 = arith.constant 7 : index
    %causal = arith.cmpi ule, %j, %i : index
    %rest = arith.subi %c7, %i : index
    %quotient = arith.divui %j, %rest : index
    %defined = arith.cmpi uge, %quotient, %c0 : index
    %allowed = arith.andi %causal, %defined : i1
    %fill = arith.constant 0xFF800000 : f32
    %r = arith.select %allowed, %x, %fill : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// An inline causal mask filling f32's lowest value instead of -inf: every
// row keeps a key, so it is causal.
// CHECK-LABEL: func.func @inline_causal_finite_fill
// CHECK: attn.attention %arg0, %arg1, %arg2 mask [#attn.causal] {scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @inline_causal_finite_fill(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %i = linalg.index 2 : index
    %j = linalg.index 3 : index
    %allowed = arith.cmpi ule, %j, %i : index
    %fill = arith.constant -3.40282347E+38 : f32
    %r = arith.select %allowed, %x, %fill : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// With a finite fill, a row without keys (row 3 here) spreads the
// program's softmax over the fills where a mask's row gives 0: the select
// is raised as a score_mod, not a mask.
// CHECK-LABEL: func.func @inline_chunked_finite_fill_empty_row
// CHECK: attn.attention %arg0, %arg1, %arg2 score_mod {
// CHECK: arith.select %{{.*}}, %arg3, %{{.*}} : f32
// CHECK: } {scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @inline_chunked_finite_fill_empty_row(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) {
  ^bb0(%x: f32, %out: f32):
    %i = linalg.index 2 : index
    %j = linalg.index 3 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %chunk_i = arith.divui %i, %c4 : index
    %chunk_j = arith.divui %j, %c4 : index
    %same = arith.cmpi eq, %chunk_i, %chunk_j : index
    %not_row3 = arith.cmpi ne, %i, %c3 : index
    %allowed = arith.andi %same, %not_row3 : i1
    %fill = arith.constant -3.40282347E+38 : f32
    %r = arith.select %allowed, %x, %fill : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>

// Negative: an encoded query (attn ops take plain tensors) stays linalg.
// CHECK-LABEL: func.func @encoded_query
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
func.func @encoded_query(%q: tensor<1x1x8x8xf32, "enc">, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<1x1x8x8xf32, "enc">, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<1x1x8x8xf32>) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) outs(%f : tensor<1x1x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x1x8x8xf32>
  return %out : tensor<1x1x8x8xf32>
}
