// A NaN or +inf score of an allowed key makes its row NaN, as the formula
// does (exp(s - m) is NaN) and as PyTorch's softmax does: every row that
// sees key 10 here. Both paths and the reference agree, and the check
// fails, since NaN never passes. (The rows came out as 0, the result of a
// row without keys, and the check passed.) A row whose keys all score
// -inf has no weight: 0 and an LSE of -inf, which pass.
// RUN: not attn-run %s --function=nan_score --check --seed=%seed --path=flash | FileCheck %s --check-prefix=NAN
// RUN: not attn-run %s --function=nan_score --check --seed=%seed --path=reference | FileCheck %s --check-prefix=NAN
// RUN: not attn-run %s --function=inf_score --check --seed=%seed --path=flash | FileCheck %s --check-prefix=NAN
// RUN: not attn-run %s --function=inf_score --check --seed=%seed --path=reference | FileCheck %s --check-prefix=NAN
// NAN: result 0 (1x2x20x8xf32): {{.*}}, 160 NaN/inf entries; element [0, 0, 10, 0] is nan, the reference's nan  FAIL
// NAN: result 1 (1x2x20xf32): {{.*}}, 20 NaN/inf entries; element [0, 0, 10] is nan, the reference's nan  FAIL
// NAN: max_error=nan check=FAIL
// RUN: attn-run %s --function=nan_score --seed=%seed --output=%t | FileCheck %s --check-prefix=RAN
// RUN: %attn_venv_python -c "import numpy as np; o = np.load('%t/result0.npy'); l = np.load('%t/result1.npy'); print(np.isnan(o).all(axis=3)[0, :, 9:11].tolist(), np.isfinite(o[0, :, :10]).all(), np.isnan(l[0, :, 10:]).all())" | FileCheck %s --check-prefix=ROWS
// RAN: function=nan_score
// ROWS: {{\[}}[False, True], [False, True]] True True
// RUN: attn-run %s --function=no_weight_row --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=no_weight_row --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// With a sink of -inf (no sink, in effect) such a row is 0 too; the
// reference paths made it NaN (exp(-inf - -inf)) while flash gave 0.
// RUN: mkdir -p %t.in && %python %S/../../Tools/make_npy.py %t.in/sink.npy '<f4' 2 --values=-inf,-inf
// RUN: attn-run %s --function=no_weight_row_sink --input sink=%t.in/sink.npy --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=no_weight_row_sink --input sink=%t.in/sink.npy --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// Block scores and the attention over the same probabilities (the flash
// path's fused twin) make a query with a +inf element NaN too: its block
// row (7 scores) and its output row, on both paths.
// RUN: not attn-run %s --function=twin_scores --check --seed=%seed --path=flash | FileCheck %s --check-prefix=TWIN
// RUN: not attn-run %s --function=twin_scores --check --seed=%seed --path=reference | FileCheck %s --check-prefix=TWIN
// (The reference leaves a score of -inf out of the sums, 0 for that key,
// where the compiled paths multiply its 0 by the row's NaN reciprocal.)
// TWIN: result 0 (1x4x2x7xf32): {{.*}}, 7 NaN/inf entries; element [0, 0, 0, 0] is nan, the reference's {{.*}}  FAIL
// TWIN: result 1 (1x4x100x48xf32): {{.*}}, 48 NaN/inf entries; element [0, 0, 5, 0] is nan, the reference's nan  FAIL
// PASS-NOT: FAIL
// PASS: check=PASS

func.func @nan_score(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x20x8xf32>, %v: tensor<1x2x20x8xf32>) -> (tensor<1x2x20x8xf32>, tensor<1x2x20xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c10 = arith.constant 10 : index
    %nan = arith.constant 0x7FC00000 : f32
    %hit = arith.cmpi eq, %j, %c10 : index
    %r = arith.select %hit, %nan, %s : f32
    attn.yield %r : f32
  } {tiling = #attn.tiling<block_q = 8, block_kv = 8>} : tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32> -> tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
  return %o, %l : tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
}

func.func @inf_score(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x20x8xf32>, %v: tensor<1x2x20x8xf32>) -> (tensor<1x2x20x8xf32>, tensor<1x2x20xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c10 = arith.constant 10 : index
    %inf = arith.constant 0x7F800000 : f32
    %hit = arith.cmpi eq, %j, %c10 : index
    %r = arith.select %hit, %inf, %s : f32
    attn.yield %r : f32
  } : tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32> -> tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
  return %o, %l : tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
}

func.func @no_weight_row(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x20x8xf32>, %v: tensor<1x2x20x8xf32>) -> (tensor<1x2x20x8xf32>, tensor<1x2x20xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c3 = arith.constant 3 : index
    %ninf = arith.constant 0xFF800000 : f32
    %hit = arith.cmpi eq, %i, %c3 : index
    %r = arith.select %hit, %ninf, %s : f32
    attn.yield %r : f32
  } : tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32> -> tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
  return %o, %l : tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
}

func.func @no_weight_row_sink(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x20x8xf32>, %v: tensor<1x2x20x8xf32>, %sink: tensor<2xf32>) -> (tensor<1x2x20x8xf32>, tensor<1x2x20xf32>) {
  %o, %l = attn.attention %q, %k, %v sink(%sink) mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %c3 = arith.constant 3 : index
    %ninf = arith.constant 0xFF800000 : f32
    %hit = arith.cmpi eq, %i, %c3 : index
    %r = arith.select %hit, %ninf, %s : f32
    attn.yield %r : f32
  } : tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32>, tensor<1x2x20x8xf32>, tensor<2xf32> -> tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
  return %o, %l : tensor<1x2x20x8xf32>, tensor<1x2x20xf32>
}

func.func @twin_scores(%q0: tensor<1x4x100x32xf32>, %kc0: tensor<1x4x7x32xf32>,
                       %vc: tensor<1x4x7x48xf32>)
    -> (tensor<1x4x2x7xf32>, tensor<1x4x100x48xf32>) {
  // Keys of positive elements: the +inf query element then makes at least
  // one score +inf (with random signs, all seven could be negative, 1 seed
  // in 128, and the row would have no key instead of NaN).
  %kc = math.absf %kc0 : tensor<1x4x7x32xf32>
  %offsets = tensor.generate {
  ^bb0(%b: index, %h: index, %i: index, %d: index):
    %c0 = arith.constant 0 : index
    %c5 = arith.constant 5 : index
    %zero = arith.constant 0.0 : f32
    %inf = arith.constant 0x7F800000 : f32
    %row = arith.cmpi eq, %i, %c5 : index
    %head = arith.cmpi eq, %h, %c0 : index
    %column = arith.cmpi eq, %d, %c0 : index
    %here = arith.andi %row, %head : i1
    %point = arith.andi %here, %column : i1
    %x = arith.select %point, %inf, %zero : f32
    tensor.yield %x : f32
  } : tensor<1x4x100x32xf32>
  %q = arith.addf %q0, %offsets : tensor<1x4x100x32xf32>
  %s = attn.block_scores %q, %kc block_q 64 {scale = 0.3 : f32}
      : tensor<1x4x100x32xf32>, tensor<1x4x7x32xf32> -> tensor<1x4x2x7xf32>
  %o = attn.attention %q, %kc, %vc {scale = 0.3 : f32}
      : tensor<1x4x100x32xf32>, tensor<1x4x7x32xf32>, tensor<1x4x7x48xf32> -> tensor<1x4x100x48xf32>
  return %s, %o : tensor<1x4x2x7xf32>, tensor<1x4x100x48xf32>
}
