// RUN: attn-opt %s --split-input-file --attn-check-nested-functions --verify-diagnostics | FileCheck %s

// Functions of the module the pass runs on, and declarations anywhere, pass
// through unchanged.
// CHECK-LABEL: func.func @top(
// CHECK: func.func private @declared(
// CHECK: module @inner
// CHECK: func.func private @nested_declaration(
func.func @top(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  return %q : tensor<1x1x4x8xf32>
}
func.func private @declared(tensor<4xf32>) -> tensor<4xf32>
module @inner {
  func.func private @nested_declaration(tensor<4xf32>) -> tensor<4xf32>
}

// -----

// A defined function in a nested module would stay on tensors.
func.func @top(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  return %q : tensor<1x1x4x8xf32>
}
module @inner {
  // expected-error @below {{function 'a' is in a nested module, which the pipeline would leave unlowered: run the pipeline on that module}}
  func.func @a(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
    return %q : tensor<1x1x4x8xf32>
  }
}

// -----

// Nested twice: the innermost function is named.
module @outer {
  module @inner {
    // expected-error @below {{function 'deep' is in a nested module}}
    func.func @deep() {
      return
    }
  }
}
