// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90" | FileCheck %s --check-prefix=SM90

// NSA: the selected blocks' branch and the sliding window read the same Q,
// K and V, so one kernel computes both, each its own softmax: the
// selection's listed tiles, then the window's range (a range table each),
// the state starting afresh at the window's first tile. The selected rows
// stay in registers (rounded to bf16, quads transposed as stored) and join
// the gated merge with the compressed branch's rows, which are read from
// memory. Six launches: the two compressions, the compressed branch, the
// block scores, the top-k and the two branches with the merge.
// CHECK-LABEL: func.func @nsa(
// CHECK-COUNT-6: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK-LABEL: gpu.func @nsa_kernel_5(
// CHECK-SAME: attn.tensor_maps = 5
// CHECK: memref.get_global @nsa_kernel_5_tiles_0 : memref<8x4xi32>
// CHECK: memref.get_global @nsa_kernel_5_tiles_1 : memref<8x4xi32>
// CHECK: scf.for
// The held rows, computed once the selection's last P V is in.
// CHECK: scf.if %{{.*}} -> (i32, i32,
// The compressed branch's rows from memory; the held ones as its columns.
// CHECK: vector.load %{{.*}} : memref<1x2x512x128xbf16, {{.*}}>, vector<8xbf16>
// CHECK: vector.bitcast %{{.*}} : vector<4xi32> to vector<8xbf16>
// CHECK: gpu.return
// On sm_90 (no warp-specialised kernel) each branch is a kernel and the
// window's merges the others' rows.
// SM90-LABEL: func.func @nsa(
// SM90-COUNT-7: gpu.launch_func
// SM90-NOT: gpu.launch_func
// ROUNDTRIP-LABEL: func.func @nsa(
func.func @nsa(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
               %v: tensor<1x2x512x128xbf16>, %g1: tensor<1x2x512xf32>,
               %g2: tensor<1x2x512xf32>, %g3: tensor<1x2x512xf32>)
    -> tensor<1x2x512x128xbf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x2x512x128xbf16> -> tensor<1x2x8x128xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x8x128xbf16> -> tensor<1x2x8x8xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x8x8xf32> -> tensor<1x2x8x2xi32>
  %o_sel = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>,
        tensor<1x2x8x2xi32> -> tensor<1x2x512x128xbf16>
  %vc = attn.compress mean %v stride 64 : tensor<1x2x512x128xbf16> -> tensor<1x2x8x128xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x8x128xbf16>, tensor<1x2x8x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o_win = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 127, right = 0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o = attn.merge gated (%o_cmp, %g1), (%o_sel, %g2), (%o_win, %g3)
      : tensor<1x2x512x128xbf16>, tensor<1x2x512xf32> -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}

// -----

// A sum of two windows of the same keys: one kernel, no rows from memory.
// SM90-LABEL: func.func @windows(
// CHECK-LABEL: func.func @windows(
// CHECK-COUNT-1: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK-LABEL: gpu.func @windows_kernel_0(
// CHECK-SAME: attn.tensor_maps = 5
// CHECK-NOT: vector.load
// CHECK: gpu.return
func.func @windows(%q: tensor<1x2x1024x64xbf16>, %k: tensor<1x2x1024x64xbf16>,
                   %v: tensor<1x2x1024x64xbf16>) -> tensor<1x2x1024x64xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>
      -> tensor<1x2x1024x64xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.window<left = 200, right = 30>]
      : tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>, tensor<1x2x1024x64xbf16>
      -> tensor<1x2x1024x64xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x1024x64xbf16> -> tensor<1x2x1024x64xbf16>
  return %o : tensor<1x2x1024x64xbf16>
}

// -----

// Not as branches: a score modifier on one of them (the later one then
// merges the other's stored rows in its epilogue), an LSE result that the
// function returns, an output read besides the merge, and keys of another
// length.
// CHECK-LABEL: func.func @softcapped(
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: func.func @with_lse(
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: func.func @read_twice(
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: func.func @other_keys(
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
func.func @softcapped(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                      %v: tensor<1x2x512x128xbf16>) -> tensor<1x2x512x128xbf16> {
  %a = attn.attention %q, %k, %v mask [#attn.causal] score [#attn.softcap<30.0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x512x128xbf16> -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}

func.func @with_lse(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                    %v: tensor<1x2x512x128xbf16>)
    -> (tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>) {
  %a, %l = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
  %b = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x512x128xbf16> -> tensor<1x2x512x128xbf16>
  return %o, %l : tensor<1x2x512x128xbf16>, tensor<1x2x512xf32>
}

func.func @read_twice(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                      %v: tensor<1x2x512x128xbf16>)
    -> (tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>) {
  %a = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x512x128xbf16> -> tensor<1x2x512x128xbf16>
  return %o, %a : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
}

func.func @other_keys(%q: tensor<1x2x512x128xbf16>, %k: tensor<1x2x512x128xbf16>,
                      %v: tensor<1x2x512x128xbf16>, %k2: tensor<1x2x256x128xbf16>,
                      %v2: tensor<1x2x256x128xbf16>) -> tensor<1x2x512x128xbf16> {
  %a = attn.attention %q, %k2, %v2
      : tensor<1x2x512x128xbf16>, tensor<1x2x256x128xbf16>, tensor<1x2x256x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %b = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 63, right = 0>]
      : tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>, tensor<1x2x512x128xbf16>
      -> tensor<1x2x512x128xbf16>
  %o = attn.merge sum (%a), (%b) : tensor<1x2x512x128xbf16> -> tensor<1x2x512x128xbf16>
  return %o : tensor<1x2x512x128xbf16>
}

// -----

// The same program over any length: the selection's tile list is built
// from its slots (at most a tile each: warp 0 ranks them by ballot), with
// no per-tile flags that a static key length would size, so the selected
// blocks and the window still run in one warp-specialised kernel, whose
// tiles' bounds come from the masks at run time (no range tables).
// CHECK-LABEL: func.func @nsa_any_length(
// CHECK-COUNT-6: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK-LABEL: gpu.func @nsa_any_length_kernel_5(
// CHECK-SAME: attn.tensor_maps = 5
// CHECK-NOT: memref.get_global
// CHECK: nvvm.match.sync any
// CHECK-NOT: memref.get_global
// CHECK: gpu.return
// SM90-LABEL: func.func @nsa_any_length(
// SM90-COUNT-7: gpu.launch_func
// SM90-NOT: gpu.launch_func
func.func @nsa_any_length(%q: tensor<1x2x?x128xbf16>, %k: tensor<1x2x?x128xbf16>,
                          %v: tensor<1x2x?x128xbf16>, %g1: tensor<1x2x?xf32>,
                          %g2: tensor<1x2x?xf32>, %g3: tensor<1x2x?xf32>)
    -> tensor<1x2x?x128xbf16> {
  %kc = attn.compress mean %k stride 64 : tensor<1x2x?x128xbf16> -> tensor<1x2x?x128xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16> -> tensor<1x2x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x?x?xf32> -> tensor<1x2x?x2xi32>
  %o_sel = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>,
        tensor<1x2x?x2xi32> -> tensor<1x2x?x128xbf16>
  %vc = attn.compress mean %v stride 64 : tensor<1x2x?x128xbf16> -> tensor<1x2x?x128xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>]
      : tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>
      -> tensor<1x2x?x128xbf16>
  %o_win = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 127, right = 0>]
      : tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>, tensor<1x2x?x128xbf16>
      -> tensor<1x2x?x128xbf16>
  %o = attn.merge gated (%o_cmp, %g1), (%o_sel, %g2), (%o_win, %g3)
      : tensor<1x2x?x128xbf16>, tensor<1x2x?xf32> -> tensor<1x2x?x128xbf16>
  return %o : tensor<1x2x?x128xbf16>
}
