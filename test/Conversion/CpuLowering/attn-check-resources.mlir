// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-check-resources | FileCheck %s

// Readable blobs pass unchanged, and so do a resource of no elements
// whatever its blob holds and a constant that nothing reads.
// CHECK-LABEL: func.func @readable
// CHECK: arith.constant dense_resource<bools> : tensor<3xi1>
// CHECK: arith.constant dense_resource<floats> : tensor<2xf32>
// CHECK: arith.constant dense_resource<floats> : tensor<0x4xf32>
// CHECK: arith.constant dense_resource<nothere> : tensor<2xf32>
// CHECK: memref.global "private" constant @table : memref<2xf32> = dense_resource<floats>
func.func @readable() -> (tensor<3xi1>, tensor<2xf32>, tensor<0x4xf32>) {
  %b = arith.constant dense_resource<bools> : tensor<3xi1>
  %f = arith.constant dense_resource<floats> : tensor<2xf32>
  %e = arith.constant dense_resource<floats> : tensor<0x4xf32>
  %unused = arith.constant dense_resource<nothere> : tensor<2xf32>
  return %b, %f, %e : tensor<3xi1>, tensor<2xf32>, tensor<0x4xf32>
}
memref.global "private" constant @table : memref<2xf32> = dense_resource<floats>
{-#
  dialect_resources: {
    builtin: {
      bools: "0x01000000010001",
      floats: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// An i1 blob a byte short (the translation said only "no known conversion
// for innermost element type").
func.func @short_bools() -> tensor<3xi1> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'few_bools' holds 2 bytes, not the 3 of its type}}
  %b = arith.constant dense_resource<few_bools> : tensor<3xi1>
  return %b : tensor<3xi1>
}
{-#
  dialect_resources: {
    builtin: {
      few_bools: "0x010000000101"
    }
  }
#-}

// -----

func.func @short_floats() -> tensor<3xf32> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'floats' holds 8 bytes, not the 12 of its type}}
  %f = arith.constant dense_resource<floats> : tensor<3xf32>
  return %f : tensor<3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      floats: "0x040000000000803F00000040"
    }
  }
#-}

// -----

func.func @missing() -> tensor<2xf32> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: the module does not hold resource 'nothere'}}
  %f = arith.constant dense_resource<nothere> : tensor<2xf32>
  return %f : tensor<2xf32>
}

// -----

func.func @tf32() -> tensor<2xtf32> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'narrow' has elements of type tf32, which the tools do not read}}
  %f = arith.constant dense_resource<narrow> : tensor<2xtf32>
  return %f : tensor<2xtf32>
}
{-#
  dialect_resources: {
    builtin: {
      narrow: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// A global's initial value is checked too.
// expected-error @+1 {{'memref.global' op holds a constant that cannot be compiled: resource 'floats' holds 8 bytes, not the 16 of its type}}
memref.global "private" constant @table : memref<4xf32> = dense_resource<floats>
{-#
  dialect_resources: {
    builtin: {
      floats: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Whole bytes that LLVM's translation does not take (it said "no known
// conversion for innermost element type").
func.func @i24() -> tensor<2xi24> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'wide' has elements of type i24, which the compiled code does not read}}
  %w = arith.constant dense_resource<wide> : tensor<2xi24>
  return %w : tensor<2xi24>
}
{-#
  dialect_resources: {
    builtin: {
      wide: "0x04000000010000020000"
    }
  }
#-}

// -----

// A type of 2^64 bytes or more (the byte count wrapped to 0, which an
// empty blob matched; the blob here holds 8 bytes, since an empty one does
// not survive the bytecode round trip that CI's attn-opt runs).
func.func @huge() -> tensor<2305843009213693952xf64> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'eight' has a type of 2^64 bytes or more}}
  %h = arith.constant dense_resource<eight> : tensor<2305843009213693952xf64>
  return %h : tensor<2305843009213693952xf64>
}
{-#
  dialect_resources: {
    builtin: {
      eight: "0x080000000000000000000000"
    }
  }
#-}

// -----

// Only the values the translation reads count: a resource in another
// attribute (a function's metadata) passes, whatever it names.
// CHECK-LABEL: func.func @metadata
func.func @metadata(%x: tensor<2xf32>) -> tensor<2xf32> attributes {meta = {w = dense_resource<nothere> : tensor<2xf32>}} {
  return %x : tensor<2xf32>
}

// -----

// A resource of dynamic type.
func.func @dynamic() -> tensor<?xf32> {
  // expected-error @+1 {{'arith.constant' op holds a constant that cannot be compiled: resource 'floats' has the dynamic type tensor<?xf32>}}
  %f = arith.constant dense_resource<floats> : tensor<?xf32>
  return %f : tensor<?xf32>
}
{-#
  dialect_resources: {
    builtin: {
      floats: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// In the LLVM dialect's globals nothing inlines i1 or empty resources.
// expected-error @+1 {{'llvm.mlir.global' op holds a constant that cannot be compiled: resource 'bools' has elements of type i1, which the compiled code does not read}}
llvm.mlir.global internal constant @mask(dense_resource<bools> : tensor<3xi1>) {addr_space = 0 : i32} : !llvm.array<3 x i1>
// expected-error @+1 {{'llvm.mlir.global' op holds a constant that cannot be compiled: resource 'bools' has no elements, which the translation reads only as an arith.constant's or a memref.global's}}
llvm.mlir.global internal constant @nothing(dense_resource<bools> : tensor<0xi1>) {addr_space = 0 : i32} : !llvm.array<0 x i1>
{-#
  dialect_resources: {
    builtin: {
      bools: "0x01000000010001"
    }
  }
#-}
