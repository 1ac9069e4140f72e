// Batch and heads collapsed for the products and the scores expanded to
// other [B, H] than Q's: the mask indexes the scores, not attention's
// (b, h); left alone.
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
func.func @regrouped_scores(%q: tensor<2x4x8x8xf32>, %k: tensor<2x4x8x8xf32>, %v: tensor<2x4x8x8xf32>, %m: tensor<1x8x8x8xi1>) -> tensor<2x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %kte = tensor.empty() : tensor<2x4x8x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x4x8x8xf32>) outs(%kte : tensor<2x4x8x8xf32>) permutation = [0, 1, 3, 2]
  %q3 = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %k3 = tensor.collapse_shape %kt [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %se = tensor.empty() : tensor<8x8x8xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %s3 = linalg.batch_matmul ins(%q3, %k3 : tensor<8x8x8xf32>, tensor<8x8x8xf32>) outs(%sf : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %s = tensor.expand_shape %s3 [[0, 1], [2], [3]] output_shape [1, 8, 8, 8] : tensor<8x8x8xf32> into tensor<1x8x8x8xf32>
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %sm = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%m, %s : tensor<1x8x8x8xi1>, tensor<1x8x8x8xf32>) outs(%e : tensor<1x8x8x8xf32>) {
  ^bb0(%a0: i1, %a1: f32, %out: f32):
    %r = arith.select %a0, %a1, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8x8xf32>
  %mx0 = tensor.empty() : tensor<1x8x8xf32>
  %mxf = linalg.fill ins(%ninf : f32) outs(%mx0 : tensor<1x8x8xf32>) -> tensor<1x8x8xf32>
  %mx = linalg.generic {indexing_maps = [#id, affine_map<(b,h,i,j)->(b,h,i)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%sm : tensor<1x8x8x8xf32>) outs(%mxf : tensor<1x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8xf32>
  %sub = linalg.generic {indexing_maps = [#id, affine_map<(b,h,i,j)->(b,h,i)>, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sm, %mx : tensor<1x8x8x8xf32>, tensor<1x8x8xf32>) outs(%e : tensor<1x8x8x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %r = arith.subf %in, %in2 : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8x8xf32>
  %ex = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub : tensor<1x8x8x8xf32>) outs(%e : tensor<1x8x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8x8xf32>
  %smf = linalg.fill ins(%zero : f32) outs(%mx0 : tensor<1x8x8xf32>) -> tensor<1x8x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, affine_map<(b,h,i,j)->(b,h,i)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%ex : tensor<1x8x8x8xf32>) outs(%smf : tensor<1x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8xf32>
  %p = linalg.generic {indexing_maps = [#id, affine_map<(b,h,i,j)->(b,h,i)>, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%ex, %sum : tensor<1x8x8x8xf32>, tensor<1x8x8xf32>) outs(%e : tensor<1x8x8x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %r = arith.divf %in, %in2 : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8x8xf32>
  %p3 = tensor.collapse_shape %p [[0, 1], [2], [3]] : tensor<1x8x8x8xf32> into tensor<8x8x8xf32>
  %v3 = tensor.collapse_shape %v [[0, 1], [2], [3]] : tensor<2x4x8x8xf32> into tensor<8x8x8xf32>
  %oe = tensor.empty() : tensor<8x8x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%oe : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v3 : tensor<8x8x8xf32>, tensor<8x8x8xf32>) outs(%of : tensor<8x8x8xf32>) -> tensor<8x8x8xf32>
  %o = tensor.expand_shape %o3 [[0, 1], [2], [3]] output_shape [2, 4, 8, 8] : tensor<8x8x8xf32> into tensor<2x4x8x8xf32>
  return %o : tensor<2x4x8x8xf32>
}
