// LargeGT (large-graph transformer), bidirectional: each node attends to
// its neighbours in a 128-node band of the node order, to the 16 global
// nodes (which attend to every node), and to a coarse codebook of the graph
// (the mean of each 64-node cluster of keys), as one exact softmax over the
// union of the direct and the codebook keys (attn.merge of their LSEs).
func.func @largegt(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                   %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %o_local, %l_local = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.window<left = 64, right = 64>, #attn.global<count = 16>]>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %k_code = attn.compress mean %k stride 64 : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  %v_code = attn.compress mean %v stride 64 : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  %o_code, %l_code = attn.attention %q, %k_code, %v_code
      : tensor<1x8x1024x64xbf16>, tensor<1x8x16x64xbf16>, tensor<1x8x16x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %out = attn.merge lse (%o_local, %l_local), (%o_code, %l_code)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
