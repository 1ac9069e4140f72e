// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="key-splits=1" | FileCheck %s --check-prefix=NONE
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="key-splits=3" | FileCheck %s --check-prefix=FORCED
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | attn-opt | FileCheck %s --check-prefix=ROUNDTRIP

// Decode over 3 batches x 2 K/V heads is 6 CTAs of packed rows; 4000 keys
// are 125 tiles of 32, at least 16 per split (4 warps x 4 tiles): 7 CTAs
// split each tile's keys (no split count fills 132 multiprocessors). The
// host function becomes a program: f32 workspaces of each split's
// accumulators and row statistics, the split kernel over 6 x 7 CTAs, and
// a combine kernel that adds the sink once and writes the output and LSE.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: attributes {attn.gpu_program}
// CHECK: %[[X:.*]] = arith.muli %{{.*}}, %c7
// CHECK: %[[ACC:.*]] = gpu.alloc () : memref<7x3x8x1x128xf32>
// CHECK: %[[STATS:.*]] = gpu.alloc () : memref<7x3x8x1x2xf32>
// CHECK: gpu.launch_func @attn_kernels::@decode_kernel_0 blocks in (%[[X]],
// CHECK-SAME: args(%arg0 : {{.*}}, %arg1 : {{.*}}, %arg2 : {{.*}}, %arg3 : {{.*}}, %[[ACC]] : memref<7x3x8x1x128xf32>, %[[STATS]] : memref<7x3x8x1x2xf32>)
// CHECK: gpu.launch_func @attn_kernels::@decode_kernel_0_combine blocks in (%c12,
// CHECK-SAME: threads in (%c256,
// CHECK-SAME: args(%[[ACC]] : {{.*}}, %[[STATS]] : {{.*}}, %arg3 : {{.*}}, %arg4 : {{.*}}, %arg5 : {{.*}})
// CHECK: gpu.dealloc %[[ACC]]
// CHECK: gpu.dealloc %[[STATS]]
// The split: the CTA's split is its x mod 7, its tiles a run of
// ceil(125 / 7) = 18 from 18 x split (the key length is read as a dim);
// it stores its accumulators (no division) and its rows' max and sum.
// CHECK-LABEL: gpu.func @decode_kernel_0(
// CHECK-SAME: %arg4: memref<7x3x8x1x128xf32>, %arg5: memref<7x3x8x1x2xf32>)
// CHECK: %[[SPLIT:.*]] = arith.remui %{{.*}}, %c7
// CHECK: %[[OFFSET:.*]] = arith.muli %[[SPLIT]], %[[SHARE:.*]] : index
// CHECK: %[[FIRST:.*]] = arith.addi %{{.*}}, %[[OFFSET]]
// CHECK: %[[AFTER:.*]] = arith.addi %[[FIRST]], %[[SHARE]]
// CHECK: arith.minsi %{{.*}}, %[[AFTER]]
// CHECK: scf.for
// CHECK-NOT: arith.divf
// CHECK: memref.store %{{.*}}, %arg4[%[[SPLIT]],
// CHECK: memref.store %{{.*}}, %arg5[%[[SPLIT]],
// CHECK: memref.store %{{.*}}, %arg5[%[[SPLIT]],
// CHECK-NOT: arith.divf
// CHECK: gpu.return
// The combine: a thread per output element weighs the 7 splits by their
// maxima, adds the sink's weight and divides.
// CHECK-LABEL: gpu.func @decode_kernel_0_combine(
// CHECK-COUNT-7: memref.load %arg1
// CHECK: memref.load %arg2
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}, %arg3
// CHECK: memref.store %{{.*}}, %arg4
// Without splits the CTA normalises its rows itself and stores the output
// and LSE.
// NONE-LABEL: func.func @decode(
// NONE-SAME: attributes {attn.gpu_kernel = @attn_kernels::@decode_kernel}
// NONE-NOT: gpu.alloc
// NONE-LABEL: gpu.func @decode_kernel(
// NONE-SAME: %arg4: memref<3x8x1x128xbf16, {{.*}}>, %arg5: memref<3x8x1xf32, {{.*}}>)
// NONE-NOT: arith.remui %{{.*}}, %c7
// NONE: scf.for
// NONE: arith.divf
// NONE: memref.store %{{.*}}, %arg4[
// NONE: memref.store %{{.*}}, %arg5[
// NONE-NOT: _combine
// FORCED-LABEL: func.func @decode(
// FORCED: gpu.alloc () : memref<3x3x8x1x128xf32>
// FORCED: gpu.func @decode_kernel_0_combine
// ROUNDTRIP: gpu.func @decode_kernel_0_combine
func.func @decode(%q: tensor<3x8x1x128xbf16>, %k: tensor<3x2x4000x128xbf16>,
                  %v: tensor<3x2x4000x128xbf16>, %s: tensor<8xf32>)
    -> (tensor<3x8x1x128xbf16>, tensor<3x8x1xf32>) {
  %o, %l = attn.attention %q, %k, %v sink(%s)
      : tensor<3x8x1x128xbf16>, tensor<3x2x4000x128xbf16>,
        tensor<3x2x4000x128xbf16>, tensor<8xf32>
      -> tensor<3x8x1x128xbf16>, tensor<3x8x1xf32>
  return %o, %l : tensor<3x8x1x128xbf16>, tensor<3x8x1xf32>
}

// -----

// A dynamic key length fixes no grid: one CTA per tile of rows, as before.
// CHECK-LABEL: func.func @dynamic_keys(
// CHECK-SAME: attributes {attn.gpu_kernel = @attn_kernels::@dynamic_keys_kernel}
// CHECK-NOT: gpu.alloc
// CHECK-LABEL: gpu.func @dynamic_keys_kernel
// CHECK-SAME: attn.packed_group = 4
// FORCED-LABEL: func.func @dynamic_keys(
// FORCED-NOT: gpu.alloc
func.func @dynamic_keys(%q: tensor<1x8x1x64xbf16>, %k: tensor<1x2x?x64xbf16>,
                        %v: tensor<1x2x?x64xbf16>) -> tensor<1x8x1x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x8x1x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>
      -> tensor<1x8x1x64xbf16>
  return %o : tensor<1x8x1x64xbf16>
}

// -----

// Few keys (10 tiles, less than one split's 16): no split, unless asked.
// CHECK-LABEL: func.func @short_cache(
// CHECK-NOT: gpu.alloc
// CHECK: gpu.launch_func @attn_kernels::@short_cache_kernel
// FORCED-LABEL: func.func @short_cache(
// FORCED: gpu.alloc () : memref<3x2x8x1x64xf32>
func.func @short_cache(%q: tensor<2x8x1x64xbf16>, %k: tensor<2x2x300x64xbf16>,
                       %v: tensor<2x2x300x64xbf16>) -> tensor<2x8x1x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x1x64xbf16>, tensor<2x2x300x64xbf16>, tensor<2x2x300x64xbf16>
      -> tensor<2x8x1x64xbf16>
  return %o : tensor<2x8x1x64xbf16>
}
