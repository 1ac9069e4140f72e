// The tiled flash form: a forall over (batch, head, query tile), a loop over
// the key tiles that the block map leaves non-empty, carrying the row max,
// row sum and accumulator; the mask is applied only outside the run of full
// tiles; no buffer of size Lq x Lkv.
// RUN: attn-opt %s --attn-tile-attention --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile-attention="vector-bits=0" --split-input-file | FileCheck %s --check-prefix=NOBLOCK
// RUN: attn-opt %s --attn-tile-attention="bf16-dot=true" --split-input-file | FileCheck %s --check-prefix=BF16
// Its x86vector dots parse back in a fresh attn-opt (the dialect was not
// registered for parsing, which --verify-roundtrip's one context missed).
// RUN: attn-opt %s --attn-tile-attention="bf16-dot=true" --split-input-file | attn-opt --split-input-file | FileCheck %s --check-prefix=BF16

// Causal, 4 query tiles of 64 against 4 key tiles of 64: query tile t visits
// key tiles [0, t + 1), of which [0, t) are full.
// CHECK-LABEL: func.func @causal
// CHECK-NOT: tensor<1x4x256x256
// CHECK: %[[TABLE:.*]] = arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 2, 0, 1], [0, 3, 0, 2], [0, 4, 0, 3]]> : tensor<4x4xi64>
// CHECK: %[[R:.*]]:2 = scf.forall (%[[B:.*]], %[[H:.*]], %[[T:.*]]) in (%c1, %c4, %c4) shared_outs(%[[O:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}})
// GQA: the key/value head is the query head divided by the group size.
// CHECK: %[[KVH:.*]] = arith.divui %[[H]], %c2
// CHECK: tensor.extract %[[TABLE]][%[[T]], %c0]
// CHECK: tensor.extract %[[TABLE]][%[[T]], %c1]
// CHECK: scf.for %[[U:.*]] = %{{.*}} to %{{.*}} step %c1 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x16xf32>)
// CHECK: tensor.extract_slice %{{.*}}[%[[B]], %[[KVH]], %{{.*}}, 0] [1, 1, %{{.*}}, 32]
// CHECK: scf.if
// CHECK-NOT: arith.select
// CHECK: } else {
// CHECK: arith.cmpi sle
// CHECK: arith.select
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: scf.yield
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[O]][%[[B]], %[[H]], %{{.*}}, 0]
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[L]][%[[B]], %[[H]], %{{.*}}]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @causal(%q: tensor<1x4x256x32xf32>, %k: tensor<1x2x256x32xf32>, %v: tensor<1x2x256x16xf32>) -> (tensor<1x4x256x16xf32>, tensor<1x4x256xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal] {tiling = #attn.tiling<block_q = 64, block_kv = 64>} : tensor<1x4x256x32xf32>, tensor<1x2x256x32xf32>, tensor<1x2x256x16xf32> -> tensor<1x4x256x16xf32>, tensor<1x4x256xf32>
  return %o, %l : tensor<1x4x256x16xf32>, tensor<1x4x256xf32>
}

// -----

// A sliding window visits a band of key tiles (its loop starts late); its
// tiles are all partial at this tile size.
// CHECK-LABEL: func.func @window
// CHECK: arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 2, 2, 2], [1, 3, 3, 3], [2, 4, 4, 4]]> : tensor<4x4xi64>
func.func @window(%q: tensor<1x1x256x32xf32>, %k: tensor<1x1x256x32xf32>) -> tensor<1x1x256x32xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 64, right = 0>] {tiling = #attn.tiling<block_q = 64, block_kv = 64>} : tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32> -> tensor<1x1x256x32xf32>
  return %o : tensor<1x1x256x32xf32>
}

// -----

// Dynamic lengths: no block map, but the causal atom's key interval at run
// time bounds the loop (key tiles below ceil((pos(last row) + 1) / 64), full
// ones below floor((pos(first row) + 1) / 64)); without a tiling attribute
// the tiles are 64 x 64.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: tensor<{{[0-9]+}}x4xi64>
// CHECK: %[[NQ:.*]] = arith.ceildivui %{{.*}}, %c64
// CHECK: scf.forall ({{.*}}) in (%{{.*}}, %{{.*}}, %[[NQ]])
// CHECK: arith.divsi %{{.*}}, %c64
// CHECK-NOT: scf.for %{{.*}} = %c0 to
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args
func.func @dynamic(%q: tensor<?x?x?x32xf32>, %k: tensor<?x?x?x32xf32>) -> tensor<?x?x?x32xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] : tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32>, tensor<?x?x?x32xf32> -> tensor<?x?x?x32xf32>
  return %o : tensor<?x?x?x32xf32>
}

// -----

// A dynamic window: the loop runs from the key tile of pos(first row) - 100
// to that of pos(last row) (no tile of keys further left is visited).
// CHECK-LABEL: func.func @dynamic_window
// CHECK: %[[LEFT:.*]] = arith.subi %{{.*}}, %c100
// CHECK: arith.maxsi %[[LEFT]], %c0
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args
func.func @dynamic_window(%q: tensor<1x2x?x32xf32>, %k: tensor<1x2x?x32xf32>) -> tensor<1x2x?x32xf32> {
  %o = attn.attention %q, %k, %k mask [#attn.window<left = 100, right = 0>] : tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32> -> tensor<1x2x?x32xf32>
  return %o : tensor<1x2x?x32xf32>
}

// -----

// The same window as a mask_mod region: its compares bound the loop too,
// the first key being first row - 100 (buildMaskModKeyInterval).
// CHECK-LABEL: func.func @dynamic_window_region
// CHECK: %[[FIRST:.*]] = arith.muli %{{.*}}, %c64
// CHECK: %[[LEFT:.*]] = arith.addi %[[FIRST]], %c-100
// CHECK: arith.maxsi %[[LEFT]], %c0
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1 iter_args
func.func @dynamic_window_region(%q: tensor<1x2x?x32xf32>, %k: tensor<1x2x?x32xf32>) -> tensor<1x2x?x32xf32> {
  %o = attn.attention %q, %k, %k mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c100 = arith.constant 100 : index
    %d = arith.subi %i, %j : index
    %near = arith.cmpi sle, %d, %c100 : index
    %before = arith.cmpi sle, %j, %i : index
    %allowed = arith.andi %near, %before : i1
    attn.yield %allowed : i1
  } : tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32> -> tensor<1x2x?x32xf32>
  return %o : tensor<1x2x?x32xf32>
}

// -----

// Sigmoid needs no running max: the loop only accumulates.
// CHECK-LABEL: func.func @sigmoid
// CHECK: scf.for
// CHECK-NOT: arith.maximumf
// CHECK: arith.negf
// CHECK: scf.yield
func.func @sigmoid(%q: tensor<1x1x64x32xf32>, %k: tensor<1x1x64x32xf32>) -> tensor<1x1x64x32xf32> {
  %o = attn.attention %q, %k, %k normalizer(#attn.sigmoid<bias = -1.0>) : tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32>, tensor<1x1x64x32xf32> -> tensor<1x1x64x32xf32>
  return %o : tensor<1x1x64x32xf32>
}

// -----

// Document segments are read at run time: a key tile whose segment ids do
// not overlap the query tile's is skipped without computing scores.
// CHECK-LABEL: func.func @documents
// CHECK: scf.for %[[U:.*]] = {{.*}} iter_args
// CHECK: %[[QMIN:.*]]:2 = scf.for {{.*}} -> (i32, i32)
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: %[[KMIN:.*]]:2 = scf.for {{.*}} -> (i32, i32)
// CHECK: %[[A:.*]] = arith.cmpi sle, %[[QMIN]]#0, %[[KMIN]]#1
// CHECK: %[[B:.*]] = arith.cmpi sle, %[[KMIN]]#0, %[[QMIN]]#1
// CHECK: %[[MAY:.*]] = arith.andi %[[A]], %[[B]]
// CHECK: scf.if %{{.*}} -> (tensor<?xf32>, tensor<?xf32>, tensor<?x32xf32>)
// CHECK: linalg.generic
// CHECK: scf.yield %arg{{[0-9]+}}, %arg{{[0-9]+}}, %arg{{[0-9]+}} : tensor<?xf32>, tensor<?xf32>, tensor<?x32xf32>
func.func @documents(%q: tensor<1x1x256x32xf32>, %k: tensor<1x1x256x32xf32>, %s: tensor<1x256xi32>) -> tensor<1x1x256x32xf32> {
  %o = attn.attention %q, %k, %k segments(%s, %s) mask [#attn.document] : tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32>, tensor<1x256xi32>, tensor<1x256xi32> -> tensor<1x1x256x32xf32>
  return %o : tensor<1x1x256x32xf32>
}

// -----

// Selected blocks: a key tile is visited only if a selected block of one of
// the query tile's blocks meets it.
// CHECK-LABEL: func.func @selected
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %c0 to %c2
// CHECK: tensor.extract %{{.*}} : tensor<1x1x4x2xi32>
// CHECK: scf.if
func.func @selected(%q: tensor<1x1x256x32xf32>, %k: tensor<1x1x256x32xf32>, %i: tensor<1x1x4x2xi32>) -> tensor<1x1x256x32xf32> {
  %o = attn.attention %q, %k, %k indices(%i) mask [#attn.block_indices<block_q = 64, block_kv = 64>] : tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32>, tensor<1x1x256x32xf32>, tensor<1x1x4x2xi32> -> tensor<1x1x256x32xf32>
  return %o : tensor<1x1x256x32xf32>
}

// -----

// Split-KV: a fourth forall dimension takes the s-th chunk of each row's key
// tiles into f32 partials; attn.merge lse combines them.
// CHECK-LABEL: func.func @split_kv
// CHECK: %[[P:.*]]:2 = scf.forall ({{.*}}, %[[S:.*]]) in (%c1, %c2, %c1, 4) shared_outs({{.*}}) -> (tensor<4x1x2x1x16xf32>, tensor<4x1x2x1xf32>)
// CHECK: arith.ceildivui
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[S]],
// CHECK: %[[O0:.*]] = tensor.extract_slice %[[P]]#0[0, 0, 0, 0, 0] [1, 1, 2, 1, 16]
// CHECK: %[[O3:.*]] = tensor.extract_slice %[[P]]#0[3, 0, 0, 0, 0] [1, 1, 2, 1, 16]
// CHECK: %[[L3:.*]] = tensor.extract_slice %[[P]]#1[3, 0, 0, 0] [1, 1, 2, 1]
// CHECK: %[[M:.*]], %[[ML:.*]] = attn.merge lse (%[[O0]], %{{.*}}), (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}), (%[[O3]], %[[L3]])
// CHECK: arith.truncf {{.*}} : f32 to bf16
// CHECK: return %{{.*}}, %[[ML]]
func.func @split_kv(%q: tensor<1x2x1x16xbf16>, %k: tensor<1x1x4096x16xbf16>) -> (tensor<1x2x1x16xbf16>, tensor<1x2x1xf32>) {
  %o, %l = attn.attention %q, %k, %k mask [#attn.causal] {tiling = #attn.tiling<block_q = 8, block_kv = 256, kv_splits = 4>} : tensor<1x2x1x16xbf16>, tensor<1x1x4096x16xbf16>, tensor<1x1x4096x16xbf16> -> tensor<1x2x1x16xbf16>, tensor<1x2x1xf32>
  return %o, %l : tensor<1x2x1x16xbf16>, tensor<1x2x1xf32>
}

// -----

// No more splits than key tiles (3 of 64 keys here): the others would have
// no keys.
// CHECK-LABEL: func.func @split_kv_capped
// CHECK: scf.forall ({{.*}}) in (%c1, %c2, %c1, 3) shared_outs({{.*}}) -> (tensor<3x1x2x1x16xf32>, tensor<3x1x2x1xf32>)
// CHECK: attn.merge lse (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) :
func.func @split_kv_capped(%q: tensor<1x2x1x16xf32>, %k: tensor<1x1x130x16xf32>) -> tensor<1x2x1x16xf32> {
  %o = attn.attention %q, %k, %k {tiling = #attn.tiling<block_q = 8, block_kv = 64, kv_splits = 1024>} : tensor<1x2x1x16xf32>, tensor<1x1x130x16xf32>, tensor<1x1x130x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}

// -----

// Capped to one split (64 keys, one tile), the attention merges its gated
// branch in its epilogue as an unsplit one does.
// CHECK-LABEL: func.func @split_kv_capped_epilogue
// CHECK-NOT: attn.merge
// CHECK: return
func.func @split_kv_capped_epilogue(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x64x16xf32>, %g: tensor<1x1x8xf32>) -> tensor<1x1x8x16xf32> {
  %o = attn.attention %q, %k, %k {tiling = #attn.tiling<block_q = 8, block_kv = 64, kv_splits = 4>} : tensor<1x1x8x16xf32>, tensor<1x1x64x16xf32>, tensor<1x1x64x16xf32> -> tensor<1x1x8x16xf32>
  %m = attn.merge gated (%o, %g) : tensor<1x1x8x16xf32>, tensor<1x1x8xf32> -> tensor<1x1x8x16xf32>
  return %m : tensor<1x1x8x16xf32>
}

// -----

// Tiles of full size take the register-blocked products: the key tile is
// copied row-major (whatever the input's strides) and transposed by 16x16
// register blocks; then 4 rows x 4 vectors of 16 lanes are accumulated by
// vector FMAs over the head dim (scores) and over the keys (P V, starting
// from the accumulator scaled by the row's correction). Partial tiles keep
// the general loops. Without vector registers (vector-bits=0) there is no
// register blocking.
// CHECK-LABEL: func.func @register_blocked
// The scale is folded into the query tile once per query tile.
// CHECK: scf.forall
// CHECK: arith.mulf %{{.*}}, %cst{{.*}} : f32
// CHECK: scf.for
// CHECK: %[[FULL:.*]] = arith.andi
// CHECK: %[[SCORES:.*]] = scf.if %[[FULL]] -> (tensor<?x?xf32>)
// CHECK: bufferization.alloc_tensor() copy(%{{.*}}) : tensor<128x64xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<128x64xf32>, vector<16x16xf32>
// CHECK: vector.transpose %{{.*}}, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c4
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c64
// CHECK: scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-16: vector.fma
// CHECK: } else {
// CHECK: linalg.generic
// A full tile without modifiers needs no pass over its scores; a partial
// one applies the mask.
// CHECK: scf.if %{{.*}} -> (tensor<?x?xf32>) {
// CHECK-NEXT: scf.yield %[[SCORES]] : tensor<?x?xf32>
// CHECK-NEXT: } else {
// CHECK: arith.select
// CHECK: math.exp
// CHECK: scf.if %[[FULL]] -> (tensor<?x64xf32>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c128 step %c1
// CHECK-COUNT-16: vector.fma
// NOBLOCK-LABEL: func.func @register_blocked
// NOBLOCK-NOT: vector.
// NOBLOCK: return
func.func @register_blocked(%q: tensor<1x1x200x64xf32>, %k: tensor<1x1x300x64xf32>) -> tensor<1x1x200x64xf32> {
  %o = attn.attention %q, %k, %k {tiling = #attn.tiling<block_q = 64, block_kv = 128>} : tensor<1x1x200x64xf32>, tensor<1x1x300x64xf32>, tensor<1x1x300x64xf32> -> tensor<1x1x200x64xf32>
  return %o : tensor<1x1x200x64xf32>
}

// -----

// bf16 queries and keys with bf16-dot: the key tile is copied row-major in
// bf16 and rearranged into the pair layout (16x16 blocks of 32-bit pairs,
// transposed), and the scores come from AVX-512 BF16 dot products into f32
// accumulators, a broadcast query pair per row. P V stays in f32. Without
// the option, bf16 tiles are converted to f32.
// BF16-LABEL: func.func @bf16_scores
// BF16: bufferization.alloc_tensor() copy(%{{.*}}) : tensor<?x64xbf16>
// BF16: scf.for
// BF16: bufferization.alloc_tensor() copy(%{{.*}}) : tensor<32x64xbf16>
// BF16: vector.bitcast %{{.*}} : vector<16x32xbf16> to vector<16x16xf32>
// BF16: vector.transpose
// BF16: scf.for %{{.*}} = %c0 to %c32 step %c1 iter_args
// BF16: vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// BF16: x86vector.avx512.dot %{{.*}}, %{{.*}}, %{{.*}} : vector<32xbf16> -> vector<16xf32>
// BF16: vector.fma
// CHECK-LABEL: func.func @bf16_scores
// CHECK-NOT: x86vector
// CHECK: return
func.func @bf16_scores(%q: tensor<1x1x64x64xbf16>, %k: tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  %o = attn.attention %q, %k, %k mask [#attn.causal] {tiling = #attn.tiling<block_q = 32, block_kv = 32>} : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16> -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

// A block selection whose blocks are whole 64 x 64 tiles: the per-tile test
// reads the selected blocks and is exact, so the range table has the causal
// predicate's full runs and the elements are masked by causality alone (the
// indices are read once per tile, never per element).
// CHECK-LABEL: func.func @nested_selection
// CHECK: arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 2, 0, 1]]> : tensor<2x4xi64>
// CHECK: scf.for
// CHECK: tensor.extract %arg3
// CHECK-NOT: tensor.extract %arg3
// CHECK: linalg.index 0
// CHECK: arith.cmpi sle
// CHECK-NOT: tensor.extract %arg3
// CHECK: scf.forall.in_parallel
func.func @nested_selection(%q: tensor<1x2x128x16xf32>, %k: tensor<1x2x128x16xf32>,
                            %v: tensor<1x2x128x16xf32>, %idx: tensor<1x2x2x2xi32>)
    -> tensor<1x2x128x16xf32> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>,
        tensor<1x2x2x2xi32>
      -> tensor<1x2x128x16xf32>
  return %o : tensor<1x2x128x16xf32>
}

// -----

// An exact merge of two attentions of the same queries (SCOUT: the current
// segment's tokens and the completed segments' checkpoints) is one loop
// nest: the online softmax runs over the tokens' key tiles, then carries
// its max, sum and accumulator into the checkpoints' tiles; no partial
// outputs, LSEs or merge remain. Each source keeps its own range table.
// CHECK-LABEL: func.func @union
// CHECK-NOT: attn.merge
// CHECK: %[[TOKENS:.*]] = arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 2, 2, 2]]> : tensor<2x4xi64>
// CHECK: %[[CKPT:.*]] = arith.constant dense<{{\[}}[0, 1, 1, 1], [0, 1, 1, 1]]> : tensor<2x4xi64>
// CHECK: scf.forall
// CHECK: tensor.extract %[[TOKENS]]
// CHECK: %[[FIRST:.*]]:3 = scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x16xf32>)
// CHECK: tensor.extract %[[CKPT]]
// CHECK: %[[SECOND:.*]]:3 = scf.for %{{.*}} iter_args(%{{.*}} = %[[FIRST]]#0, %{{.*}} = %[[FIRST]]#1, %{{.*}} = %[[FIRST]]#2)
// CHECK: math.log
// CHECK: scf.forall.in_parallel
// CHECK-NOT: attn.merge
func.func @union(%q: tensor<1x2x128x16xf32>, %k: tensor<1x2x128x16xf32>,
                 %v: tensor<1x2x128x16xf32>, %ck: tensor<1x2x2x16xf32>)
    -> (tensor<1x2x128x16xf32>, tensor<1x2x128xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>, tensor<1x2x128x16xf32>
      -> tensor<1x2x128x16xf32>, tensor<1x2x128xf32>
  %o2, %l2 = attn.attention %q, %ck, %ck mask [#attn.causal<stride = 64>]
      : tensor<1x2x128x16xf32>, tensor<1x2x2x16xf32>, tensor<1x2x2x16xf32>
      -> tensor<1x2x128x16xf32>, tensor<1x2x128xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x128x16xf32>, tensor<1x2x128xf32> -> tensor<1x2x128x16xf32>, tensor<1x2x128xf32>
  return %o, %l : tensor<1x2x128x16xf32>, tensor<1x2x128xf32>
}

// -----

// Branches that read their LSE elsewhere, or of other queries, are not a
// union of key sets the lowering may fuse: each is tiled alone.
// CHECK-LABEL: func.func @not_union
// CHECK: scf.forall
// CHECK: scf.forall
// CHECK: attn.merge lse
func.func @not_union(%q: tensor<1x2x64x16xf32>, %q2: tensor<1x2x64x16xf32>,
                     %k: tensor<1x2x64x16xf32>)
    -> tensor<1x2x64x16xf32> {
  %o1, %l1 = attn.attention %q, %k, %k
      : tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>
      -> tensor<1x2x64x16xf32>, tensor<1x2x64xf32>
  %o2, %l2 = attn.attention %q2, %k, %k
      : tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>
      -> tensor<1x2x64x16xf32>, tensor<1x2x64xf32>
  %o = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x64x16xf32>, tensor<1x2x64xf32> -> tensor<1x2x64x16xf32>
  return %o : tensor<1x2x64x16xf32>
}

// -----

// A gated merge (NSA's branches) runs in the epilogue of its last branch
// that is an attention: the first branch is tiled on its own, the second's
// loop nest weights its tile rows and adds the first branch's rows as it
// writes them; no merge and no materialised second output remain. The
// third operand is a function argument, merged the same way.
// CHECK-LABEL: func.func @gated
// CHECK: %[[FIRST:.*]] = scf.forall
// CHECK: scf.forall
// CHECK: tensor.extract_slice %[[FIRST]][%{{.*}}, %{{.*}}, %{{.*}}, 0] [1, 1, %{{.*}}, 32] [1, 1, 1, 1] : tensor<1x2x128x32xf32> to tensor<?x32xf32>
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] [1, 1, %{{.*}}] [1, 1, 1] : tensor<1x2x128xf32> to tensor<?xf32>
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.parallel_insert_slice
// CHECK-NOT: attn.merge
// CHECK-NOT: attn.attention
func.func @gated(%q: tensor<1x2x128x32xf32>, %k: tensor<1x2x128x32xf32>,
                 %v: tensor<1x2x128x32xf32>, %g1: tensor<1x2x128xf32>,
                 %g2: tensor<1x2x128xf32>, %o3: tensor<1x2x128x32xf32>,
                 %g3: tensor<1x2x128xf32>) -> tensor<1x2x128x32xf32> {
  %o1 = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x128x32xf32>, tensor<1x2x128x32xf32>, tensor<1x2x128x32xf32>
      -> tensor<1x2x128x32xf32>
  %o2 = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 15, right = 0>]
      : tensor<1x2x128x32xf32>, tensor<1x2x128x32xf32>, tensor<1x2x128x32xf32>
      -> tensor<1x2x128x32xf32>
  %o = attn.merge gated (%o1, %g1), (%o2, %g2), (%o3, %g3)
      : tensor<1x2x128x32xf32>, tensor<1x2x128xf32> -> tensor<1x2x128x32xf32>
  return %o : tensor<1x2x128x32xf32>
}

// -----

// Head dims that one operand fixes and another leaves open are refined
// first (the pass's slices of the static key had a dynamic size, and the
// IR failed to verify): the flash form reads the key with its static 8.
// CHECK-LABEL: func.func @mixed_head_dims(
// CHECK: tensor.cast %{{.*}} : tensor<1x1x40x?xf32> to tensor<1x1x40x8xf32>
// CHECK-NOT: attn.attention
// CHECK: scf.forall
// CHECK: tensor.extract_slice %{{.*}} [1, 1, %{{.*}}, 8] [1, 1, 1, 1] : tensor<1x1x40x8xf32> to tensor<?x8xf32>
// CHECK: tensor.extract_slice %{{.*}} [1, 1, %{{.*}}, 8] [1, 1, 1, 1] : tensor<1x1x40x8xf32> to tensor<?x8xf32>
// NOBLOCK-LABEL: func.func @mixed_head_dims(
// BF16-LABEL: func.func @mixed_head_dims(
func.func @mixed_head_dims(%q: tensor<1x1x40x?xf32>, %k: tensor<1x1x40x8xf32>, %v: tensor<1x1x40x?xf32>) -> tensor<1x1x40x?xf32> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] : tensor<1x1x40x?xf32>, tensor<1x1x40x8xf32>, tensor<1x1x40x?xf32> -> tensor<1x1x40x?xf32>
  return %o : tensor<1x1x40x?xf32>
}
