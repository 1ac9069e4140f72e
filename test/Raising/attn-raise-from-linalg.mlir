// attn-raise-from-linalg on attention written the way StableHLO and IREE
// front ends emit it (4-D contraction generics, linalg.softmax, iota masks,
// linalg.broadcast for GQA), and cases that must be left alone.
// RUN: attn-opt %s --attn-raise-from-linalg --canonicalize --split-input-file | FileCheck %s

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#ij = affine_map<(b, h, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>

// Contractions as generics (K read transposed by its indexing map), the
// scale on the scores, linalg.softmax, and a causal mask built from
// linalg.index comparisons selected against -inf.
// CHECK-LABEL: func.func @stablehlo_style
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x32x16xf32>, %[[K:.*]]: tensor<2x4x48x16xf32>, %[[V:.*]]: tensor<2x4x48x8xf32>)
// CHECK-NEXT: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] mask [#attn.causal] {scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @stablehlo_style(%q: tensor<2x4x32x16xf32>, %k: tensor<2x4x48x16xf32>, %v: tensor<2x4x48x8xf32>) -> tensor<2x4x32x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %c = arith.constant 0.25 : f32
  %offset = arith.constant 16 : index
  %e = tensor.empty() : tensor<2x4x32x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x32x48xf32>) -> tensor<2x4x32x48xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x4x32x16xf32>, tensor<2x4x48x16xf32>) outs(%f : tensor<2x4x32x48xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %me = tensor.empty() : tensor<32x48xi1>
  %mask = linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]} outs(%me : tensor<32x48xi1>) {
  ^bb0(%out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %pos = arith.addi %i, %offset : index
    %ok = arith.cmpi sle, %j, %pos : index
    linalg.yield %ok : i1
  } -> tensor<32x48xi1>
  %masked = linalg.generic {indexing_maps = [#ij, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%mask, %scaled : tensor<32x48xi1>, tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) {
  ^bb0(%ok: i1, %in: f32, %out: f32):
    %r = arith.select %ok, %in, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) -> tensor<2x4x32x48xf32>
  %eo = tensor.empty() : tensor<2x4x32x8xf32>
  %fo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x32x8xf32>) -> tensor<2x4x32x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x32x48xf32>, tensor<2x4x48x8xf32>) outs(%fo : tensor<2x4x32x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x8xf32>
  return %out : tensor<2x4x32x8xf32>
}

// -----

#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#ij = affine_map<(b, h, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>

// Llama 4's chunked local attention as a front end builds it: positions
// in chunks of 8 (pos / 8 == j / 8) under causal: [causal, chunked<8>].
// CHECK-LABEL: func.func @chunked_causal
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x32x16xf32>, %[[K:.*]]: tensor<2x4x48x16xf32>, %[[V:.*]]: tensor<2x4x48x8xf32>)
// CHECK-NEXT: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] mask [#attn.causal, #attn.chunked<size = 8>] {scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @chunked_causal(%q: tensor<2x4x32x16xf32>, %k: tensor<2x4x48x16xf32>, %v: tensor<2x4x48x8xf32>) -> tensor<2x4x32x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %c = arith.constant 0.25 : f32
  %offset = arith.constant 16 : index
  %c8 = arith.constant 8 : index
  %e = tensor.empty() : tensor<2x4x32x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x32x48xf32>) -> tensor<2x4x32x48xf32>
  %s = linalg.generic {indexing_maps = [#q, #kt, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x4x32x16xf32>, tensor<2x4x48x16xf32>) outs(%f : tensor<2x4x32x48xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %me = tensor.empty() : tensor<32x48xi1>
  %mask = linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]} outs(%me : tensor<32x48xi1>) {
  ^bb0(%out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %pos = arith.addi %i, %offset : index
    %causal = arith.cmpi sle, %j, %pos : index
    %ci = arith.divui %pos, %c8 : index
    %cj = arith.divui %j, %c8 : index
    %same = arith.cmpi eq, %ci, %cj : index
    %ok = arith.andi %causal, %same : i1
    linalg.yield %ok : i1
  } -> tensor<32x48xi1>
  %masked = linalg.generic {indexing_maps = [#ij, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%mask, %scaled : tensor<32x48xi1>, tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) {
  ^bb0(%ok: i1, %in: f32, %out: f32):
    %r = arith.select %ok, %in, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x48xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<2x4x32x48xf32>) outs(%e : tensor<2x4x32x48xf32>) -> tensor<2x4x32x48xf32>
  %eo = tensor.empty() : tensor<2x4x32x8xf32>
  %fo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x32x8xf32>) -> tensor<2x4x32x8xf32>
  %out = linalg.generic {indexing_maps = [#q, #v, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x32x48xf32>, tensor<2x4x48x8xf32>) outs(%fo : tensor<2x4x32x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x32x8xf32>
  return %out : tensor<2x4x32x8xf32>
}

// -----

#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// GQA through linalg.broadcast and collapse_shape, batch matmuls, Q and K
// each scaled (the factors multiply), a sliding window in the IREE
// iota form (j <= i and i - j <= 8), written as a select against -inf.
// CHECK-LABEL: func.func @gqa_broadcast_window
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x16x8xf32>, %[[K:.*]]: tensor<1x2x16x8xf32>, %[[V:.*]]: tensor<1x2x16x8xf32>)
// CHECK-NEXT: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] mask [#attn.window<left = 8, right = 0>] {scale = 1.250000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @gqa_broadcast_window(%q: tensor<1x4x16x8xf32>, %k: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %quarter = arith.constant 0.25 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %c8 = arith.constant 8 : index
  %qe = tensor.empty() : tensor<1x4x16x8xf32>
  %qs = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q : tensor<1x4x16x8xf32>) outs(%qe : tensor<1x4x16x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %half : f32
    linalg.yield %r : f32
  } -> tensor<1x4x16x8xf32>
  %k5e = tensor.empty() : tensor<1x2x2x16x8xf32>
  %k5 = linalg.broadcast ins(%k : tensor<1x2x16x8xf32>) outs(%k5e : tensor<1x2x2x16x8xf32>) dimensions = [2]
  %k4 = tensor.collapse_shape %k5 [[0], [1, 2], [3], [4]] : tensor<1x2x2x16x8xf32> into tensor<1x4x16x8xf32>
  %kte = tensor.empty() : tensor<1x4x8x16xf32>
  %kt = linalg.transpose ins(%k4 : tensor<1x4x16x8xf32>) outs(%kte : tensor<1x4x8x16xf32>) permutation = [0, 1, 3, 2]
  %kts = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%kt : tensor<1x4x8x16xf32>) outs(%kte : tensor<1x4x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %quarter : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x16xf32>
  %q3 = tensor.collapse_shape %qs [[0, 1], [2], [3]] : tensor<1x4x16x8xf32> into tensor<4x16x8xf32>
  %k3 = tensor.collapse_shape %kts [[0, 1], [2], [3]] : tensor<1x4x8x16xf32> into tensor<4x8x16xf32>
  %se = tensor.empty() : tensor<4x16x16xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %s3 = linalg.batch_matmul ins(%q3, %k3 : tensor<4x16x8xf32>, tensor<4x8x16xf32>) outs(%sf : tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  %s = tensor.expand_shape %s3 [[0, 1], [2], [3]] output_shape [1, 4, 16, 16] : tensor<4x16x16xf32> into tensor<1x4x16x16xf32>
  %e = tensor.empty() : tensor<1x4x16x16xf32>
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x4x16x16xf32>) outs(%e : tensor<1x4x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 2 : index
    %j = linalg.index 3 : index
    %causal = arith.cmpi sle, %j, %i : index
    %d = arith.subi %i, %j : index
    %near = arith.cmpi sle, %d, %c8 : index
    %ok = arith.andi %causal, %near : i1
    %r = arith.select %ok, %in, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<1x4x16x16xf32>
  %p = linalg.softmax dimension(3) ins(%masked : tensor<1x4x16x16xf32>) outs(%e : tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %p3 = tensor.collapse_shape %p [[0, 1], [2], [3]] : tensor<1x4x16x16xf32> into tensor<4x16x16xf32>
  %v5e = tensor.empty() : tensor<1x2x2x16x8xf32>
  %v5 = linalg.broadcast ins(%v : tensor<1x2x16x8xf32>) outs(%v5e : tensor<1x2x2x16x8xf32>) dimensions = [2]
  %v3 = tensor.collapse_shape %v5 [[0, 1, 2], [3], [4]] : tensor<1x2x2x16x8xf32> into tensor<4x16x8xf32>
  %oe = tensor.empty() : tensor<4x16x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%oe : tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v3 : tensor<4x16x16xf32>, tensor<4x16x8xf32>) outs(%of : tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  %o = tensor.expand_shape %o3 [[0, 1], [2], [3]] output_shape [1, 4, 16, 8] : tensor<4x16x8xf32> into tensor<1x4x16x8xf32>
  return %o : tensor<1x4x16x8xf32>
}

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
