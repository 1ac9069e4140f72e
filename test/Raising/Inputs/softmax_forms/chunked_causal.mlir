// Llama 4's chunked local attention as a front end builds it: positions
// in chunks of 8 (pos / 8 == j / 8) under causal: [causal, chunked<8>].
#q = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#kt = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#ij = affine_map<(b, h, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>

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
