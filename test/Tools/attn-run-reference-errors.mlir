// Sizes that only running the program shows to be out of range get a
// message from the reference (which attn-run also runs to check the
// inputs' shapes before the compiled code), never a crash.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_npy.py %t/long.npy '<f4' 1x2x30x4
// RUN: %python %S/make_npy.py %t/short.npy '<f4' 1x2x3x4

// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=topk_huge 2>&1 | FileCheck %s --check-prefix=TOPK
// RUN: attn-run %S/Inputs/reference_sizes.mlir --function=empty_batch --shape q=0x2x4611686018427387904x8 --shape k=0x2x4611686018427387904x8 --shape v=0x2x4611686018427387904x8 --check --bench=1 | FileCheck %s --check-prefix=EMPTYBATCH
// EMPTYBATCH: check=PASS
// TOPK: attn-run: error: reference: {{.*}}reference_sizes.mlir{{.*}}: 'attn.topk': would hold 64x64x64x2147483647 elements, more than the reference can keep in this machine's {{[0-9]+}} MiB
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=generate_negative 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// NEGATIVE: attn-run: error: reference: {{.*}}: 'tensor.generate': would have a negative size: -1
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=dim_out_of_range 2>&1 | FileCheck %s --check-prefix=DIM
// DIM: attn-run: error: reference: {{.*}}: 'tensor.dim': reads dimension 100000001 of a rank-4 tensor
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=elementwise_sizes --input a=%t/long.npy --input b=%t/short.npy 2>&1 | FileCheck %s --check-prefix=ELEMENTWISE
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=elementwise_sizes --input a=%t/short.npy --input b=%t/long.npy --check 2>&1 | FileCheck %s --check-prefix=ELEMENTWISE2
// ELEMENTWISE: attn-run: error: reference: {{.*}}: 'arith.addf': operand 1 is 1x2x3x4 at run time, but an earlier operand is 1x2x30x4
// ELEMENTWISE2: attn-run: error: reference: {{.*}}: 'arith.addf': operand 1 is 1x2x30x4 at run time, but an earlier operand is 1x2x3x4
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=expand_mismatch --shape b=8 2>&1 | FileCheck %s --check-prefix=EXPAND
// EXPAND: attn-run: error: reference: {{.*}}: 'tensor.expand_shape': expands dimension 0 of size 8 into 8x4, whose group holds 32
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=expand_negative --shape b=8 2>&1 | FileCheck %s --check-prefix=EXPAND-NEGATIVE
// EXPAND-NEGATIVE: attn-run: error: reference: {{.*}}: 'tensor.expand_shape': expands dimension 0 to a negative size: -8x4
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=expand_overflow --shape b=8 2>&1 | FileCheck %s --check-prefix=EXPAND-OVERFLOW
// EXPAND-OVERFLOW: attn-run: error: reference: {{.*}}: 'tensor.expand_shape': expands dimension 0 into 4611686018427387904x4, whose group overflows
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=collapse_overflow 2>&1 | FileCheck %s --check-prefix=COLLAPSE-OVERFLOW
// COLLAPSE-OVERFLOW: attn-run: error: reference: {{.*}}: 'tensor.collapse_shape': collapses 4294967296x4294967296x0 into a dimension whose size overflows

// A constant too large to compile, for either tool (and nothing written).
// RUN: not attn-run %S/Inputs/huge_constant.mlir 2>&1 | FileCheck %s --check-prefix=CONSTANT
// RUN: not attn-compile %S/Inputs/huge_constant.mlir -o %t/huge.so 2>&1 | FileCheck %s --check-prefix=CONSTANT
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/huge.so %t/huge.h
// CONSTANT: huge_constant.mlir:3:8: error: a tensor constant of type tensor<1x2x4611686018427387904x4xf32> has more than 2^31 - 1 elements, more than the attn tools compile
// CONSTANT-NEXT: error: '{{.*}}huge_constant.mlir' has a tensor constant too large to compile
// RUN: not attn-run %S/Inputs/huge_empty_constant.mlir 2>&1 | FileCheck %s --check-prefix=EMPTY-CONSTANT
// EMPTY-CONSTANT: huge_empty_constant.mlir:4:8: error: a tensor constant of type tensor<4611686018427387904x0xf64> has a size of more than 2^31 - 1, more than the attn tools compile

// An integer division by zero in a region (undefined in arith; x86 traps):
// the CPU pipeline's attn-guard-integer-division gives the reference's 0,
// so a size of 0 runs and checks (every key then shares block 0), as 4 does.
// RUN: %python %S/make_npy.py %t/size0.npy '<i4' 1 --values=0
// RUN: %python %S/make_npy.py %t/size4.npy '<i4' 1 --values=4
// RUN: attn-run %S/Inputs/divide_by_input.mlir --input size=%t/size0.npy --check | FileCheck %s --check-prefix=SIZE4
// RUN: attn-run %S/Inputs/divide_by_input.mlir --input size=%t/size4.npy --check | FileCheck %s --check-prefix=SIZE4
// SIZE4: check=PASS

// The reference lowering's scores, counted before anything runs.
// RUN: not attn-run %S/Inputs/huge_scores.mlir --path=reference 2>&1 | FileCheck %s --check-prefix=SCORES
// SCORES: attn-run: error: 'scores' on the reference path materialises 16384.0 GiB of attention scores besides its arrays, more than this machine's {{[0-9.]+}} GiB of memory (the flash path does not hold them)
// With open sizes only the call's arguments tell: the compiled code's
// largest temporary (here the scores of 2^20 x 2^20 f32) is asked before
// the call, which a failed allocation inside its loops would crash.
// RUN: not attn-run %S/Inputs/reference_sizes.mlir --function=empty_batch --path=reference --shape q=1x1x1048576x1 --shape k=1x1x1048576x1 --shape v=1x1x1048576x1 2>&1 | FileCheck %s --check-prefix=OPEN-SCORES
// OPEN-SCORES: attn-run: error: 'empty_batch' would make a temporary of 4096.0 GiB for these sizes, more than this machine's {{[0-9.]+}} GiB of memory

// Constants the reference does not hold (a vector, complex numbers) are
// refused by name; they failed an assertion.
// RUN: not attn-run %S/Inputs/reference_constants.mlir --function=vector_in_region --check 2>&1 | FileCheck %s --check-prefix=VECTOR
// VECTOR: attn-run: error: reference: {{.*}}reference_constants.mlir":5:10): 'arith.constant': is a constant of vector<4xf32>; the reference evaluates tensors of integers and floats
// RUN: not attn-run %S/Inputs/reference_constants.mlir --function=complex_tensor --check 2>&1 | FileCheck %s --check-prefix=COMPLEX
// COMPLEX: attn-run: error: reference: {{.*}}reference_constants.mlir":14:8): 'arith.constant': is a constant of tensor<2xcomplex<f32>>; the reference evaluates tensors of integers and floats
