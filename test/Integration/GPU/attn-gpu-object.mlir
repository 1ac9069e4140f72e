// attn-compile's GPU targets write a relocatable object (.o) and its header:
// the launchers, the embedded cubin and the CUDA runtime in one object that
// exports only the attn_* entry points. Two such objects (an sm_90 kernel
// and an sm_90a one) link into one program. Checked without a GPU.
// REQUIRES: ptxas

// RUN: rm -rf %t && mkdir -p %t
// RUN: attn-compile %s -o %t/first.o --target=sm_90 --function first
// RUN: attn-compile %s -o %t/second.o --target=sm_90a --function second
// RUN: nm --defined-only --extern-only %t/first.o | FileCheck %s --check-prefix=FIRST
// RUN: nm --defined-only --extern-only %t/second.o | FileCheck %s --check-prefix=SECOND
// FIRST-NOT: {{ [A-Z] }}
// FIRST: T attn_first
// FIRST-NOT: {{ [A-Z] }}
// SECOND-NOT: {{ [A-Z] }}
// SECOND: T attn_second
// SECOND-NOT: {{ [A-Z] }}
// What the program links besides them: dlopen and a mutex.
// RUN: nm --undefined-only %t/first.o | FileCheck %s --check-prefix=UNDEFINED
// UNDEFINED-NOT: {{ U (attn|cu|cuda)}}
// UNDEFINED: U dlopen
// UNDEFINED-NOT: {{ U (attn|cu|cuda)}}
// RUN: %c_compiler -I %t -I %S/Inputs %S/Inputs/call-objects.c %t/first.o %t/second.o -ldl -lpthread -o %t/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t/call | FileCheck %s --check-prefix=CALL
// CALL: first, short value: 3
// CALL-NEXT: second, short value: 3
// CALL-NEXT: first, valid: {{-999|0|-[0-9]+}}
// CALL-NEXT: second, valid: {{-999|0|-[0-9]+}}

func.func @first(%q: tensor<1x4x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
                 %v: tensor<1x2x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}

func.func @second(%q: tensor<1x4x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
                  %v: tensor<1x2x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.window<left = 31, right = 0>]
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}
