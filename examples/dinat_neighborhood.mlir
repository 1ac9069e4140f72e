// DiNAT (dilated neighbourhood attention): tokens of a 32x32 feature map
// attend to a 7x7 neighbourhood dilated by 2 along both axes (cut off at
// the map's border rather than shifted inwards as NATTEN does;
// nat_shifted_window.mlir shifts it).
func.func @dinat_neighborhood(%q: tensor<1x4x1024x32xbf16>, %k: tensor<1x4x1024x32xbf16>,
                              %v: tensor<1x4x1024x32xbf16>) -> tensor<1x4x1024x32xbf16> {
  %out = attn.attention %q, %k, %v
      mask [#attn.neighborhood<grid = [32, 32], radius = [3, 3], dilation = [2, 2]>]
      : tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>, tensor<1x4x1024x32xbf16>
      -> tensor<1x4x1024x32xbf16>
  return %out : tensor<1x4x1024x32xbf16>
}
