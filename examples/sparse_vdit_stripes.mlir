// Sparse-vDiT: video DiT heads whose attention concentrates on a few
// diagonals (the same spatial position in nearby frames, here 256 tokens a
// frame) and on vertical stripes (a handful of sink tokens).
func.func @sparse_vdit_stripes(%q: tensor<1x8x1024x64xf16>, %k: tensor<1x8x1024x64xf16>,
                               %v: tensor<1x8x1024x64xf16>) -> tensor<1x8x1024x64xf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.stripes<diagonals = [-512, -256, -1, 0, 1, 256, 512],
                          columns = [0, 1, 2, 3]>]
      : tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>, tensor<1x8x1024x64xf16>
      -> tensor<1x8x1024x64xf16>
  return %out : tensor<1x8x1024x64xf16>
}
