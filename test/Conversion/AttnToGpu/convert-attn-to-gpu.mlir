// RUN: attn-opt %s --convert-attn-to-gpu | FileCheck %s --check-prefix=HOST
// RUN: attn-opt %s --convert-attn-to-gpu | FileCheck %s
// RUN: attn-opt %s --convert-attn-to-gpu | attn-opt | FileCheck %s --check-prefix=ROUNDTRIP

// The host function takes device buffers (inputs any strides with
// contiguous rows, the output last) and launches one CTA per (query tile,
// head, batch).
// HOST-LABEL: func.func @causal(
// HOST-SAME: %[[Q:.*]]: memref<2x4x256x64xbf16, strided<[?, ?, ?, 1], offset: ?>>,
// HOST-SAME: %[[O:.*]]: memref<2x4x256x64xbf16, strided<[?, ?, ?, 1], offset: ?>>)
// HOST-SAME: attn.gpu_kernel = @attn_kernels::@causal_kernel
// HOST: %[[L:.*]] = memref.dim %[[Q]], %c2
// HOST: %[[X:.*]] = arith.divui
// HOST: gpu.launch_func @attn_kernels::@causal_kernel blocks in (%[[X]], %{{.*}}, %{{.*}}) threads in (%c128{{.*}}, %c1{{.*}}, %c1{{.*}}) dynamic_shared_memory_size %c55424_i32
// HOST-NEXT: return

// Causal, 2 query tiles of 128 rows (4 warps of 2 x 16 rows), 64-key tiles:
// tile t visits [0, 2 t + 2), its run of full (unmasked) tiles is [0, 2 t):
// only the two key tiles on the diagonal are masked.
// CHECK: gpu.module @attn_kernels
// CHECK: memref.global "private" constant @causal_kernel_tiles : memref<2x4xi32> = dense<{{\[}}[0, 2, 2, 2], [0, 4, 0, 2]]>
// CHECK: gpu.func @causal_kernel
// CHECK-SAME: kernel attributes {attn.block_q = 128 : i64, attn.shared_bytes = 55424 : i64, attn.threads = 128 : i64, known_block_size = array<i32: 128, 1, 1>}
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK: scf.for
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>
// The mask is evaluated only outside the run of full tiles.
// CHECK: scf.if
// CHECK: gpu.shuffle xor
// CHECK: llvm.nvvm.ex2.approx.ftz.f
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// ROUNDTRIP: gpu.func @causal_kernel
func.func @causal(%q: tensor<2x4x256x64xbf16>, %k: tensor<2x2x256x64xbf16>,
                  %v: tensor<2x2x256x64xbf16>) -> tensor<2x4x256x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<2x4x256x64xbf16>, tensor<2x2x256x64xbf16>, tensor<2x2x256x64xbf16>
      -> tensor<2x4x256x64xbf16>
  return %o : tensor<2x4x256x64xbf16>
}

// A sliding window: tiles below the band are never visited (the loop starts
// past them), and the band's interior is a run of full tiles.
// CHECK: memref.global "private" constant @window_kernel_tiles : memref<4x4xi32> = dense<{{\[}}[0, 2, 2, 2], [0, 4, 1, 2], [0, 6, 3, 4], [2, 8, 5, 6]]>
// A partial tile's predicates compare i32 positions (static lengths,
// predicates that read no operands), not 64-bit index ones.
// CHECK-LABEL: gpu.func @window_kernel
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpi sle, %{{.*}}, %{{.*}} : i32
// CHECK-NOT: arith.cmpi sle, %{{.*}}, %{{.*}} : index
func.func @window(%q: tensor<1x2x512x64xf16>, %k: tensor<1x2x512x64xf16>,
                  %v: tensor<1x2x512x64xf16>) -> tensor<1x2x512x64xf16> {
  %o = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 200, right = 0>]
      : tensor<1x2x512x64xf16>, tensor<1x2x512x64xf16>, tensor<1x2x512x64xf16>
      -> tensor<1x2x512x64xf16>
  return %o : tensor<1x2x512x64xf16>
}

// Dynamic lengths need no recompilation: no table, but the causal atom's
// run-time key interval bounds the key-tile loop (tiles below
// ceil((pos(last row) + 1) / 64), with the run below the first row's
// unmasked); f16 products; the LSE is a second output.
// HOST-LABEL: func.func @dynamic(
// HOST-SAME: memref<?x?x?x128xf16, strided<[?, ?, ?, 1], offset: ?>>
// HOST-SAME: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>)
// CHECK-LABEL: gpu.func @dynamic_kernel
// CHECK-NOT: memref.get_global
// CHECK: arith.divsi %{{.*}}, %c64{{[_0-9]*}} : index
// CHECK: scf.for %{{.*}} = %{{[0-9]+}} to %{{[0-9]+}} step
// Dynamic lengths keep index positions.
// CHECK-NOT: arith.cmpi sle, %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpi sle, %{{.*}}, %{{.*}} : index
// CHECK-NOT: arith.cmpi sle, %{{.*}}, %{{.*}} : i32
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
// CHECK: memref.store {{.*}} : memref<?x?x?xf32
func.func @dynamic(%q: tensor<?x?x?x128xf16>, %k: tensor<?x?x?x128xf16>,
                   %v: tensor<?x?x?x128xf16>)
    -> (tensor<?x?x?x128xf16>, tensor<?x?x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>, tensor<?x?x?x128xf16>
      -> tensor<?x?x?x128xf16>, tensor<?x?x?xf32>
  return %o, %lse : tensor<?x?x?x128xf16>, tensor<?x?x?xf32>
}

// A document mask reads the segment operands. With a static key length the
// CTA first lists the key tiles that can meet its rows' segments: a tile
// per thread, tested against the query tile's segment-id range, compacted
// by the whole CTA into a shared list (a ballot per warp ranks a thread's
// tile, the warps' counts place the warps; thread 0 stores the length
// last); the flash loop runs over the list only, and tiles inside one
// segment skip the per-element mask (the range table then covers the
// causal part alone). Over static shapes each key tile's segment-id range
// comes from the launch's first kernel (a warp per tile: its lanes' ranges,
// then a shuffle tree), in a temporary after the ids.
// HOST-LABEL: func.func @documents(
// HOST-SAME: attn.gpu_program
// HOST: %[[RANGES:.*]] = gpu.alloc () : memref<1x4x2xi32>
// HOST: gpu.launch_func @attn_kernels::@documents_kernel_0_ranges blocks in (%c1{{[_0-9]*}}, %{{.*}}, %c1{{[_0-9]*}}) threads in (%c128
// HOST-SAME: args(%{{.*}} : memref<1x256xi32, strided<[?, ?], offset: ?>>, %[[RANGES]] : memref<1x4x2xi32>)
// HOST: gpu.launch_func @attn_kernels::@documents_kernel_0
// HOST-SAME: memref<1x256xi32, strided<[?, ?], offset: ?>>, %[[RANGES]] : memref<1x4x2xi32>, %{{.*}} : memref<1x2x256x64xbf16
// HOST: gpu.dealloc %[[RANGES]]
// CHECK-LABEL: gpu.func @documents_kernel_0(
// CHECK-SAME: %[[IDS:[^:]*]]: memref<1x256xi32, strided<[?, ?], offset: ?>>, %[[TILES:[^:]*]]: memref<1x4x2xi32>
// CHECK: to memref<4xi32, #gpu.address_space<workgroup>>
// CHECK: %[[LIST:.*]] = memref.view {{.*}} to memref<5xi32, #gpu.address_space<workgroup>>
// CHECK-NOT: memref.load %[[IDS]]
// CHECK: scf.if
// CHECK: memref.load %[[TILES]][%{{.*}}, %{{.*}}, %c0{{[_0-9]*}}] : memref<1x4x2xi32>
// CHECK: memref.load %[[TILES]][%{{.*}}, %{{.*}}, %c1{{[_0-9]*}}] : memref<1x4x2xi32>
// CHECK: gpu.barrier
// CHECK: nvvm.vote.sync ballot
// CHECK: llvm.intr.ctpop
// CHECK: gpu.barrier
// CHECK: memref.store %{{.*}}, %[[LIST]][%{{.*}}]
// CHECK: gpu.barrier
// CHECK: memref.store %{{.*}}, %[[LIST]][%c4{{.*}}]
// CHECK: gpu.barrier
// CHECK: %[[LENGTH:.*]] = memref.load %[[LIST]][%c4{{.*}}]
// CHECK: %[[COUNT:.*]] = arith.index_cast %[[LENGTH]] : i32 to index
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[COUNT]] step %c1
// CHECK-LABEL: gpu.func @documents_kernel_0_ranges(
// CHECK-SAME: %[[KV:[^:]*]]: memref<1x256xi32, strided<[?, ?], offset: ?>>, %[[OUT:[^:]*]]: memref<1x4x2xi32>
// CHECK: scf.for {{.*}} step %c32
// CHECK: memref.load %[[KV]]
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}, %c0{{[_0-9]*}}]
// CHECK: memref.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}, %c1{{[_0-9]*}}]
// A dynamic batch: no temporary; every CTA reduces the ids of every 32 keys
// it may visit (a shuffle tree per warp) before testing the tiles.
// HOST-LABEL: func.func @documents_dynamic_batch(
// HOST-SAME: attn.gpu_kernel = @attn_kernels::@documents_dynamic_batch_kernel
// HOST-NOT: gpu.alloc
// CHECK-LABEL: gpu.func @documents_dynamic_batch_kernel(
// CHECK: to memref<4xi32, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<5xi32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<?x256xi32
// CHECK: gpu.shuffle xor {{.*}} : i32
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: nvvm.vote.sync ballot
func.func @documents(%q: tensor<1x2x256x64xbf16>, %k: tensor<1x2x256x64xbf16>,
                     %v: tensor<1x2x256x64xbf16>, %qs: tensor<1x256xi32>,
                     %ks: tensor<1x256xi32>) -> tensor<1x2x256x64xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks)
      mask [#attn.document, #attn.causal]
      : tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>,
        tensor<1x2x256x64xbf16>, tensor<1x256xi32>, tensor<1x256xi32>
      -> tensor<1x2x256x64xbf16>
  return %o : tensor<1x2x256x64xbf16>
}

func.func @documents_dynamic_batch(%q: tensor<?x2x256x64xbf16>, %k: tensor<?x2x256x64xbf16>,
                                   %v: tensor<?x2x256x64xbf16>, %qs: tensor<?x256xi32>,
                                   %ks: tensor<?x256xi32>) -> tensor<?x2x256x64xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks)
      mask [#attn.document, #attn.causal]
      : tensor<?x2x256x64xbf16>, tensor<?x2x256x64xbf16>,
        tensor<?x2x256x64xbf16>, tensor<?x256xi32>, tensor<?x256xi32>
      -> tensor<?x2x256x64xbf16>
  return %o : tensor<?x2x256x64xbf16>
}

// A block selection (NSA's selected branch) lists its tiles from the
// selected blocks, not by testing every tile. The CTA covers one 64-row
// query block (one row tile per warp), so a listed tile is selected by
// every row: no per-tile flags are kept, and warp 0 reads the 4 slots (one
// tile each) and lists each selected tile once (a lane per slot keeps its
// tile if no lower lane holds it, match.any, and a ballot ranks it); the
// loop runs over the list and only the causal part is masked per element.
// CHECK-LABEL: gpu.func @selection_kernel
// CHECK-SAME: attn.block_q = 64
// CHECK-NOT: memref.atomic_rmw
// CHECK-NOT: gpu.barrier
// CHECK: memref.load %{{.*}} : memref<1x2x16x4xi32
// CHECK-NOT: scf.for
// CHECK: nvvm.vote.sync  ballot
// CHECK: nvvm.match.sync  any
// CHECK: nvvm.vote.sync  ballot
// CHECK: llvm.intr.ctpop
// CHECK: gpu.barrier
// CHECK: %[[COUNT:.*]] = arith.index_cast
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[COUNT]] step %c1
// CHECK-NOT: memref.load %{{.*}} : memref<1x2x16x4xi32
// CHECK: gpu.return
func.func @selection(%q: tensor<1x4x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                     %v: tensor<1x2x1024x64xbf16>, %idx: tensor<1x2x16x4xi32>)
    -> tensor<1x4x1024x64xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x1024x64xbf16>, tensor<1x2x1024x64xbf16>,
        tensor<1x2x1024x64xbf16>, tensor<1x2x16x4xi32>
      -> tensor<1x4x1024x64xbf16>
  return %o : tensor<1x4x1024x64xbf16>
}

// Query blocks of 32 rows: a CTA of 64 rows keeps a bit per query block for
// each listed tile and tests the row's bit per element; key blocks of 128
// are two tiles each.
// CHECK-LABEL: gpu.func @selection_blocks_kernel
// CHECK: memref.atomic_rmw ori
// CHECK: memref.atomic_rmw ori
// CHECK: scf.for
// CHECK: arith.shrui
// CHECK: gpu.return
func.func @selection_blocks(%q: tensor<1x4x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                            %v: tensor<1x2x1024x64xbf16>, %idx: tensor<1x2x32x4xi32>)
    -> tensor<1x4x1024x64xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 128>]
      : tensor<1x4x1024x64xbf16>, tensor<1x2x1024x64xbf16>,
        tensor<1x2x1024x64xbf16>, tensor<1x2x32x4xi32>
      -> tensor<1x4x1024x64xbf16>
  return %o : tensor<1x4x1024x64xbf16>
}

// Over a key length known only at run time no per-tile flags can be sized:
// with one query block per CTA the CTA lists its candidates itself. Each of
// the 4 slots' two tiles (key blocks of 128) is a thread's candidate; after
// a barrier each thread compares its tile with the 8 candidates' (kept if
// no earlier one holds it), a ballot ranks it in its warp and the warps'
// counts (through the scratch, after a barrier) place it; the loop runs
// over the list.
// CHECK-LABEL: gpu.func @selection_any_length_kernel
// CHECK-SAME: attn.block_q = 64
// CHECK-NOT: memref.atomic_rmw
// CHECK-NOT: nvvm.match.sync
// CHECK: memref.load %{{.*}} : memref<1x2x?x4xi32
// CHECK: memref.store %{{.*}} : memref<8xi32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %false) -> (i1)
// CHECK: nvvm.vote.sync  ballot
// CHECK: llvm.intr.ctpop
// CHECK: memref.store %{{.*}} : memref<4xi32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: llvm.intr.ctpop
// CHECK: memref.store %{{.*}} : memref<9xi32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: %[[ANY:.*]] = arith.index_cast
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[ANY]] step %c1
// CHECK-NOT: memref.load %{{.*}} : memref<1x2x?x4xi32
// CHECK: gpu.return
func.func @selection_any_length(%q: tensor<1x4x?x64xbf16>, %k: tensor<1x2x?x64xbf16>,
                                %v: tensor<1x2x?x64xbf16>, %idx: tensor<1x2x?x4xi32>)
    -> tensor<1x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 128>]
      : tensor<1x4x?x64xbf16>, tensor<1x2x?x64xbf16>,
        tensor<1x2x?x64xbf16>, tensor<1x2x?x4xi32>
      -> tensor<1x4x?x64xbf16>
  return %o : tensor<1x4x?x64xbf16>
}

// A sink is a kernel argument read once per row in the epilogue, where it
// joins the denominator.
// CHECK-LABEL: gpu.func @sink_kernel
// CHECK-SAME: %[[SINK:[a-z0-9]+]]: memref<4xf32, strided<[?], offset: ?>>
// CHECK: scf.for
// CHECK: memref.load %[[SINK]]
func.func @sink(%q: tensor<1x4x64x64xbf16>, %s: tensor<4xf32>) -> tensor<1x4x64x64xbf16> {
  %o = attn.attention %q, %q, %q sink(%s)
      : tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>, tensor<4xf32>
      -> tensor<1x4x64x64xbf16>
  return %o : tensor<1x4x64x64xbf16>
}

// A sigmoid needs no running max: no row reductions in the loop, and the
// weights are 1 / (1 + 2^-(x + b log2 e)).
// CHECK-LABEL: gpu.func @sigmoid_kernel
// CHECK: scf.for
// CHECK-NOT: gpu.shuffle
// CHECK: arith.negf
// CHECK: llvm.nvvm.ex2.approx.ftz.f
// CHECK: llvm.nvvm.rcp.approx.ftz.f
// CHECK: scf.yield
func.func @sigmoid(%q: tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16> {
  %o = attn.attention %q, %q, %q normalizer(#attn.sigmoid<bias = -5.0>)
      : tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>
      -> tensor<1x2x64x64xf16>
  return %o : tensor<1x2x64x64xf16>
}

// Decode with grouped heads: the 4 query heads of a K/V head are the rows
// of one 16-row tile, the grid runs over K/V heads, and the 4 warps take
// every 4th key tile through their own stages (warp barriers only), then
// merge their maxima, sums and accumulators through shared memory.
// HOST-LABEL: func.func @decode(
// HOST: %[[QL:.*]] = memref.dim %arg0, %c2
// HOST: %[[ROWS:.*]] = arith.muli %[[QL]], %c4
// HOST: %[[KH:.*]] = memref.dim %arg1, %c1
// HOST: gpu.launch_func @attn_kernels::@decode_kernel blocks in (%{{.*}}, %[[KH]], %{{.*}})
// CHECK-LABEL: gpu.func @decode_kernel
// CHECK-SAME: attn.packed_group = 4 : i64
// CHECK-NOT: memref.get_global
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4
// CHECK-NOT: gpu.barrier
// CHECK: nvvm.bar.warp.sync
// CHECK: scf.yield
// CHECK: gpu.barrier
// CHECK: gpu.barrier
// CHECK: memref.store %{{.*}}, %arg3
func.func @decode(%q: tensor<2x8x1x64xbf16>, %k: tensor<2x2x300x64xbf16>,
                  %v: tensor<2x2x300x64xbf16>) -> tensor<2x8x1x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x1x64xbf16>, tensor<2x2x300x64xbf16>, tensor<2x2x300x64xbf16>
      -> tensor<2x8x1x64xbf16>
  return %o : tensor<2x8x1x64xbf16>
}
