// Types, files and programs attn-run cannot take: one line naming the
// argument, result or op, what it has and what attn-run takes, and a
// non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_npy.py %t/two.npy '<f4' 2

// Arguments and results that are not tensors of a type attn-run holds.
// RUN: not attn-run %s --function=scalar_arg 2>&1 | FileCheck %s --check-prefix=ARG
// RUN: not attn-run %s --function=scalar_arg --input x=%t/two.npy 2>&1 | FileCheck %s --check-prefix=ARG
// ARG: attn-run: error: argument 'x' of 'scalar_arg' has type f32; attn-run feeds ranked tensors of f32, f64, f16, bf16, i1, i32, i64 or index
// RUN: not attn-run %s --function=i8_result 2>&1 | FileCheck %s --check-prefix=RESULT
// RESULT: attn-run: error: result 0 of 'i8_result' has type tensor<2xi8>; attn-run returns ranked tensors of f32, f64, f16, bf16, i1, i32, i64 or index
// RUN: not attn-run %s --function=scalar_result 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: attn-run: error: reference: {{.*}}: 'func.func': the reference supports tensor results only
// f64 is one of them.
// RUN: attn-run %s --function=f64_arg --check --seed=%seed | FileCheck %s --check-prefix=F64
// F64: check=PASS

// What the reference (--check) does not evaluate.
// RUN: not attn-run %s --function=blocks --check 2>&1 | FileCheck %s --check-prefix=BLOCKS
// BLOCKS: attn-run: error: reference: {{.*}}: 'func.func': the reference evaluates single-block functions only
// RUN: not attn-run %s --function=out_of_bounds --check 2>&1 | FileCheck %s --check-prefix=BOUNDS
// BOUNDS: attn-run: error: reference: {{.*}}: 'tensor.extract': reads out of bounds
// RUN: not attn-run %s --function=unranked --check 2>&1 | FileCheck %s --check-prefix=UNRANKED
// UNRANKED: attn-run: error: reference: {{.*}}: 'tensor.cast': is not supported by the reference (unranked)
// RUN: not attn-run %s --function=matmul --check 2>&1 | FileCheck %s --check-prefix=NO-REFERENCE
// NO-REFERENCE: attn-run: error: reference: {{.*}}: 'tensor.empty': is not supported by the reference
// A region computing on integers wider than 64 bits (the reference holds
// int64); the compiled program runs without --check.
// RUN: not attn-run %s --function=wide_integers --check 2>&1 | FileCheck %s --check-prefix=WIDE
// WIDE: attn-run: error: reference: {{.*}}: 'arith.index_cast': computes on i128; the reference evaluates integers of at most 64 bits
// RUN: attn-run %s --function=wide_integers --seed=%seed | FileCheck %s --check-prefix=WIDE-COMPILED
// WIDE-COMPILED: summary: function=wide_integers
// i0, which LLVM cannot compile: the CPU pipeline's check names the op.
// RUN: not attn-run %s --function=zero_width_integers 2>&1 | FileCheck %s --check-prefix=ZERO-WIDTH
// ZERO-WIDTH: attn-run: error: the CPU pipeline failed:
// ZERO-WIDTH-NEXT: {{.*}}: 'arith.index_cast' op computes on 'i0': integers must be at least 1 bit wide to lower to LLVM

// .npy files whose header attn-run does not read.
// RUN: %python -c "open('%t/v2short.npy','wb').write(b'\x93NUMPY\x02\x00\x00\x00')"
// RUN: not attn-run %s --function=f64_arg --input x=%t/v2short.npy 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: %python -c "open('%t/v2long.npy','wb').write(b'\x93NUMPY\x02\x00\xe8\x03\x00\x00' + bytes(20))"
// RUN: not attn-run %s --function=f64_arg --input x=%t/v2long.npy 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: attn-run: error: {{.*}}.npy: truncated header
// RUN: %python -c "h=b\"{'descr': '<f8', 'shape': (3,), }\n\"; open('%t/nofortran.npy','wb').write(b'\x93NUMPY\x01\x00' + bytes([len(h), 0]) + h + bytes(24))"
// RUN: not attn-run %s --function=f64_arg --input x=%t/nofortran.npy 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: attn-run: error: {{.*}}nofortran.npy: malformed header '{'descr': '<f8', 'shape': (3,), }': lacks one of 'descr', 'fortran_order', 'shape'
// The header is read as the dict literal it is: a key inside another's
// string, a key given twice, shapes NumPy would not take, and other words
// than True and False are refused (they were read as something else).
// RUN: %python %S/make_npy_header.py %t/inside.npy "{'x': \"'descr': '<f8'\", 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/inside.npy 2>&1 | FileCheck %s --check-prefix=INSIDE
// INSIDE: attn-run: error: {{.*}}inside.npy: malformed header '{{.*}}': 'x' is not a key of the header or is given twice
// RUN: %python %S/make_npy_header.py %t/twice.npy "{'descr': '<i4', 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/twice.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: attn-run: error: {{.*}}twice.npy: malformed header '{{.*}}': 'descr' is not a key of the header or is given twice
// RUN: %python %S/make_npy_header.py %t/bare.npy "{'descr': '<f8', 'fortran_order': False, 'shape': 3, }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/bare.npy 2>&1 | FileCheck %s --check-prefix=NOT-TUPLE
// RUN: %python %S/make_npy_header.py %t/gap.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (1,,3), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/gap.npy 2>&1 | FileCheck %s --check-prefix=NOT-TUPLE
// RUN: %python %S/make_npy_header.py %t/comma.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (,), }" 8
// RUN: not attn-run %s --function=f64_arg --input x=%t/comma.npy 2>&1 | FileCheck %s --check-prefix=NOT-TUPLE
// RUN: %python %S/make_npy_header.py %t/paren.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/paren.npy 2>&1 | FileCheck %s --check-prefix=NOT-TUPLE
// RUN: %python %S/make_npy_header.py %t/zero.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/zero.npy 2>&1 | FileCheck %s --check-prefix=NOT-TUPLE
// NumPy reads "00" (Python's literal for 0): an empty array here.
// RUN: %python %S/make_npy_header.py %t/zeros.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (00,), }" 0
// RUN: not attn-run %s --function=f64_arg --input x=%t/zeros.npy 2>&1 | FileCheck %s --check-prefix=ZEROS
// ZEROS: attn-run: error: argument 'x' of 'f64_arg' is 3xf64 (f64 in the file), but '{{.*}}zeros.npy' holds 0xf64
// NOT-TUPLE: malformed header '{{.*}}': 'shape' is not a tuple of sizes
// RUN: %python %S/make_npy_header.py %t/falsey.npy "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (3,), }" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/falsey.npy 2>&1 | FileCheck %s --check-prefix=FALSEY
// FALSEY: malformed header '{{.*}}': expected ',' or '}'
// RUN: %python %S/make_npy_header.py %t/after.npy "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } x" 24
// RUN: not attn-run %s --function=f64_arg --input x=%t/after.npy 2>&1 | FileCheck %s --check-prefix=AFTER
// AFTER: malformed header '{{.*}}': holds text after its '}'
// Written by other hands: double quotes, no trailing commas, a 1-tuple.
// RUN: %python %S/make_npy_header.py %t/other.npy "{\"descr\": \"<f8\", \"shape\": (3,), \"fortran_order\": False}" 24
// RUN: attn-run %s --function=f64_arg --input x=%t/other.npy | FileCheck %s --check-prefix=OTHER
// OTHER: summary: function=f64_arg
// RUN: %python -c "h=b\"{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }\n\"; open('%t/fortran.npy','wb').write(b'\x93NUMPY\x01\x00' + bytes([len(h), 0]) + h + bytes(24))"
// RUN: not attn-run %s --function=f64_arg --input x=%t/fortran.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// FORTRAN: attn-run: error: {{.*}}fortran.npy: Fortran-order arrays are not supported
// RUN: %python %S/make_npy.py %t/i2.npy '<i2' 3
// RUN: not attn-run %s --function=f64_arg --input x=%t/i2.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: attn-run: error: {{.*}}i2.npy: unsupported dtype '<i2' (expected <f4, <f2, <f8, <i4, <i8 or |b1)
// RUN: %python -c "h=b\"{'descr': '<f8', 'fortran_order': False, 'shape': (1, -3), }\n\"; open('%t/negative.npy','wb').write(b'\x93NUMPY\x01\x00' + bytes([len(h), 0]) + h + bytes(24))"
// RUN: not attn-run %s --function=f64_arg --input x=%t/negative.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: attn-run: error: {{.*}}negative.npy: malformed header '{{.*}}': 'shape' is not a tuple of sizes

// An output directory that cannot be made (under a regular file).
// RUN: not attn-run %s --function=f64_arg --output %t/two.npy/out 2>&1 | FileCheck %s --check-prefix=OUTPUT
// OUTPUT: attn-run: error: cannot create '{{.*}}two.npy/out': Not a directory

// A file of private functions only.
// RUN: not attn-run %S/Inputs/private_only.mlir 2>&1 | FileCheck %s --check-prefix=PRIVATE
// PRIVATE: attn-run: error: the file defines no public function

func.func @scalar_arg(%x: f32, %q: tensor<2xf32>) -> tensor<2xf32> {
  return %q : tensor<2xf32>
}
func.func @i8_result(%q: tensor<2xf32>) -> tensor<2xi8> {
  %r = arith.fptosi %q : tensor<2xf32> to tensor<2xi8>
  return %r : tensor<2xi8>
}
func.func @scalar_result(%q: tensor<2xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %r = tensor.extract %q[%c0] : tensor<2xf32>
  return %r : f32
}
func.func @blocks(%q: tensor<2xf32>) -> tensor<2xf32> {
  cf.br ^next
^next:
  return %q : tensor<2xf32>
}
func.func @f64_arg(%x: tensor<3xf64>) -> tensor<3xf64> {
  %r = arith.addf %x, %x : tensor<3xf64>
  return %r : tensor<3xf64>
}
func.func @out_of_bounds(%q: tensor<4xf32>) -> tensor<1xf32> {
  %c10 = arith.constant 10 : index
  %r = tensor.extract %q[%c10] : tensor<4xf32>
  %t = tensor.from_elements %r : tensor<1xf32>
  return %t : tensor<1xf32>
}
func.func @unranked(%q: tensor<4xf32>) -> tensor<4xf32> {
  %u = tensor.cast %q : tensor<4xf32> to tensor<*xf32>
  %r = tensor.cast %u : tensor<*xf32> to tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %z = tensor.empty() : tensor<2x2xf32>
  %m = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x2xf32>) outs(%z : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
func.func @zero_width_integers(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %a = arith.index_cast %i : index to i0
    %c = arith.index_cast %j : index to i0
    %ok = arith.cmpi sle, %c, %a : i0
    attn.yield %ok : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}
func.func @wide_integers(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32> {
  %o = attn.attention %q, %k, %v mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %ii = arith.index_cast %i : index to i128
    %jj = arith.index_cast %j : index to i128
    %c = arith.constant 100000000000000000000000 : i128
    %x = arith.muli %ii, %c : i128
    %y = arith.muli %jj, %c : i128
    %ok = arith.cmpi sge, %x, %y : i128
    attn.yield %ok : i1
  } : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %o : tensor<1x1x8x8xf32>
}
