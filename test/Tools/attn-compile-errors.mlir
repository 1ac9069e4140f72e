// attn-compile reports bad requests in one line, exits non-zero, and leaves
// no output behind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not attn-compile %s -o %t/lib.so --target=sm_99 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: attn-compile: error: target 'sm_99' is not supported: this build compiles for 'cpu' only
// RUN: not attn-compile %s -o %t/lib.dll 2>&1 | FileCheck %s --check-prefix=EXT
// EXT: attn-compile: error: output '{{.*}}lib.dll' must end in .so or .o
// RUN: not attn-compile %s -o %t/lib.so --function=nope 2>&1 | FileCheck %s --check-prefix=FUNC
// FUNC: attn-compile: error: unknown function 'nope' (public functions: scaled)
// RUN: not attn-compile %S/Inputs/invalid.mlir -o %t/bad.so 2>&1 | FileCheck %s --check-prefix=INVALID
// INVALID: error: 'attn.attention' op 'key' has shape
// INVALID: attn-compile: error: '{{.*}}invalid.mlir' does not parse or verify
// RUN: not attn-compile %s -o %t/missing-dir/lib.so 2>&1 | FileCheck %s --check-prefix=DIR
// DIR: attn-compile: error: cannot write '{{.*}}missing-dir{{.*}}
// RUN: not attn-compile %s -o %t/lib.so --path=fast 2>&1 | FileCheck %s --check-prefix=PATH
// PATH: attn-compile: error: --path must be 'reference' or 'flash', not 'fast'
// RUN: not ls %t/lib.so %t/lib.h %t/bad.so %t/bad.h %t/missing-dir
// RUN: attn-compile %s -o %t/ok.o && ls %t/ok.o %t/ok.h

func.func @scaled(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>) -> tensor<1x2x5x4xf32> {
  %o = attn.attention %q, %k, %k {scale = 0.5 : f32} : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x4xf32> -> tensor<1x2x5x4xf32>
  return %o : tensor<1x2x5x4xf32>
}
