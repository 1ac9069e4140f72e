// GQA (4 query heads on 2 kv heads) with a causal sliding window, compiled
// ahead of time for c_api_test.c.
func.func @gqa_window(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x37x16xf32>,
                      %v: tensor<2x2x37x8xf32>)
    -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  %o, %l = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 5, right = 0>]
      : tensor<2x4x37x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}
