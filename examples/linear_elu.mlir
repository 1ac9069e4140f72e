// Linear transformer (Katharopoulos et al.): phi(x) = elu(x) + 1, causal and
// normalised: out_i = phi(q_i)^T S_i / (phi(q_i)^T z_i + eps).
func.func @linear_elu(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                      %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  %out = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
