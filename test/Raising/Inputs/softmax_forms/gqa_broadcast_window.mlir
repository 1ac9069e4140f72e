// GQA through linalg.broadcast and collapse_shape, batch matmuls, Q and K
// each scaled (the factors multiply), a sliding window in the IREE
// iota form (j <= i and i - j <= 8), written as a select against -inf.
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

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
