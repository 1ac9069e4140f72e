// Every attn op but attention in tiles of 1 batch x 1 head (a K/V head for
// block scores and linear attention), each in its own scf.forall.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %ops = transform.structured.match ops{["attn.merge", "attn.compress", "attn.block_scores", "attn.topk", "attn.linear_attention", "attn.causal_conv"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %ops tile_sizes [1, 1] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
