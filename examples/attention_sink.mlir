// A learned attention sink per head over a sliding window (gpt-oss; the
// sink logit of StreamingLLM's "attention sinks" as one parameter): each
// query head's softmax adds exp(sink[h]) to its denominator, so a row may
// give the window little weight. 16 query heads on 2 K/V heads, a causal
// window of 128 keys.
func.func @attention_sink(%q: tensor<1x16x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                          %v: tensor<1x2x1024x64xbf16>, %sink: tensor<16xf32>)
    -> tensor<1x16x1024x64xbf16> {
  %out = attn.attention %q, %k, %v sink(%sink)
      mask [#attn.causal, #attn.window<left = 127, right = 0>]
      : tensor<1x16x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<16xf32>
      -> tensor<1x16x1024x64xbf16>
  return %out : tensor<1x16x1024x64xbf16>
}
