// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | attn-opt | FileCheck %s --check-prefix=ROUNDTRIP

// Head dims of 8 (mod 16) compute with one zero column tile more: query
// 40 pads to 48 (shared rows of 48 + 8), value 72 to 80 (80 + 8). Even on
// sm_90a the sm_80 kernel takes them (the warp-specialised one's TMA
// panels do not pad). Each 16-byte copy past the operand's columns writes
// zeros (a source size of 0, from column 0); the value row's tenth word
// (columns 72..79) is never stored: two 16-byte stores of four words
// each, then word 8 alone.
// CHECK-LABEL: gpu.func @attn_kernel(
// CHECK-SAME: memref<1x4x200x40xbf16
// CHECK-SAME: memref<1x4x200x72xbf16
// CHECK-SAME: attn.threads = 128
// CHECK: memref.view {{.*}} to memref<128x56xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[COL:.*]] = arith.muli %{{.*}}, %c8
// CHECK: %[[INSIDE:.*]] = arith.cmpi ult, %[[COL]], %c40
// CHECK: %[[VALID:.*]] = arith.andi %{{.*}}, %[[INSIDE]]
// CHECK: %[[SOURCE:.*]] = arith.select %[[VALID]], %[[COL]], %c0
// CHECK: %[[SIZE:.*]] = arith.select %[[VALID]], %c8{{.*}}, %c0
// CHECK: nvgpu.device_async_copy %arg0[%{{.*}}, %{{.*}}, %{{.*}}, %[[SOURCE]]], %{{.*}}[%{{.*}}, %[[COL]]], 8, %[[SIZE]]
// CHECK: memref.view {{.*}} to memref<64x88xbf16, #gpu.address_space<workgroup>>
// CHECK: arith.cmpi ult, %{{.*}}, %c72
// CHECK: nvgpu.device_async_copy %arg2
// CHECK: vector.store %{{.*}}, %arg3{{.*}} vector<8xbf16>
// CHECK: vector.store %{{.*}}, %arg3{{.*}} vector<8xbf16>
// CHECK: vector.store %{{.*}}, %arg3{{.*}} vector<2xbf16>
// CHECK-NOT: vector.store %{{.*}}, %arg3
// CHECK: memref.store %{{.*}}, %arg4
// ROUNDTRIP-LABEL: gpu.func @attn_kernel(
func.func @attn(%q: tensor<1x4x200x40xbf16>, %k: tensor<1x4x200x40xbf16>,
                %v: tensor<1x4x200x72xbf16>)
    -> (tensor<1x4x200x72xbf16>, tensor<1x4x200xf32>) {
  %o, %l = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x200x40xbf16>, tensor<1x4x200x40xbf16>, tensor<1x4x200x72xbf16>
      -> tensor<1x4x200x72xbf16>, tensor<1x4x200xf32>
  return %o, %l : tensor<1x4x200x72xbf16>, tensor<1x4x200xf32>
}

// -----

// Value dim 24 pads to 32: its four words are one 16-byte group, whose
// lane holding word 3 (columns 24..31) does not store.
// CHECK-LABEL: gpu.func @narrow_kernel(
// CHECK: %[[STORES:.*]] = arith.cmpi ult, %{{.*}}, %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: scf.if %[[STORES]] {
// CHECK: vector.store %{{.*}}, %arg3{{.*}} vector<8xbf16>
// CHECK-NEXT: }
// CHECK-NOT: vector.store %{{.*}}, %arg3{{.*}} vector<2xbf16>
func.func @narrow(%q: tensor<1x2x64x24xbf16>, %v: tensor<1x2x64x24xbf16>)
    -> tensor<1x2x64x24xbf16> {
  %o = attn.attention %q, %q, %v
      : tensor<1x2x64x24xbf16>, tensor<1x2x64x24xbf16>, tensor<1x2x64x24xbf16>
      -> tensor<1x2x64x24xbf16>
  return %o : tensor<1x2x64x24xbf16>
}

// -----

// Block scores at head dim 40: the cp.async kernel (the wgmma one needs
// whole 64-column panels), key tiles of 48 + 8 columns whose last chunk
// is zeros, and the default scale of the operand's 40 columns,
// 1/sqrt(40) log2(e) = 0.22811.
// CHECK-LABEL: gpu.func @scores_kernel
// CHECK: arith.constant 0.22811
// CHECK: arith.cmpi ult, %{{.*}}, %c40
// CHECK: nvgpu.device_async_copy %arg1{{.*}} to memref<64x56xbf16, #gpu.address_space<workgroup>>
func.func @scores(%q: tensor<1x2x128x40xbf16>, %k: tensor<1x2x8x40xbf16>)
    -> tensor<1x2x8x8xf32> {
  %s = attn.block_scores %q, %k block_q 16
      : tensor<1x2x128x40xbf16>, tensor<1x2x8x40xbf16> -> tensor<1x2x8x8xf32>
  return %s : tensor<1x2x8x8xf32>
}

// -----

// A result type that leaves the value dim `?` (the pass run without
// attn-refine-shapes): the stores' limit is the value operand's 24 columns,
// not the result type's.
// CHECK-LABEL: gpu.func @dynamic_result_kernel(
// CHECK: %[[STORES:.*]] = arith.cmpi ult, %{{.*}}, %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: scf.if %[[STORES]] {
// CHECK: vector.store %{{.*}}, %arg3{{.*}} vector<8xbf16>
func.func @dynamic_result(%q: tensor<1x2x64x24xbf16>, %v: tensor<1x2x64x24xbf16>)
    -> tensor<1x2x64x?xbf16> {
  %o = attn.attention %q, %q, %v
      : tensor<1x2x64x24xbf16>, tensor<1x2x64x24xbf16>, tensor<1x2x64x24xbf16>
      -> tensor<1x2x64x?xbf16>
  return %o : tensor<1x2x64x?xbf16>
}
