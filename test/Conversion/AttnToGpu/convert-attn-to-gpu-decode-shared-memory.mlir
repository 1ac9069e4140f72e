// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=SM89
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_86" | FileCheck %s --check-prefix=SM89
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_80" | FileCheck %s --check-prefix=SM80
// RUN: not attn-opt %s --convert-attn-to-gpu="chip=sm_89 warps=4" 2>&1 | FileCheck %s --check-prefix=FORCED

// Decode at head dim 256: each of the warps that split the keys has its
// own stages. sm_86's and sm_89's 99 KiB do not hold four warps' even with
// tiles of 16 keys, so the automatic choice takes two warps (with their 32-key
// tiles), as warps=2 would; it refused the attention before. sm_80 keeps
// four. Warps that are asked for are kept, and refused where they do not
// fit.
// SM89: gpu.func @decode_d256_kernel_0(
// SM89-SAME: known_block_size = array<i32: 64, 1, 1>
// SM80: gpu.func @decode_d256_kernel_0(
// SM80-SAME: known_block_size = array<i32: 128, 1, 1>
// FORCED: error: 'attn.attention' op GPU lowering: the kernel needs {{[0-9]+}} bytes of shared memory, more than sm_89's 101376 (fewer warps or row tiles)
func.func @decode_d256(%q: tensor<1x2x1x256xbf16>, %k: tensor<1x2x4096x256xbf16>, %v: tensor<1x2x4096x256xbf16>) -> tensor<1x2x1x256xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x1x256xbf16>, tensor<1x2x4096x256xbf16>, tensor<1x2x4096x256xbf16> -> tensor<1x2x1x256xbf16>
  return %o : tensor<1x2x1x256xbf16>
}
