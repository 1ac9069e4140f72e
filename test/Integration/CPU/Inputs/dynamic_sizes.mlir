// Dynamic sizes that attention ties together: the C wrapper checks them.
func.func @dyn(%q: tensor<1x4x?x16xf32>, %k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x4x?x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

func.func @looped(%q: tensor<1x4x?x16xf32>, %k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %q) -> (tensor<1x4x?x16xf32>) {
    %o = attn.attention %x, %k, %v mask [#attn.causal] : tensor<1x4x?x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x?x16xf32>
    scf.yield %o : tensor<1x4x?x16xf32>
  }
  return %r : tensor<1x4x?x16xf32>
}

func.func @compressed(%k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %c = attn.compress mean %k stride 4 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %c : tensor<1x2x?x16xf32>
}

// A bias broadcasts over batch and heads where its size there is 1.
func.func @biased(%q: tensor<?x2x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>, %bias: tensor<?x?x?x?xf32>) -> tensor<?x2x?x16xf32> {
  %o = attn.attention %q, %k, %v bias(%bias) score [#attn.bias] : tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x?x?x?xf32> -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

// Block indices: [B, Hkv, ceil(Lq / block_q), k]; a block layout:
// [B or 1, Hq or 1, ceil(Lq / block_q), ceil(Lkv / block_kv)].
func.func @selected(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>, %sel: tensor<?x?x?x2xi32>) -> tensor<1x2x?x16xf32> {
  %o = attn.attention %q, %k, %v indices(%sel) mask [#attn.block_indices<block_q = 4, block_kv = 4>] : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<?x?x?x2xi32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

func.func @laid_out(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>, %layout: tensor<?x?x?x?xi1>) -> tensor<1x2x?x16xf32> {
  %o = attn.attention %q, %k, %v layout(%layout) mask [#attn.block_layout<block_q = 4, block_kv = 8>] : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<?x?x?x?xi1> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// A neighbourhood's grid fixes both lengths.
func.func @neighbors(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.neighborhood<grid = [3, 4], radius = [1, 1], dilation = [1, 1]>] : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// Top-k writes k indices per row; compress weights are [H, W] or [W].
func.func @top(%s: tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xi32> {
  %i = attn.topk %s k 2 : tensor<1x2x4x?xf32> -> tensor<1x2x4x?xi32>
  return %i : tensor<1x2x4x?xi32>
}

func.func @weighted(%k: tensor<1x2x?x16xf32>, %w: tensor<?x?xf32>) -> tensor<1x2x?x16xf32> {
  %c = attn.compress sum %k weights(%w) stride 4 : tensor<1x2x?x16xf32>, tensor<?x?xf32> -> tensor<1x2x?x16xf32>
  return %c : tensor<1x2x?x16xf32>
}

// Sizes that the program's own types fix where its arguments leave them
// open: the keys' length through a cast, and a length whose compressed
// length a cast fixes (3 compressed keys: 9 to 12 tokens).
func.func @cast_keys(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %ks = tensor.cast %k : tensor<1x2x?x16xf32> to tensor<1x2x11x16xf32>
  %o = attn.attention %q, %ks, %v : tensor<1x2x?x16xf32>, tensor<1x2x11x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

func.func @cast_compressed(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %kc = attn.compress mean %k stride 4 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %ks = tensor.cast %kc : tensor<1x2x?x16xf32> to tensor<1x2x3x16xf32>
  %o = attn.attention %q, %ks, %ks : tensor<1x2x?x16xf32>, tensor<1x2x3x16xf32>, tensor<1x2x3x16xf32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// Keys and values that are a constant of 2 heads: the queries' heads must
// be a multiple of 2.
func.func @constant_keys(%q: tensor<1x?x?x16xf32>) -> tensor<1x?x?x16xf32> {
  %k = arith.constant dense<0.5> : tensor<1x2x8x16xf32>
  %o = attn.attention %q, %k, %k : tensor<1x?x?x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x?x?x16xf32>
  return %o : tensor<1x?x?x16xf32>
}

// Queries that are a constant of 4 heads: the K/V heads must divide 4. (The
// output holds the query heads, so a K/V head count that does not divide
// them is named as the keys' fault.)
func.func @constant_queries(%k: tensor<1x?x?x16xf32>, %v: tensor<1x?x?x16xf32>) -> tensor<1x4x2x16xf32> {
  %q = arith.constant dense<0.5> : tensor<1x4x2x16xf32>
  %o = attn.attention %q, %k, %v : tensor<1x4x2x16xf32>, tensor<1x?x?x16xf32>, tensor<1x?x?x16xf32> -> tensor<1x4x2x16xf32>
  return %o : tensor<1x4x2x16xf32>
}

// Block scores of constant queries of 4 heads: no buffer holds the query
// heads, and the compressed keys' heads must divide 4.
func.func @constant_query_scores(%kc: tensor<1x?x2x16xf32>) -> tensor<1x?x2x2xf32> {
  %q = arith.constant dense<0.5> : tensor<1x4x4x16xf32>
  %s = attn.block_scores %q, %kc block_q 2 : tensor<1x4x4x16xf32>, tensor<1x?x2x16xf32> -> tensor<1x?x2x2xf32>
  return %s : tensor<1x?x2x2xf32>
}

// A cast in a branch that not every call runs fixes nothing for the others:
// 8 keys take the first branch, any other length the second.
func.func @cast_in_branch(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %l = tensor.dim %k, %c2 : tensor<1x2x?x16xf32>
  %eight = arith.cmpi eq, %l, %c8 : index
  %o = scf.if %eight -> (tensor<1x2x?x16xf32>) {
    %ks = tensor.cast %k : tensor<1x2x?x16xf32> to tensor<1x2x8x16xf32>
    %a = attn.attention %q, %ks, %ks : tensor<1x2x?x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x?x16xf32>
    scf.yield %a : tensor<1x2x?x16xf32>
  } else {
    %b = attn.attention %q, %k, %k : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
    scf.yield %b : tensor<1x2x?x16xf32>
  }
  return %o : tensor<1x2x?x16xf32>
}

// Keys compressed twice by 2, the second length cast to 3: ceil(L / 4) = 3,
// 9 to 12 tokens.
func.func @cast_compressed_twice(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %k1 = attn.compress mean %k stride 2 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %k2 = attn.compress mean %k1 stride 2 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %ks = tensor.cast %k2 : tensor<1x2x?x16xf32> to tensor<1x2x3x16xf32>
  %o = attn.attention %q, %ks, %ks : tensor<1x2x?x16xf32>, tensor<1x2x3x16xf32>, tensor<1x2x3x16xf32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// An open head dim: the flash form's tiles of queries are 64 rows of it,
// allocated inside the tile loop (the wrapper asks their size first).
func.func @open_head_dim(%q: tensor<1x1x?x?xf32>, %k: tensor<1x1x?x?xf32>, %v: tensor<1x1x?x4xf32>) -> tensor<1x1x?x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x1x?x?xf32>, tensor<1x1x?x?xf32>, tensor<1x1x?x4xf32> -> tensor<1x1x?x4xf32>
  return %o : tensor<1x1x?x4xf32>
}

// Block scores whose mask never holds, as canonicalisation leaves them with
// an open query length: -inf splatted over ceil(Lq / 4) query blocks (a
// ceildivui of the queries' tensor.dim), which the wrapper checks as it
// checks the op's.
func.func @folded_scores(%q: tensor<1x2x?x16xf32>) -> tensor<1x1x?x5xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %none = arith.constant 0xFF800000 : f32
  %length = tensor.dim %q, %c2 : tensor<1x2x?x16xf32>
  %blocks = arith.ceildivui %length, %c4 : index
  %s = tensor.splat %none[%blocks] : tensor<1x1x?x5xf32>
  return %s : tensor<1x1x?x5xf32>
}

// Keys compressed twice, by 4 then by 2, both lengths open: the result's
// length is ceil(ceil(L / 4) / 2) = ceil(L / 8), though no buffer holds the
// length between.
func.func @compressed_twice(%k: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %k1 = attn.compress mean %k stride 4 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %k2 = attn.compress mean %k1 stride 2 : tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %k2 : tensor<1x2x?x16xf32>
}
