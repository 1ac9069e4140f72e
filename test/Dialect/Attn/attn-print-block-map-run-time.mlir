// The key-tile bounds that lengths known only at run time get (each
// predicate's buildKeyInterval, folded here with the static lengths) against
// the exact block map, for every atom and combinator over Lq = Lkv and
// Lq != Lkv both ways: the pass fails if a run-time range misses a tile with
// allowed pairs (judged pair by pair where the map would visit it) or calls
// a tile full that is not. Every range is the map's exactly but those of
// masks with a `not` (which bounds nothing: wider) and of a prefix and a
// window whose keys part (the map classifies each atom alone and visits a
// tile of no pair: narrower).
// RUN: attn-opt %s --attn-print-block-map="block-q=16 block-kv=16 run-time-bounds=true" 2>&1 | FileCheck %s
// CHECK-NOT: error

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_stride4_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal<stride = 4>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_left_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 10, right = 0>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_two_sided_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 3, right = 20>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_diagonal_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 0, right = 0>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_window_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.window<left = 30, right = 0>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 2, dilation = 7>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @dilated_dense_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.dilated<window = 3, dilation = 1>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @prefix_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 30>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 24>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @chunked_causal_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.chunked<size = 16>, #attn.causal] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @global_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.global<count = 5>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @causal_global_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.global<count = 5>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @window_or_global_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.window<left = 8, right = 0>, #attn.global<count = 4>]>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @and_nested_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 30, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @not_window_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @causal_not_window_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal, #attn.not<#attn.window<left = 4, right = 4>>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_128x128(%q: tensor<1x1x128x16xf32>, %k: tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32>, tensor<1x1x128x16xf32> -> tensor<1x1x128x16xf32>
  return %o : tensor<1x1x128x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_1x77(%q: tensor<1x1x1x16xf32>, %k: tensor<1x1x77x16xf32>) -> tensor<1x1x1x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x1x16xf32>, tensor<1x1x77x16xf32>, tensor<1x1x77x16xf32> -> tensor<1x1x1x16xf32>
  return %o : tensor<1x1x1x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound
func.func @prefix_window_77x1(%q: tensor<1x1x77x16xf32>, %k: tensor<1x1x1x16xf32>) -> tensor<1x1x77x16xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.prefix<len = 5>, #attn.window<left = 10, right = 0>] : tensor<1x1x77x16xf32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32> -> tensor<1x1x77x16xf32>
  return %o : tensor<1x1x77x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @documents_causal_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>, %qs: tensor<1x100xi32>, %ks: tensor<1x100xi32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k segments(%qs, %ks) mask [#attn.document, #attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x100xi32>, tensor<1x100xi32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @documents_causal_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>, %qs: tensor<1x37xi32>, %ks: tensor<1x100xi32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k segments(%qs, %ks) mask [#attn.document, #attn.causal] : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x37xi32>, tensor<1x100xi32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @documents_causal_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>, %qs: tensor<1x100xi32>, %ks: tensor<1x37xi32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k segments(%qs, %ks) mask [#attn.document, #attn.causal] : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32>, tensor<1x100xi32>, tensor<1x37xi32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// mask_mod regions of comparisons linear in the row and the key
// (buildMaskModKeyInterval): a causal region's ranges and full runs are the
// map's; a band with a parity test is bounded but has no full tile.
// CHECK-LABEL: remark: block map
// CHECK-NEXT: [0, 1)  run-time [0, 1) full [0, 0)
// CHECK-NEXT: [0, 2)  run-time [0, 2) full [0, 1)
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @region_causal_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %allowed = arith.cmpi sge, %i, %j : index
    attn.yield %allowed : i1
  } : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @region_band_37x100(%q: tensor<1x1x37x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x37x16xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c20 = arith.constant 20 : index
    %c50 = arith.constant 50 : index
    %hi = arith.addi %i, %c50 : index
    %lo = arith.subi %hi, %c20 : index
    %below = arith.cmpi slt, %j, %hi : index
    %above = arith.cmpi sge, %j, %lo : index
    %allowed = arith.andi %below, %above : i1
    attn.yield %allowed : i1
  } : tensor<1x1x37x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x37x16xf32>
  return %o : tensor<1x1x37x16xf32>
}

// CHECK-LABEL: remark: block map
// CHECK-NOT: full [{{[0-9]+}}, {{[1-9]}}
// CHECK: run-time bounds: sound
func.func @region_parity_band_100x37(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x37x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c2 = arith.constant 2 : index
    %c1 = arith.constant 1 : index
    %before = arith.cmpi ule, %j, %i : index
    %sum = arith.addi %i, %j : index
    %odd = arith.remui %sum, %c2 : index
    %isOdd = arith.cmpi eq, %odd, %c1 : index
    %allowed = arith.andi %before, %isOdd : i1
    attn.yield %allowed : i1
  } : tensor<1x1x100x16xf32>, tensor<1x1x37x16xf32>, tensor<1x1x37x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// A prefix LM as an or (the hull of the parts' keys; full keys where they
// overlap): tile 0 is full for every query tile, as the map has it.
// CHECK-LABEL: remark: block map
// CHECK-NEXT: [0, 2)  run-time [0, 2) full [0, 1)
// CHECK-NEXT: [0, 2)  run-time [0, 2) full [0, 1)
// CHECK-NEXT: [0, 3)  run-time [0, 3) full [0, 2)
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @region_prefix_lm_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c20 = arith.constant 20 : index
    %prefix = arith.cmpi slt, %j, %c20 : index
    %before = arith.cmpi sle, %j, %i : index
    %allowed = arith.ori %prefix, %before : i1
    attn.yield %allowed : i1
  } : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}

// Chunks of 32 as a region (`i // 32 == j // 32`, floordivsi; a division of
// the key against one of the row bounds both ends of its chunk): the same
// ranges and full tiles as the map's.
// CHECK-LABEL: remark: block map
// CHECK-NEXT: [0, 2)  run-time [0, 2) full [0, 2)
// CHECK-NEXT: [0, 2)  run-time [0, 2) full [0, 2)
// CHECK-NEXT: [2, 4)  run-time [2, 4) full [2, 4)
// CHECK: run-time bounds: sound, [[N:[0-9]+]]/[[N]] query tiles exact
func.func @region_chunks_100x100(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>) -> tensor<1x1x100x16xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c32 = arith.constant 32 : index
    %ci = arith.floordivsi %i, %c32 : index
    %cj = arith.floordivsi %j, %c32 : index
    %allowed = arith.cmpi eq, %ci, %cj : index
    attn.yield %allowed : i1
  } : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32> -> tensor<1x1x100x16xf32>
  return %o : tensor<1x1x100x16xf32>
}
