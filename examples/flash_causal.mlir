// FlashAttention (Dao et al.): exact causal softmax attention. The fast paths
// derive the tiled online-softmax kernel from this declarative op; the causal
// atom becomes the key-tile loop bound.
func.func @flash_causal(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                        %v: tensor<1x8x1024x64xbf16>)
    -> (tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>) {
  %out, %lse = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  return %out, %lse : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
}
