// Bad input gets one line naming the problem and a non-zero exit, and no
// partial output.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/make_npy.py %t/good.npy '<f4' 1x2x5x4
// RUN: %python %S/make_npy.py %t/shape.npy '<f4' 1x2x6x4
// RUN: %python %S/make_npy.py %t/dtype.npy '<f2' 1x2x5x4
// RUN: %python %S/make_npy.py %t/short.npy '<f4' 1x2x5x4 --truncate
// RUN: %python -c "open('%t/garbage.npy','wb').write(b'not a numpy file')"

// RUN: not attn-run %s --function=single --input q=%t/missing.npy --output %t/o1 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: attn-run: error: {{.*}}missing.npy: cannot read: {{.*}}
// RUN: not attn-run %s --function=single --input q=%t/garbage.npy 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: attn-run: error: {{.*}}garbage.npy: not a .npy file (bad magic)
// RUN: not attn-run %s --function=single --input q=%t/short.npy 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: attn-run: error: {{.*}}short.npy: holds 159 data bytes, but its header promises 160
// RUN: not attn-run %s --function=single --input q=%t/shape.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: attn-run: error: argument 'q' of 'single' is 1x2x5x4xf32 (f32 in the file), but '{{.*}}shape.npy' holds 1x2x6x4xf32
// RUN: not attn-run %s --function=single --input q=%t/dtype.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: attn-run: error: argument 'q' of 'single' is 1x2x5x4xf32 (f32 in the file), but '{{.*}}dtype.npy' holds 1x2x5x4xf16
// RUN: not attn-run %s --function=single --input x=%t/good.npy 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: attn-run: error: --input 'x' names no argument of 'single' (arguments: q, k, v)
// An argument named by another's position is ambiguous; where the name
// and the position agree, or no argument has the name, it is taken.
// RUN: not attn-run %s --function=numbered --input 0=%t/q.npy 2>&1 | FileCheck %s --check-prefix=NUMBERED
// NUMBERED: attn-run: error: --input '0' is ambiguous: it names argument 1 and is the position of argument 0 ('1')
// RUN: not attn-run %s --function=numbered --shape 1=3 2>&1 | FileCheck %s --check-prefix=NUMBERED-SHAPE
// NUMBERED-SHAPE: attn-run: error: --shape '1' is ambiguous: it names argument 0 and is the position of argument 1 ('0')
// RUN: not attn-run %s --function=single --input q 2>&1 | FileCheck %s --check-prefix=SPEC
// SPEC: attn-run: error: --input 'q' is not NAME=FILE.npy
// RUN: not attn-run %s --function=nope 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: attn-run: error: unknown function 'nope' (public functions: single, dynamic, lengths, two, zero_step, cast, recursive, calls_declared, calls_blocks, numbered)
// RUN: not attn-run %s 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: attn-run: error: name the function with --function (public functions: single, dynamic, lengths, two, zero_step, cast, recursive, calls_declared, calls_blocks, numbered)
// RUN: not attn-run %S/Inputs/huge_arrays.mlir 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: attn-run: error: the arguments and results of 'huge' take 8192.0 GiB, more than this machine's {{[0-9.]+}} GiB of memory
// RUN: not attn-run %S/Inputs/huge_arrays.mlir --check 2>&1 | FileCheck %s --check-prefix=HUGE-CHECK
// HUGE-CHECK: attn-run: error: the arguments and results of 'huge' take 32768.0 GiB with the reference's double-precision copies for --check, more than this machine's {{[0-9.]+}} GiB of memory
// RUN: not attn-run %s --function=dynamic 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not attn-run %s --function=dynamic --input q=%t/dtype.npy 2>&1 | FileCheck %s --check-prefix=DYNAMIC-DTYPE
// DYNAMIC-DTYPE: attn-run: error: argument 'q' of 'dynamic' is 1x2x?x4xf32 (f32 in the file), but '{{.*}}dtype.npy' holds 1x2x5x4xf16
// RUN: not attn-run %s --function=single --input q=/dev/zero 2>&1 | FileCheck %s --check-prefix=DEVICE
// DEVICE: attn-run: error: /dev/zero: is not a regular file
// RUN: %python -c "open('%t/v9.npy','wb').write(b'\x93NUMPY\x09\x00' + bytes(64))"
// RUN: not attn-run %s --function=single --input q=%t/v9.npy 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: attn-run: error: {{.*}}v9.npy: unsupported .npy version 9.0 (1.0, 2.0 and 3.0 are read)
// RUN: %python -c "open('%t/v11.npy','wb').write(b'\x93NUMPY\x01\x01' + bytes(64))"
// RUN: not attn-run %s --function=single --input q=%t/v11.npy 2>&1 | FileCheck %s --check-prefix=MINOR
// MINOR: attn-run: error: {{.*}}v11.npy: unsupported .npy version 1.1 (1.0, 2.0 and 3.0 are read)
// DYNAMIC: attn-run: error: argument 'q' has a dynamic shape: give it with --input, or its sizes with --shape
// --shape's sizes: one per dimension, each a non-negative integer and the
// type's where it fixes one; an argument's sizes once, and not beside a file.
// RUN: not attn-run %s --function=dynamic --shape q=1x2x9 2>&1 | FileCheck %s --check-prefix=SHAPE-RANK
// SHAPE-RANK: attn-run: error: --shape 'q': argument 'q' of type tensor<1x2x?x4xf32> takes 4 sizes, got 3 ('1x2x9')
// RUN: not attn-run %s --function=dynamic --shape q=1x3x9x4 2>&1 | FileCheck %s --check-prefix=SHAPE-FIXED
// SHAPE-FIXED: attn-run: error: --shape 'q': argument 'q' of type tensor<1x2x?x4xf32> has size 2 in dimension 1, got 3
// RUN: not attn-run %s --function=dynamic --shape q=1x2x-9x4 2>&1 | FileCheck %s --check-prefix=SHAPE-NEGATIVE
// SHAPE-NEGATIVE: attn-run: error: --shape 'q': size 2 is '-9', not a non-negative integer
// RUN: not attn-run %s --function=dynamic --shape q=1x2x18446744073709551615x4 2>&1 | FileCheck %s --check-prefix=SHAPE-PAST-INT64
// SHAPE-PAST-INT64: attn-run: error: --shape 'q': size 2 is '18446744073709551615', past the largest size, 2^63 - 1
// RUN: not attn-run %s --function=dynamic --shape q=1x2x9x4 --shape 0=1x2x9x4 2>&1 | FileCheck %s --check-prefix=SHAPE-TWICE
// SHAPE-TWICE: attn-run: error: --shape '0': argument 0 ('q') already has sizes from another --shape
// RUN: not attn-run %s --function=dynamic --shape q=1x2x5x4 --input q=%t/good.npy 2>&1 | FileCheck %s --check-prefix=SHAPE-FILE
// SHAPE-FILE: attn-run: error: --input 'q': argument 0 ('q') has sizes for a random fill from --shape
// RUN: not attn-run %s --function=dynamic --shape x=1 2>&1 | FileCheck %s --check-prefix=SHAPE-NAME
// SHAPE-NAME: attn-run: error: --shape 'x' names no argument of 'dynamic' (arguments: q, k, v)
// RUN: not attn-run %s --function=dynamic --shape q 2>&1 | FileCheck %s --check-prefix=SHAPE-SPEC
// SHAPE-SPEC: attn-run: error: --shape 'q' is not NAME=AxBx...
// RUN: not attn-run %s --function=dynamic --shape q=1x2x1000000000000x4 2>&1 | FileCheck %s --check-prefix=SHAPE-HUGE
// SHAPE-HUGE: attn-run: error: the arguments and results of 'dynamic' take {{[0-9.]+}} GiB, more than this machine's {{[0-9.]+}} GiB of memory
// RUN: not attn-run %S/Inputs/invalid.mlir 2>&1 | FileCheck %s --check-prefix=INVALID
// INVALID: invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'attn.attention' op 'key' has shape [1, 1, 7, 8], expected [1, ?, ?, 4]
// INVALID: attn-run: error: '{{.*}}invalid.mlir' does not parse or verify
// RUN: not attn-run %t/none.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: attn-run: error: cannot open input file '{{.*}}none.mlir': No such file or directory
// RUN: not attn-run %s --function=single --path=fast 2>&1 | FileCheck %s --check-prefix=PATH
// PATH: attn-run: error: --path must be 'reference' or 'flash', not 'fast'
// An op that neither the CPU pipeline nor LLVM's translation lowers.
// RUN: not attn-run %S/Inputs/unlowered_op.mlir --output %t/o3 2>&1 | FileCheck %s --check-prefix=JIT
// JIT: attn-run: error: JIT compilation failed: could not convert to LLVM IR:
// JIT-NEXT: unlowered_op.mlir":7:10): cannot be converted to LLVM IR: missing `LLVMTranslationDialectInterface` registration for dialect for op: complex.create
// RUN: not ls %t/o3
// No output directory appears for a failed run.
// RUN: not ls %t/o1
// RUN: not attn-run %s --function=single --bench=1 --flops=nan 2>&1 | FileCheck %s --check-prefix=FLOPS
// FLOPS: attn-run: error: --flops must be a finite, non-negative FLOP count, not nan
// A name with a NUL byte: the JIT's symbol ended there ("Failed to
// materialize symbols").
// RUN: not attn-run %S/Inputs/nul_name.mlir 2>&1 | FileCheck %s --check-prefix=NUL
// NUL: attn-run: error: function 'f\00x' has a NUL byte in its name, which the compiled code's symbols cannot hold
// Options that would be ignored are refused.
// RUN: not attn-run %s --function=single --flops=5 2>&1 | FileCheck %s --check-prefix=FLOPS-ALONE
// FLOPS-ALONE: attn-run: error: --flops gives --bench's FLOP count: it needs --bench
// RUN: not attn-run %s --function=single --bf16-dot --path=reference 2>&1 | FileCheck %s --check-prefix=BF16-REFERENCE
// BF16-REFERENCE: attn-run: error: --bf16-dot chooses the flash path's bf16 products: --path=reference has none
// One argument from two files, by name and by position, is refused; so is an
// empty --output or --results (it read as not given).
// RUN: not attn-run %s --function=single --input q=%t/good.npy --input 0=%t/good.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: attn-run: error: --input '0': argument 0 ('q') is already given by another --input
// RUN: not attn-run %s --function=single --output= 2>&1 | FileCheck %s --check-prefix=EMPTY-OUTPUT
// EMPTY-OUTPUT: attn-run: error: --output needs a directory (it is empty)
// RUN: not attn-run %s --function=single --check --results "" 2>&1 | FileCheck %s --check-prefix=EMPTY-RESULTS
// EMPTY-RESULTS: attn-run: error: --results needs a directory (it is empty)
// A header whose shape overflows, or promises more than the file holds, is
// refused before anything is allocated.
// RUN: %python -c "h=\"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 576460752303423496, 16), }\"; h=h+' '*(117-len(h))+'\n'; open('%t/wrap.npy','wb').write(b'\x93NUMPY\x01\x00'+bytes([len(h),0])+h.encode()+bytes(1024))"
// RUN: not attn-run %s --function=dynamic --input q=%t/wrap.npy 2>&1 | FileCheck %s --check-prefix=WRAP
// WRAP: attn-run: error: {{.*}}wrap.npy: shape '(1, 2, 576460752303423496, 16)' is too large
// Dynamic inputs must meet the ops' shape rules (the verifier's, with the
// inputs' sizes): keys of 7 tokens against values of 6.
// RUN: %python %S/make_npy.py %t/k7.npy '<f4' 1x1x7x4
// RUN: %python %S/make_npy.py %t/v6.npy '<f4' 1x1x6x4
// RUN: not attn-run %s --function=lengths --input k=%t/k7.npy --input v=%t/v6.npy 2>&1 | FileCheck %s --check-prefix=LENGTHS
// LENGTHS: attn-run: error: reference: {{.*}} 'attn.attention': the arguments' shapes break its rules: 'attn.attention' op 'value' has shape [1, 1, 6, 4], expected [1, 1, 7, ?]
// All results or none, and the folder as it was: when the second result
// cannot be written (a directory of its name is in the way), the first
// run's result0.npy stays as it was (it was replaced, then removed).
// RUN: mkdir -p %t/o2/result1.npy && echo earlier > %t/o2/result0.npy
// RUN: not attn-run %s --function=two --output %t/o2 2>&1 | FileCheck %s --check-prefix=PARTIAL
// PARTIAL: attn-run: error: {{.*}}result1.npy: cannot write: it exists and is not a file
// RUN: grep -q earlier %t/o2/result0.npy
// RUN: not ls %t/o2/result0.npy.partial
// The same when the temporary that a result is written to first cannot be
// made (a directory of its name).
// RUN: mkdir -p %t/o4/result0.npy.partial
// RUN: not attn-run %s --function=single --output %t/o4 2>&1 | FileCheck %s --check-prefix=TEMPORARY
// TEMPORARY: attn-run: error: {{.*}}result0.npy.partial: cannot write: Is a directory
// RUN: not ls %t/o4/result0.npy
// And when the second's temporary fails after the first's was written:
// the first's is removed, the earlier result0.npy kept.
// RUN: mkdir -p %t/o5/result1.npy.partial && echo earlier > %t/o5/result0.npy
// RUN: not attn-run %s --function=two --output %t/o5 2>&1 | FileCheck %s --check-prefix=SECOND
// SECOND: attn-run: error: {{.*}}result1.npy.partial: cannot write: Is a directory
// RUN: grep -q earlier %t/o5/result0.npy
// RUN: not ls %t/o5/result0.npy.partial
// A loop whose step is not positive (computed, so the verifier cannot see
// it) stops the reference with a message instead of running forever.
// RUN: not attn-run %s --function=zero_step --check 2>&1 | FileCheck %s --check-prefix=STEP
// STEP: attn-run: error: reference: {{.*}} 'scf.for': has a step that is not positive
// A cast to a size that the input does not have.
// RUN: %python %S/make_npy.py %t/q6.npy '<f4' 1x2x6x4
// RUN: not attn-run %s --function=cast --input q=%t/q6.npy 2>&1 | FileCheck %s --check-prefix=CAST
// CAST: attn-run: error: reference: {{.*}} 'tensor.cast': casts a tensor whose dimension 2 is 6 to a type that fixes it to 5
// Calls that cannot run (recursion: nothing could stop it; a declaration),
// refused before compiling, and calls the reference cannot follow (a callee
// of several blocks runs compiled but cannot be checked).
// RUN: not attn-run %s --function=recursive 2>&1 | FileCheck %s --check-prefix=RECURSIVE
// RECURSIVE: attn-run: error: 'recursive' calls 'recursive' while it runs: attn-run does not run recursion
// RUN: not attn-run %s --function=calls_declared 2>&1 | FileCheck %s --check-prefix=DECLARED
// DECLARED: attn-run: error: 'calls_declared' calls 'declared', which the module does not define
// RUN: not attn-run %s --function=recursive --check 2>&1 | FileCheck %s --check-prefix=REF-RECURSIVE
// REF-RECURSIVE: attn-run: error: reference: {{.*}} 'func.call': calls 'recursive' while it runs: the reference does not evaluate recursion
// RUN: not attn-run %s --function=calls_declared --check 2>&1 | FileCheck %s --check-prefix=REF-DECLARED
// REF-DECLARED: attn-run: error: reference: {{.*}} 'func.call': calls 'declared', which the module does not define
// RUN: not attn-run %s --function=calls_blocks --check 2>&1 | FileCheck %s --check-prefix=BLOCKS
// BLOCKS: attn-run: error: reference: {{.*}} 'func.call': calls 'two_blocks': the reference evaluates single-block functions only

func.func @single(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>, %v: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}

func.func @dynamic(%q: tensor<1x2x?x4xf32>, %k: tensor<1x1x7x4xf32>, %v: tensor<1x1x7x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x?x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

func.func @lengths(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x?x4xf32>, %v: tensor<1x1x?x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x5x4xf32>, tensor<1x1x?x4xf32>, tensor<1x1x?x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}

func.func @two(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>, %v: tensor<1x1x7x4xf32>) -> (tensor<1x2x5x4xf32>, tensor<1x2x5xf32>) {
  %o, %l = attn.attention %q, %k, %v : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>, tensor<1x2x5xf32>
  return %o, %l : tensor<1x2x5x4xf32>, tensor<1x2x5xf32>
}

func.func @zero_step(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>, %v: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %step = arith.subi %c1, %c1 : index
  %r = scf.for %i = %c0 to %c1 step %step iter_args(%x = %q) -> (tensor<1x2x5x4xf32>) {
    %o = attn.attention %x, %k, %v : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
    scf.yield %o : tensor<1x2x5x4xf32>
  }
  return %r : tensor<1x2x5x4xf32>
}

func.func @cast(%q: tensor<1x2x?x4xf32>, %k: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %q5 = tensor.cast %q : tensor<1x2x?x4xf32> to tensor<1x2x5x4xf32>
  %o = attn.attention %q5, %k, %k : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}

func.func @recursive(%q: tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32> {
  %r = func.call @recursive(%q) : (tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32>
  return %r : tensor<1x2x5x4xf32>
}

func.func private @declared(tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32>

func.func @calls_declared(%q: tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32> {
  %r = func.call @declared(%q) : (tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32>
  return %r : tensor<1x2x5x4xf32>
}

func.func private @two_blocks(%q: tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32> {
  cf.br ^next
^next:
  return %q : tensor<1x2x5x4xf32>
}

func.func @calls_blocks(%q: tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32> {
  %r = func.call @two_blocks(%q) : (tensor<1x2x5x4xf32>) -> tensor<1x2x5x4xf32>
  return %r : tensor<1x2x5x4xf32>
}

func.func @numbered(%1: tensor<?xf32>, %0: tensor<?xf32>) -> tensor<?xf32> {
  %r = arith.subf %1, %0 : tensor<?xf32>
  return %r : tensor<?xf32>
}
