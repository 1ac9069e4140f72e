// RUN: attn-opt %s --convert-attn-to-linalg --split-input-file --verify-diagnostics

// The reference forms view Q as [B, Hkv, G, L, D]: dynamic head counts are
// diagnosed (the flash lowerings take them).
func.func @dynamic_heads(%q: tensor<1x?x8x16xf32>, %k: tensor<1x?x8x16xf32>) -> tensor<1x?x8x16xf32> {
  // expected-error @+1 {{'attn.attention' op the reference lowering needs static head counts (it groups the query heads by K/V head), but 'query' has ? heads and the keys ?; the flash path takes dynamic ones}}
  %o = attn.attention %q, %k, %k : tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32> -> tensor<1x?x8x16xf32>
  return %o : tensor<1x?x8x16xf32>
}

// -----

func.func @dynamic_kv_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x?x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{'attn.linear_attention' op the reference lowering needs static head counts (it groups the query heads by K/V head), but 'query' has 4 heads and the keys ?; the flash path takes dynamic ones}}
  %o = attn.linear_attention %q, %k, %k feature identity : tensor<1x4x8x16xf32>, tensor<1x?x8x16xf32>, tensor<1x?x8x16xf32> -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// Dynamic head dims too: the flash path's chunked form needs them static
// (its state is D x Dv), so the message says so rather than send the user
// to the flash path.
func.func @dynamic_heads_and_dims(%q: tensor<1x?x8x?xf32>) -> tensor<1x?x8x?xf32> {
  // expected-error @+1 {{'attn.linear_attention' op the reference lowering needs static head counts (it groups the query heads by K/V head), but 'query' has ? heads and the keys ?; the flash path takes dynamic head counts, but linear attention's needs static head dims}}
  %o = attn.linear_attention %q, %q, %q feature elu_plus_one causal : tensor<1x?x8x?xf32>, tensor<1x?x8x?xf32>, tensor<1x?x8x?xf32> -> tensor<1x?x8x?xf32>
  return %o : tensor<1x?x8x?xf32>
}
