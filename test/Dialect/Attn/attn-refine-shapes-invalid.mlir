// Sizes that the attn ops relate to two different constants: no call could
// satisfy both.
// RUN: attn-opt %s --attn-refine-shapes --split-input-file --verify-diagnostics

// expected-note @below {{dimension 3 of %arg0 ('tensor<1x1x8x16xf32>') is 16}}
func.func @two_head_dims(%q: tensor<1x1x8x16xf32>,
    // expected-error @below {{dimension 3 of %arg1 ('tensor<1x1x8x32xf32>') is 32, but the function's attn ops make it equal to a size that is 16}}
    %q2: tensor<1x1x8x32xf32>, %k: tensor<1x1x8x?xf32>, %v: tensor<1x1x8x16xf32>) -> (tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>) {
  %o = attn.attention %q, %k, %v : tensor<1x1x8x16xf32>, tensor<1x1x8x?xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  %o2 = attn.attention %q2, %k, %v : tensor<1x1x8x32xf32>, tensor<1x1x8x?xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return %o, %o2 : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>
}

// -----

// A constant (top-k's k) against a static size that another op reads.
func.func @k_against_blocks(%s: tensor<1x1x3x3xf32>, %q: tensor<1x1x12x16xf32>, %k: tensor<1x1x12x16xf32>) -> tensor<1x1x12x16xf32> {
  // expected-error @below {{dimension 3 of %0 ('tensor<1x1x3x?xi32>') must be 2, but the function's attn ops make it equal to a size that is 3}}
  %sel = attn.topk %s k 2 : tensor<1x1x3x3xf32> -> tensor<1x1x3x?xi32>
  // expected-note @below {{dimension 3 of %cast ('tensor<1x1x3x3xi32>') is 3}}
  %c = tensor.cast %sel : tensor<1x1x3x?xi32> to tensor<1x1x3x3xi32>
  %o = attn.attention %q, %k, %k indices(%c) mask [#attn.block_indices<block_q = 4, block_kv = 4>] : tensor<1x1x12x16xf32>, tensor<1x1x12x16xf32>, tensor<1x1x12x16xf32>, tensor<1x1x3x3xi32> -> tensor<1x1x12x16xf32>
  return %o : tensor<1x1x12x16xf32>
}

// -----

// A compressed length, ceil(8 / 2) = 4, against a cast that fixes it to 5.
func.func @ceil_against_cast(%k: tensor<1x1x8x4xf32>) -> tensor<1x1x5x4xf32> {
  // expected-error @below {{dimension 2 of %0 ('tensor<1x1x?x4xf32>') must be 4, but the function's attn ops make it equal to a size that is 5}}
  %c = attn.compress mean %k stride 2 : tensor<1x1x8x4xf32> -> tensor<1x1x?x4xf32>
  // expected-note @below {{dimension 2 of %cast ('tensor<1x1x5x4xf32>') is 5}}
  %r = tensor.cast %c : tensor<1x1x?x4xf32> to tensor<1x1x5x4xf32>
  return %r : tensor<1x1x5x4xf32>
}

// -----

// Three query heads (fixed by the argument's type) over two key/value
// heads, through a cast that hides the count from the attention's verifier.
// expected-error @below {{dimension 1 of %arg0 ('tensor<1x3x8x4xf32>') is 3, but the function's attn ops share key/value heads among these query heads, and 2 key/value heads do not divide 3}}
func.func @groups(%q: tensor<1x3x8x4xf32>,
    // expected-note @below {{dimension 1 of %arg1 ('tensor<1x2x8x4xf32>') is 2}}
    %k: tensor<1x2x8x4xf32>) -> tensor<1x?x8x4xf32> {
  %qd = tensor.cast %q : tensor<1x3x8x4xf32> to tensor<1x?x8x4xf32>
  %o = attn.attention %qd, %k, %k : tensor<1x?x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x?x8x4xf32>
  return %o : tensor<1x?x8x4xf32>
}
