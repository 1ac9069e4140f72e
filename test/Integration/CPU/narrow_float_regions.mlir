// Regions that compute in bf16 or f16 on purpose (a truncf, arithmetic in
// the narrow type, an extf back) in programs whose results are f32: such a
// result carries the narrow rounding, so it is judged by the naive bound,
// whose computation rounds each of the region's scalars to its type. (The
// f32 rule, 1e-4, applied: both paths failed.)
// PASS-NOT: FAIL
// PASS: check=PASS

// RUN: attn-run %s --function=bf16_score_mod --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=bf16_score_mod --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @bf16_score_mod(%q: tensor<1x2x17x16xf32>, %k: tensor<1x2x33x16xf32>, %v: tensor<1x2x33x16xf32>) -> tensor<1x2x17x16xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %x = arith.truncf %s : f32 to bf16
    %c = arith.constant 3.0 : bf16
    %y = arith.addf %x, %c : bf16
    %z = arith.mulf %y, %y : bf16
    %r = arith.extf %z : bf16 to f32
    attn.yield %r : f32
  } : tensor<1x2x17x16xf32>, tensor<1x2x33x16xf32>, tensor<1x2x33x16xf32> -> tensor<1x2x17x16xf32>
  return %o : tensor<1x2x17x16xf32>
}

// RUN: attn-run %s --function=f16_score_mod --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=f16_score_mod --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
func.func @f16_score_mod(%q: tensor<1x1x40x8xf32>, %k: tensor<1x1x40x8xf32>, %v: tensor<1x1x40x8xf32>) -> tensor<1x1x40x8xf32> {
  %o = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %x = arith.truncf %s : f32 to f16
    %c = arith.constant 3.1 : f16
    %y = arith.mulf %x, %c : f16
    %t = arith.subf %y, %c : f16
    %r = arith.extf %t : f16 to f32
    attn.yield %r : f32
  } : tensor<1x1x40x8xf32>, tensor<1x1x40x8xf32>, tensor<1x1x40x8xf32> -> tensor<1x1x40x8xf32>
  return %o : tensor<1x1x40x8xf32>
}

// bf16 arithmetic keeps subnormal results, as truncf does: (a^2 + 1) 6e-39
// is below bf16's smallest normal (1.2e-38), and scaled by 1e36 it is
// about 6e-3 (it was 0 on hosts with AVX-512 BF16, whose vcvtneps2bf16
// LLVM's promotion rounds with and which flushes subnormals; elsewhere the
// promotion called compiler-rt, and this checks the f32 emulation).
// RUN: attn-run %s --function=bf16_subnormal_products --check --seed=%seed | FileCheck %s --check-prefix=PASS
func.func @bf16_subnormal_products(%a: tensor<64xbf16>) -> tensor<64xbf16> {
  %one = arith.constant dense<1.0> : tensor<64xbf16>
  %tiny = arith.constant dense<6.0e-39> : tensor<64xbf16>
  %huge = arith.constant dense<1.0e36> : tensor<64xbf16>
  %square = arith.mulf %a, %a : tensor<64xbf16>
  %positive = arith.addf %square, %one : tensor<64xbf16>
  %subnormal = arith.mulf %positive, %tiny : tensor<64xbf16>
  %r = arith.mulf %subnormal, %huge : tensor<64xbf16>
  return %r : tensor<64xbf16>
}
