// fpowi on an i64 exponent (past 2^32 on the first key), expm1, log1p and
// isinf in a score_mod: attn-expand-math's forms in the kernel, against
// the reference's exact pow, expm1 and log1p (bf16, 2 heads, 200 tokens,
// head dim 64, causal).
func.func @powers_and_near_zero(%q: tensor<1x2x200x64xbf16>, %k: tensor<1x2x200x64xbf16>, %v: tensor<1x2x200x64xbf16>) -> tensor<1x2x200x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %i, %j : index
    %d64 = arith.index_cast %d : index to i64
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %j, %c0 : index
    %big = arith.constant 4294967296 : i64
    %shifted = arith.addi %d64, %big : i64
    %n = arith.select %first, %shifted, %d64 : i64
    %base = arith.constant 0.99 : f32
    %p = math.fpowi %base, %n : f32, i64
    %tiny = arith.constant 1.0e-6 : f32
    %x = arith.mulf %s, %tiny : f32
    %e = math.expm1 %x : f32
    %l = math.log1p %x : f32
    %scale = arith.constant 1.0e5 : f32
    %el = arith.addf %e, %l : f32
    %els = arith.mulf %el, %scale : f32
    %inf = math.isinf %p : f32
    %z = arith.constant 0.0 : f32
    %pp = arith.select %inf, %z, %p : f32
    %t = arith.addf %pp, %els : f32
    attn.yield %t : f32
  } : tensor<1x2x200x64xbf16>, tensor<1x2x200x64xbf16>, tensor<1x2x200x64xbf16> -> tensor<1x2x200x64xbf16>
  return %o : tensor<1x2x200x64xbf16>
}
