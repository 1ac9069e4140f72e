// Longformer / BigBird: global tokens, a local band and random blocks. A key
// is allowed if any of the three patterns allows it: the first 16 tokens are
// global, every token sees a +-64 band, and a block layout (BigBird's random
// blocks, 64x64, given at run time) adds the rest.
func.func @longformer_bigbird(%q: tensor<1x4x1024x64xbf16>, %k: tensor<1x4x1024x64xbf16>,
                              %v: tensor<1x4x1024x64xbf16>,
                              %random_blocks: tensor<1x4x16x16xi1>)
    -> tensor<1x4x1024x64xbf16> {
  %out = attn.attention %q, %k, %v layout(%random_blocks)
      mask [#attn.or<[#attn.global<count = 16>,
                      #attn.window<left = 64, right = 64>,
                      #attn.block_layout<block_q = 64, block_kv = 64>]>]
      : tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>, tensor<1x4x1024x64xbf16>,
        tensor<1x4x16x16xi1>
      -> tensor<1x4x1024x64xbf16>
  return %out : tensor<1x4x1024x64xbf16>
}
