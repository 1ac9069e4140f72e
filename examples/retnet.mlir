// RetNet retention (parallel form): out_i = sum_{j <= i} gamma_h^(i - j)
// (q_i . k_j) v_j, causal linear attention with the identity feature map, no
// normaliser and a fixed decay per head, gamma_h = 1 - 2^(-5 - h) (log-gates
// a_t = log gamma_h, generated). The 1/sqrt(d) scale is folded into the
// queries, and RetNet's group norm follows outside.
func.func @retnet(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                  %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %decay = tensor.generate {
  ^bb0(%b: index, %h: index, %t: index):
    %hi = arith.index_cast %h : index to i32
    %hf = arith.sitofp %hi : i32 to f32
    %minus5 = arith.constant -5.0 : f32
    %e = arith.subf %minus5, %hf : f32
    %p = math.exp2 %e : f32
    %one = arith.constant 1.0 : f32
    %gamma = arith.subf %one, %p : f32
    %a = math.log %gamma : f32
    tensor.yield %a : f32
  } : tensor<1x8x1024xf32>
  %out = attn.linear_attention %q, %k, %v decay(%decay) feature identity causal
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>,
        tensor<1x8x1024xf32>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
