// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90" | FileCheck %s --check-prefix=SM90

// On sm_90 the sm_80 kernel lists no union's tiles: each branch is a kernel
// and a merge kernel weighs them.
// SM90-LABEL: func.func @docs_union(
// SM90-COUNT-3: gpu.launch_func
// SM90: gpu.launch_func @attn_kernels::@docs_union_kernel_2

// An LSE union whose first source is a document mask (SCOUT's own segment
// by segment ids, with checkpoints): one warp-specialised kernel after the
// key tiles' segment ranges. It lists the documents' visited tiles, then
// numbers the checkpoints' tiles after them (5 tensor maps: Q, then K and
// V of each source); no branch is stored and no merge kernel runs.
// CHECK-LABEL: func.func @docs_union(
// CHECK: gpu.alloc () : memref<1x2x2xi32>
// CHECK: gpu.launch_func @attn_kernels::@docs_union_kernel_0_ranges
// CHECK: gpu.launch_func @attn_kernels::@docs_union_kernel_0 blocks
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK-LABEL: gpu.func @docs_union_kernel_0(
// CHECK-SAME: attn.tensor_maps = 5
// CHECK: memref.get_global @docs_union_kernel_0_tiles_0 : memref<4x4xi32>
// CHECK: memref.get_global @docs_union_kernel_0_tiles_1 : memref<4x4xi32>
// A listed tile of the lead skips the per-element ids only if its entry's
// uniform bit (1 << 30) is set.
// CHECK: arith.constant 1073741824 : i32
// The paired form: S = Q K^T with Q from registers.
// CHECK: scf.for
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;
// ROUNDTRIP-LABEL: func.func @docs_union(
func.func @docs_union(%q: tensor<1x2x256x64xbf16>, %k: tensor<1x2x256x64xbf16>,
                      %v: tensor<1x2x256x64xbf16>, %seg: tensor<1x256xi32>,
                      %kc: tensor<1x2x4x64xbf16>)
    -> (tensor<1x2x256x64xbf16>, tensor<1x2x256xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v segments(%seg, %seg) mask [#attn.document, #attn.causal]
      : tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>,
        tensor<1x256xi32>, tensor<1x256xi32> -> tensor<1x2x256x64xbf16>, tensor<1x2x256xf32>
  %o2, %l2 = attn.attention %q, %kc, %kc mask [#attn.causal<stride = 64>]
      : tensor<1x2x256x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x256x64xbf16>, tensor<1x2x256xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x256x64xbf16>, tensor<1x2x256xf32> -> tensor<1x2x256x64xbf16>, tensor<1x2x256xf32>
  return %o, %l : tensor<1x2x256x64xbf16>, tensor<1x2x256xf32>
}

// -----

// Not a union: the source with the most keys (whose shape the union would
// take) is not the documents' lead. Both branches and the merge run.
// CHECK-LABEL: func.func @widest_other(
// CHECK-COUNT-4: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @widest_other(%q: tensor<1x2x512x64xbf16>, %k: tensor<1x2x256x64xbf16>,
                      %v: tensor<1x2x256x64xbf16>, %seg: tensor<1x512xi32>, %kseg: tensor<1x256xi32>,
                      %kc: tensor<1x2x512x64xbf16>)
    -> (tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v segments(%seg, %kseg) mask [#attn.document]
      : tensor<1x2x512x64xbf16>, tensor<1x2x256x64xbf16>, tensor<1x2x256x64xbf16>,
        tensor<1x512xi32>, tensor<1x256xi32> -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  %o2, %l2 = attn.attention %q, %kc, %kc mask [#attn.causal]
      : tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>
      -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x512x64xbf16>, tensor<1x2x512xf32> -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  return %o, %l : tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
}

// -----

// Not a union: the lead has a selection besides its documents.
// CHECK-LABEL: func.func @docs_sel(
// CHECK-COUNT-4: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @docs_sel(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                      %v: tensor<1x2x512x128xbf16>, %seg: tensor<1x512xi32>, %i: tensor<1x2x4x2xi32>,
                      %kc: tensor<1x2x8x128xbf16>)
    -> (tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v segments(%seg, %seg) indices(%i) mask [#attn.document, #attn.causal, #attn.block_indices<block_q = 128, block_kv = 128>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x512xi32>, tensor<1x512xi32>, tensor<1x2x4x2xi32> -> tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
  %o2, %l2 = attn.attention %q, %kc, %kc mask [#attn.causal<stride = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x8x128xbf16>, tensor<1x2x8x128xbf16>
      -> tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x512x128xbf16>, tensor<1x2x512xf32> -> tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
  return %o, %l : tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
}

// -----

// Not a union: a source other than the first has documents.
// CHECK-LABEL: func.func @nonlead_docs(
// CHECK-COUNT-5: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @nonlead_docs(%q: tensor<1x2x512x64xbf16>, %k: tensor<1x2x512x64xbf16>,
                      %v: tensor<1x2x512x64xbf16>, %seg: tensor<1x512xi32>)
    -> (tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>) {
  %o1, %l1 = attn.attention %q, %k, %v segments(%seg, %seg) mask [#attn.document, #attn.causal]
      : tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>,
        tensor<1x512xi32>, tensor<1x512xi32> -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  %o2, %l2 = attn.attention %q, %k, %v segments(%seg, %seg) mask [#attn.document, #attn.window<left = 64, right = 0>]
      : tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>, tensor<1x2x512x64xbf16>,
        tensor<1x512xi32>, tensor<1x512xi32> -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x512x64xbf16>, tensor<1x2x512xf32> -> tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
  return %o, %l : tensor<1x2x512x64xbf16>, tensor<1x2x512xf32>
}
