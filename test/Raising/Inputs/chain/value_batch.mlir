// V's batch and heads grouped otherwise than Q's: not an attention; left
// alone (no op that fails to verify).
func.func @value_batch(%q: tensor<2x4x8x8xf32>, %k: tensor<2x4x8x8xf32>, %v: tensor<1x8x8x8xf32>) -> tensor<2x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ozero = arith.constant 0.0 : f32
  %kte = tensor.empty() : tensor<2x4x8x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x4x8x8xf32>) outs(%kte : tensor<2x4x8x8xf32>) permutation = [0, 1, 3, 2]
  %q3 = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %k3 = tensor.collapse_shape %kt [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %se = tensor.empty() : tensor<8x8x8xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %s3 = linalg.batch_matmul ins(%q3, %k3 : tensor<8x8x8xf32>, tensor<8x8x8xf32>) outs(%sf : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %s = tensor.expand_shape %s3 [[0, 1], [2], [3]] output_shape [2, 4, 8, 8] : tensor<8x8x8xf32> into tensor<2x4x8x8xf32>
  %e = tensor.empty() : tensor<2x4x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<2x4x8x8xf32>) outs(%e : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p3 = tensor.collapse_shape %p [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %v3 = tensor.collapse_shape %v [[0, 1], [2], [3]] : tensor<1x8x8x8xf32> into tensor<8x8x8xf32>
  %oe = tensor.empty() : tensor<8x8x8xf32>
  %of = linalg.fill ins(%ozero : f32) outs(%oe : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v3 : tensor<8x8x8xf32>, tensor<8x8x8xf32>) outs(%of : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %o = tensor.expand_shape %o3 [[0, 1], [2], [3]] output_shape [2, 4, 8, 8] : tensor<8x8x8xf32> into tensor<2x4x8x8xf32>
  return %o : tensor<2x4x8x8xf32>
}
