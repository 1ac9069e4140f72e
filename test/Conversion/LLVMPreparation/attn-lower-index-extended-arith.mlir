// RUN: attn-opt %s --attn-lower-index-extended-arith --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-lower-index-extended-arith --split-input-file | mlir-opt --split-input-file --convert-arith-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// An add with carry on indices: the same add on i64, the sum cast back;
// the carry is the new op's. Then upstream's arith-to-llvm lowers it (it
// fails to verify on index: the struct keeps the index type).
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

// Vectors of index too.
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

// Other types, and products (which lower on index), are left alone.
// CHECK-LABEL: func.func @others
// CHECK-NOT: index_cast
// CHECK: arith.addui_extended %{{.*}}, %{{.*}} : i32, i1
// CHECK: arith.mulsi_extended %{{.*}}, %{{.*}} : index
func.func @others(%a: i32, %b: i32, %c: index, %d: index) -> (i32, i1, index, index) {
  %sum, %carry = arith.addui_extended %a, %b : i32, i1
  %lo, %hi = arith.mulsi_extended %c, %d : index
  return %sum, %carry, %lo, %hi : i32, i1, index, index
}
