func.func @ipowi(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %jj = arith.index_cast %j : index to i32
        %c3 = arith.constant 3 : i32
        %p = math.ipowi %jj, %c3 : i32
        %f = arith.sitofp %p : i32 to f32
        %r = arith.addf %s, %f : f32
        attn.yield %r : f32
      }
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
