// SCOUT: a sliding-window mixer first gives every token a local summary; each
// completed 64-token segment is compressed into one checkpoint; a query then
// attends, in one softmax, to the checkpoints of completed segments
// (causal<stride = 64>) and to its own segment's earlier tokens. The union is
// exact: the two branches' partial softmaxes are merged by their LSEs.
func.func @scout(%q: tensor<1x8x1024x64xbf16>, %k: tensor<1x8x1024x64xbf16>,
                 %v: tensor<1x8x1024x64xbf16>) -> tensor<1x8x1024x64xbf16> {
  // Sliding-window mixer.
  %mixed = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 127, right = 0>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>
  // One checkpoint per segment of 64 mixed tokens.
  %checkpoints = attn.compress mean %mixed stride 64
      : tensor<1x8x1024x64xbf16> -> tensor<1x8x16x64xbf16>
  // Completed segments' checkpoints.
  %o_ckpt, %lse_ckpt = attn.attention %q, %checkpoints, %checkpoints
      mask [#attn.causal<stride = 64>]
      : tensor<1x8x1024x64xbf16>, tensor<1x8x16x64xbf16>, tensor<1x8x16x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  // The current segment's own tokens: causal, and in the same segment.
  %c64 = arith.constant 64 : index
  %o_seg, %lse_seg = attn.attention %q, %k, %v mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %si = arith.divui %i, %c64 : index
    %sj = arith.divui %j, %c64 : index
    %same = arith.cmpi eq, %si, %sj : index
    attn.yield %same : i1
  } : tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>, tensor<1x8x1024x64xbf16>
      -> tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32>
  %out = attn.merge lse (%o_seg, %lse_seg), (%o_ckpt, %lse_ckpt)
      : tensor<1x8x1024x64xbf16>, tensor<1x8x1024xf32> -> tensor<1x8x1024x64xbf16>
  return %out : tensor<1x8x1024x64xbf16>
}
