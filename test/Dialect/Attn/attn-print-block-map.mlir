// The block map of every affine predicate, alone and combined, for Lq = Lkv
// and Lq != Lkv both ways. The expected maps were computed by brute force
// over every (query, key) pair of each tile.
// RUN: attn-opt %s --attn-print-block-map='block-q=16 block-kv=16' -o /dev/null 2>&1 | FileCheck %s
// RUN: attn-opt %s --attn-print-block-map='block-q=16 block-kv=4' -o /dev/null 2>&1 | FileCheck %s --check-prefix=STRIDE

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  +...  [
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  ##+.  [
// CHECK-NEXT: {{^}}  ###+  [
func.func @causal_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ##+.  [
// CHECK-NEXT: {{^}}  ###+  [
func.func @causal_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  +.  [
// CHECK-NEXT: {{^}}  #+  [
func.func @causal_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// STRIDE-LABEL: remark: block map: 4x4 tiles of 16x4
// STRIDE-NEXT: {{^}}  +...  [
// STRIDE-NEXT: {{^}}  #+..  [
// STRIDE-NEXT: {{^}}  ##+.  [
// STRIDE-NEXT: {{^}}  ###+  [
func.func @causal_s4_64x16(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x16x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x64x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ++..  [
// CHECK-NEXT: {{^}}  +++.  [
// CHECK-NEXT: {{^}}  ++++  [
// CHECK-NEXT: {{^}}  .+++  [
func.func @window_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 20, right = 3>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ++++  [
// CHECK-NEXT: {{^}}  .+++  [
func.func @window_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 20, right = 3>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  +.  [
// CHECK-NEXT: {{^}}  ++  [
// CHECK-NEXT: {{^}}  ++  [
func.func @window_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 20, right = 3>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ++..  [
// CHECK-NEXT: {{^}}  +++.  [
// CHECK-NEXT: {{^}}  .+++  [
// CHECK-NEXT: {{^}}  ..++  [
func.func @dilated_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 4, dilation = 3>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  .+++  [
// CHECK-NEXT: {{^}}  ..++  [
func.func @dilated_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 4, dilation = 3>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  +.  [
// CHECK-NEXT: {{^}}  ++  [
// CHECK-NEXT: {{^}}  ++  [
func.func @dilated_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 4, dilation = 3>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Chunks of 24 with causal (Llama 4's local layers): a chunk that
// straddles tiles leaves them partial; tiles beside the chunks are empty.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 6, empty 10
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ++..  [0, 2)
// CHECK-NEXT: {{^}}  .++.  [1, 3)
// CHECK-NEXT: {{^}}  ...+  [3, 4)
func.func @chunked_causal_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.chunked<size = 24>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Chunks of 16 with Lq < Lkv (pos(i) = i + 24): a tile whose rows and
// keys share one chunk is full.
// CHECK-LABEL: remark: block map: 3x4 tiles of 16x16, full 1, partial 4, empty 7
// CHECK-NEXT: {{^}}  .++.  [1, 3)
// CHECK-NEXT: {{^}}  ..++  [2, 4)
// CHECK-NEXT: {{^}}  ...#  [3, 4)
func.func @chunked_40x64(%q: tensor<1x1x40x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x40x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>] : tensor<1x1x40x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x40x8xf32>
  return %o : tensor<1x1x40x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  #+..  [
func.func @prefix_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 24>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  #+..  [
func.func @prefix_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 24>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
func.func @prefix_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 24>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ++++  [
// CHECK-NEXT: {{^}}  +...  [
// CHECK-NEXT: {{^}}  +...  [
// CHECK-NEXT: {{^}}  +...  [
func.func @global_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  +...  [
// CHECK-NEXT: {{^}}  +...  [
func.func @global_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ##  [
// CHECK-NEXT: {{^}}  ##  [
// CHECK-NEXT: {{^}}  ++  [
// CHECK-NEXT: {{^}}  +.  [
func.func @global_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  +..+  [
// CHECK-NEXT: {{^}}  .+.+  [
// CHECK-NEXT: {{^}}  +.++  [
// CHECK-NEXT: {{^}}  ++.+  [
func.func @stripes_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.stripes<diagonals = [0, 40], columns = [60]>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  +.++  [
// CHECK-NEXT: {{^}}  ++.+  [
func.func @stripes_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.stripes<diagonals = [0, 40], columns = [60]>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  ..  [
// CHECK-NEXT: {{^}}  +.  [
// CHECK-NEXT: {{^}}  .+  [
func.func @stripes_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.stripes<diagonals = [0, 40], columns = [60]>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  #+..  [
// CHECK-NEXT: {{^}}  ##+.  [
// CHECK-NEXT: {{^}}  ###+  [
func.func @prefix_lm_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.causal, #attn.prefix<len = 20>]>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ##+.  [
// CHECK-NEXT: {{^}}  ###+  [
func.func @prefix_lm_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.causal, #attn.prefix<len = 20>]>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
// CHECK-NEXT: {{^}}  #+  [
func.func @prefix_lm_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.causal, #attn.prefix<len = 20>]>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  +###  [
// CHECK-NEXT: {{^}}  ++##  [
// CHECK-NEXT: {{^}}  #++#  [
// CHECK-NEXT: {{^}}  ##++  [
func.func @not_window_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 8, right = 0>>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 2x4 tiles of 16x16
// CHECK-NEXT: {{^}}  #++#  [
// CHECK-NEXT: {{^}}  ##++  [
func.func @not_window_32x64(%q: tensor<1x1x32x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x32x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 8, right = 0>>] : tensor<1x1x32x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x32x8xf32>
  return %o : tensor<1x1x32x8xf32>
}

// CHECK-LABEL: remark: block map: 4x2 tiles of 16x16
// CHECK-NEXT: {{^}}  ##  [
// CHECK-NEXT: {{^}}  ##  [
// CHECK-NEXT: {{^}}  +#  [
// CHECK-NEXT: {{^}}  ++  [
func.func @not_window_64x32(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x32x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 8, right = 0>>] : tensor<1x1x64x8xf32>, tensor<1x1x32x8xf32>, tensor<1x1x32x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16
// CHECK-NEXT: {{^}}  ++..  [
// CHECK-NEXT: {{^}}  +++.  [
// CHECK-NEXT: {{^}}  .+++  [
// CHECK-NEXT: {{^}}  ..++  [
func.func @neighborhood_64x64(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.neighborhood<grid = [8, 8], radius = [1, 1], dilation = [1, 2]>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Ranges are the loop bounds: key tiles from the first to the last non-empty.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 4, partial 6, empty 6, visited 10/16 (62.5%)
// CHECK-NEXT: {{^}}  #+..  [0, 2)
// CHECK-NEXT: {{^}}  +#+.  [0, 3)
// CHECK-NEXT: {{^}}  .+#+  [1, 4)
// CHECK-NEXT: {{^}}  ..+#  [2, 4)
func.func @band(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 16, right = 16>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A mask_mod region that is true at every pair of a tile leaves its class
// to the atoms (attn-print-block-map-mask-mod.mlir has the region's own).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 6, partial 4, empty 6
func.func @region(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %t = arith.constant true
    attn.yield %t : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A neighbourhood whose grid rows are segments of 16 tokens: its outer axis
// is classified exactly (the band of its reach alone leaves the tiles next
// to the diagonal partial).
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 4, partial 0, empty 12
// CHECK-NEXT: {{^}}  #...  [0, 1)
// CHECK-NEXT: {{^}}  .#..  [1, 2)
func.func @segments(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.neighborhood<grid = [4, 16], radius = [0, 15], dilation = [1, 1]>] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// A mask_mod that keeps keys of the query's own segment of 16 tokens
// (SCOUT's own segment) implies that neighbourhood: the tiles of the
// window before the segment are not visited.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 4, empty 12, visited 4/16 (25.0%)
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  .+..  [1, 2)
func.func @own_segment(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 15, right = 0>] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.constant 16 : index
    %si = arith.divui %i, %c : index
    %sj = arith.divui %j, %c : index
    %same = arith.cmpi eq, %sj, %si : index
    attn.yield %same : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Segments of different sizes for queries and keys imply no neighbourhood,
// but the region's intervals decide each tile: the query's segment of 16
// and the key's of 32 are one number each over a 16 x 16 tile, equal only
// in the first.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 1, empty 15, visited 1/16
// CHECK-NEXT: {{^}}  +...  [0, 1)
// CHECK-NEXT: {{^}}  ....  [0, 0)
func.func @unequal_segments(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 15, right = 0>] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.constant 16 : index
    %d = arith.constant 32 : index
    %si = arith.divui %i, %c : index
    %sj = arith.divui %j, %d : index
    %same = arith.cmpi eq, %si, %sj : index
    attn.yield %same : i1
  } : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// Data-dependent predicates are decided at run time.
// CHECK-LABEL: remark: block map: 4x4 tiles of 16x16, full 0, partial 10, empty 6, visited 10/16 (62.5%), data-dependent (decided at run time)
func.func @documents(%q: tensor<1x1x64x8xf32>, %k: tensor<1x1x64x8xf32>, %s: tensor<1x64xi32>) -> tensor<1x1x64x8xf32> {
  %o = attn.attention %q, %k, %k segments(%s, %s) mask [#attn.document, #attn.causal] : tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32>, tensor<1x64xi32>, tensor<1x64xi32> -> tensor<1x1x64x8xf32>
  return %o : tensor<1x1x64x8xf32>
}

// CHECK-LABEL: remark: block map: dynamic sequence lengths, not classified at compile time; key-tile bounds from the mask's run-time key intervals
func.func @dynamic(%q: tensor<1x1x?x8xf32>, %k: tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32> -> tensor<1x1x?x8xf32>
  return %o : tensor<1x1x?x8xf32>
}

// RUN: not attn-opt %s --attn-print-block-map='block-q=0' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: attn-print-block-map needs positive tile sizes, got block-q=0 block-kv=64
