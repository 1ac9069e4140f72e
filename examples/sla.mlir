// SLA (sparse-linear attention): the critical blocks, chosen per 64-query
// block from compressed scores, get exact softmax attention; the rest of the
// attention mass is approximated by an elu+1 linear attention; the two parts
// are summed.
func.func @sla(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
               %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  %scores = attn.block_scores %q, %kc block_q 64
      : tensor<1x8x1024x64xbf16>, tensor<1x8x16x64xbf16> -> tensor<1x8x16x16xf32>
  %critical = attn.topk %scores k 2 : tensor<1x8x16x16xf32> -> tensor<1x8x16x2xi32>
  %o_sparse = attn.attention %q, %k, %v indices(%critical)
      mask [#attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>,
        tensor<1x8x16x2xi32>
      -> tensor<1x8x1024x64xbf16>
  %o_linear = attn.linear_attention %q, %k, %v feature elu_plus_one normalize
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  %out = attn.merge sum (%o_sparse), (%o_linear)
      : tensor<1x8x1024x64xbf16> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
