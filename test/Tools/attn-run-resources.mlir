// Constants held in resource blobs (dense_resource, as torch-mlir emits a
// module's parameters): the reference reads the blob's elements as the
// compiled code does, so such programs can be checked; a blob of the wrong
// size or one the module does not hold gets a line naming the resource.
// RUN: attn-run %s --function=resource --check --seed=%seed | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=bf16_resource --check --seed=%seed | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=index_resource --check --seed=%seed | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=bool_mask --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=bool_mask --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=integer_mask --check --seed=%seed --path=reference | FileCheck %s --check-prefix=PASS
// RUN: attn-run %s --function=integer_mask --check --seed=%seed --path=flash | FileCheck %s --check-prefix=PASS
// PASS: check=PASS
// RUN: not attn-run %s --function=short --check --path=reference 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: attn-run: error: reference: {{.*}}: 'arith.constant': reads a constant that cannot be read: resource 'blob1' holds 8 bytes, not the 12 of its type
// A resource of no elements whose blob holds bytes runs (the compiled
// code reads nothing of it; LLVM's translation died of SIGFPE on it); the
// reference, asked to check, names the mismatch.
// RUN: attn-run %s --function=empty_resource | FileCheck %s --check-prefix=EMPTY
// EMPTY: summary: function=empty_resource
// RUN: not attn-run %s --function=empty_resource --check 2>&1 | FileCheck %s --check-prefix=EMPTY-CHECK
// EMPTY-CHECK: attn-run: error: reference: {{.*}}: 'arith.constant': reads a constant that cannot be read: resource 'blob1' holds 8 bytes, not the 0 of its type
// RUN: not attn-run %s --function=missing --check --path=reference 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: attn-run: error: reference: {{.*}}: 'arith.constant': reads a constant that cannot be read: the module does not hold resource 'nothere'
// RUN: not attn-run %s --function=tf32_resource --check --path=reference 2>&1 | FileCheck %s --check-prefix=TF32
// TF32: attn-run: error: reference: {{.*}}: 'arith.constant': reads a constant that cannot be read: resource 'narrow' has elements of type tf32, which the tools do not read
// RUN: not attn-run %s --function=short_bools --check --path=reference 2>&1 | FileCheck %s --check-prefix=SHORT-BOOLS
// SHORT-BOOLS: attn-run: error: reference: {{.*}}: 'arith.constant': reads a constant that cannot be read: resource 'few_bools' holds 2 bytes, not the 3 of its type
// Compiling names them too (attn-check-resources), not the translation to
// LLVM IR (which said "no known conversion for innermost element type").
// RUN: not attn-run %s --function=short_bools 2>&1 | FileCheck %s --check-prefix=SHORT-BOOLS-CPU
// SHORT-BOOLS-CPU: attn-run: error: the CPU pipeline failed:
// SHORT-BOOLS-CPU-NEXT: 'arith.constant' op holds a constant that cannot be compiled: resource 'few_bools' holds 2 bytes, not the 3 of its type
// (attn-compile compiles every function of the module, exported or not:
// the other unreadable constants are reported too.)
// RUN: not attn-compile %s --function=missing -o %t.so 2>&1 | FileCheck %s --check-prefix=MISSING-CPU
// MISSING-CPU: 'arith.constant' op holds a constant that cannot be compiled: the module does not hold resource 'nothere'

// (The blob's values enter the result: [1, 2] added to the argument.)
func.func @resource(%q: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense_resource<blob1> : tensor<2xf32>
  %r = arith.addf %q, %c : tensor<2xf32>
  return %r : tensor<2xf32>
}

// bf16 elements: 1.5 and -3.0.
func.func @bf16_resource(%q: tensor<2xbf16>) -> tensor<2xbf16> {
  %c = arith.constant dense_resource<halves> : tensor<2xbf16>
  %r = arith.mulf %q, %c : tensor<2xbf16>
  return %r : tensor<2xbf16>
}

// Index elements are 8 bytes, as the compiled code holds them: 5 and -7.
func.func @index_resource(%q: tensor<2xi64>) -> tensor<2xi64> {
  %c = arith.constant dense_resource<indices> : tensor<2xindex>
  %i = arith.index_cast %c : tensor<2xindex> to tensor<2xi64>
  %r = arith.addi %q, %i : tensor<2xi64>
  return %r : tensor<2xi64>
}

// An i32 table in a mask_mod: keys j with table[i, j] != 0.
func.func @integer_mask(%q: tensor<1x1x2x4xf32>, %k: tensor<1x1x3x4xf32>, %v: tensor<1x1x3x4xf32>) -> tensor<1x1x2x4xf32> {
  %m = arith.constant dense_resource<table> : tensor<2x3xi32>
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %x = tensor.extract %m[%i, %j] : tensor<2x3xi32>
    %zero = arith.constant 0 : i32
    %keep = arith.cmpi ne, %x, %zero : i32
    attn.yield %keep : i1
  } : tensor<1x1x2x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32> -> tensor<1x1x2x4xf32>
  return %o : tensor<1x1x2x4xf32>
}

// An i1 table (LLVM's translation reads no i1 blobs: the CPU pipeline's
// attn-inline-bool-resources makes it a dense constant first).
func.func @bool_mask(%q: tensor<1x1x2x4xf32>, %k: tensor<1x1x3x4xf32>, %v: tensor<1x1x3x4xf32>) -> tensor<1x1x2x4xf32> {
  %m = arith.constant dense_resource<bools> : tensor<2x3xi1>
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %keep = tensor.extract %m[%i, %j] : tensor<2x3xi1>
    attn.yield %keep : i1
  } : tensor<1x1x2x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x3x4xf32> -> tensor<1x1x2x4xf32>
  return %o : tensor<1x1x2x4xf32>
}

func.func @short(%q: tensor<3xf32>) -> tensor<3xf32> {
  %c = arith.constant dense_resource<blob1> : tensor<3xf32>
  %r = arith.addf %q, %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// tf32 has no byte layout; an i1 blob holds a byte an element.
func.func @empty_resource(%q: tensor<0x2xf32>) -> tensor<0x2xf32> {
  %c = arith.constant dense_resource<blob1> : tensor<0x2xf32>
  %r = arith.addf %q, %c : tensor<0x2xf32>
  return %r : tensor<0x2xf32>
}

func.func @tf32_resource(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense_resource<narrow> : tensor<2xtf32>
  %r = arith.extf %c : tensor<2xtf32> to tensor<2xf32>
  %s = arith.addf %x, %r : tensor<2xf32>
  return %s : tensor<2xf32>
}

func.func @short_bools(%x: tensor<3xi1>) -> tensor<3xi1> {
  %c = arith.constant dense_resource<few_bools> : tensor<3xi1>
  %r = arith.andi %x, %c : tensor<3xi1>
  return %r : tensor<3xi1>
}

func.func @missing(%q: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense_resource<nothere> : tensor<2xf32>
  %r = arith.addf %q, %c : tensor<2xf32>
  return %r : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F00000040",
      halves: "0x02000000C03F40C0",
      bools: "0x01000000010001000101",
      few_bools: "0x010000000101",
      narrow: "0x040000000000803F00000040",
      indices: "0x080000000500000000000000F9FFFFFFFFFFFFFF",
      table: "0x04000000010000000000000007000000FFFFFFFF0000000001000000"
    }
  }
#-}
