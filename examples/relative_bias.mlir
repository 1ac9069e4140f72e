// T5's relative position bias (Raffel et al.), decoder form: each head adds
// a learned scalar, read from its row of a [heads, 32] table, chosen by the
// bucket of the distance n = i - j: exact up to 15, then 16 buckets spaced
// logarithmically up to 128, the last one beyond. The table is an argument
// that the score_mod reads (on the GPU, a kernel argument).
func.func @relative_bias(%q: tensor<1x8x512x64xbf16>, %k: tensor<1x8x512x64xbf16>,
                         %v: tensor<1x8x512x64xbf16>, %table: tensor<8x32xf32>)
    -> tensor<1x8x512x64xbf16> {
  %out = attn.attention %q, %k, %v mask [#attn.causal]
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %zero = arith.constant 0 : index
        %exact = arith.constant 16 : index
        %last = arith.constant 31 : index
        %one = arith.constant 1.0 : f32
        %sixteenth = arith.constant 0.0625 : f32
        // 16 buckets per factor 8 = 128 / 16 of distance: 16 / ln 8.
        %per_log = arith.constant 7.69437884 : f32
        %d = arith.subi %i, %j : index
        %n = arith.maxsi %d, %zero : index
        %n32 = arith.index_cast %n : index to i32
        %nf = arith.sitofp %n32 : i32 to f32
        %ratio = arith.mulf %nf, %sixteenth : f32
        // (At least 1: the logarithm only matters past the exact buckets.)
        %at_least_one = arith.maximumf %ratio, %one : f32
        %log = math.log %at_least_one : f32
        %steps = arith.mulf %log, %per_log : f32
        %steps32 = arith.fptosi %steps : f32 to i32
        %far_steps = arith.index_cast %steps32 : i32 to index
        %far = arith.addi %far_steps, %exact : index
        %far_clamped = arith.minsi %far, %last : index
        %is_near = arith.cmpi slt, %n, %exact : index
        %bucket = arith.select %is_near, %n, %far_clamped : index
        %bias = tensor.extract %table[%h, %bucket] : tensor<8x32xf32>
        %biased = arith.addf %s, %bias : f32
        attn.yield %biased : f32
      }
      : tensor<1x8x512x64xbf16>, tensor<1x8x512x64xbf16>, tensor<1x8x512x64xbf16>
      -> tensor<1x8x512x64xbf16>
  return %out : tensor<1x8x512x64xbf16>
}
