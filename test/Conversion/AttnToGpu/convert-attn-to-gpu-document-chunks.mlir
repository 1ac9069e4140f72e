// Documents over a tile list without the launch's key-tile ranges (a batch
// known only at run time): the CTA scans the kv segment ids into the min and
// max of every 32 keys, and each tile's test reads its chunks. Where shared
// memory shrinks the key tiles below 32 keys (head dim 128 with 4 row tiles
// a warp on sm_89's 100 KB: 256 query rows, tiles of 16 keys), a tile takes
// its chunk's range, a superset of its own: 64 keys are 4 tiles and 2
// chunks, and tile t reads chunk 16 t / 32; 48 keys are 3 tiles and still 2
// chunks (the last one partial), which the tiles' count rounded down would
// have made 1. bench/gpu's chk-docs-batches-d192, built for sm_90 with 8
// warps and 4 row tiles (tiles of 16 keys at head dim 192), runs this path
// against the reference on the GPU.
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_89 row-tiles=4" | FileCheck %s
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_80 warps=8 row-tiles=4" | FileCheck %s --check-prefix=SM80

// CHECK-LABEL: gpu.func @documents_kernel(
// CHECK-SAME: attn.block_q = 256 : i64
// CHECK: %[[MIN:.*]] = memref.view %{{.*}} to memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: %[[MAX:.*]] = memref.view %{{.*}} to memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: scf.if %{{.*}} -> (i32) {
// CHECK-NEXT: %c16{{.*}} = arith.constant 16 : index
// CHECK-NEXT: %[[KEY:.*]] = arith.muli %[[TILE:.*]], %c16{{.*}} : index
// CHECK-NEXT: %c32{{.*}} = arith.constant 32 : index
// CHECK-NEXT: %[[CHUNK:.*]] = arith.divui %[[KEY]], %c32{{.*}} : index
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.addi %[[CHUNK]], %c0{{.*}} : index
// CHECK-NEXT: %c1{{.*}} = arith.constant 1 : index
// CHECK-NEXT: %[[LAST:.*]] = arith.minui %[[FIRST]], %c1{{.*}} : index
// CHECK-NEXT: memref.load %[[MIN]][%[[LAST]]] : memref<2xi32
// CHECK-NEXT: memref.load %[[MAX]][%[[LAST]]] : memref<2xi32
// SM80-LABEL: gpu.func @documents_kernel(
// SM80-SAME: attn.block_q = 512 : i64
// SM80: memref.view %{{.*}} to memref<16x136xbf16, #gpu.address_space<workgroup>>
// SM80: scf.if %{{.*}} -> (i32) {
// SM80-NEXT: %c16{{.*}} = arith.constant 16 : index
// SM80-NEXT: %[[KEY80:.*]] = arith.muli %{{.*}}, %c16{{.*}} : index
// SM80-NEXT: %c32{{.*}} = arith.constant 32 : index
// SM80-NEXT: arith.divui %[[KEY80]], %c32{{.*}} : index
func.func @documents(%q: tensor<?x1x64x128xbf16>, %s: tensor<?x64xi32>) -> tensor<?x1x64x128xbf16> {
  %o = attn.attention %q, %q, %q segments(%s, %s) mask [#attn.document]
      : tensor<?x1x64x128xbf16>, tensor<?x1x64x128xbf16>, tensor<?x1x64x128xbf16>,
        tensor<?x64xi32>, tensor<?x64xi32> -> tensor<?x1x64x128xbf16>
  return %o : tensor<?x1x64x128xbf16>
}

// CHECK-LABEL: gpu.func @documents48_kernel(
// CHECK: %[[MIN48:.*]] = memref.view %{{.*}} to memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: %[[MAX48:.*]] = memref.view %{{.*}} to memref<2xi32, #gpu.address_space<workgroup>>
// CHECK: scf.if %{{.*}} -> (i32) {
// CHECK: %[[LAST48:.*]] = arith.minui %{{.*}}, %c1{{.*}} : index
// CHECK-NEXT: memref.load %[[MIN48]][%[[LAST48]]] : memref<2xi32
// CHECK-NEXT: memref.load %[[MAX48]][%[[LAST48]]] : memref<2xi32
func.func @documents48(%q: tensor<?x1x48x128xbf16>, %s: tensor<?x48xi32>) -> tensor<?x1x48x128xbf16> {
  %o = attn.attention %q, %q, %q segments(%s, %s) mask [#attn.document]
      : tensor<?x1x48x128xbf16>, tensor<?x1x48x128xbf16>, tensor<?x1x48x128xbf16>,
        tensor<?x48xi32>, tensor<?x48xi32> -> tensor<?x1x48x128xbf16>
  return %o : tensor<?x1x48x128xbf16>
}
