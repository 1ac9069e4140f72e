// RUN: attn-opt %s --attn-check-integer-widths=max-width=64 --split-input-file --verify-diagnostics
// RUN: attn-opt %s --attn-check-integer-widths --split-input-file | FileCheck %s

// With max-width (the GPU pipeline's 64), wider integers are refused too:
// NVPTX has no library calls for an i128's conversions (LLVM ERROR:
// unsupported library call operation). Without it they pass (the CPU's
// backend has them).
// CHECK-LABEL: func.func @wide
func.func @wide(%q: tensor<1x1x8x8xbf16>, %k: tensor<1x1x8x8xbf16>, %v: tensor<1x1x8x8xbf16>) -> tensor<1x1x8x8xbf16> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    // expected-error @below {{'arith.fptosi' op computes on 'i128': this target takes integers of at most 64 bits}}
    %x = arith.fptosi %s : f32 to i128
    %r = arith.sitofp %x : i128 to f32
    attn.yield %r : f32
  } : tensor<1x1x8x8xbf16>, tensor<1x1x8x8xbf16>, tensor<1x1x8x8xbf16> -> tensor<1x1x8x8xbf16>
  return %o : tensor<1x1x8x8xbf16>
}

// -----

// 64 bits and the elements of a vector pass; 65 do not.
// CHECK-LABEL: func.func @widths
func.func @widths(%a: i64, %b: vector<4xi64>) -> vector<4xi65> {
  %x = arith.addi %a, %a : i64
  // expected-error @below {{'arith.extsi' op computes on 'vector<4xi65>': this target takes integers of at most 64 bits}}
  %y = arith.extsi %b : vector<4xi64> to vector<4xi65>
  return %y : vector<4xi65>
}
