// Split-KV decode (FlashDecoding) and ring attention: the KV cache lives in
// two shards (two pages, or two devices of a ring); each shard's attention
// gives its output and LSE, and attn.merge combines them into the exact
// softmax over the whole cache. One new query per sequence, which sees every
// cached token; 16 query heads share 4 key/value heads.
func.func @split_kv_decode(%q: tensor<2x16x1x128xbf16>,
                           %k0: tensor<2x4x2048x128xbf16>, %v0: tensor<2x4x2048x128xbf16>,
                           %k1: tensor<2x4x2048x128xbf16>, %v1: tensor<2x4x2048x128xbf16>)
    -> tensor<2x16x1x128xbf16> {
  %o0, %l0 = attn.attention %q, %k0, %v0
      : tensor<2x16x1x128xbf16>, tensor<2x4x2048x128xbf16>, tensor<2x4x2048x128xbf16>
      -> tensor<2x16x1x128xbf16>, tensor<2x16x1xf32>
  %o1, %l1 = attn.attention %q, %k1, %v1
      : tensor<2x16x1x128xbf16>, tensor<2x4x2048x128xbf16>, tensor<2x4x2048x128xbf16>
      -> tensor<2x16x1x128xbf16>, tensor<2x16x1xf32>
  %out = attn.merge (%o0, %l0), (%o1, %l1)
      : tensor<2x16x1x128xbf16>, tensor<2x16x1xf32> -> tensor<2x16x1x128xbf16>
  return %out : tensor<2x16x1x128xbf16>
}
