// K of another element type, taken from [B, L, H, D] by one transpose: left
// alone, and nothing built before the checks (the pass used to fail
// silently after building K's transpose).
func.func @sequence_major_key_f16(%q: tensor<1x2x8x8xf32>, %k: tensor<1x8x2x8xf16>, %v: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ozero = arith.constant 0.0 : f32
  %kte = tensor.empty() : tensor<1x2x8x8xf16>
  %kt = linalg.transpose ins(%k : tensor<1x8x2x8xf16>) outs(%kte : tensor<1x2x8x8xf16>) permutation = [0, 2, 3, 1]
  %q3 = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<1x2x8x8xf32> into tensor<2x8x8xf32>
  %k3 = tensor.collapse_shape %kt [[0, 1], [2], [3]] : tensor<1x2x8x8xf16> into tensor<2x8x8xf16>
  %se = tensor.empty() : tensor<2x8x8xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %s3 = linalg.batch_matmul ins(%q3, %k3 : tensor<2x8x8xf32>, tensor<2x8x8xf16>) outs(%sf : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %s = tensor.expand_shape %s3 [[0, 1], [2], [3]] output_shape [1, 2, 8, 8] : tensor<2x8x8xf32> into tensor<1x2x8x8xf32>
  %e = tensor.empty() : tensor<1x2x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %p3 = tensor.collapse_shape %p [[0, 1], [2], [3]] : tensor<1x2x8x8xf32> into tensor<2x8x8xf32>
  %v3 = tensor.collapse_shape %v [[0, 1], [2], [3]] : tensor<1x2x8x8xf32> into tensor<2x8x8xf32>
  %oe = tensor.empty() : tensor<2x8x8xf32>
  %of = linalg.fill ins(%ozero : f32) outs(%oe : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v3 : tensor<2x8x8xf32>, tensor<2x8x8xf32>) outs(%of : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %o = tensor.expand_shape %o3 [[0, 1], [2], [3]] output_shape [1, 2, 8, 8] : tensor<2x8x8xf32> into tensor<1x2x8x8xf32>
  return %o : tensor<1x2x8x8xf32>
}
