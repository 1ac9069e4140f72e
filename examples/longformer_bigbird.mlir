// Longformer / BigBird: global tokens, a local band and random blocks. A key
// is allowed if any of the three patterns allows it: the first 16 tokens are
// global, every token sees a +-64 band, and a block layout (BigBird's random
// blocks, 64x64, given at run time) adds the rest.
func.func @longformer_bigbird(%q: tensor<1x4x1024x64xf32>, %k: tensor<1x4x1024x64xf32>,
                              %v: tensor<1x4x1024x64xf32>,
                              %random_blocks: tensor<1x4x16x16xi1>)
    -> tensor<1x4x1024x64xf32> {
  %out = attn.attention %q, %k, %v layout(%random_blocks)
      mask [#attn.or<[#attn.global<count = 16>,
                      #attn.window<left = 64, right = 64>,
                      #attn.block_layout<block_q = 64, block_kv = 64>]>]
      : tensor<1x4x1024x64xf32>, tensor<1x4x1024x64xf32>, tensor<1x4x1024x64xf32>,
        tensor<1x4x16x16xi1>
      -> tensor<1x4x1024x64xf32>
  return %out : tensor<1x4x1024x64xf32>
}
