// Block scores and an attention over the same probabilities (NSA's
// compressed branch): attn-tile-selection computes both in the block
// scores' tasks, from one tile of scores with an exact row softmax. Each
// function is checked against the double-precision reference on fresh
// random inputs: the twin defined after the selection that reads the scores
// (hoisted), with and without its LSE, bf16 and f32, query blocks of full
// and partial rows, key ranges of whole 64-key chunks (the register-blocked
// product) and of partial ones, and lengths known only at run time.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../../Tools/make_npy.py %t/q200.npy '<f4' 1x4x200x32 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/q90.npy '<f4' 1x4x90x32 --random=%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k13.npy '<f4' 1x2x13x32 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v13.npy '<f4' 1x2x13x32 --random=2%seed
// RUN: %python %S/../../Tools/make_npy.py %t/k70.npy '<f4' 1x2x70x32 --random=1%seed
// RUN: %python %S/../../Tools/make_npy.py %t/v70.npy '<f4' 1x2x70x32 --random=2%seed
// RUN: attn-run %s --function=selection --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=long_rows --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=shared_scores --check --seed=%seed --path=flash | FileCheck %s
// RUN: attn-run %s --function=dynamic --input q=%t/q200.npy --input kc=%t/k13.npy --input vc=%t/v13.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=dynamic --input q=%t/q90.npy --input kc=%t/k70.npy --input vc=%t/v70.npy --check --path=flash | FileCheck %s
// RUN: attn-run %s --function=dynamic --input q=%t/q200.npy --input kc=%t/k70.npy --input vc=%t/v70.npy --check --path=flash | FileCheck %s
// The fused form is what runs: no attention of its own is left.
// RUN: attn-opt %s --attn-cpu-pipeline="flash=true" --mlir-print-ir-after=attn-tile-selection 2>&1 >/dev/null | FileCheck %s --check-prefix=FUSED
// CHECK-NOT: FAIL
// CHECK: check=PASS
// FUSED-LABEL: func.func @selection
// FUSED-NOT: attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask [#attn.causal<stride = 16>]
// FUSED: scf.forall {{.*}} -> (tensor<1x2x?x3xi32>, tensor<1x8x200x64xbf16>, tensor<1x8x200xf32>)
// FUSED: math.log
// FUSED: attn.attention {{.*}} indices

// NSA-style, GQA 8 / 2: compressed keys of 16 tokens score 64-row query
// blocks, the top 3 of the 13 get exact attention; the compressed branch
// comes last, its values compressed after the selection.
func.func @selection(%q: tensor<1x8x200x64xbf16>, %k: tensor<1x2x208x64xbf16>,
                     %v: tensor<1x2x208x64xbf16>)
    -> (tensor<1x8x200x64xbf16>, tensor<1x8x200xf32>, tensor<1x8x200x64xbf16>, tensor<1x2x4x3xi32>) {
  %kc = attn.compress mean %k stride 16 : tensor<1x2x208x64xbf16> -> tensor<1x2x13x64xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 16>]
      : tensor<1x8x200x64xbf16>, tensor<1x2x13x64xbf16> -> tensor<1x2x4x13xf32>
  %sel = attn.topk %s k 3 : tensor<1x2x4x13xf32> -> tensor<1x2x4x3xi32>
  %o_sel = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 16>]
      : tensor<1x8x200x64xbf16>, tensor<1x2x208x64xbf16>, tensor<1x2x208x64xbf16>, tensor<1x2x4x3xi32>
      -> tensor<1x8x200x64xbf16>
  %vc = attn.compress mean %v stride 16 : tensor<1x2x208x64xbf16> -> tensor<1x2x13x64xbf16>
  %o_cmp, %l_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 16>]
      : tensor<1x8x200x64xbf16>, tensor<1x2x13x64xbf16>, tensor<1x2x13x64xbf16>
      -> tensor<1x8x200x64xbf16>, tensor<1x8x200xf32>
  return %o_cmp, %l_cmp, %o_sel, %sel
      : tensor<1x8x200x64xbf16>, tensor<1x8x200xf32>, tensor<1x8x200x64xbf16>, tensor<1x2x4x3xi32>
}

// Rows over up to 144 compressed keys: the later query blocks' ranges hold
// two whole chunks of 64 keys (register-blocked, the second accumulating
// onto the first) and a partial one; 2300 rows end in a partial block.
func.func @long_rows(%q: tensor<1x2x2300x64xf32>, %kc: tensor<1x1x144x64xf32>,
                     %vc: tensor<1x1x144x64xf32>)
    -> (tensor<1x2x2300x64xf32>, tensor<1x1x36x2xi32>) {
  %o = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 16>]
      : tensor<1x2x2300x64xf32>, tensor<1x1x144x64xf32>, tensor<1x1x144x64xf32> -> tensor<1x2x2300x64xf32>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 16>]
      : tensor<1x2x2300x64xf32>, tensor<1x1x144x64xf32> -> tensor<1x1x36x144xf32>
  %sel = attn.topk %s k 2 : tensor<1x1x36x144xf32> -> tensor<1x1x36x2xi32>
  return %o, %sel : tensor<1x2x2300x64xf32>, tensor<1x1x36x2xi32>
}

// Scores read by the top-k and returned (not fused with the top-k), the
// twin without an LSE and without a mask, an explicit scale.
func.func @shared_scores(%q: tensor<1x4x100x32xf32>, %kc: tensor<1x4x7x32xf32>,
                         %vc: tensor<1x4x7x48xf32>)
    -> (tensor<1x4x2x7xf32>, tensor<1x4x2x2xi32>, tensor<1x4x100x48xf32>) {
  %s = attn.block_scores %q, %kc block_q 64 {scale = 0.3 : f32}
      : tensor<1x4x100x32xf32>, tensor<1x4x7x32xf32> -> tensor<1x4x2x7xf32>
  %sel = attn.topk %s k 2 : tensor<1x4x2x7xf32> -> tensor<1x4x2x2xi32>
  %o = attn.attention %q, %kc, %vc {scale = 0.3 : f32}
      : tensor<1x4x100x32xf32>, tensor<1x4x7x32xf32>, tensor<1x4x7x48xf32> -> tensor<1x4x100x48xf32>
  return %s, %sel, %o : tensor<1x4x2x7xf32>, tensor<1x4x2x2xi32>, tensor<1x4x100x48xf32>
}

// Lengths known at run time: each block's key range from the mask's
// run-time interval.
func.func @dynamic(%q: tensor<1x4x?x32xf32>, %kc: tensor<1x2x?x32xf32>, %vc: tensor<1x2x?x32xf32>)
    -> (tensor<1x2x?x?xf32>, tensor<1x4x?x32xf32>, tensor<1x4x?xf32>) {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 4>]
      : tensor<1x4x?x32xf32>, tensor<1x2x?x32xf32> -> tensor<1x2x?x?xf32>
  %o, %l = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 4>]
      : tensor<1x4x?x32xf32>, tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32> -> tensor<1x4x?x32xf32>, tensor<1x4x?xf32>
  return %s, %o, %l : tensor<1x2x?x?xf32>, tensor<1x4x?x32xf32>, tensor<1x4x?xf32>
}
