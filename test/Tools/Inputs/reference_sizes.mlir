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

// Reshapes whose sizes only the run shows wrong: a group whose product is
// not the source's size, a negative size, a product past int64, and a
// collapse of a zero-element tensor whose other sizes overflow.
func.func @expand_mismatch(%b: tensor<?xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %b, %c0 : tensor<?xf32>
  %e = tensor.expand_shape %b [[0, 1]] output_shape [%d, 4] : tensor<?xf32> into tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}

func.func @expand_negative(%b: tensor<?xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %b, %c0 : tensor<?xf32>
  %n = arith.subi %c0, %d : index
  %e = tensor.expand_shape %b [[0, 1]] output_shape [%n, 4] : tensor<?xf32> into tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}

func.func @expand_overflow(%b: tensor<?xf32>) -> tensor<?x4xf32> {
  %big = arith.constant 4611686018427387904 : index
  %e = tensor.expand_shape %b [[0, 1]] output_shape [%big, 4] : tensor<?xf32> into tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}

func.func @collapse_overflow(%x: tensor<1xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %big = arith.constant 4294967296 : index
  %v = tensor.extract %x[%c0] : tensor<1xf32>
  %s = tensor.splat %v[%big, %big, %c0] : tensor<?x?x?xf32>
  %c = tensor.collapse_shape %s [[0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}

// Operands without elements may have any other sizes: a batch of 0 with
// 2^62 keys has no rows to evaluate (the reference allocated a row of 2^62
// probabilities and aborted).
func.func @empty_batch(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>, %v: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32> -> tensor<?x?x?x?xf32>
  return %o : tensor<?x?x?x?xf32>
}
