// LAWCAT: a depthwise causal convolution (4 taps) over queries and keys, then
// gated linear attention with per-token forget gates a_t = -x_t^2 <= 0
// (log space) and normalisation.
func.func @lawcat(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                  %v: tensor<1x8x1024x64xbf16>, %wq: tensor<8x64x4xbf16>,
                  %wk: tensor<8x64x4xbf16>, %gate_logits: tensor<1x8x1024xf32>)
    -> tensor<1x8x1024x64xbf16> {
  %qc = attn.causal_conv %q, %wq : tensor<1x8x1024x64xbf16>, tensor<8x64x4xbf16>
      -> tensor<1x8x1024x64xbf16>
  %kc = attn.causal_conv %k, %wk : tensor<1x8x1024x64xbf16>, tensor<8x64x4xbf16>
      -> tensor<1x8x1024x64xbf16>
  %squared = arith.mulf %gate_logits, %gate_logits : tensor<1x8x1024xf32>
  %decay = arith.negf %squared : tensor<1x8x1024xf32>
  %out = attn.linear_attention %qc, %kc, %v decay(%decay) feature elu_plus_one
      causal normalize
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>,
        tensor<1x8x1024xf32>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
