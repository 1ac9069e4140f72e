// PISA / SVG-EAR centroid compensation (video diffusion, bidirectional): each
// 64-query block attends exactly to its 4 selected 64-key blocks; every
// unselected block is represented by its centroid (mean key and value) with a
// log(64) bias, as if its 64 keys all scored like the centroid. The exact and
// compensated parts are merged into one softmax by their LSEs.
func.func @centroid_compensation(%q: tensor<1x8x1024x64xf16>, %k: tensor<1x8x1024x64xf16>,
                                 %v: tensor<1x8x1024x64xf16>) -> tensor<1x8x1024x64xf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x8x1024x64xf16> -> tensor<1x8x16x64xf16>
  %vc = attn.compress mean %v stride 64 : tensor<1x8x1024x64xf16> -> tensor<1x8x16x64xf16>
  %scores = attn.block_scores %q, %kc block_q 64
      : tensor<1x8x1024x64xf16>, tensor<1x8x16x64xf16> -> tensor<1x8x16x16xf32>
  %selected = attn.topk %scores k 4 : tensor<1x8x16x16xf32> -> tensor<1x8x16x4xi32>
  %o_sel, %l_sel = attn.attention %q, %k, %v indices(%selected)
      mask [#attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>,
        tensor<1x8x16x4xi32>
      -> tensor<1x8x1024x64xf16>, tensor<1x8x1024xf32>
  // log(64): each centroid stands for 64 keys.
  %log_block = arith.constant dense<4.15888309> : tensor<1x1x1024x16xf32>
  %o_cmp, %l_cmp = attn.attention %q, %kc, %vc bias(%log_block) indices(%selected)
      mask [#attn.not<#attn.block_indices<block_q = 64, block_kv = 1>>]
      score [#attn.bias]
      : tensor<1x8x1024x64xf16>, tensor<1x8x16x64xf16>, tensor<1x8x16x64xf16>,
        tensor<1x1x1024x16xf32>, tensor<1x8x16x4xi32>
      -> tensor<1x8x1024x64xf16>, tensor<1x8x1024xf32>
  %out = attn.merge lse (%o_sel, %l_sel), (%o_cmp, %l_cmp)
      : tensor<1x8x1024x64xf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xf16>
  return %out : tensor<1x8x1024x64xf16>
}
