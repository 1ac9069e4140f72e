// RUN: attn-opt %s --attn-scratch-bytes --verify-diagnostics

// The name the bound would take is a symbol already.
// expected-error @below {{cannot add 'f.scratch_bytes', the bound of its temporaries: the module has a symbol of that name}}
func.func @f(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %t = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %t : memref<?xf32>
  return
}

func.func private @"f.scratch_bytes"(%a: memref<?xf32>) -> i64
