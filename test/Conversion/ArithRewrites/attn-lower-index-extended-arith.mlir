// RUN: attn-opt %s --attn-lower-index-extended-arith --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-lower-index-extended-arith --split-input-file | mlir-opt --split-input-file --canonicalize --convert-arith-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// An add with carry on indices: the same add on i64, the sum cast back;
// the carry is the new op's. Then upstream's arith-to-llvm lowers it (on
// index its struct keeps the index type and fails to verify).
// CHECK-LABEL: func.func @carry
// CHECK-SAME: (%[[A:.*]]: index, %[[B:.*]]: index)
// CHECK: %[[WA:.*]] = arith.index_cast %[[A]] : index to i64
// CHECK: %[[WB:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK: %[[SUM:.*]], %[[CARRY:.*]] = arith.addui_extended %[[WA]], %[[WB]] : i64, i1
// CHECK: %[[BACK:.*]] = arith.index_cast %[[SUM]] : i64 to index
// CHECK: return %[[BACK]], %[[CARRY]] : index, i1
// LLVM-LABEL: llvm.func @carry
// LLVM: llvm.intr.uadd.with.overflow{{.*}} -> !llvm.struct<(i64, i1)>
func.func @carry(%a: index, %b: index) -> (index, i1) {
  %sum, %carry = arith.addui_extended %a, %b : index, i1
  return %sum, %carry : index, i1
}

// -----

// Both halves of products, signed and unsigned, and vectors of index. A
// signed product by 1 is what upstream's canonicalization breaks on index
// (it builds an extsi to index for the high half); on i64 it folds.
// CHECK-LABEL: func.func @products
// CHECK: %[[LO:.*]], %[[HI:.*]] = arith.mulsi_extended %{{.*}}, %{{.*}} : i64
// CHECK: arith.index_cast %[[LO]] : i64 to index
// CHECK: arith.index_cast %[[HI]] : i64 to index
// CHECK: arith.mului_extended %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK-NOT: _extended {{.*}}: index
// LLVM-LABEL: llvm.func @products
// LLVM: llvm.sext {{.*}} : i1 to i64
func.func @products(%a: index, %u: vector<4xindex>, %v: vector<4xindex>)
    -> (index, index, vector<4xindex>, vector<4xindex>) {
  %one = arith.constant 1 : index
  %lo, %hi = arith.mulsi_extended %a, %one : index
  %ulo, %uhi = arith.mului_extended %u, %v : vector<4xindex>
  return %lo, %hi, %ulo, %uhi : index, index, vector<4xindex>, vector<4xindex>
}

// -----

// Vectors of index in an add too.
// CHECK-LABEL: func.func @vector_carry
// CHECK: arith.addui_extended %{{.*}}, %{{.*}} : vector<4xi64>, vector<4xi1>
// CHECK: arith.index_cast %{{.*}} : vector<4xi64> to vector<4xindex>
// LLVM-LABEL: llvm.func @vector_carry
// LLVM: llvm.intr.uadd.with.overflow{{.*}} -> !llvm.struct<(vector<4xi64>, vector<4xi1>)>
func.func @vector_carry(%u: vector<4xindex>, %v: vector<4xindex>)
    -> (vector<4xindex>, vector<4xi1>) {
  %sum, %carry = arith.addui_extended %u, %v : vector<4xindex>, vector<4xi1>
  return %sum, %carry : vector<4xindex>, vector<4xi1>
}

// -----

// Ranked tensors of index too (before convert-elementwise-to-linalg).
// CHECK-LABEL: func.func @tensor_carry
// CHECK: arith.addui_extended %{{.*}}, %{{.*}} : tensor<8xi64>, tensor<8xi1>
// CHECK: arith.index_cast %{{.*}} : tensor<8xi64> to tensor<8xindex>
func.func @tensor_carry(%u: tensor<8xindex>, %v: tensor<8xindex>)
    -> (tensor<8xindex>, tensor<8xi1>) {
  %sum, %carry = arith.addui_extended %u, %v : tensor<8xindex>, tensor<8xi1>
  return %sum, %carry : tensor<8xindex>, tensor<8xi1>
}

// -----

// Other types are left alone.
// CHECK-LABEL: func.func @others
// CHECK-NOT: index_cast
// CHECK: arith.addui_extended %{{.*}}, %{{.*}} : i32, i1
// CHECK: arith.mulsi_extended %{{.*}}, %{{.*}} : i16
func.func @others(%a: i32, %b: i32, %c: i16, %d: i16) -> (i32, i1, i16, i16) {
  %sum, %carry = arith.addui_extended %a, %b : i32, i1
  %lo, %hi = arith.mulsi_extended %c, %d : i16
  return %sum, %carry, %lo, %hi : i32, i1, i16, i16
}
