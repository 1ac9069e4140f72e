// Programs whose sizes come out of range only when they run (attn-run's
// reference must refuse them with a message, not crash);
// attn-run-reference-errors.mlir runs them.

// A top-k whose k (the verifier's largest) makes a result no machine holds.
func.func @topk_huge(%s: tensor<64x64x64x8xf32>) -> tensor<64x64x64x?xi32> {
  %0 = attn.topk %s k 2147483647 : tensor<64x64x64x8xf32> -> tensor<64x64x64x?xi32>
  return %0 : tensor<64x64x64x?xi32>
}

// A generated tensor of a computed, negative extent.
func.func @generate_negative(%q: tensor<1x2x8x4xf32>) -> tensor<?xf32> {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %n = arith.subi %c0, %c1 : index
  %g = tensor.generate %n {
  ^bb0(%i: index):
    %z = arith.constant 1.0 : f32
    tensor.yield %z : f32
  } : tensor<?xf32>
  return %g : tensor<?xf32>
}

// tensor.dim of a computed index past the rank.
func.func @dim_out_of_range(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %c1 = arith.constant 1 : index
  %big = arith.constant 100000000 : index
  %i = arith.addi %big, %c1 : index
  %d = tensor.dim %q, %i : tensor<1x2x8x4xf32>
  %o = attn.attention %q, %q, %q mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %j: index):
    %c = arith.cmpi ult, %j, %d : index
    attn.yield %c : i1
  } : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// Elementwise operands of one dynamic type, given different lengths.
func.func @elementwise_sizes(%a: tensor<1x2x?x4xf32>, %b: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %c = arith.addf %a, %b : tensor<1x2x?x4xf32>
  return %c : tensor<1x2x?x4xf32>
}
