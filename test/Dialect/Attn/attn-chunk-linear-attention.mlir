// The chunked form of linear attention: a forall over (batch, query head)
// and a loop over chunks that carries the D x Dv state, the D normaliser
// and the head's output; no Lq x Lkv tensor.
// RUN: attn-opt %s --attn-chunk-linear-attention="chunk=32" --split-input-file | FileCheck %s
// RUN: not attn-opt %s --attn-chunk-linear-attention="chunk=0" --split-input-file 2>&1 | FileCheck %s --check-prefix=ERR
// ERR: error: attn-chunk-linear-attention: 'chunk' must be positive, got 0

// Causal with decay, GQA 2:1, 100 tokens in chunks of 32 (the last has 4).
// CHECK-LABEL: func.func @causal_decay
// CHECK-NOT: tensor<100x100
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]]) in (1, 4) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<1x4x100x8xf32>)
// CHECK: %[[KVH:.*]] = arith.divui %[[H]], %c2
// The chunks write the head's rows of the shared output in place (no
// whole-head temporary for bufferisation to copy).
// CHECK: %[[HEAD:.*]] = tensor.extract_slice %[[OUT]][%[[B]], %[[H]], 0, 0] [1, 1, 100, 8] [1, 1, 1, 1] : tensor<1x4x100x8xf32> to tensor<100x8xf32>
// CHECK: %[[LOOP:.*]]:3 = scf.for %{{.*}} = %c0 to %c4 step %c1 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[ROWS:.*]] = %[[HEAD]]) -> (tensor<16x8xf32>, tensor<16xf32>, tensor<100x8xf32>)
// CHECK: arith.minui %{{.*}}, %c32
// CHECK: tensor.extract_slice %{{.*}}[%[[B]], %[[KVH]], %{{.*}}, 0] [1, 1, %{{.*}}, 16]
// The log-gates of the chunk, their prefix sums, exp of differences.
// CHECK: tensor.extract_slice %{{.*}}[%[[B]], %[[H]], %{{.*}}] [1, 1, %{{.*}}] [1, 1, 1] : tensor<1x4x100xf32> to tensor<?xf32>
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.cmpi ule
// CHECK: tensor.insert_slice %{{.*}} into %[[ROWS]]
// CHECK: scf.yield
// CHECK: tensor.parallel_insert_slice %[[LOOP]]#2 into %[[OUT]][%[[B]], %[[H]], 0, 0] [1, 1, 100, 8]
func.func @causal_decay(%q: tensor<1x4x100x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x8xf32>, %a: tensor<1x4x100xf32>) -> tensor<1x4x100x8xf32> {
  %o = attn.linear_attention %q, %k, %v decay(%a) feature relu causal normalize : tensor<1x4x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x8xf32>, tensor<1x4x100xf32> -> tensor<1x4x100x8xf32>
  return %o : tensor<1x4x100x8xf32>
}

// -----

// Without causal: the state of all 70 keys first (3 chunks), then the 40
// queries (2 chunks) read it.
// CHECK-LABEL: func.func @noncausal
// CHECK: scf.forall
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (tensor<16x16xf32>, tensor<16xf32>)
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args({{.*}}) -> (tensor<40x16xf32>)
func.func @noncausal(%q: tensor<1x1x40x16xf32>, %k: tensor<1x1x70x16xf32>) -> tensor<1x1x40x16xf32> {
  %o = attn.linear_attention %q, %k, %k feature elu_plus_one normalize : tensor<1x1x40x16xf32>, tensor<1x1x70x16xf32>, tensor<1x1x70x16xf32> -> tensor<1x1x40x16xf32>
  return %o : tensor<1x1x40x16xf32>
}

// -----

// Causal with Lq != Lkv: chunks of the 70 key positions; each chunk's
// query tile is zero-filled and takes the queries from the first position
// that has one (position p holds query p - 30), whose output rows alone are
// written. Dynamic batch and lengths: the same form, its loop bound from the
// key length.
// CHECK-LABEL: func.func @offsets
// CHECK-NOT: attn.linear_attention
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 1) shared_outs(%[[OUT:.*]] = %{{.*}})
// The head's rows of the output are zeroed first: rows of chunks without
// a query are never written.
// CHECK: %[[HEAD:.*]] = tensor.extract_slice %[[OUT]]
// CHECK: %[[ZEROED:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[HEAD]] : tensor<40x16xf32>)
// CHECK: scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[ZEROED]])
// The first query row of a chunk: max(first + skip, late) - late + early,
// in range even for a chunk wholly before the first query.
// CHECK: arith.maxui
// CHECK: %[[TILE:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}, 0] [%{{.*}}, 16] [1, 1] : tensor<?x16xf32> into tensor<?x16xf32>
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, 0] [%{{.*}}, 16] [1, 1] : tensor<?x16xf32> to tensor<?x16xf32>
// CHECK: tensor.dim %{{.*}}, %c2 : tensor<?x1x?x16xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (%{{.*}}, 1)
// CHECK: arith.ceildivui %{{.*}}, %c32
// CHECK-NOT: attn.linear_attention
func.func @offsets(%q: tensor<1x1x40x16xf32>, %k: tensor<1x1x70x16xf32>, %d: tensor<?x1x?x16xf32>) -> (tensor<1x1x40x16xf32>, tensor<?x1x?x16xf32>) {
  %o = attn.linear_attention %q, %k, %k feature relu causal : tensor<1x1x40x16xf32>, tensor<1x1x70x16xf32>, tensor<1x1x70x16xf32> -> tensor<1x1x40x16xf32>
  %p = attn.linear_attention %d, %d, %d feature relu causal : tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32>, tensor<?x1x?x16xf32> -> tensor<?x1x?x16xf32>
  return %o, %p : tensor<1x1x40x16xf32>, tensor<?x1x?x16xf32>
}

// -----

// A dynamic head dim (the state's size) keeps the reference lowering.
// CHECK-LABEL: func.func @kept
// CHECK: attn.linear_attention
func.func @kept(%d: tensor<1x1x40x?xf32>) -> tensor<1x1x40x?xf32> {
  %p = attn.linear_attention %d, %d, %d feature relu causal : tensor<1x1x40x?xf32>, tensor<1x1x40x?xf32>, tensor<1x1x40x?xf32> -> tensor<1x1x40x?xf32>
  return %p : tensor<1x1x40x?xf32>
}

// -----

// Every chunk full (96 = 3 x 32) and D, Dv multiples of 16: the chunk's
// products are register-blocked (keys transposed once per chunk; the state
// update starts from the old state scaled by the chunk's total decay).
// CHECK-LABEL: func.func @blocked
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: vector.transpose
// CHECK: vector.fma
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<16xf32>)
// CHECK: vector.fma
func.func @blocked(%q: tensor<1x1x96x16xf32>, %v: tensor<1x1x96x16xf32>, %a: tensor<1x1x96xf32>) -> tensor<1x1x96x16xf32> {
  %o = attn.linear_attention %q, %q, %v decay(%a) feature relu causal : tensor<1x1x96x16xf32>, tensor<1x1x96x16xf32>, tensor<1x1x96x16xf32>, tensor<1x1x96xf32> -> tensor<1x1x96x16xf32>
  return %o : tensor<1x1x96x16xf32>
}

// -----

// A causal conv that only the linear attention reads is computed per chunk
// from its input (LAWCAT's keys): no [B, H, L, D] conv result. Each chunk
// reads its rows and the 3 before them into a zero-filled window of
// rows + 3 (rows before the sequence stay 0), then accumulates the 4 taps.
// The conv on the queries has a second user: it stays.
// CHECK-LABEL: func.func @conv_keys
// CHECK: %[[QC:.*]] = attn.causal_conv %{{.*}}, %{{.*}} : tensor<1x2x100x16xf32>
// CHECK-NOT: attn.causal_conv
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[QC]]
// CHECK: %[[WINDOW:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}, 0] [%{{.*}}, 16] [1, 1] : tensor<?x16xf32> into tensor<?x16xf32>
// CHECK: tensor.extract_slice %[[WINDOW]][0, 0] [%{{.*}}, 16] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, 0, 0] [1, 16, 1] [1, 1, 1] : tensor<2x16x4xf32> to tensor<16xf32>
// CHECK: tensor.extract_slice %[[WINDOW]][3, 0] [%{{.*}}, 16] [1, 1]
// CHECK-NOT: attn.linear_attention
func.func @conv_keys(%q: tensor<1x2x100x16xf32>, %k: tensor<1x2x100x16xf32>,
                     %v: tensor<1x2x100x16xf32>, %w: tensor<2x16x4xf32>)
    -> (tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>) {
  %qc = attn.causal_conv %q, %w : tensor<1x2x100x16xf32>, tensor<2x16x4xf32>
      -> tensor<1x2x100x16xf32>
  %kc = attn.causal_conv %k, %w : tensor<1x2x100x16xf32>, tensor<2x16x4xf32>
      -> tensor<1x2x100x16xf32>
  %o = attn.linear_attention %qc, %kc, %v feature elu_plus_one causal normalize
      : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>
      -> tensor<1x2x100x16xf32>
  %p = attn.linear_attention %qc, %qc, %v feature relu
      : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>
      -> tensor<1x2x100x16xf32>
  return %o, %p : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>
}

// -----

// bf16: each chunk's rows are rounded once (f32 -> bf16) as they are
// written into the head's bf16 rows of the result.
// CHECK-LABEL: func.func @bf16_rows
// CHECK: scf.forall {{.*}} shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<1x2x64x16xbf16>)
// CHECK: %[[HEAD:.*]] = tensor.extract_slice %[[OUT]]{{.*}} to tensor<64x16xbf16>
// CHECK: scf.for {{.*}} iter_args({{.*}}, %[[ROWS:.*]] = %[[HEAD]]) -> ({{.*}}, tensor<64x16xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT: linalg.yield
// CHECK: tensor.insert_slice %{{.*}} into %[[ROWS]]{{.*}} : tensor<?x16xbf16> into tensor<64x16xbf16>
// CHECK: tensor.parallel_insert_slice
func.func @bf16_rows(%q: tensor<1x2x64x16xbf16>) -> tensor<1x2x64x16xbf16> {
  %o = attn.linear_attention %q, %q, %q feature elu_plus_one causal normalize : tensor<1x2x64x16xbf16>, tensor<1x2x64x16xbf16>, tensor<1x2x64x16xbf16> -> tensor<1x2x64x16xbf16>
  return %o : tensor<1x2x64x16xbf16>
}

// -----

// A length the compiler does not know: the full chunks (the first
// L - L mod 32 tokens, each of the constant 32 rows) take the
// register-blocked products; the last partial chunk, if any, the generic
// ones, in a second loop carrying the first's state and rows.
// CHECK-LABEL: func.func @peeled
// CHECK-SAME: (%{{.*}}: tensor<1x1x?x16xf32>, %[[K:.*]]: tensor<1x1x?x16xf32>,
// CHECK: %[[L:.*]] = tensor.dim %[[K]], %c2 : tensor<1x1x?x16xf32>
// CHECK: %[[REM:.*]] = arith.remui %[[L]], %c32
// CHECK: %[[FULL_END:.*]] = arith.subi %[[L]], %[[REM]]
// CHECK: %[[FULL_CHUNKS:.*]] = arith.ceildivui %[[FULL_END]], %c32
// CHECK: %[[FULL:.*]]:3 = scf.for %{{.*}} = %c0 to %[[FULL_CHUNKS]] step %c1
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, 0] [1, 1, %c32, 16]
// CHECK: vector.transpose
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: %[[TAIL_LENGTH:.*]] = arith.subi %[[L]], %[[FULL_END]]
// CHECK: %[[TAIL_CHUNKS:.*]] = arith.ceildivui %[[TAIL_LENGTH]], %c32
// CHECK: scf.for %{{.*}} = %c0 to %[[TAIL_CHUNKS]] step %c1 iter_args(%{{.*}} = %[[FULL]]#0, %{{.*}} = %[[FULL]]#1, %{{.*}} = %[[FULL]]#2)
// CHECK-NOT: vector.fma
// CHECK: linalg.generic
// CHECK: scf.yield
func.func @peeled(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  %o = attn.linear_attention %q, %k, %v feature relu causal : tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x1x?x16xf32>
  return %o : tensor<1x1x?x16xf32>
}

// -----

// A key head dim that the query's static one fixes is refined first (the
// chunks' slices of it had sizes of two kinds, and the IR failed to verify).
// CHECK-LABEL: func.func @mixed_head_dims(
// CHECK: tensor.cast %{{.*}} : tensor<1x1x40x?xf32> to tensor<1x1x40x8xf32>
// CHECK-NOT: attn.linear_attention
// CHECK: scf.forall
func.func @mixed_head_dims(%q: tensor<1x1x40x8xf32>, %k: tensor<1x1x40x?xf32>, %v: tensor<1x1x40x8xf32>) -> tensor<1x1x40x8xf32> {
  %o = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize : tensor<1x1x40x8xf32>, tensor<1x1x40x?xf32>, tensor<1x1x40x8xf32> -> tensor<1x1x40x8xf32>
  return %o : tensor<1x1x40x8xf32>
}

// -----

// A conv of more than 16 taps is not fused (its taps would be unrolled
// per chunk: 2000 made the pipeline take minutes): it stays a conv.
// CHECK-LABEL: func.func @conv_many_taps
// CHECK: %[[KC:.*]] = attn.causal_conv
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[KC]]
func.func @conv_many_taps(%q: tensor<1x2x100x16xf32>, %k: tensor<1x2x100x16xf32>,
                          %v: tensor<1x2x100x16xf32>, %w: tensor<2x16x17xf32>)
    -> tensor<1x2x100x16xf32> {
  %kc = attn.causal_conv %k, %w : tensor<1x2x100x16xf32>, tensor<2x16x17xf32>
      -> tensor<1x2x100x16xf32>
  %o = attn.linear_attention %q, %kc, %v feature elu_plus_one causal normalize
      : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>
      -> tensor<1x2x100x16xf32>
  return %o : tensor<1x2x100x16xf32>
}
