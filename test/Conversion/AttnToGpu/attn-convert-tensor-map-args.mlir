// RUN: attn-opt %s --split-input-file --pass-pipeline="builtin.module(gpu.module(attn-convert-tensor-map-args))" --verify-diagnostics | FileCheck %s

// A tensor map stored to a stack slot becomes a grid-constant byval
// parameter that replaces the slot; other arguments are unchanged and the
// kernel gets a minimum of one CTA per multiprocessor.
// CHECK-LABEL: llvm.func @kernel(
// CHECK-SAME: %[[MAP:.*]]: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<16 x i64>, nvvm.grid_constant},
// CHECK-SAME: %[[OTHER:.*]]: !llvm.array<16 x i64>, %{{.*}}: i64)
// CHECK-SAME: nvvm.minctasm = 1 : i32
// CHECK-NOT: llvm.alloca
// CHECK-NOT: llvm.store
// CHECK: %[[ADDRESS:.*]] = llvm.ptrtoint %[[MAP]] : !llvm.ptr to i64
// CHECK: llvm.return
gpu.module @kernels {
  llvm.func @kernel(%map: !llvm.array<16 x i64>, %other: !llvm.array<16 x i64>,
                    %n: i64) attributes {attn.tensor_maps = 1 : i64, nvvm.kernel} {
    %one = llvm.mlir.constant(1 : i32) : i32
    %slot = llvm.alloca %one x !llvm.array<16 x i64> {alignment = 64 : i64} : (i32) -> !llvm.ptr
    llvm.store %map, %slot : !llvm.array<16 x i64>, !llvm.ptr
    %address = llvm.ptrtoint %slot : !llvm.ptr to i64
    llvm.return
  }
}

// -----

// A kernel whose register split assumes two CTAs per multiprocessor says so
// (attn.ctas_per_sm): its minimum is two.
// CHECK-LABEL: llvm.func @paired(
// CHECK-SAME: nvvm.minctasm = 2 : i32
gpu.module @kernels {
  llvm.func @paired(%map: !llvm.array<16 x i64>) attributes {
      attn.tensor_maps = 1 : i64, attn.ctas_per_sm = 2 : i64, nvvm.kernel} {
    %one = llvm.mlir.constant(1 : i32) : i32
    %slot = llvm.alloca %one x !llvm.array<16 x i64> {alignment = 64 : i64} : (i32) -> !llvm.ptr
    llvm.store %map, %slot : !llvm.array<16 x i64>, !llvm.ptr
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{attn-convert-tensor-map-args: argument 0 of kernel 'not_a_map' must be a tensor map (an !llvm.array stored once), got 'i64'}}
  llvm.func @not_a_map(%map: i64) attributes {attn.tensor_maps = 1 : i64, nvvm.kernel} {
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{attn-convert-tensor-map-args: tensor map 0 of kernel 'loaded' must be stored to a stack slot, its only use}}
  llvm.func @loaded(%map: !llvm.array<16 x i64>, %p: !llvm.ptr) attributes {attn.tensor_maps = 1 : i64, nvvm.kernel} {
    llvm.store %map, %p : !llvm.array<16 x i64>, !llvm.ptr
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{attn-convert-tensor-map-args: kernel 'too_many' is marked with 2 tensor maps but has 1 arguments}}
  llvm.func @too_many(%map: !llvm.array<16 x i64>) attributes {attn.tensor_maps = 2 : i64, nvvm.kernel} {
    llvm.return
  }
}

// -----

gpu.module @kernels {
  // expected-error @+1 {{attn-convert-tensor-map-args: kernel 'declared' is marked with 1 tensor maps but has no body}}
  llvm.func @declared(!llvm.array<16 x i64>) attributes {attn.tensor_maps = 1 : i64}
}
