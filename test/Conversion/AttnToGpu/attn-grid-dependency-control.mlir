// RUN: attn-opt %s --split-input-file --pass-pipeline="builtin.module(gpu.module(attn-grid-dependency-control))" --verify-diagnostics | FileCheck %s

// Each kernel waits for the previous grid before anything else, then lets
// the next one launch; functions that are not kernels are left alone.
module attributes {gpu.container_module} {
  // CHECK-LABEL: gpu.module @kernels
  gpu.module @kernels [#nvvm.target<chip = "sm_90a">] {
    // CHECK-LABEL: gpu.func @first
    // CHECK-NEXT: nvvm.griddepcontrol wait
    // CHECK-NEXT: nvvm.griddepcontrol launch_dependents
    // CHECK-NEXT: gpu.barrier
    gpu.func @first(%out: memref<4xf32>) kernel {
      gpu.barrier
      %c0 = arith.constant 0 : index
      %one = arith.constant 1.0 : f32
      memref.store %one, %out[%c0] : memref<4xf32>
      gpu.return
    }
    // CHECK-LABEL: gpu.func @helper
    // CHECK-NOT: griddepcontrol
    // CHECK: gpu.return
    gpu.func @helper() {
      gpu.return
    }
    // CHECK-LABEL: gpu.func @second
    // CHECK-NEXT: nvvm.griddepcontrol wait
    // CHECK-NEXT: nvvm.griddepcontrol launch_dependents
    // CHECK-NEXT: gpu.return
    gpu.func @second() kernel {
      gpu.return
    }
  }
}

// -----

// A module not yet given a target (attn-opt's own order) takes them too.
module attributes {gpu.container_module} {
  // CHECK-LABEL: gpu.module @untargeted
  // CHECK: gpu.func @only
  // CHECK-NEXT: nvvm.griddepcontrol wait
  gpu.module @untargeted {
    gpu.func @only() kernel {
      gpu.return
    }
  }
}

// -----

// PTX has griddepcontrol from sm_90 on.
module attributes {gpu.container_module} {
  // expected-error @below {{attn-grid-dependency-control: kernel module 'old' targets sm_80, expected sm_90 or newer (griddepcontrol)}}
  gpu.module @old [#nvvm.target<chip = "sm_80">] {
    gpu.func @k() kernel {
      gpu.return
    }
  }
}
