// attn-compile reports bad requests in one line, exits non-zero, and leaves
// no output behind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not attn-compile %s -o %t/lib.so --target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: attn-compile: error: target 'tpu' is not supported: use 'cpu' or an NVIDIA chip (sm_80, sm_90, ...)
// RUN: not attn-compile %s -o %t/lib.dll 2>&1 | FileCheck %s --check-prefix=EXT
// RUN: not attn-compile %s -o %t/gpuflag.so --gpu-warps=4 2>&1 | FileCheck %s --check-prefix=GPUFLAG
// GPUFLAG: attn-compile: error: --gpu-warps applies to GPU targets (--target=sm_80, ...), not 'cpu'
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/gpuflag.so %t/gpuflag.h
// RUN: not attn-compile %s -o %t/cpuflag.ptx --target=sm_80 --path=reference 2>&1 | FileCheck %s --check-prefix=CPUFLAG -DFLAG=path
// RUN: not attn-compile %s -o %t/cpuflag.ptx --target=sm_80 --omp=false 2>&1 | FileCheck %s --check-prefix=CPUFLAG -DFLAG=omp
// CPUFLAG: attn-compile: error: --[[FLAG]] applies to the CPU target (--target=cpu), not 'sm_80'
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/cpuflag.ptx
// Kernel-shape options out of range are refused up front, whether or not
// a kernel of the program reads them.
// RUN: not attn-compile %s -o %t/range.ptx --target=sm_90 --gpu-warps=99 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: attn-compile: error: --gpu-warps must be between 0 (automatic) and 8, got 99
// RUN: not attn-compile %s -o %t/range.ptx --target=sm_90 --gpu-key-splits=-5 2>&1 | FileCheck %s --check-prefix=SPLITRANGE
// SPLITRANGE: attn-compile: error: --gpu-key-splits must be between 0 (automatic) and 64, got -5
// RUN: not attn-compile %s -o %t/pairs.so --gpu-head-pairs=on 2>&1 | FileCheck %s --check-prefix=PAIRSFLAG
// PAIRSFLAG: attn-compile: error: --gpu-head-pairs applies to GPU targets (--target=sm_80, ...), not 'cpu'
// RUN: not attn-compile %s -o %t/pairs.so --target=sm_90a --gpu-head-pairs=true 2>&1 | FileCheck %s --check-prefix=PAIRSVALUE
// PAIRSVALUE: attn-compile: error: --gpu-head-pairs must be 'auto', 'on' or 'off', not 'true'
// RUN: not attn-compile %s -o %t/pairs.so --gpu-persistent=on 2>&1 | FileCheck %s --check-prefix=PERSISTENTFLAG
// PERSISTENTFLAG: attn-compile: error: --gpu-persistent applies to GPU targets (--target=sm_80, ...), not 'cpu'
// RUN: not attn-compile %s -o %t/pairs.so --target=sm_90a --gpu-persistent=1 2>&1 | FileCheck %s --check-prefix=PERSISTENTVALUE
// PERSISTENTVALUE: attn-compile: error: --gpu-persistent must be 'auto', 'on' or 'off', not '1'
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/pairs.so %t/pairs.h
// EXT: attn-compile: error: output '{{.*}}lib.dll' must end in .so or .o
// RUN: not attn-compile %s -o %t/.so 2>&1 | FileCheck %s --check-prefix=STEM
// RUN: not attn-compile %s -o %t/.ptx --target=sm_90a 2>&1 | FileCheck %s --check-prefix=STEM
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/.so %t/.h %t/.ptx
// STEM: attn-compile: error: output '{{.*}}/.{{so|ptx}}' has no file name before its extension
// RUN: not attn-compile %s -o %t/lib.so --function=nope 2>&1 | FileCheck %s --check-prefix=FUNC
// FUNC: attn-compile: error: unknown function 'nope' (public functions: scaled)
// RUN: not attn-compile %S/Inputs/invalid.mlir -o %t/bad.so 2>&1 | FileCheck %s --check-prefix=INVALID
// INVALID: error: 'attn.attention' op 'key' has shape
// INVALID: attn-compile: error: '{{.*}}invalid.mlir' does not parse or verify
// RUN: not attn-compile %s -o %t/missing-dir/lib.so 2>&1 | FileCheck %s --check-prefix=DIR
// DIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}
// RUN: not attn-compile %s -o %t/lib.so --path=fast 2>&1 | FileCheck %s --check-prefix=PATH
// PATH: attn-compile: error: --path must be 'reference' or 'flash', not 'fast'
// RUN: not attn-compile %S/Inputs/no_public_function.mlir -o %t/none.so 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: attn-compile: error: the module defines no public function
// RUN: not attn-compile %S/Inputs/scalar_argument.mlir -o %t/arg.so 2>&1 | FileCheck %s --check-prefix=ARG
// ARG: attn-compile: error: argument 1 of 'scalar_arg' is not a ranked tensor
// RUN: not attn-compile %S/Inputs/scalar_result.mlir -o %t/res.so 2>&1 | FileCheck %s --check-prefix=RES
// RES: attn-compile: error: result 0 of 'scalar_result' is not a ranked tensor
// RUN: not attn-compile %S/Inputs/element_types.mlir --function=complex_argument -o %t/complex.so 2>&1 | FileCheck %s --check-prefix=COMPLEX
// COMPLEX: attn-compile: error: argument 0 of 'complex_argument' has type tensor<2x3xcomplex<f32>>; attn-compile's entry points take ranked tensors of i1, i8, i16, i32, i64, index, f16, bf16, f32 or f64
// RUN: not attn-compile %S/Inputs/element_types.mlir --function=tf32_result -o %t/tf32.so 2>&1 | FileCheck %s --check-prefix=TF32
// TF32: attn-compile: error: result 0 of 'tf32_result' has type tensor<2x3xtf32>; attn-compile's entry points take ranked tensors of i1, i8, i16, i32, i64, index, f16, bf16, f32 or f64
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/complex.so %t/complex.h %t/tf32.so %t/tf32.h
// Sizes that no call could satisfy: attn-refine-shapes' error stops the
// CPU pipeline.
// RUN: not attn-compile %S/Inputs/size_conflict.mlir -o %t/conflict.so 2>&1 | FileCheck %s --check-prefix=CONFLICT
// CONFLICT: size_conflict.mlir:{{[0-9]+}}:{{[0-9]+}}: error: dimension 3 of %arg1 ('tensor<1x1x8x32xf32>') is 32, but the function's attn ops make it equal to a size that is 16
// CONFLICT: attn-compile: error: the CPU pipeline failed
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/conflict.so %t/conflict.h
// RUN: not attn-compile %S/Inputs/unlowered_op.mlir -o %t/unlowered.so 2>&1 | FileCheck %s --check-prefix=LLVM
// LLVM: unlowered_op.mlir:{{[0-9]+}}:{{[0-9]+}}: error: cannot be converted to LLVM IR: missing `LLVMTranslationDialectInterface` registration for dialect for op: complex.create
// LLVM: attn-compile: error: translation to LLVM IR failed
// RUN: not attn-compile %S/Inputs/bad_c_function_name.mlir -o %t/cname.so 2>&1 | FileCheck %s --check-prefix=CNAME
// CNAME: attn-compile: error: function 'my-fn' cannot be exported to C: its entry point would be 'attn_my-fn', and C identifiers hold letters, digits and '_' only
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/cname.so %t/cname.h
// Argument names C cannot use as they are become arg<N>; a function named
// twice is exported once.
// RUN: attn-compile %S/Inputs/c_names.mlir -o %t/names.so --function=names --function=names
// RUN: FileCheck %s --check-prefix=NAMES < %t/names.h
// NAMES: in  arg0: 1x2x64x64xbf16
// NAMES-NEXT: in  arg1: 1x2x64x64xbf16
// NAMES-NEXT: in  arg2: 1x2x64x64xbf16
// NAMES-NEXT: in  arg3: 1x2x64x64xbf16
// NAMES-NEXT: in  q: 1x2x64x64xbf16
// NAMES-NEXT: in  arg5: 1x2x64x64xbf16
// NAMES-NEXT: in  arg6: 1x2x64x64xbf16
// NAMES-NEXT: out result0: 1x2x64x64xbf16
// NAMES: int attn_names(
// NAMES-NOT: int attn_names(
// RUN: attn-compile %S/Inputs/c_names.mlir -o %t/macros.so --function=macros
// RUN: FileCheck %s --check-prefix=MACROS < %t/macros.h
// MACROS: in  arg0: 1x2x64x64xbf16
// MACROS-NEXT: in  arg1: 1x2x64x64xbf16
// MACROS-NEXT: in  arg2: 1x2x64x64xbf16
// MACROS-NEXT: in  arg3: 1x2x64x64xbf16
// MACROS-NEXT: in  arg4: 1x2x64x64xbf16
// MACROS-NEXT: in  K: 1x2x64x64xbf16
// RUN: attn-compile %S/Inputs/c_names.mlir -o %t/types.so --function=type_names
// RUN: FileCheck %s --check-prefix=TYPES < %t/types.h
// TYPES: in  arg0: 1x2x64x64xbf16
// TYPES-NEXT: in  arg1: 1x2x64x64xbf16
// TYPES-NEXT: in  arg2: 1x2x64x64xbf16
// RUN: attn-compile %S/Inputs/c_names.mlir -o %t/posix.so --function=posix_macros
// RUN: FileCheck %s --check-prefix=POSIX < %t/posix.h
// POSIX: in  arg0: 1x2x64x64xbf16
// POSIX-NEXT: in  arg1: 1x2x64x64xbf16
// POSIX-NEXT: in  arg2: 1x2x64x64xbf16
// POSIX-NEXT: in  arg3: 1x2x64x64xbf16
// POSIX-NEXT: in  arg4: 1x2x64x64xbf16
// POSIX-NEXT: in  Eq: 1x2x64x64xbf16
// POSIX-NEXT: in  SIGn: 1x2x64x64xbf16
// POSIX-NEXT: in  PRIOR: 1x2x64x64xbf16
// RUN: not attn-compile %S/Inputs/calls_declared.mlir -o %t/declared.so 2>&1 | FileCheck %s --check-prefix=CALLS-DECLARED
// CALLS-DECLARED: attn-compile: error: function 'pub' calls 'memcpy', which the module does not define
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/declared.so %t/declared.h
// RUN: attn-compile %S/Inputs/unused_declaration.mlir -o %t/unused.so
// RUN: nm -D --defined-only %t/unused.so | FileCheck %s --check-prefix=UNUSED-DECLARATION
// UNUSED-DECLARATION: T attn_unused_declaration
// RUN: not attn-compile %S/Inputs/c_descriptor_name.mlir -o %t/descriptor.so 2>&1 | FileCheck %s --check-prefix=DESCRIPTOR
// DESCRIPTOR: attn-compile: error: function 'strided_4d' cannot be exported to C: its entry point would be 'attn_strided_4d', a name the generated code declares itself
// RUN: not attn-compile %s -o '%t/q"d.so' 2>&1 | FileCheck %s --check-prefix=QUOTE
// QUOTE: attn-compile: error: output '{{.*}}q"d.so': its file name holds a character (", \ or a newline) that the generated code's #include of its header cannot
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/descriptor.so %t/descriptor.h '%t/q"d.so' '%t/q"d.h'
// RUN: %python -c "import os, sys; sys.exit(any(map(os.path.exists, sys.argv[1:])))" %t/lib.so %t/lib.h %t/bad.so %t/bad.h %t/missing-dir %t/none.so %t/arg.so %t/res.so %t/unlowered.so %t/unlowered.h
// RUN: attn-compile %s -o %t/ok.o && ls %t/ok.o %t/ok.h
// Outputs are installed together or not at all: a directory where the
// header goes leaves an older library as it was, and no staged copy beside.
// RUN: mkdir -p %t/keep/lib.h && echo older > %t/keep/lib.so
// RUN: not attn-compile %s -o %t/keep/lib.so 2>&1 | FileCheck %s --check-prefix=HEADERDIR
// HEADERDIR: attn-compile: error: cannot write '{{.*}}lib.h': it is a directory
// RUN: FileCheck %s --check-prefix=OLDER < %t/keep/lib.so
// OLDER: older
// RUN: ls %t/keep | count 2
// A replaced library: the new one in place, nothing staged left.
// RUN: rmdir %t/keep/lib.h && attn-compile %s -o %t/keep/lib.so
// RUN: nm -D --defined-only %t/keep/lib.so | FileCheck %s --check-prefix=NEWER
// NEWER: attn_scaled
// RUN: ls %t/keep | count 2

func.func @scaled(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attn.attention %q, %k, %k {scale = 0.5 : f32} : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}
