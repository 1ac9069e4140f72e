// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90" | FileCheck %s --check-prefix=AMPERE

// Block layouts on the GPU: the key tiles a layout lets in are listed
// before the loop. When each of its blocks holds whole tiles of one head's
// rows, a listed tile is let in whole: its entry carries the uniform bit
// (1 << 30), and such tiles test only the static predicates and the
// mask_mod per element, not the layout's bit.

// CHECK-LABEL: gpu.func @nested_kernel(
// CHECK: %[[UNIFORM:.*]] = arith.constant 1073741824 : i32
// CHECK: arith.andi %{{.*}}, %[[UNIFORM]] : i32
// AMPERE-LABEL: gpu.func @nested_kernel(
// AMPERE: %[[UNIFORM:.*]] = arith.constant 1073741824 : i32
// AMPERE: arith.andi %{{.*}}, %[[UNIFORM]] : i32
func.func @nested(%q: tensor<1x2x512x128xbf16>, %lay: tensor<1x2x2x4xi1>) -> tensor<1x2x512x128xbf16> {
  %o = attn.attention %q, %q, %q layout(%lay)
      mask [#attn.causal, #attn.block_layout<block_q = 256, block_kv = 128>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x2x4xi1>
      -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}

// -----

// Blocks finer than the tiles: a listed tile may hold pairs the layout
// rejects, so every element tests its block's bit.
// CHECK-LABEL: gpu.func @finer_kernel(
// CHECK-NOT: 1073741824
// CHECK: gpu.return
func.func @finer(%q: tensor<1x2x512x128xbf16>, %lay: tensor<1x2x8x8xi1>) -> tensor<1x2x512x128xbf16> {
  %o = attn.attention %q, %q, %q layout(%lay)
      mask [#attn.causal, #attn.block_layout<block_q = 64, block_kv = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x8x8xi1>
      -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}
