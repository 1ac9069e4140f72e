// RUN: attn-opt %s --attn-inline-bool-resources | FileCheck %s

// An i1 blob (a byte each) becomes a dense constant, and so does a global's
// initial value; other element types and a blob the module does not hold
// keep their resources. A resource of no elements becomes the empty
// constant whatever its blob holds (the translation to LLVM IR divided the
// blob's size by 0). A rank-0 resource of any element type becomes dense
// too (upstream's lowering of a rank-0 global reads its single element and
// aborted on a resource).
// CHECK-LABEL: func.func @resources
// CHECK: arith.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK: arith.constant dense_resource<floats> : tensor<2xf32>
// CHECK: arith.constant dense_resource<missing> : tensor<3xi1>
// CHECK: arith.constant dense<> : tensor<0x4xf32>
// CHECK: arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: memref.global "private" constant @mask : memref<3xi1> = dense<[true, false, true]>
// CHECK: memref.global "private" constant @nothing : memref<0x2xf32> = dense<>
// CHECK: memref.global "private" constant @weights : memref<2xf32> = dense_resource<floats>
// CHECK: memref.global "private" constant @scale : memref<f32> = dense<1.000000e+00>
func.func @resources() -> (tensor<3xi1>, tensor<2xf32>, tensor<3xi1>, tensor<0x4xf32>, tensor<f32>) {
  %b = arith.constant dense_resource<bools> : tensor<3xi1>
  %f = arith.constant dense_resource<floats> : tensor<2xf32>
  %m = arith.constant dense_resource<missing> : tensor<3xi1>
  %e = arith.constant dense_resource<floats> : tensor<0x4xf32>
  %s = arith.constant dense_resource<one> : tensor<f32>
  return %b, %f, %m, %e, %s : tensor<3xi1>, tensor<2xf32>, tensor<3xi1>, tensor<0x4xf32>, tensor<f32>
}
memref.global "private" constant @mask : memref<3xi1> = dense_resource<bools>
memref.global "private" constant @nothing : memref<0x2xf32> = dense_resource<floats>
memref.global "private" constant @weights : memref<2xf32> = dense_resource<floats>
memref.global "private" constant @scale : memref<f32> = dense_resource<one>
{-#
  dialect_resources: {
    builtin: {
      bools: "0x01000000010001",
      floats: "0x040000000000803F00000040",
      one: "0x040000000000803F"
    }
  }
#-}
