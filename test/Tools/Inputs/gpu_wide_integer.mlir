// A score_mod through i128, which NVPTX cannot convert (it has no library
// calls for it).
func.func @wide(%q: tensor<1x1x16x16xbf16>, %k: tensor<1x1x16x16xbf16>, %v: tensor<1x1x16x16xbf16>) -> tensor<1x1x16x16xbf16> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %x = arith.fptosi %s : f32 to i128
    %r = arith.sitofp %x : i128 to f32
    attn.yield %r : f32
  } : tensor<1x1x16x16xbf16>, tensor<1x1x16x16xbf16>, tensor<1x1x16x16xbf16> -> tensor<1x1x16x16xbf16>
  return %o : tensor<1x1x16x16xbf16>
}
