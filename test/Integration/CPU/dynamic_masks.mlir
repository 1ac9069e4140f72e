// Mask atoms with lengths known only at run time: no block map exists, so the
// flash lowering bounds each query tile's key tiles by the atoms' run-time
// key intervals (MaskAttrInterface::buildKeyInterval) and skips the mask on
// the tiles they make full. Each function runs on Lq = Lkv and Lq != Lkv both
// ways (64 x 64 tiles: several of each), fresh random inputs, against the
// double-precision reference.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/q200.npy '<f4' 1x2x200x16 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/q90.npy '<f4' 1x2x90x16 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k23.npy '<f4' 1x1x23x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v23.npy '<f4' 1x1x23x16 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k50.npy '<f4' 1x1x50x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v50.npy '<f4' 1x1x50x16 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k90.npy '<f4' 1x1x90x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v90.npy '<f4' 1x1x90x16 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k200.npy '<f4' 1x1x200x16 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v200.npy '<f4' 1x1x200x16 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/s90.npy '<i4' 1x90
// RUN: %python %S/../../Tools/make_npy.py %t/s200.npy '<i4' 1x200
// RUN: attn-run %s --function=causal --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=causal --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=causal --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=causal_window --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=causal_window --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=causal_window --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=dilated --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=dilated --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=dilated --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=prefix --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=prefix --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=prefix --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=chunked_causal --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=chunked_causal --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=chunked_causal --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window_or_global --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window_or_global --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=window_or_global --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=nested_and --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=nested_and --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=nested_and --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=not_window --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=not_window --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=not_window --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=documents_causal --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --input qs=%t/s200.npy --input ks=%t/s200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=documents_causal --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --input qs=%t/s90.npy --input ks=%t/s200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=documents_causal --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --input qs=%t/s200.npy --input ks=%t/s90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=strided_causal --input q=%t/q200.npy --input k=%t/k50.npy --input v=%t/v50.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=strided_causal --input q=%t/q90.npy --input k=%t/k50.npy --input v=%t/v50.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=strided_causal --input q=%t/q200.npy --input k=%t/k23.npy --input v=%t/v23.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=block_scores --input q=%t/q200.npy --input k=%t/k50.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=block_scores --input q=%t/q90.npy --input k=%t/k50.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=block_scores --input q=%t/q200.npy --input k=%t/k23.npy --check --path=flash | FileCheck %s
// A predicate beside its negation: the attention folds to the empty-row
// result at every length (tensor.splat of the run-time sizes: zeros, LSE
// -inf), which the reference computes from the mask as written; block
// scores to -inf over ceil(Lq / block_q) query blocks. A selection from
// such scores picks nothing: its attention's rows are empty.
// RUN: attn-run %s --function=contradiction --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=contradiction --input q=%t/q200.npy --input k=%t/k23.npy --input v=%t/v23.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=block_scores_contradiction --input q=%t/q200.npy --input k=%t/k23.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=folded_selection --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=folded_selection --input q=%t/q90.npy --input k=%t/k50.npy --input v=%t/v50.npy --check --path=flash | FileCheck %s
// mask_mod regions: their comparisons linear in the row and the key bound
// the key tiles as atoms do (buildMaskModKeyInterval).
// RUN: attn-run %s --function=region_causal --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_causal --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_causal --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_band --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_band --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_band --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_rows_and_band --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_rows_and_band --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_rows_and_band --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_parity_band --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_parity_band --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_parity_band --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_with_atom --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_with_atom --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_with_atom --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_chunks --input q=%t/q200.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_chunks --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=region_chunks --input q=%t/q200.npy --input k=%t/k90.npy --input v=%t/v90.npy --check --path=flash | FileCheck %s
// A run without --check asks the reference only for the results' shapes
// (no attention computed there); its outputs are then checked apart.
// RUN: mkdir -p %t/out && attn-run %s --function=window --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --output %t/out --path=flash
// RUN: attn-run %s --function=window --input q=%t/q90.npy --input k=%t/k200.npy --input v=%t/v200.npy --check --results=%t/out | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: check=PASS

func.func @causal(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @window(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.window<left = 30, right = 20>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @causal_window(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 70, right = 0>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @dilated(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.dilated<window = 3, dilation = 20>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @prefix(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.prefix<len = 70>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @chunked_causal(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.chunked<size = 48>, #attn.causal] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @window_or_global(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal, #attn.or<[#attn.window<left = 30, right = 0>, #attn.global<count = 10>]>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @nested_and(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.or<[#attn.and<[#attn.causal, #attn.window<left = 100, right = 0>]>, #attn.prefix<len = 5>]>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @not_window(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.not<#attn.window<left = 20, right = 20>>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

// Documents (read from operands, tested per tile) with an affine atom that
// bounds the tiles.
func.func @documents_causal(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>, %qs: tensor<1x?xi32>, %ks: tensor<1x?xi32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v segments(%qs, %ks) mask [#attn.document, #attn.causal] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x?xi32>, tensor<1x?xi32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

// Compressed keys (each covers 4 tokens): pos(i) = i + 4 Lkv - Lq.
func.func @strided_causal(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal<stride = 4>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

// Block scores of 16-row query blocks over compressed keys: each block's
// run-time key range, -inf outside it.
func.func @block_scores(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>) -> tensor<1x1x?x?xf32> {
  %s = attn.block_scores %q, %k block_q 16 mask [#attn.causal<stride = 4>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  return %s : tensor<1x1x?x?xf32>
}

func.func @contradiction(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.window<left = 8, right = 0>, #attn.or<[#attn.not<#attn.not<#attn.prefix<len = 3>>>, #attn.causal]>, #attn.not<#attn.or<[#attn.prefix<len = 3>, #attn.causal]>>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @block_scores_contradiction(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>) -> tensor<1x1x?x?xf32> {
  %s = attn.block_scores %q, %k block_q 16 mask [#attn.causal<stride = 4>, #attn.not<#attn.causal<stride = 4>>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  return %s : tensor<1x1x?x?xf32>
}

func.func @folded_selection(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %kc = attn.compress mean %k stride 4 : tensor<1x1x?x16xf32> -> tensor<1x1x?x16xf32>
  %s = attn.block_scores %q, %kc block_q 16 mask [#attn.causal<stride = 4>, #attn.not<#attn.causal<stride = 4>>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x1x?x?xf32> -> tensor<1x1x?x2xi32>
  %o = attn.attention %q, %k, %v indices(%sel) mask [#attn.causal, #attn.block_indices<block_q = 16, block_kv = 4>] : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x2xi32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// mask_mod regions as FlexAttention's users write them: causal, a band, rows
// that see nothing before row 30 with a band, a band with a parity test
// (bounds only: no key known allowed), a band beside an atom, and causal
// chunks of 48 (`i // 48 == j // 48`, as Python traces it).
func.func @region_causal(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %allowed = arith.cmpi ule, %j, %i : index
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @region_band(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %c40 = arith.constant 40 : index
  %o, %l = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c5 = arith.constant 5 : index
    %d = arith.subi %i, %j : index
    %near = arith.cmpi slt, %d, %c40 : index
    %ahead = arith.addi %i, %c5 : index
    %before = arith.cmpi sle, %j, %ahead : index
    %allowed = arith.andi %near, %before : i1
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @region_rows_and_band(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c30 = arith.constant 30 : index
    %c3 = arith.constant 3 : index
    %late = arith.cmpi sge, %i, %c30 : index
    %back = arith.subi %i, %c3 : index
    %before = arith.cmpi sle, %j, %back : index
    %c70 = arith.constant 70 : index
    %from = arith.subi %i, %c70 : index
    %after = arith.cmpi sgt, %j, %from : index
    %band = arith.andi %before, %after : i1
    %allowed = arith.andi %late, %band : i1
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @region_parity_band(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c2 = arith.constant 2 : index
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : index
    %before = arith.cmpi sle, %j, %i : index
    %reach = arith.addi %j, %c64 : index
    %near = arith.cmpi sge, %reach, %i : index
    %sum = arith.addi %i, %j : index
    %odd = arith.remui %sum, %c2 : index
    %even = arith.cmpi eq, %odd, %c0 : index
    %band = arith.andi %before, %near : i1
    %allowed = arith.andi %band, %even : i1
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @region_with_atom(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c100 = arith.constant 100 : index
    %reach = arith.addi %j, %c100 : index
    %allowed = arith.cmpi ugt, %reach, %i : index
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}

func.func @region_chunks(%q: tensor<1x2x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>) {
  %o, %l = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c48 = arith.constant 48 : index
    %ci = arith.floordivsi %i, %c48 : index
    %cj = arith.floordivsi %j, %c48 : index
    %same = arith.cmpi eq, %ci, %cj : index
    %before = arith.cmpi sle, %j, %i : index
    %allowed = arith.andi %same, %before : i1
    attn.yield %allowed : i1
  } : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
  return %o, %l : tensor<1x2x?x16xf32>, tensor<1x2x?xf32>
}
