// One case per diagnostic of the attn dialect.
// RUN: attn-opt %s --split-input-file --verify-diagnostics

func.func @query_rank(%q: tensor<8x128x64xf32>, %k: tensor<1x8x128x64xf32>) {
  // expected-error @+1 {{'query' must be a rank-4 tensor, but has type 'tensor<8x128x64xf32>'}}
  %0 = attn.attention %q, %k, %k : tensor<8x128x64xf32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @query_element_type(%q: tensor<1x8x128x64xi32>, %k: tensor<1x8x128x64xf32>) {
  // expected-error @+1 {{'query' must have element type f32, f16 or bf16, but has 'i32'}}
  %0 = attn.attention %q, %k, %k : tensor<1x8x128x64xi32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @key_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x8x128x64xf16>) {
  // expected-error @+1 {{'key' has element type 'f16', expected 'f32' (that of 'query')}}
  %0 = attn.attention %q, %k, %k : tensor<1x8x128x64xf32>, tensor<1x8x128x64xf16>, tensor<1x8x128x64xf16> -> tensor<1x8x128x64xf16>
  return
}

// -----

func.func @batch_mismatch(%q: tensor<2x8x128x64xf32>, %k: tensor<3x8x128x64xf32>) {
  // expected-error @+1 {{'key' has shape [3, 8, 128, 64], expected [2, ?, ?, 64]}}
  %0 = attn.attention %q, %k, %k : tensor<2x8x128x64xf32>, tensor<3x8x128x64xf32>, tensor<3x8x128x64xf32> -> tensor<2x8x128x64xf32>
  return
}

// -----

func.func @head_dim_mismatch(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x32xf32>) {
  // expected-error @+1 {{'key' has shape [2, 8, 128, 32], expected [2, ?, ?, 64]}}
  %0 = attn.attention %q, %k, %k : tensor<2x8x128x64xf32>, tensor<2x8x128x32xf32>, tensor<2x8x128x32xf32> -> tensor<2x8x128x32xf32>
  return
}

// -----

func.func @value_length(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %v: tensor<1x2x64x64xf32>) {
  // expected-error @+1 {{'value' has shape [1, 2, 64, 64], expected [1, 2, 128, ?]}}
  %0 = attn.attention %q, %k, %v : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x64x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @gqa_divisibility(%q: tensor<1x6x128x64xf32>, %k: tensor<1x4x128x64xf32>) {
  // expected-error @+1 {{'query' has 6 heads, which is not a multiple of the 4 heads of 'key'}}
  %0 = attn.attention %q, %k, %k : tensor<1x6x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32> -> tensor<1x6x128x64xf32>
  return
}

// -----

func.func @output_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x256x64xf32>, %v: tensor<1x2x256x32xf32>) {
  // expected-error @+1 {{'output' has shape [1, 8, 128, 64], expected [1, 8, 128, 32]}}
  %0 = attn.attention %q, %k, %v : tensor<1x8x128x64xf32>, tensor<1x2x256x64xf32>, tensor<1x2x256x32xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @output_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'output' has element type 'bf16', expected 'f32' (that of 'value')}}
  %0 = attn.attention %q, %k, %k : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xbf16>
  return
}

// -----

func.func @lse_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'lse' has shape [1, 8, 64], expected [1, 8, 128]}}
  %0, %1 = attn.attention %q, %k, %k : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>, tensor<1x8x64xf32>
  return
}

// -----

func.func @lse_element_type(%q: tensor<1x8x128x64xf16>, %k: tensor<1x2x128x64xf16>) {
  // expected-error @+1 {{'lse' has element type 'f16', expected 'f32' (log-sum-exp is f32)}}
  %0, %1 = attn.attention %q, %k, %k : tensor<1x8x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16> -> tensor<1x8x128x64xf16>, tensor<1x8x128xf16>
  return
}

// -----

func.func @lse_with_sigmoid(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{has an 'lse' result, which needs a softmax normaliser, but the normaliser is #attn.sigmoid}}
  %0, %1 = attn.attention %q, %k, %k normalizer(#attn.sigmoid) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>, tensor<1x8x128xf32>
  return
}

// -----

func.func @bias_without_reader(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %b: tensor<1x1x128x128xf32>) {
  // expected-error @+1 {{has a 'bias' operand, but no score modifier #attn.bias reads it}}
  %0 = attn.attention %q, %k, %k bias(%b) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x1x128x128xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @bias_reader_without_operand(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{score modifier #attn.bias requires the 'bias' operand}}
  %0 = attn.attention %q, %k, %k score [#attn.bias] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @bias_shape(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x128x64xf32>, %b: tensor<2x4x128x128xf32>) {
  // expected-error @+1 {{'bias' has shape [2, 4, 128, 128], expected [1|2, 1|8, 128, 128]}}
  %0 = attn.attention %q, %k, %k bias(%b) score [#attn.bias] : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x4x128x128xf32> -> tensor<2x8x128x64xf32>
  return
}

// -----

func.func @bias_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %b: tensor<1x1x128x128xi8>) {
  // expected-error @+1 {{'bias' must have element type f32, f16 or bf16, but has 'i8'}}
  %0 = attn.attention %q, %k, %k bias(%b) score [#attn.bias] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x1x128x128xi8> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @alibi_slopes(%q: tensor<1x4x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{score modifier #attn.alibi<slopes = [5.000000e-01, 2.500000e-01]> has 2 slopes, expected one per query head (4)}}
  %0 = attn.attention %q, %k, %k score [#attn.alibi<slopes = [0.5, 0.25]>] : tensor<1x4x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x4x128x64xf32>
  return
}

// -----

func.func @sink_with_sigmoid(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{has a 'sink' operand, which needs a softmax normaliser, but the normaliser is #attn.sigmoid<bias = 1.000000e+00>}}
  %0 = attn.attention %q, %k, %k sink(%s) normalizer(#attn.sigmoid<bias = 1.0>) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<8xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @sink_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<2xf32>) {
  // expected-error @+1 {{'sink' has shape [2], expected [8]}}
  %0 = attn.attention %q, %k, %k sink(%s) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<2xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @sink_element_type(%q: tensor<1x8x128x64xf16>, %k: tensor<1x2x128x64xf16>, %s: tensor<8xf16>) {
  // expected-error @+1 {{'sink' has element type 'f16', expected 'f32' (sink logits are f32)}}
  %0 = attn.attention %q, %k, %k sink(%s) : tensor<1x8x128x64xf16>, tensor<1x2x128x64xf16>, tensor<1x2x128x64xf16>, tensor<8xf16> -> tensor<1x8x128x64xf16>
  return
}

// -----

func.func @document_without_segments(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{mask predicate #attn.document requires the 'q_segments' operand}}
  %0 = attn.attention %q, %k, %k mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @segments_without_document(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<1x128xi32>) {
  // expected-error @+1 {{has a 'q_segments' operand, but no mask predicate #attn.document reads it}}
  %0 = attn.attention %q, %k, %k segments(%s, %s) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x128xi32>, tensor<1x128xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @kv_segments_missing(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<1x128xi32>) {
  // expected-error @+1 {{mask predicate #attn.document requires the 'kv_segments' operand}}
  %0 = "attn.attention"(%q, %k, %k, %s) <{mask = [#attn.document], operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0, 0>}> ({}, {}) : (tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x128xi32>) -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @q_segments_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x64x64xf32>, %s: tensor<1x64xi32>) {
  // expected-error @+1 {{'q_segments' has shape [1, 64], expected [1, 128]}}
  %0 = attn.attention %q, %k, %k segments(%s, %s) mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x64xi32>, tensor<1x64xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @q_segments_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<1x128xi64>, %t: tensor<1x128xi32>) {
  // expected-error @+1 {{'q_segments' has element type 'i64', expected 'i32' (segment ids are i32)}}
  %0 = attn.attention %q, %k, %k segments(%s, %t) mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x128xi64>, tensor<1x128xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @kv_segments_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x64x64xf32>, %s: tensor<1x128xi32>) {
  // expected-error @+1 {{'kv_segments' has shape [1, 128], expected [1, 64]}}
  %0 = attn.attention %q, %k, %k segments(%s, %s) mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x128xi32>, tensor<1x128xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @kv_segments_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %s: tensor<1x128xi32>, %t: tensor<1x128xi16>) {
  // expected-error @+1 {{'kv_segments' has element type 'i16', expected 'i32' (segment ids are i32)}}
  %0 = attn.attention %q, %k, %k segments(%s, %t) mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x128xi32>, tensor<1x128xi16> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @layout_missing(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{mask predicate #attn.block_layout requires the 'layout' operand}}
  %0 = attn.attention %q, %k, %k mask [#attn.block_layout<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @layout_unread(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %l: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{has a 'layout' operand, but no mask predicate #attn.block_layout reads it}}
  %0 = attn.attention %q, %k, %k layout(%l) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x1x2x2xi1> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @two_layouts(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %l: tensor<1x1x2x2xi1>) {
  // expected-error @+1 {{expects at most one block_layout predicate (they share the 'layout' operand), but found 2}}
  %0 = attn.attention %q, %k, %k layout(%l) mask [#attn.block_layout<block_q = 64, block_kv = 64>, #attn.not<#attn.block_layout<block_q = 32, block_kv = 32>>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x1x2x2xi1> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @layout_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x100x64xf32>, %l: tensor<1x1x2x1xi1>) {
  // expected-error @+1 {{'layout' has shape [1, 1, 2, 1], expected [1, 1|8, 2, 2]}}
  %0 = attn.attention %q, %k, %k layout(%l) mask [#attn.block_layout<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x100x64xf32>, tensor<1x2x100x64xf32>, tensor<1x1x2x1xi1> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @layout_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %l: tensor<1x1x2x2xi8>) {
  // expected-error @+1 {{'layout' has element type 'i8', expected 'i1' (a block layout is i1)}}
  %0 = attn.attention %q, %k, %k layout(%l) mask [#attn.block_layout<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x1x2x2xi8> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @indices_missing(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{mask predicate #attn.block_indices requires the 'indices' operand}}
  %0 = attn.attention %q, %k, %k mask [#attn.block_indices<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @indices_unread(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %i: tensor<1x2x2x1xi32>) {
  // expected-error @+1 {{has a 'indices' operand, but no mask predicate #attn.block_indices reads it}}
  %0 = attn.attention %q, %k, %k indices(%i) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x2x1xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @two_index_readers(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %i: tensor<1x2x2x1xi32>) {
  // expected-error @+1 {{expects at most one block_indices predicate (they share the 'indices' operand), but found 2}}
  %0 = attn.attention %q, %k, %k indices(%i) mask [#attn.block_indices<block_q = 64, block_kv = 64>, #attn.block_indices<block_q = 64, block_kv = 32>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x2x1xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @indices_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %i: tensor<1x8x2x1xi32>) {
  // expected-error @+1 {{'indices' has shape [1, 8, 2, 1], expected [1, 2, 2, ?]}}
  %0 = attn.attention %q, %k, %k indices(%i) mask [#attn.block_indices<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x8x2x1xi32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @indices_element_type(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %i: tensor<1x2x2x1xi64>) {
  // expected-error @+1 {{'indices' has element type 'i64', expected 'i32' (block indices are i32)}}
  %0 = attn.attention %q, %k, %k indices(%i) mask [#attn.block_indices<block_q = 64, block_kv = 64>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x2x1xi64> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @neighborhood_cells(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{mask predicate #attn.neighborhood<grid = [8, 8], radius = [1, 1], dilation = [1, 1]> has 64 grid cells, but the query sequence has length 128}}
  %0 = attn.attention %q, %k, %k mask [#attn.neighborhood<grid = [8, 8], radius = [1, 1], dilation = [1, 1]>] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @not_a_mask(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'mask' expects mask predicates, but element 0 is #attn.softcap<2.000000e+00>}}
  %0 = "attn.attention"(%q, %k, %k) <{mask = [#attn.softcap<2.0>], operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0, 0>}> ({}, {}) : (tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>) -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @score_mod_signature(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'score_mod' region must take (f32, index, index, index, index), but takes (f32, index)}}
  %0 = attn.attention %q, %k, %k score_mod {
  ^bb0(%s: f32, %i: index):
    attn.yield %s : f32
  } : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @score_mod_yield(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  %0 = attn.attention %q, %k, %k score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{in the 'score_mod' region must yield one 'f32', but yields (index)}}
    attn.yield %i : index
  } : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @mask_mod_signature(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'mask_mod' region must take (index, index, index, index), but takes (i32, i32, i32, i32)}}
  %0 = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: i32, %h: i32, %i: i32, %j: i32):
    %c = arith.cmpi ne, %i, %j : i32
    attn.yield %c : i1
  } : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @mask_mod_yield(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  %0 = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{in the 'mask_mod' region must yield one 'i1', but yields ()}}
    attn.yield
  } : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @yield_outside() {
  // expected-error @+1 {{expects parent op 'attn.attention'}}
  attn.yield
}

// -----

// expected-error @+1 {{causal stride must be positive, but got 0}}
func.func private @causal_stride() -> () attributes {m = #attn.causal<stride = 0>}

// -----

// expected-error @+1 {{window left must be non-negative, but got -1}}
func.func private @window_left() -> () attributes {m = #attn.window<left = -1, right = 0>}

// -----

// expected-error @+1 {{window right must be non-negative, but got -2}}
func.func private @window_right() -> () attributes {m = #attn.window<left = 1, right = -2>}

// -----

// expected-error @+1 {{dilated window must be non-negative, but got -1}}
func.func private @dilated_window() -> () attributes {m = #attn.dilated<window = -1, dilation = 2>}

// -----

// expected-error @+1 {{dilation must be positive, but got 0}}
func.func private @dilation() -> () attributes {m = #attn.dilated<window = 3, dilation = 0>}

// -----

// expected-error @+1 {{neighborhood grid has 2 axes, but radius has 1 and dilation 2}}
func.func private @neighborhood_axes() -> () attributes {m = #attn.neighborhood<grid = [4, 4], radius = [1], dilation = [1, 1]>}

// -----

// expected-error @+1 {{neighborhood grid size must be positive, but got 0}}
func.func private @neighborhood_grid() -> () attributes {m = #attn.neighborhood<grid = [0, 4], radius = [1, 1], dilation = [1, 1]>}

// -----

// expected-error @+1 {{neighborhood radius must be non-negative, but got -1}}
func.func private @neighborhood_radius() -> () attributes {m = #attn.neighborhood<grid = [4, 4], radius = [1, -1], dilation = [1, 1]>}

// -----

// expected-error @+1 {{neighborhood dilation must be positive, but got 0}}
func.func private @neighborhood_dilation() -> () attributes {m = #attn.neighborhood<grid = [4, 4], radius = [1, 1], dilation = [0, 1]>}

// -----

// expected-error @+1 {{chunk size must be positive, but got 0}}
func.func private @chunked() -> () attributes {m = #attn.chunked<size = 0>}

// -----

// expected-error @+1 {{prefix length must be non-negative, but got -4}}
func.func private @prefix() -> () attributes {m = #attn.prefix<len = -4>}

// -----

// expected-error @+1 {{global token count must be non-negative, but got -1}}
func.func private @global() -> () attributes {m = #attn.global<count = -1>}

// -----

// expected-error @+1 {{stripes needs at least one diagonal or column}}
func.func private @stripes_empty() -> () attributes {m = #attn.stripes<diagonals = [], columns = []>}

// -----

// expected-error @+1 {{stripes column must be non-negative, but got -3}}
func.func private @stripes_column() -> () attributes {m = #attn.stripes<columns = [-3]>}

// -----

// expected-error @+1 {{expected 'diagonals' or 'columns', but got 'rows'}}
func.func private @stripes_keyword() -> () attributes {m = #attn.stripes<rows = [1]>}

// -----

// expected-error @+1 {{block_layout block_q must be positive, but got 0}}
func.func private @layout_block_q() -> () attributes {m = #attn.block_layout<block_q = 0, block_kv = 64>}

// -----

// expected-error @+1 {{block_layout block_kv must be positive, but got -64}}
func.func private @layout_block_kv() -> () attributes {m = #attn.block_layout<block_q = 64, block_kv = -64>}

// -----

// expected-error @+1 {{block_indices block_q must be positive, but got 0}}
func.func private @indices_block_q() -> () attributes {m = #attn.block_indices<block_q = 0, block_kv = 64>}

// -----

// expected-error @+1 {{block_indices block_kv must be positive, but got 0}}
func.func private @indices_block_kv() -> () attributes {m = #attn.block_indices<block_q = 64, block_kv = 0>}

// -----

// expected-error @+1 {{'or' needs at least one mask predicate}}
func.func private @or_empty() -> () attributes {m = #attn.or<[]>}

// -----

// expected-error @+1 {{'or' expects mask predicates, but got 1 : i64}}
func.func private @or_element() -> () attributes {m = #attn.or<[#attn.causal, 1]>}

// -----

// expected-error @+1 {{'and' needs at least one mask predicate}}
func.func private @and_empty() -> () attributes {m = #attn.and<[]>}

// -----

// expected-error @+1 {{'and' expects mask predicates, but got #attn.softmax}}
func.func private @and_element() -> () attributes {m = #attn.and<[#attn.softmax]>}

// -----

// expected-error @+1 {{'not' expects a mask predicate, but got #attn.bias}}
func.func private @not_element() -> () attributes {m = #attn.not<#attn.bias>}

// -----

// expected-error @+1 {{softcap must be a positive normal f32 (1.17549435e-38 to 3.40282347e+38), but got -1}}
func.func private @softcap() -> () attributes {m = #attn.softcap<-1.0>}

// -----

// Finite as a double, +inf as the lowerings' f32 (every score NaN).
// expected-error @+1 {{softcap must be a positive normal f32 (1.17549435e-38 to 3.40282347e+38), but got 1.0E+40}}
func.func private @softcap_past_f32() -> () attributes {m = #attn.softcap<1.0e40>}

// -----

// A reciprocal past f32's range.
// expected-error @+1 {{softcap must be a positive normal f32 (1.17549435e-38 to 3.40282347e+38), but got 9.9999999999999992E-41}}
func.func private @softcap_subnormal() -> () attributes {m = #attn.softcap<1.0e-40>}

// -----

// expected-error @+1 {{sigmoid bias must be finite, but got NaN}}
func.func private @sigmoid_bias() -> () attributes {m = #attn.sigmoid<bias = 0x7FF8000000000000>}

// -----

// expected-error @+1 {{alibi slopes must be finite, but slope 1 is INF}}
func.func private @alibi_slopes() -> () attributes {m = #attn.alibi<slopes = [0.5, 0x7FF0000000000000]>}

// -----

func.func @compress_rank(%x: tensor<8x128x64xf32>) {
  // expected-error @+1 {{'input' must be a rank-4 tensor, but has type 'tensor<8x128x64xf32>'}}
  %0 = attn.compress mean %x stride 4 : tensor<8x128x64xf32> -> tensor<8x32x64xf32>
  return
}

// -----

func.func @compress_stride(%x: tensor<1x8x128x64xf32>) {
  // expected-error @+1 {{stride must be positive, but got 0}}
  %0 = attn.compress mean %x stride 0 : tensor<1x8x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @compress_window(%x: tensor<1x8x128x64xf32>) {
  // expected-error @+1 {{window must be positive, but got -8}}
  %0 = attn.compress mean %x stride 4 window -8 : tensor<1x8x128x64xf32> -> tensor<1x8x32x64xf32>
  return
}

// -----

func.func @compress_result(%x: tensor<1x8x102x64xf32>) {
  // expected-error @+1 {{'result' has shape [1, 8, 25, 64], expected [1, 8, 26, 64]}}
  %0 = attn.compress max %x stride 4 : tensor<1x8x102x64xf32> -> tensor<1x8x25x64xf32>
  return
}

// -----

func.func @compress_result_type(%x: tensor<1x8x128x64xbf16>) {
  // expected-error @+1 {{'result' has element type 'f32', expected 'bf16' (that of 'input')}}
  %0 = attn.compress max %x stride 4 : tensor<1x8x128x64xbf16> -> tensor<1x8x32x64xf32>
  return
}

// -----

func.func @compress_weights_reduce(%x: tensor<1x8x128x64xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{has 'weights', which need reduce 'sum', but reduce is 'max'}}
  %0 = attn.compress max %x weights(%w) stride 4 : tensor<1x8x128x64xf32>, tensor<4xf32> -> tensor<1x8x32x64xf32>
  return
}

// -----

func.func @compress_weights_shape(%x: tensor<1x8x128x64xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'weights' has shape [4, 8], expected [8, 8]}}
  %0 = attn.compress sum %x weights(%w) stride 4 window 8 : tensor<1x8x128x64xf32>, tensor<4x8xf32> -> tensor<1x8x32x64xf32>
  return
}

// -----

func.func @compress_weights_type(%x: tensor<1x8x128x64xf16>, %w: tensor<4xf16>) {
  // expected-error @+1 {{'weights' has element type 'f16', expected 'f32' (compression weights are f32)}}
  %0 = attn.compress sum %x weights(%w) stride 4 : tensor<1x8x128x64xf16>, tensor<4xf16> -> tensor<1x8x32x64xf16>
  return
}

// -----

func.func @block_scores_keys(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x8x32xf32>) {
  // expected-error @+1 {{'keys' has shape [1, 2, 8, 32], expected [1, ?, ?, 64]}}
  %0 = attn.block_scores %q, %kc block_q 64 : tensor<1x8x128x64xf32>, tensor<1x2x8x32xf32> -> tensor<1x2x2x8xf32>
  return
}

// -----

func.func @block_scores_gqa(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x3x8x64xf32>) {
  // expected-error @+1 {{'query' has 8 heads, which is not a multiple of the 3 heads of 'keys'}}
  %0 = attn.block_scores %q, %kc block_q 64 : tensor<1x8x128x64xf32>, tensor<1x3x8x64xf32> -> tensor<1x3x2x8xf32>
  return
}

// -----

func.func @block_scores_block(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x8x64xf32>) {
  // expected-error @+1 {{block_q must be positive, but got 0}}
  %0 = attn.block_scores %q, %kc block_q 0 : tensor<1x8x128x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x2x8xf32>
  return
}

// -----

func.func @block_scores_operand_mask(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x8x64xf32>) {
  // expected-error @+1 {{supports only mask predicates that read no operand (not document, block_layout or block_indices)}}
  %0 = attn.block_scores %q, %kc block_q 64 mask [#attn.document] : tensor<1x8x128x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x2x8xf32>
  return
}

// -----

func.func @block_scores_neighborhood(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x8x64xf32>) {
  // expected-error @+1 {{has 128 grid cells, but the key sequence has length 8}}
  %0 = attn.block_scores %q, %kc block_q 64 mask [#attn.neighborhood<grid = [8, 16], radius = [1, 1], dilation = [1, 1]>] : tensor<1x8x128x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x2x2x8xf32>
  return
}

// -----

func.func @block_scores_result(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x8x64xf32>) {
  // expected-error @+1 {{'result' has shape [1, 8, 2, 8], expected [1, 2, 2, 8]}}
  %0 = attn.block_scores %q, %kc block_q 64 : tensor<1x8x128x64xf32>, tensor<1x2x8x64xf32> -> tensor<1x8x2x8xf32>
  return
}

// -----

func.func @block_scores_result_type(%q: tensor<1x8x128x64xf16>, %kc: tensor<1x2x8x64xf16>) {
  // expected-error @+1 {{'result' has element type 'f16', expected 'f32' (block scores are f32)}}
  %0 = attn.block_scores %q, %kc block_q 64 : tensor<1x8x128x64xf16>, tensor<1x2x8x64xf16> -> tensor<1x2x2x8xf16>
  return
}

// -----

func.func @topk_rank(%s: tensor<f32>) {
  // expected-error @+1 {{'scores' must have at least one dimension, but has type 'tensor<f32>'}}
  %0 = attn.topk %s k 1 : tensor<f32> -> tensor<1xi32>
  return
}

// -----

func.func @topk_type(%s: tensor<4x8xi32>) {
  // expected-error @+1 {{'scores' must have f16, bf16, f32 or f64 elements, but has 'i32'}}
  %0 = attn.topk %s k 2 : tensor<4x8xi32> -> tensor<4x2xi32>
  return
}

// -----

func.func @topk_f80(%s: tensor<4x8xf80>) {
  // expected-error @+1 {{'scores' must have f16, bf16, f32 or f64 elements, but has 'f80'}}
  %0 = attn.topk %s k 2 : tensor<4x8xf80> -> tensor<4x2xi32>
  return
}

// -----

func.func @topk_k(%s: tensor<4x8xf32>) {
  // expected-error @+1 {{k must be between 1 and 2^31 - 1 (the indices are i32), but got 0}}
  %0 = attn.topk %s k 0 : tensor<4x8xf32> -> tensor<4x0xi32>
  return
}

// -----

func.func @topk_negative_k(%s: tensor<4x8xf32>) {
  // expected-error @+1 {{k must be between 1 and 2^31 - 1 (the indices are i32), but got -5}}
  %0 = attn.topk %s k -5 : tensor<4x8xf32> -> tensor<4x?xi32>
  return
}

// -----

func.func @topk_huge_k(%s: tensor<4x8xf32>) {
  // expected-error @+1 {{k must be between 1 and 2^31 - 1 (the indices are i32), but got 4611686018427387904}}
  %0 = attn.topk %s k 4611686018427387904 : tensor<4x8xf32> -> tensor<4x?xi32>
  return
}

// -----

func.func @attention_segments(%q: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{'attn.attention' op needs one 'query' operand, but its operand segment has 3}}
  %0 = "attn.attention"(%q, %q, %q) <{mask = [], score = [], operandSegmentSizes = array<i32: 3, 0, 0, 0, 0, 0, 0, 0, 0>}> ({}, {}) : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @topk_result(%s: tensor<4x8xf32>) {
  // expected-error @+1 {{'indices' has shape [4, 3], expected [4, 2]}}
  %0 = attn.topk %s k 2 : tensor<4x8xf32> -> tensor<4x3xi32>
  return
}

// -----

func.func @topk_result_type(%s: tensor<4x8xf32>) {
  // expected-error @+1 {{'indices' has element type 'i64', expected 'i32' (indices are i32)}}
  %0 = attn.topk %s k 2 : tensor<4x8xf32> -> tensor<4x2xi64>
  return
}

// -----

func.func @merge_kind(%o: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{expected 'lse', 'gated', 'sum' or a branch '(', but got 'mean'}}
  %0 = attn.merge mean (%o), (%o) : tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @merge_empty() {
  // expected-error @+1 {{needs at least one branch}}
  %0 = "attn.merge"() <{kind = 2 : i32, operandSegmentSizes = array<i32: 0, 0>}> : () -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @merge_rank(%o: tensor<2x8x4xf32>) {
  // expected-error @+1 {{'outputs' must be a rank-4 tensor, but has type 'tensor<2x8x4xf32>'}}
  %0 = attn.merge sum (%o), (%o) : tensor<2x8x4xf32> -> tensor<2x8x4xf32>
  return
}

// -----

func.func @merge_branch_types(%a: tensor<1x2x8x4xf32>, %b: tensor<1x2x8x8xf32>) {
  // expected-error @+1 {{branches must have compatible output types (the same element type, and equal sizes where both are static), but got 'tensor<1x2x8x4xf32>' and 'tensor<1x2x8x8xf32>'}}
  %0 = "attn.merge"(%a, %b) <{kind = 2 : i32, operandSegmentSizes = array<i32: 2, 0>}> : (tensor<1x2x8x4xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x4xf32>
  return
}

// -----

// A dynamic branch between two static ones that disagree: the sizes the
// earlier branches fix bind the later ones.
func.func @merge_branch_sizes(%a: tensor<1x2x?x4xf32>, %b: tensor<1x2x8x4xf32>, %c: tensor<1x2x9x4xf32>) {
  // expected-error @+1 {{branches must have compatible output types (the same element type, and equal sizes where both are static), but got 'tensor<1x2x8x4xf32>' and 'tensor<1x2x9x4xf32>'}}
  %0 = attn.merge sum (%a), (%b), (%c) : (tensor<1x2x?x4xf32>), (tensor<1x2x8x4xf32>), (tensor<1x2x9x4xf32>) -> tensor<1x2x?x4xf32>
  return
}

// -----

// So do the result's, and each gate's the next gate's.
func.func @merge_result_sizes(%a: tensor<1x2x?x4xf32>, %b: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{'result' has type 'tensor<1x2x9x4xf32>', expected one compatible with 'tensor<1x2x8x4xf32>' (that of the branches: the same element type, and equal sizes where both are static)}}
  %0 = attn.merge sum (%a), (%b) : (tensor<1x2x?x4xf32>), (tensor<1x2x8x4xf32>) -> tensor<1x2x9x4xf32>
  return
}

// -----

func.func @merge_gate_sizes(%a: tensor<1x2x?x4xf32>, %g: tensor<1x2x8xf32>, %h: tensor<1x2x9xf32>) {
  // expected-error @+1 {{'gates' has shape [1, 2, 9], expected [1, 2, 8]}}
  %0 = attn.merge gated (%a, %g), (%a, %h) : (tensor<1x2x?x4xf32>, tensor<1x2x8xf32>), (tensor<1x2x?x4xf32>, tensor<1x2x9xf32>) -> tensor<1x2x?x4xf32>
  return
}

// -----

func.func @merge_branch_type_count(%a: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{expected the types of 2 branches, but got 1}}
  %0 = attn.merge sum (%a), (%a) : (tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @merge_weight_count(%a: tensor<1x2x8x4xf32>, %l: tensor<1x2x8xf32>) {
  // expected-error @+1 {{'lse' merge expects 2 weight operands (one per branch), but got 1}}
  %0 = "attn.merge"(%a, %a, %l) <{kind = 0 : i32, operandSegmentSizes = array<i32: 2, 1>}> : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @merge_weight_shape(%a: tensor<1x2x8x4xf32>, %g: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'gates' has shape [1, 2, 4], expected [1, 2, 8]}}
  %0 = attn.merge gated (%a, %g), (%a, %g) : tensor<1x2x8x4xf32>, tensor<1x2x4xf32> -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @merge_weight_type(%a: tensor<1x2x8x4xf16>, %l: tensor<1x2x8xf16>) {
  // expected-error @+1 {{'lse' has element type 'f16', expected 'f32' (per-row weights are f32)}}
  %0 = attn.merge lse (%a, %l), (%a, %l) : tensor<1x2x8x4xf16>, tensor<1x2x8xf16> -> tensor<1x2x8x4xf16>
  return
}

// -----

func.func @merge_result(%a: tensor<1x2x8x4xf32>) {
  // expected-error @+1 {{'result' has type 'tensor<1x2x8x4xf16>', expected one compatible with 'tensor<1x2x8x4xf32>' (that of the branches: the same element type, and equal sizes where both are static)}}
  %0 = attn.merge sum (%a), (%a) : tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf16>
  return
}

// -----

func.func @merge_lse_kind(%a: tensor<1x2x8x4xf32>, %g: tensor<1x2x8xf32>) {
  // expected-error @+1 {{has an 'lse' result, which only an 'lse' merge defines}}
  %0, %1 = attn.merge gated (%a, %g), (%a, %g) : tensor<1x2x8x4xf32>, tensor<1x2x8xf32> -> tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  return
}

// -----

func.func @merge_lse_shape(%a: tensor<1x2x8x4xf32>, %l: tensor<1x2x8xf32>) {
  // expected-error @+1 {{'lse' has shape [1, 2, 4], expected [1, 2, 8]}}
  %0, %1 = attn.merge lse (%a, %l), (%a, %l) : tensor<1x2x8x4xf32>, tensor<1x2x8xf32> -> tensor<1x2x8x4xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @linear_value(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %v: tensor<1x2x64x64xf32>) {
  // expected-error @+1 {{'value' has shape [1, 2, 64, 64], expected [1, 2, 128, ?]}}
  %0 = attn.linear_attention %q, %k, %v feature relu : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x64x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @linear_gqa(%q: tensor<1x8x128x64xf32>, %k: tensor<1x3x128x64xf32>) {
  // expected-error @+1 {{'query' has 8 heads, which is not a multiple of the 3 heads of 'key'}}
  %0 = attn.linear_attention %q, %k, %k feature relu : tensor<1x8x128x64xf32>, tensor<1x3x128x64xf32>, tensor<1x3x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @linear_result(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'result' has shape [1, 2, 128, 64], expected [1, 8, 128, 64]}}
  %0 = attn.linear_attention %q, %k, %k feature relu : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x2x128x64xf32>
  return
}

// -----

func.func @linear_decay_causal(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %a: tensor<1x8x128xf32>) {
  // expected-error @+1 {{has a 'decay' operand, which needs 'causal'}}
  %0 = attn.linear_attention %q, %k, %k decay(%a) feature identity : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x8x128xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @linear_decay_shape(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>, %a: tensor<1x2x128xf32>) {
  // expected-error @+1 {{'decay' has shape [1, 2, 128], expected [1, 8, 128]}}
  %0 = attn.linear_attention %q, %k, %k decay(%a) feature identity causal : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @linear_decay_type(%q: tensor<1x8x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %a: tensor<1x8x128xbf16>) {
  // expected-error @+1 {{'decay' has element type 'bf16', expected 'f32' (log-gates are f32)}}
  %0 = attn.linear_attention %q, %k, %k decay(%a) feature identity causal : tensor<1x8x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x8x128xbf16> -> tensor<1x8x128x64xbf16>
  return
}

// -----

func.func @linear_eps(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{eps must be positive, but got -1.000000e+00}}
  %0 = attn.linear_attention %q, %k, %k feature relu normalize {eps = -1.0 : f32} : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @conv_weight(%x: tensor<1x8x128x64xf32>, %w: tensor<8x32x4xf32>) {
  // expected-error @+1 {{'weight' has shape [8, 32, 4], expected [8, 64, ?]}}
  %0 = attn.causal_conv %x, %w : tensor<1x8x128x64xf32>, tensor<8x32x4xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @conv_weight_type(%x: tensor<1x8x128x64xf32>, %w: tensor<8x64x4xf16>) {
  // expected-error @+1 {{'weight' has element type 'f16', expected 'f32' (that of 'input')}}
  %0 = attn.causal_conv %x, %w : tensor<1x8x128x64xf32>, tensor<8x64x4xf16> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @conv_taps(%x: tensor<1x8x128x64xf32>, %w: tensor<8x64x0xf32>) {
  // expected-error @+1 {{'weight' needs at least one tap, but has shape [8, 64, 0]}}
  %0 = attn.causal_conv %x, %w : tensor<1x8x128x64xf32>, tensor<8x64x0xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

// The weight's heads and dims are those that the input or the result fixes.
func.func @conv_weight_result_heads(%x: tensor<1x?x8x4xf32>, %w: tensor<3x4x2xf32>) {
  // expected-error @+1 {{'weight' has shape [3, 4, 2], expected [2, 4, ?]}}
  %0 = attn.causal_conv %x, %w : tensor<1x?x8x4xf32>, tensor<3x4x2xf32> -> tensor<1x2x8x4xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x8x128x64xf32>, %w: tensor<8x64x4xf32>) {
  // expected-error @+1 {{'result' has type 'tensor<1x8x64x64xf32>', expected one compatible with 'tensor<1x8x128x64xf32>' (that of 'input': the same element type, and equal sizes where both are static)}}
  %0 = attn.causal_conv %x, %w : tensor<1x8x128x64xf32>, tensor<8x64x4xf32> -> tensor<1x8x64x64xf32>
  return
}

// -----

func.func @not_a_score_modifier(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'score' expects score modifiers (#attn.softcap, #attn.alibi, #attn.bias), but element 1 is #attn.causal}}
  %0 = attn.attention %q, %k, %k score [#attn.softcap<30.0>, #attn.causal] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @mask_element_not_an_attn_attribute(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'mask' expects mask predicates, but element 1 is 5 : i64}}
  %0 = attn.attention %q, %k, %k mask [#attn.causal, 5] : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @not_a_normalizer(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{'normalizer' expects a normaliser (#attn.softmax or #attn.sigmoid<bias>), but got #attn.causal}}
  %0 = attn.attention %q, %k, %k normalizer(#attn.causal) : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

func.func @block_scores_not_a_mask(%q: tensor<1x8x128x64xf32>, %kc: tensor<1x2x32x64xf32>) {
  // expected-error @+1 {{'mask' expects mask predicates, but element 0 is #attn.alibi}}
  %0 = attn.block_scores %q, %kc block_q 64 mask [#attn.alibi] : tensor<1x8x128x64xf32>, tensor<1x2x32x64xf32> -> tensor<1x2x2x32xf32>
  return
}

// -----

func.func @two_block_region(%q: tensor<1x8x128x64xf32>, %k: tensor<1x2x128x64xf32>) {
  // expected-error @+1 {{region #0 ('score_mod') failed to verify constraint: region with at most 1 blocks}}
  %0 = attn.attention %q, %k, %k score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    attn.yield %s : f32
  ^bb1:
    attn.yield %s : f32
  } : tensor<1x8x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x8x128x64xf32>
  return
}

// -----

// expected-error @+1 {{tiling block_q must be positive, but got 0}}
func.func private @tiling_block_q() -> () attributes {m = #attn.tiling<block_q = 0, block_kv = 64>}

// -----

// expected-error @+1 {{tiling block_kv must be positive, but got -1}}
func.func private @tiling_block_kv() -> () attributes {m = #attn.tiling<block_q = 64, block_kv = -1>}

// -----

// expected-error @+1 {{tiling kv_splits must be positive, but got 0}}
func.func private @tiling_kv_splits() -> () attributes {m = #attn.tiling<block_q = 64, block_kv = 64, kv_splits = 0>}

// -----

// Mask and tiling parameters stay below 2^31: positions and products such
// as (j + 1) * stride or radius * dilation are 64-bit.
// expected-error @+1 {{window right must be at most 2147483647, but got 9223372036854775807}}
func.func private @window_huge() -> () attributes {m = #attn.window<left = 0, right = 9223372036854775807>}

// -----

// expected-error @+1 {{causal stride must be at most 2147483647, but got 4611686018427387904}}
func.func private @stride_huge() -> () attributes {m = #attn.causal<stride = 4611686018427387904>}

// -----

// expected-error @+1 {{neighborhood grid must have at most 2147483647 cells}}
func.func private @grid_cells() -> () attributes {m = #attn.neighborhood<grid = [65536, 65536], radius = [1, 1], dilation = [1, 1]>}

// -----

// expected-error @+1 {{tiling block_q must be at most 2147483647, but got 9223372036854775807}}
func.func private @tiling_huge() -> () attributes {m = #attn.tiling<block_q = 9223372036854775807, block_kv = 8>}

// -----

// expected-error @+1 {{tiling kv_splits must be at most 1024, but got 4096}}
func.func private @kv_splits_huge() -> () attributes {m = #attn.tiling<block_q = 64, block_kv = 64, kv_splits = 4096>}

// -----

func.func @scale_nan(%q: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{'attn.attention' op scale must be finite, but got NaN}}
  %o = attn.attention %q, %q, %q {scale = 0x7FC00000 : f32} : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x1x8x16xf32>
  return
}

// -----

func.func @head_dim_zero(%q: tensor<1x1x8x0xf32>) {
  // expected-error @+1 {{'attn.attention' op 'query' must have a head dim of at least 1, but has 0}}
  %o = attn.attention %q, %q, %q : tensor<1x1x8x0xf32>, tensor<1x1x8x0xf32>, tensor<1x1x8x0xf32> -> tensor<1x1x8x0xf32>
  return
}

// -----

func.func @no_heads(%q: tensor<1x0x8x16xf32>) {
  // expected-error @+1 {{'attn.attention' op 'key' must have at least one head, but has 0}}
  %o = attn.attention %q, %q, %q : tensor<1x0x8x16xf32>, tensor<1x0x8x16xf32>, tensor<1x0x8x16xf32> -> tensor<1x0x8x16xf32>
  return
}

// -----

func.func @linear_value_dim_zero(%q: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x0xf32>) {
  // expected-error @+1 {{'attn.linear_attention' op 'value' must have a head dim of at least 1, but has 0}}
  %o = attn.linear_attention %q, %q, %v feature identity : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x0xf32> -> tensor<1x1x8x0xf32>
  return
}

// -----

func.func @compress_stride_huge(%x: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{'attn.compress' op stride must be at most 2147483647, but got 4294967296}}
  %c = attn.compress mean %x stride 4294967296 : tensor<1x1x8x16xf32> -> tensor<1x1x1x16xf32>
  return
}

// -----

func.func @compress_window_huge(%x: tensor<1x1x8x16xf32>) {
  // expected-error @+1 {{'attn.compress' op window must be at most 2147483647, but got 4294967296}}
  %c = attn.compress mean %x stride 4 window 4294967296 : tensor<1x1x8x16xf32> -> tensor<1x1x2x16xf32>
  return
}

// -----

func.func @block_scores_block_q_huge(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x2x16xf32>) {
  // expected-error @+1 {{'attn.block_scores' op block_q must be at most 2147483647, but got 4294967296}}
  %s = attn.block_scores %q, %k block_q 4294967296 : tensor<1x1x8x16xf32>, tensor<1x1x2x16xf32> -> tensor<1x1x1x2xf32>
  return
}

// -----

func.func @no_query_heads(%q: tensor<1x0x8x16xf32>, %k: tensor<1x2x8x16xf32>) {
  // expected-error @+1 {{'attn.attention' op 'query' must have at least one head, but has 0}}
  %o = attn.attention %q, %k, %k : tensor<1x0x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x0x8x16xf32>
  return
}

// -----

func.func @region_alloca(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = attn.attention %q, %q, %q score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{'memref.alloca' op in the 'score_mod' region allocates, writes or frees memory; the region must be a pure function of its arguments}}
    %m = memref.alloca() : memref<1xf32>
    %c0 = arith.constant 0 : index
    memref.store %s, %m[%c0] : memref<1xf32>
    %y = memref.load %m[%c0] : memref<1xf32>
    attn.yield %y : f32
  } : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Parameterless attributes refuse a body (it parsed, and printed without it).
func.func @softmax_body(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  // expected-error @+1 {{#attn.softmax takes no parameters}}
  %o = attn.attention %q, %q, %q normalizer(#attn.softmax<garbage>) : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

func.func @bias_body(%q: tensor<1x2x8x4xf32>, %b: tensor<1x2x8x8xf32>) -> tensor<1x2x8x4xf32> {
  // expected-error @+1 {{#attn.bias takes no parameters}}
  %o = attn.attention %q, %q, %q bias(%b) score [#attn.bias<1>] : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x8xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

func.func @document_body(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  // expected-error @+1 {{#attn.document takes no parameters}}
  %o = attn.attention %q, %q, %q mask [#attn.document<>] : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// An op with loops of its own in a region: its lowering's linalg.index ops
// would be merged with the region's by CSE (the inner mask compared the
// outer key).
func.func @attention_in_region(%q: tensor<1x1x8x4xf32>, %t: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  %o = attn.attention %q, %q, %q score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{'attn.attention' op in the 'score_mod' region has loops of its own, which the region's lowering cannot nest; compute it outside the attention and read its result}}
    %a = attn.attention %t, %t, %t mask [#attn.causal] : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
    %c0 = arith.constant 0 : index
    %x = tensor.extract %a[%c0, %c0, %i, %c0] : tensor<1x1x8x4xf32>
    %r = arith.addf %s, %x : f32
    attn.yield %r : f32
  } : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}

// -----

func.func @generic_in_mask_region(%q: tensor<1x1x8x4xf32>, %t: tensor<8xi1>) -> tensor<1x1x8x4xf32> {
  %o = attn.attention %q, %q, %q mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    // expected-error @+1 {{'linalg.generic' op in the 'mask_mod' region has loops of its own, which the region's lowering cannot nest; compute it outside the attention and read its result}}
    %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%t : tensor<8xi1>) outs(%t : tensor<8xi1>) {
    ^bb0(%x: i1, %y: i1):
      %k = linalg.index 0 : index
      %e = arith.cmpi ule, %k, %j : index
      %z = arith.andi %x, %e : i1
      linalg.yield %z : i1
    } -> tensor<8xi1>
    %r = tensor.extract %n[%i] : tensor<8xi1>
    attn.yield %r : i1
  } : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return %o : tensor<1x1x8x4xf32>
}

// -----

// Tensor encodings: the ops are defined on plain dense tensors.
func.func @encoded_query(%q: tensor<1x1x8x4xf32, "enc">, %k: tensor<1x1x8x4xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor without an encoding, but got 'tensor<1x1x8x4xf32, "enc">'}}
  %o = attn.attention %q, %k, %k : tensor<1x1x8x4xf32, "enc">, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32>
  return
}

// -----

func.func @encoded_scores(%s: tensor<1x1x2x4xf32, "enc">) {
  // expected-error @+1 {{operand #0 must be ranked tensor without an encoding, but got 'tensor<1x1x2x4xf32, "enc">'}}
  %i = attn.topk %s k 2 : tensor<1x1x2x4xf32, "enc"> -> tensor<1x1x2x2xi32>
  return
}

// -----

func.func @encoded_result(%q: tensor<1x1x8x4xf32>) {
  // expected-error @+1 {{result #0 must be ranked tensor without an encoding, but got 'tensor<1x1x8x4xf32, "enc">'}}
  %o = attn.attention %q, %q, %q : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x8x4xf32, "enc">
  return
}
