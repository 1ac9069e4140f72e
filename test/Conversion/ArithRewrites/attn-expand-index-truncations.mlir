// RUN: attn-opt %s --attn-expand-index-truncations --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-expand-index-truncations --canonicalize --split-input-file | FileCheck %s --check-prefix=CANON

// An index wrapped to 32 bits and widened again: the truncation becomes a
// cast to i64 and a trunci, so canonicalization (which folds a cast of a
// cast back to the source) keeps it. Without the pass, --canonicalize
// returns %x itself.
// CHECK-LABEL: func.func @round_trip
// CHECK-SAME: (%[[X:.*]]: index)
// CHECK: %[[W:.*]] = arith.index_cast %[[X]] : index to i64
// CHECK: %[[T:.*]] = arith.trunci %[[W]] : i64 to i32
// CHECK: %[[B:.*]] = arith.index_cast %[[T]] : i32 to index
// CHECK: return %[[B]]
// CANON-LABEL: func.func @round_trip
// CANON: arith.trunci
// CANON-NOT: return %arg0
func.func @round_trip(%x: index) -> index {
  %a = arith.index_cast %x : index to i32
  %b = arith.index_cast %a : i32 to index
  return %b : index
}

// -----

// The unsigned casts, to i8 and i1, and vectors.
// CHECK-LABEL: func.func @unsigned_and_vectors
// CHECK: %[[W:.*]] = arith.index_castui %{{.*}} : index to i64
// CHECK: arith.trunci %[[W]] : i64 to i8
// CHECK: %[[W1:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: arith.trunci %[[W1]] : i64 to i1
// CHECK: %[[V:.*]] = arith.index_cast %{{.*}} : vector<4xindex> to vector<4xi64>
// CHECK: arith.trunci %[[V]] : vector<4xi64> to vector<4xi16>
// CANON-LABEL: func.func @unsigned_and_vectors
// CANON-COUNT-3: arith.trunci
func.func @unsigned_and_vectors(%x: index, %v: vector<4xindex>) -> (index, i1, vector<4xindex>) {
  %a = arith.index_castui %x : index to i8
  %b = arith.index_castui %a : i8 to index
  %c = arith.index_cast %x : index to i1
  %w = arith.index_cast %v : vector<4xindex> to vector<4xi16>
  %y = arith.index_cast %w : vector<4xi16> to vector<4xindex>
  return %b, %c, %y : index, i1, vector<4xindex>
}

// -----

// Widening casts, casts to i64 and casts to index are left alone.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.trunci
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: arith.index_cast %{{.*}} : i32 to index
func.func @left_alone(%x: index, %y: i32) -> (i64, index) {
  %a = arith.index_cast %x : index to i64
  %b = arith.index_cast %y : i32 to index
  return %a, %b : i64, index
}

// -----

// Ranked tensors too (element-wise arith on tensors, before
// convert-elementwise-to-linalg); memrefs, which trunci does not take, are
// left alone.
// CHECK-LABEL: func.func @tensors
// CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : tensor<8xindex> to tensor<8xi64>
// CHECK: arith.trunci %[[W]] : tensor<8xi64> to tensor<8xi32>
// CHECK: arith.index_cast %{{.*}} : memref<8xindex> to memref<8xi32>
func.func @tensors(%t: tensor<8xindex>, %m: memref<8xindex>) -> (tensor<8xi32>, memref<8xi32>) {
  %a = arith.index_cast %t : tensor<8xindex> to tensor<8xi32>
  %b = arith.index_cast %m : memref<8xindex> to memref<8xi32>
  return %a, %b : tensor<8xi32>, memref<8xi32>
}
