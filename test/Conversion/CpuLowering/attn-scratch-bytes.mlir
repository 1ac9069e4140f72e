// RUN: attn-opt %s --allow-unregistered-dialect --attn-scratch-bytes --canonicalize | FileCheck %s

// A temporary sized by the arguments' dims and a static one: the larger of
// their bytes (dims x dims x 4, 8 x 2 x 1), each product saturating at
// INT64_MAX. The function itself keeps its allocations.
// CHECK-LABEL: func.func @top(
// CHECK: memref.alloc
// CHECK-LABEL: func.func @top.scratch_bytes(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>, %{{.*}}: memref<4xf32>) -> i64
// CHECK-DAG: %[[MAX:.*]] = arith.constant 9223372036854775807 : i64
// CHECK-DAG: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[A]], %c1
// CHECK: %[[M64:.*]] = arith.index_cast %[[M]] : index to i64
// CHECK: %[[LOW:.*]], %[[HIGH:.*]] = arith.mului_extended %{{.*}}, %c4_i64 : i64
// CHECK: %[[WIDE:.*]] = arith.cmpi ne, %[[HIGH]], %c0_i64
// CHECK: %[[NEGATIVE:.*]] = arith.cmpi slt, %[[LOW]], %c0_i64
// CHECK: %[[OVERFLOW:.*]] = arith.ori %[[WIDE]], %[[NEGATIVE]]
// CHECK: arith.select %[[OVERFLOW]], %[[MAX]], %[[LOW]]
// CHECK: arith.index_cast %[[N]] : index to i64
// CHECK: arith.mului_extended
// CHECK: %[[BYTES:.*]] = arith.maxsi %{{.*}}, %c16_i64 : i64
// CHECK-NEXT: return %[[BYTES]] : i64
func.func @top(%a: memref<?x?xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %a, %c0 : memref<?x?xf32>
  %n = memref.dim %a, %c1 : memref<?x?xf32>
  %t = memref.alloc(%m, %n) : memref<?x?xf32>
  %s = memref.alloc() : memref<8x2xi8>
  "test.use"(%t, %s) : (memref<?x?xf32>, memref<8x2xi8>) -> ()
  memref.dealloc %t : memref<?x?xf32>
  memref.dealloc %s : memref<8x2xi8>
  return
}

// A tile loop's temporary, whose rows are min(rest, 64): bounded by its
// largest tile, 64 rows of n f64s (512 n bytes).
// CHECK-LABEL: func.func @tiles.scratch_bytes(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf64>) -> i64
// CHECK: %[[N:.*]] = memref.dim %[[A]], %c1
// CHECK: %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: arith.mului_extended %{{.*}}, %c512_i64 : i64
// CHECK-NOT: scf.for
// CHECK: return
func.func @tiles(%a: memref<?x?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %m = memref.dim %a, %c0 : memref<?x?xf64>
  %n = memref.dim %a, %c1 : memref<?x?xf64>
  scf.for %i = %c0 to %m step %c64 {
    %rest = arith.subi %m, %i : index
    %rows = arith.minui %rest, %c64 : index
    %t = memref.alloc(%rows, %n) : memref<?x?xf64>
    "test.use"(%t) : (memref<?x?xf64>) -> ()
    memref.dealloc %t : memref<?x?xf64>
  }
  return
}

// The flash form's tile loop counts its tiles by ceildivui(m, 64): tile i
// starts at 64 i <= m - 1, so its rows min(m - 64 i, 64) are at most
// min(m, 64) (a 5-row run under a million-row tiling takes 5 rows, not a
// million). Without a model of ceildivui the bound was 64 rows alone.
// CHECK-LABEL: func.func @tile_count.scratch_bytes(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>) -> i64
// CHECK: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[ROWS:.*]] = arith.minsi %[[M]], %c1048576 : index
// CHECK: arith.index_cast %[[ROWS]] : index to i64
// The signed quotient by a constant is modelled alike.
// CHECK-LABEL: func.func @tile_count_signed.scratch_bytes(
// CHECK: arith.minsi %{{.*}}, %c1048576 : index
// A divisor that is not a constant gives no model: the tile size alone.
// CHECK-LABEL: func.func @tile_count_by_argument.scratch_bytes(
// CHECK-NOT: arith.minsi
// CHECK: return
func.func @tile_count(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %tile = arith.constant 1048576 : index
  %m = memref.dim %a, %c0 : memref<?xf32>
  %tiles = arith.ceildivui %m, %tile : index
  scf.forall (%i) in (%tiles) {
    %start = arith.muli %i, %tile : index
    %rest = arith.subi %m, %start : index
    %rows = arith.minui %rest, %tile : index
    %t = memref.alloc(%rows) : memref<?xf32>
    "test.use"(%t) : (memref<?xf32>) -> ()
    memref.dealloc %t : memref<?xf32>
  }
  return
}

func.func @tile_count_signed(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %tile = arith.constant 1048576 : index
  %m = memref.dim %a, %c0 : memref<?xf32>
  %tiles = arith.ceildivsi %m, %tile : index
  scf.forall (%i) in (%tiles) {
    %start = arith.muli %i, %tile : index
    %rest = arith.subi %m, %start : index
    %rows = arith.minui %rest, %tile : index
    %t = memref.alloc(%rows) : memref<?xf32>
    "test.use"(%t) : (memref<?xf32>) -> ()
    memref.dealloc %t : memref<?xf32>
  }
  return
}

func.func @tile_count_by_argument(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %tile = arith.constant 1048576 : index
  %m = memref.dim %a, %c0 : memref<?xf32>
  %n = memref.dim %b, %c0 : memref<?xf32>
  %tiles = arith.ceildivui %m, %n : index
  scf.forall (%i) in (%tiles) {
    %start = arith.muli %i, %tile : index
    %rest = arith.subi %m, %start : index
    %rows = arith.minui %rest, %tile : index
    %t = memref.alloc(%rows) : memref<?xf32>
    "test.use"(%t) : (memref<?xf32>) -> ()
    memref.dealloc %t : memref<?xf32>
  }
  return
}

// A quotient of tensors has its dividend's shape (the model of a shaped
// result was missing: attn-opt aborted on this).
// CHECK-LABEL: func.func @tensor_quotient.scratch_bytes(
// CHECK-SAME: %[[A:.*]]: tensor<?xindex>, %{{.*}}: tensor<?xindex>) -> i64
// CHECK: %[[N:.*]] = tensor.dim %[[A]], %c0
// CHECK: arith.minsi %[[N]], %c4 : index
func.func @tensor_quotient(%a: tensor<?xindex>, %b: tensor<?xindex>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  scf.forall (%i) in (%c2) {
    %t = arith.ceildivui %a, %b : tensor<?xindex>
    %d = tensor.dim %t, %c0 : tensor<?xindex>
    %s = arith.minui %d, %c4 : index
    %m = memref.alloc(%s) : memref<?xf32>
    "test.use"(%m) : (memref<?xf32>) -> ()
    memref.dealloc %m : memref<?xf32>
  }
  return
}

// A size loaded from memory has no bound in the arguments' sizes: that
// allocation is not counted (nor loaded), but its count is on the
// function; the i16 one is, 2 n bytes.
// CHECK-LABEL: func.func @loaded.scratch_bytes(
// CHECK-SAME: %{{.*}}: memref<?xindex>, %[[B:.*]]: memref<?xf32>) -> i64
// CHECK-SAME: attributes {attn.unbounded_allocations = 1 : i64}
// CHECK-NOT: memref.load
// CHECK: memref.dim %[[B]], %c0
// CHECK-NOT: memref.load
// CHECK: arith.mului_extended %{{.*}}, %c2_i64 : i64
// CHECK-NOT: memref.load
// CHECK: return
func.func @loaded(%a: memref<?xindex>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %size = memref.load %a[%c0] : memref<?xindex>
  %t = memref.alloc(%size) : memref<?xf32>
  %n = memref.dim %b, %c0 : memref<?xf32>
  %u = memref.alloc(%n) : memref<?xi16>
  "test.use"(%t, %u) : (memref<?xf32>, memref<?xi16>) -> ()
  memref.dealloc %t : memref<?xf32>
  memref.dealloc %u : memref<?xi16>
  return
}

// An unsigned min takes only an operand that cannot be negative (n - m
// may be, and is huge to minui): 64 rows, not n - m; a min with a loaded
// size and a difference has no bound.
// CHECK-LABEL: func.func @unsigned_min.scratch_bytes(
// CHECK-NEXT: %[[BYTES:.*]] = arith.constant 256 : i64
// CHECK-NEXT: return %[[BYTES]] : i64
// CHECK-LABEL: func.func @unsigned_min_of_loaded.scratch_bytes(
// CHECK-SAME: attributes {attn.unbounded_allocations = 1 : i64}
func.func @unsigned_min(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %m = memref.dim %b, %c0 : memref<?xf32>
  scf.for %i = %c0 to %c1 step %c1 {
    %d = arith.subi %n, %m : index
    %rows = arith.minui %d, %c64 : index
    %t = memref.alloc(%rows) : memref<?xf32>
    "test.use"(%t) : (memref<?xf32>) -> ()
    memref.dealloc %t : memref<?xf32>
  }
  return
}

func.func @unsigned_min_of_loaded(%a: memref<?xf32>, %b: memref<?xf32>, %s: memref<index>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %m = memref.dim %b, %c0 : memref<?xf32>
  scf.for %i = %c0 to %c1 step %c1 {
    %d = arith.subi %n, %m : index
    %size = memref.load %s[] : memref<index>
    %rows = arith.minui %d, %size : index
    %t = memref.alloc(%rows) : memref<?xf32>
    "test.use"(%t) : (memref<?xf32>) -> ()
    memref.dealloc %t : memref<?xf32>
  }
  return
}

// Counts of tiles and groups inside a loop: a division of a dim by a
// constant is at most its ceiling; a max takes both operands' bounds.
// CHECK-LABEL: func.func @divided.scratch_bytes(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf32>)
// CHECK-DAG: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[A]], %c1
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[M]], %c64 : index
// CHECK: arith.index_cast %[[TILES]] : index to i64
// CHECK: %[[WIDER:.*]] = arith.maxsi %[[N]], %c8 : index
// CHECK: arith.index_cast %[[WIDER]] : index to i64
// CHECK-NOT: attn.unbounded_allocations
func.func @divided(%a: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %m = memref.dim %a, %c0 : memref<?x?xf32>
  %n = memref.dim %a, %c1 : memref<?x?xf32>
  scf.for %i = %c0 to %c1 step %c1 {
    %tiles = arith.divui %m, %c64 : index
    %wider = arith.maxsi %n, %c8 : index
    %t = memref.alloc(%tiles, %wider) : memref<?x?xf32>
    "test.use"(%t) : (memref<?x?xf32>) -> ()
    memref.dealloc %t : memref<?x?xf32>
  }
  return
}

// The allocations of a function it calls are not bounded, but counted
// (the helper's one, once, though it is called twice); a function that
// allocates nothing itself gets the bound 0 and that count.
// CHECK-LABEL: func.func @calls_helper.scratch_bytes(
// CHECK-SAME: attributes {attn.unbounded_allocations = 1 : i64}
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-NEXT: return %[[ZERO]] : i64
func.func @calls_helper(%a: memref<?xf32>) {
  call @helper(%a) : (memref<?xf32>) -> ()
  call @helper(%a) : (memref<?xf32>) -> ()
  return
}

func.func private @helper(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %t = memref.alloc(%n) : memref<?xf32>
  "test.use"(%t) : (memref<?xf32>) -> ()
  memref.dealloc %t : memref<?xf32>
  return
}

// Nothing to bound: no temporaries, or a private function (no caller
// outside the module asks).
// CHECK-NOT: @no_temporaries.scratch_bytes
// CHECK-NOT: @hidden.scratch_bytes
func.func @no_temporaries(%a: memref<?xf32>) {
  return
}

func.func private @hidden(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %t = memref.alloc(%n) : memref<?xf32>
  "test.use"(%t) : (memref<?xf32>) -> ()
  memref.dealloc %t : memref<?xf32>
  return
}
