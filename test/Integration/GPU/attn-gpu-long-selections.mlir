// A selection over 270k keys (static): a list of a flag and an entry per
// key tile would leave the paired sm_90a form no room for two stages, so
// the list is sized by the slots (warp 0 lists the 16 slots' tiles; with
// 128-key blocks, the CTA lists 32 candidates), and ptxas assembles both,
// as it does sm_86's kernel with the same lists.
// (Run and checked on the GPU machine: bench/gpu's chk-long-select-D128
// and chk-long-select-D128-b128.)
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas -arch=sm_90a %t.ptx -o %t.cubin
// RUN: attn-compile %s -o %t86.ptx --target=sm_86
// RUN: FileCheck %s --check-prefix=SM86 < %t86.ptx
// RUN: %ptxas -arch=sm_86 %t86.ptx -o %t86.cubin
// CHECK-LABEL: .entry long_select_kernel(
// CHECK: .maxntid 256, 1, 1
// CHECK: match.any.sync.b32
// CHECK-LABEL: .entry long_select_b128_kernel(
// CHECK: .maxntid 256, 1, 1
// SM86-LABEL: .entry long_select_kernel(
// SM86: match.any.sync.b32
// SM86-LABEL: .entry long_select_b128_kernel(

func.func @long_select(%q: tensor<1x4x270336x128xbf16>, %k: tensor<1x2x270336x128xbf16>,
                       %v: tensor<1x2x270336x128xbf16>, %idx: tensor<1x2x4224x16xi32>)
    -> tensor<1x4x270336x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x4x270336x128xbf16>, tensor<1x2x270336x128xbf16>,
        tensor<1x2x270336x128xbf16>, tensor<1x2x4224x16xi32>
      -> tensor<1x4x270336x128xbf16>
  return %o : tensor<1x4x270336x128xbf16>
}

func.func @long_select_b128(%q: tensor<1x4x270336x128xbf16>, %k: tensor<1x2x270336x128xbf16>,
                            %v: tensor<1x2x270336x128xbf16>, %idx: tensor<1x2x4224x16xi32>)
    -> tensor<1x4x270336x128xbf16> {
  %o = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 128>]
      : tensor<1x4x270336x128xbf16>, tensor<1x2x270336x128xbf16>,
        tensor<1x2x270336x128xbf16>, tensor<1x2x4224x16xi32>
      -> tensor<1x4x270336x128xbf16>
  return %o : tensor<1x4x270336x128xbf16>
}
