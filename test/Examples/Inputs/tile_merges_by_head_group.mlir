// Each attn.merge in tiles of 1 batch x 4 query heads (whole rows), with
// every attn op that feeds it fused into its loop.
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %m = transform.structured.match ops{["attn.merge"]} in %root : (!transform.any_op) -> !transform.any_op
    %p = transform.structured.match ops{["attn.attention", "attn.compress", "attn.block_scores", "attn.topk", "attn.linear_attention", "attn.causal_conv"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %m tile_sizes [1, 4, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %f, %l2 = transform.structured.fuse_into_containing_op %p into %l : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
