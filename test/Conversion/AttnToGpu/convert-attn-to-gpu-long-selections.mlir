// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_86" | FileCheck %s --check-prefix=SM86
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a head-pairs=on" | FileCheck %s --check-prefix=PAIRS

// A selection over a static key length lists the key tiles it visits in a
// list with a flag and an entry per key tile (8 bytes a tile). Over 270k
// keys that list leaves the paired sm_90a form (two CTAs a multiprocessor)
// no room for two stages, and sm_86's kernel none for its tiles: the list
// is then sized by the selection's slots, as over run-time lengths (16
// slots of one 64-key tile: warp 0 lists them, no per-tile flags), instead
// of falling back to the sm_80 kernel or to one without a list (which
// would test every key tile of every row).
// CHECK-LABEL: gpu.func @paired_kernel(
// CHECK-SAME: attn.block_kv = 64 : i64, attn.block_q = 64 : i64, attn.ctas_per_sm = 2 : i64, attn.shared_bytes = 83148 : i64
// CHECK-NOT: memref<4224xi32
// CHECK: memref.view %{{.*}} to memref<17xi32, #gpu.address_space<workgroup>>
// CHECK-NOT: memref<4224xi32
// CHECK: gpu.return
// SM86-LABEL: gpu.func @paired_kernel(
// SM86-SAME: attn.block_q = 64 : i64, attn.shared_bytes = 87364 : i64
// SM86-NOT: memref<4224xi32
// SM86: memref.view %{{.*}} to memref<17xi32, #gpu.address_space<workgroup>>
// SM86-NOT: memref<4224xi32
// SM86: gpu.return
// Head pairs (one CTA a multiprocessor, tiles of two 64-key blocks) have
// room for the list of every key tile and its flags at this length.
// PAIRS-LABEL: gpu.func @paired_kernel(
// PAIRS-SAME: attn.consumer_heads = 2 : i64, attn.ctas_per_sm = 1 : i64, attn.key_blocks_per_tile = 2 : i64, attn.shared_bytes = 198732 : i64
// PAIRS: memref.view %{{.*}} to memref<4224xi32, #gpu.address_space<workgroup>>
// PAIRS: memref.view %{{.*}} to memref<4225xi32, #gpu.address_space<workgroup>>
func.func @paired(%q: tensor<1x4x270336x128xbf16>, %k: tensor<1x2x270336x128xbf16>,
                  %v: tensor<1x2x270336x128xbf16>, %idx: tensor<1x2x4224x16xi32>)
    -> tensor<1x4x270336x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x270336x128xbf16>, tensor<1x2x270336x128xbf16>,
        tensor<1x2x270336x128xbf16>, tensor<1x2x4224x16xi32>
      -> tensor<1x4x270336x128xbf16>
  return %o : tensor<1x4x270336x128xbf16>
}

// -----

// Blocks of 128 keys (two 64-key tiles each): the CTA lists its slots'
// tiles from 32 candidates, a thread each.
// CHECK-LABEL: gpu.func @candidates_kernel(
// CHECK-SAME: attn.ctas_per_sm = 2 : i64, attn.shared_bytes = 83276 : i64
// CHECK: memref.view %{{.*}} to memref<32xi32, #gpu.address_space<workgroup>>
// CHECK: memref.view %{{.*}} to memref<33xi32, #gpu.address_space<workgroup>>
// SM86-LABEL: gpu.func @candidates_kernel(
// SM86: memref.view %{{.*}} to memref<32xi32, #gpu.address_space<workgroup>>
// SM86: memref.view %{{.*}} to memref<33xi32, #gpu.address_space<workgroup>>
func.func @candidates(%q: tensor<1x4x270336x128xbf16>, %k: tensor<1x2x270336x128xbf16>,
                      %v: tensor<1x2x270336x128xbf16>, %idx: tensor<1x2x4224x16xi32>)
    -> tensor<1x4x270336x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 128>]
      : tensor<1x4x270336x128xbf16>, tensor<1x2x270336x128xbf16>,
        tensor<1x2x270336x128xbf16>, tensor<1x2x4224x16xi32>
      -> tensor<1x4x270336x128xbf16>
  return %o : tensor<1x4x270336x128xbf16>
}

// -----

// Past 540k keys, head pairs' tiles of two blocks with a list of every key
// tile would not fit either: the list from the slots keeps them (before
// both, one block a tile; before that, the list's reserve for documents'
// segment ids, 8 bytes every 32 keys that only a document mask uses, sent
// even one block a tile to the sm_80 kernel).
// PAIRS-LABEL: gpu.func @longer_kernel(
// PAIRS-SAME: attn.consumer_heads = 2 : i64, attn.ctas_per_sm = 1 : i64, attn.key_blocks_per_tile = 2 : i64, attn.shared_bytes = 165068 : i64
// PAIRS-NOT: memref<8448xi32
// PAIRS: memref.view %{{.*}} to memref<17xi32, #gpu.address_space<workgroup>>
// PAIRS-NOT: memref<8448xi32
// PAIRS: gpu.return
func.func @longer(%q: tensor<1x8x540672x128xbf16>, %k: tensor<1x2x540672x128xbf16>,
                  %v: tensor<1x2x540672x128xbf16>, %idx: tensor<1x2x8448x16xi32>)
    -> tensor<1x8x540672x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x8x540672x128xbf16>, tensor<1x2x540672x128xbf16>,
        tensor<1x2x540672x128xbf16>, tensor<1x2x8448x16xi32>
      -> tensor<1x8x540672x128xbf16>
  return %o : tensor<1x8x540672x128xbf16>
}
