// arith.remf in a score_mod: libdevice's fmod in the kernel (NVPTX has no
// frem), in f32 and through f32 for bf16, against the reference's exact
// fmod (bf16, 2 heads, 200 tokens, head dim 64, causal). A periodic bias
// of the distance, with negative dividends (C's sign of the dividend).
func.func @remainders(%q: tensor<1x2x200x64xbf16>, %k: tensor<1x2x200x64xbf16>, %v: tensor<1x2x200x64xbf16>) -> tensor<1x2x200x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %d32 = arith.index_cast %d : index to i32
    %df = arith.sitofp %d32 : i32 to f32
    %period = arith.constant 7.5 : f32
    %r = arith.remf %df, %period : f32
    %sb = arith.truncf %s : f32 to bf16
    %three = arith.constant 3.0 : bf16
    %rb = arith.remf %sb, %three : bf16
    %rbf = arith.extf %rb : bf16 to f32
    %scale = arith.constant 0.1 : f32
    %bias = arith.mulf %r, %scale : f32
    %t = arith.addf %rbf, %bias : f32
    attn.yield %t : f32
  } : tensor<1x2x200x64xbf16>, tensor<1x2x200x64xbf16>, tensor<1x2x200x64xbf16> -> tensor<1x2x200x64xbf16>
  return %o : tensor<1x2x200x64xbf16>
}
