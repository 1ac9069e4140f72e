// Mamba-2 / SSD (state-space duality): the selective SSM is causal linear
// attention with the identity feature map (C = queries, B = keys, x = values)
// and a scalar per-head, per-token decay a_t = -x_t^2 <= 0, without
// normalisation. 8 heads share one B/C group (like GQA).
func.func @mamba2_ssd(%c: tensor<1x8x1024x64xbf16>, %b: tensor<1x1x1024x64xbf16>,
                      %x: tensor<1x1x1024x64xbf16>, %dt: tensor<1x8x1024xf32>)
    -> tensor<1x8x1024x64xbf16> {
  %squared = arith.mulf %dt, %dt : tensor<1x8x1024xf32>
  %decay = arith.negf %squared : tensor<1x8x1024xf32>
  %y = attn.linear_attention %c, %b, %x decay(%decay) feature identity causal
      : tensor<1x8x1024x64xbf16>, tensor<1x1x1024x64xbf16>, tensor<1x1x1024x64xbf16>,
        tensor<1x8x1024xf32>
      -> tensor<1x8x1024x64xbf16>
  return %y : tensor<1x8x1024x64xbf16>
}
