// Attention tiled by upstream's transform ops through its TilingInterface
// (over batches and K/V heads), then run on the flash path, against the
// untiled function's double-precision reference on the same fresh random
// inputs. The tiles see the operands' slices, the regions the global batch
// and head, and ALiBi (moved into the score_mod) the global head and Hq;
// partial tiles (3 batches in pairs, 3 K/V heads in pairs) have dynamic
// sizes.
// RUN: rm -rf %t && mkdir -p %t
// RUN: attn-opt %s --transform-preload-library=transform-library-paths=%S/Inputs/tile_batch_pairs.mlir --transform-interpreter -o %t/batch_pairs.mlir
// RUN: attn-opt %s --transform-preload-library=transform-library-paths=%S/Inputs/tile_head_pairs.mlir --transform-interpreter -o %t/head_pairs.mlir
// RUN: for f in alibi_bias_sink selection bf16_window; do \
// RUN:   for s in batch_pairs head_pairs; do \
// RUN:     attn-run %t/$s.mlir --function=$f --seed=%seed --output %t/$s-$f >/dev/null && \
// RUN:     attn-run %s --function=$f --seed=%seed --check --results %t/$s-$f || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s

// CHECK-COUNT-6: summary: {{.*}} check=PASS
// CHECK-NOT: FAIL

// GQA (2 query heads a K/V head), a bias shared by the batches, a sink per
// query head, softcap before ALiBi (which moves) and the bias after it, and
// a score_mod that reads the batch and head.
!q = tensor<3x6x37x16xf32>
!kv = tensor<3x3x37x16xf32>
func.func @alibi_bias_sink(%q: !q, %k: !kv, %v: !kv, %bias: tensor<1x6x37x37xf32>,
                           %sink: tensor<6xf32>) -> (!q, tensor<3x6x37xf32>) {
  %o, %l = attn.attention %q, %k, %v bias(%bias) sink(%sink) mask [#attn.causal]
      score [#attn.softcap<5.0>, #attn.alibi, #attn.bias]
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %bi = arith.index_cast %b : index to i64
        %hi = arith.index_cast %h : index to i64
        %c3 = arith.constant 3 : i64
        %bh = arith.muli %bi, %c3 : i64
        %sum = arith.addi %bh, %hi : i64
        %f = arith.sitofp %sum : i64 to f32
        %c = arith.constant 0.25 : f32
        %d = arith.mulf %f, %c : f32
        %r = arith.addf %s, %d : f32
        attn.yield %r : f32
      }
      : !q, !kv, !kv, tensor<1x6x37x37xf32>, tensor<6xf32> -> !q, tensor<3x6x37xf32>
  return %o, %l : !q, tensor<3x6x37xf32>
}

// Documents, a per-batch-and-head block layout or a per-K/V-head block
// selection, ALiBi with its own slopes, and a mask_mod that reads the
// batch and head.
!sq = tensor<3x6x64x16xf32>
!skv = tensor<3x3x64x16xf32>
func.func @selection(%q: !sq, %k: !skv, %v: !skv, %qs: tensor<3x64xi32>,
                     %ks: tensor<3x64xi32>, %layout: tensor<3x6x4x4xi1>,
                     %idx: tensor<3x3x4x2xi32>) -> !sq {
  %o = attn.attention %q, %k, %v segments(%qs, %ks) layout(%layout) indices(%idx)
      mask [#attn.document, #attn.or<[#attn.block_layout<block_q = 16, block_kv = 16>,
                                      #attn.block_indices<block_q = 16, block_kv = 16>]>]
      score [#attn.alibi<slopes = [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625]>]
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %bh = arith.addi %b, %h : index
        %x = arith.addi %bh, %j : index
        %c3 = arith.constant 3 : index
        %r = arith.remui %x, %c3 : index
        %c0 = arith.constant 0 : index
        %ne = arith.cmpi ne, %r, %c0 : index
        attn.yield %ne : i1
      }
      : !sq, !skv, !skv, tensor<3x64xi32>, tensor<3x64xi32>, tensor<3x6x4x4xi1>, tensor<3x3x4x2xi32> -> !sq
  return %o : !sq
}

// bf16, fewer queries than keys, a sliding window, default ALiBi, 4 query
// heads a K/V head.
!bq = tensor<3x12x17x32xbf16>
!bkv = tensor<3x3x45x32xbf16>
func.func @bf16_window(%q: !bq, %k: !bkv, %v: !bkv) -> (!bq, tensor<3x12x17xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.window<left = 20, right = 3>]
      score [#attn.alibi]
      : !bq, !bkv, !bkv -> !bq, tensor<3x12x17xf32>
  return %o, %l : !bq, tensor<3x12x17xf32>
}
