// Tile sizes follow the target description: the flash step's working set
// fits half of L2, the score tile L1, the key tile is a multiple of the
// vector width, and every core gets query tiles.
// RUN: attn-opt %s --attn-plan-tiles="l1-bytes=49152 l2-bytes=2097152 vector-bits=512 cores=2" | FileCheck %s --check-prefix=SPR
// RUN: attn-opt %s --attn-plan-tiles="l1-bytes=32768 l2-bytes=262144 vector-bits=256 cores=64" | FileCheck %s --check-prefix=SMALL
// The host is read when no option is given; any plan is recorded.
// RUN: attn-opt %s --attn-plan-tiles | FileCheck %s --check-prefix=HOST
// A negative size is an error, not the host's.
// RUN: not attn-opt %s --attn-plan-tiles="cores=-2" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: error: attn-plan-tiles: cores must be 0 (read the host) or positive, but is -2
// So is a vector width that is no multiple of 32 f32 bits, in every pass
// that takes one (they accepted any value).
// RUN: not attn-opt %s --attn-plan-tiles="vector-bits=-512" 2>&1 | FileCheck %s --check-prefix=VECTOR-BITS -DPASS=attn-plan-tiles -DBITS=-512
// RUN: not attn-opt %s --attn-tile-attention="vector-bits=48" 2>&1 | FileCheck %s --check-prefix=VECTOR-BITS -DPASS=attn-tile-attention -DBITS=48
// RUN: not attn-opt %s --attn-tile-selection="vector-bits=7" 2>&1 | FileCheck %s --check-prefix=VECTOR-BITS -DPASS=attn-tile-selection -DBITS=7
// RUN: not attn-opt %s --attn-chunk-linear-attention="vector-bits=65536" 2>&1 | FileCheck %s --check-prefix=VECTOR-BITS -DPASS=attn-chunk-linear-attention -DBITS=65536
// VECTOR-BITS: error: [[PASS]]: vector-bits must be 0 or a multiple of 32 from 32 to 2048, but is [[BITS]]

// SPR-LABEL: func.func @prefill
// SPR: tiling = #attn.tiling<block_q = 64, block_kv = 128>
// SMALL-LABEL: func.func @prefill
// SMALL: tiling = #attn.tiling<block_q = 32, block_kv = 64>
// HOST-LABEL: func.func @prefill
// HOST: tiling = #attn.tiling<block_q = {{[0-9]+}}, block_kv = {{[0-9]+}}>
func.func @prefill(%q: tensor<1x16x4096x128xf32>, %k: tensor<1x16x4096x128xf32>) -> tensor<1x16x4096x128xf32> {
  %0 = attn.attention %q, %k, %k mask [#attn.causal] : tensor<1x16x4096x128xf32>, tensor<1x16x4096x128xf32>, tensor<1x16x4096x128xf32> -> tensor<1x16x4096x128xf32>
  return %0 : tensor<1x16x4096x128xf32>
}

// The prefill above with a block selection of 64 x 64 blocks: tiles that
// the blocks hold whole (its per-tile test is then exact), 64 x 64 rather
// than 64 x 128.
// SPR-LABEL: func.func @selected
// SPR: tiling = #attn.tiling<block_q = 64, block_kv = 64>
func.func @selected(%q: tensor<1x16x4096x128xf32>, %k: tensor<1x16x4096x128xf32>,
                    %idx: tensor<1x16x64x16xi32>) -> tensor<1x16x4096x128xf32> {
  %0 = attn.attention %q, %k, %k indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x16x4096x128xf32>, tensor<1x16x4096x128xf32>, tensor<1x16x4096x128xf32>, tensor<1x16x64x16xi32>
      -> tensor<1x16x4096x128xf32>
  return %0 : tensor<1x16x4096x128xf32>
}

// One query row: the smallest query tile.
// SPR-LABEL: func.func @decode
// SPR: tiling = #attn.tiling<block_q = 8, block_kv = 512>
func.func @decode(%q: tensor<8x32x1x128xf16>, %k: tensor<8x8x32768x128xf16>) -> tensor<8x32x1x128xf16> {
  %0 = attn.attention %q, %k, %k : tensor<8x32x1x128xf16>, tensor<8x8x32768x128xf16>, tensor<8x8x32768x128xf16> -> tensor<8x32x1x128xf16>
  return %0 : tensor<8x32x1x128xf16>
}

// 40 queries on one head: the query tile shrinks until both cores have two
// tiles; a head dimension of 256 caps the key tile through L2.
// SPR-LABEL: func.func @wide_heads_short
// SPR: tiling = #attn.tiling<block_q = 8, block_kv = 256>
func.func @wide_heads_short(%q: tensor<1x1x40x256xf32>, %k: tensor<1x1x4096x256xf32>) -> tensor<1x1x40x256xf32> {
  %0 = attn.attention %q, %k, %k : tensor<1x1x40x256xf32>, tensor<1x1x4096x256xf32>, tensor<1x1x4096x256xf32> -> tensor<1x1x40x256xf32>
  return %0 : tensor<1x1x40x256xf32>
}

// A plan that is already there is kept.
// SPR-LABEL: func.func @given
// SPR: tiling = #attn.tiling<block_q = 4, block_kv = 4>
func.func @given(%q: tensor<1x1x40x16xf32>, %k: tensor<1x1x40x16xf32>) -> tensor<1x1x40x16xf32> {
  %0 = attn.attention %q, %k, %k {tiling = #attn.tiling<block_q = 4, block_kv = 4>} : tensor<1x1x40x16xf32>, tensor<1x1x40x16xf32>, tensor<1x1x40x16xf32> -> tensor<1x1x40x16xf32>
  return %0 : tensor<1x1x40x16xf32>
}

// One decode row on one head cannot keep the cores busy: split the cache
// until there are two tasks per core (and at least four key tiles a task).
// SPR-LABEL: func.func @lonely_decode
// SPR: tiling = #attn.tiling<block_q = 8, block_kv = 512, kv_splits = 4>
// SMALL-LABEL: func.func @lonely_decode
// SMALL: tiling = #attn.tiling<block_q = 8, block_kv = 64, kv_splits = 128>
func.func @lonely_decode(%q: tensor<1x1x1x128xf32>, %k: tensor<1x1x65536x128xf32>) -> tensor<1x1x1x128xf32> {
  %0 = attn.attention %q, %k, %k : tensor<1x1x1x128xf32>, tensor<1x1x65536x128xf32>, tensor<1x1x65536x128xf32> -> tensor<1x1x1x128xf32>
  return %0 : tensor<1x1x1x128xf32>
}
