// Types that leave sizes dynamic which the ops fix (attn-refine-shapes):
// a query head dim that only the keys' type gives, and a program whose
// intermediates and selection result are declared dynamic, and one whose
// elementwise ops meet its attn ops through the casts that refinement
// leaves. The kernels are
// built for the refined sizes, ptxas assembles them, and the launcher
// checks those sizes before anything reaches the GPU.
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.90a.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=PTX < %t.90a.ptx
// PTX: .entry head_dim_from_keys_kernel(
// PTX: wgmma.mma_async
// PTX: .entry through_casts_kernel(
// PTX: .entry program_kernel_0(
// PTX: .entry gates_beside_static_queries_kernel_0(
// PTX: .entry gates_beside_static_queries_kernel_1(
// PTX: .entry gates_beside_static_queries_kernel_2(
// PTX-NOT: .entry
// The refined program holds the casts that the kernels are launched
// around.
// RUN: attn-opt %s --attn-refine-shapes="signatures=true" | FileCheck %s --check-prefix=CASTS
// CASTS-LABEL: func.func @gates_beside_static_queries(
// CASTS: tensor.cast %{{.*}} : tensor<2x4x300xf32> to tensor<?x4x?xf32>
// CASTS: tensor.cast %{{.*}} : tensor<?x4x?xf32> to tensor<2x4x300xf32>
// CASTS: attn.linear_attention
// RUN: %ptxas -arch=sm_90a %t.90a.ptx -o %t.90a.cubin

// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/program.so --target=sm_90 --function=program
// RUN: %c_compiler -I %t.dir %S/Inputs/call-refined.c %t.dir/program.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: three picks per row: 5
// CALL-NEXT: head dim 32: 2
// CALL-NEXT: valid, no driver: -999

func.func @head_dim_from_keys(%q: tensor<1x2x64x?xbf16>, %k: tensor<1x1x64x64xbf16>,
                              %v: tensor<1x1x64x64xbf16>) -> tensor<1x2x64x?xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x64x?xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x2x64x?xbf16>
  return %o : tensor<1x2x64x?xbf16>
}

// The program's own casts (one that hides the keys' head dim, one on the
// result) are looked through: one attention, one kernel.
func.func @through_casts(%q: tensor<1x4x128x64xbf16>, %k: tensor<1x4x128x64xbf16>,
                         %v: tensor<1x4x128x64xbf16>) -> tensor<1x4x128x?xbf16> {
  %kd = tensor.cast %k : tensor<1x4x128x64xbf16> to tensor<1x4x128x?xbf16>
  %o = attn.attention %q, %kd, %v mask [#attn.causal]
      : tensor<1x4x128x64xbf16>, tensor<1x4x128x?xbf16>, tensor<1x4x128x64xbf16>
      -> tensor<1x4x128x64xbf16>
  %r = tensor.cast %o : tensor<1x4x128x64xbf16> to tensor<1x4x128x?xbf16>
  return %r : tensor<1x4x128x?xbf16>
}

func.func @program(%q: tensor<1x1x256x64xbf16>, %k: tensor<1x1x256x?xbf16>,
                   %v: tensor<1x1x256x64xbf16>)
    -> (tensor<1x1x256x64xbf16>, tensor<1x1x?x?xi32>) {
  %kc = attn.compress mean %k stride 64
      : tensor<1x1x256x?xbf16> -> tensor<1x1x?x?xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>]
      : tensor<1x1x256x64xbf16>, tensor<1x1x?x?xbf16> -> tensor<1x1x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x1x?x?xf32> -> tensor<1x1x?x?xi32>
  %o = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>]
      : tensor<1x1x256x64xbf16>, tensor<1x1x256x?xbf16>, tensor<1x1x256x64xbf16>,
        tensor<1x1x?x?xi32> -> tensor<1x1x256x64xbf16>
  return %o, %sel : tensor<1x1x256x64xbf16>, tensor<1x1x?x?xi32>
}

// Queries of a static batch and length beside open logits: the refined
// function reads the gates' chain and the residual through tensor.casts
// (static to open and back), which launch nothing. Three kernels: the
// gates' chain, the linear attention, the residual.
func.func @gates_beside_static_queries(%q: tensor<2x4x300x64xbf16>,
                                       %v: tensor<?x4x?x64xbf16>,
                                       %x: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xbf16> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x?xf32>
  %l = tensor.dim %x, %c2 : tensor<?x4x?xf32>
  %s = arith.constant 0.05 : f32
  %c = tensor.splat %s[%b, %l] : tensor<?x4x?xf32>
  %sq = arith.mulf %x, %x : tensor<?x4x?xf32>
  %sc = arith.mulf %sq, %c : tensor<?x4x?xf32>
  %a = arith.negf %sc : tensor<?x4x?xf32>
  %o = attn.linear_attention %q, %q, %v decay(%a) feature elu_plus_one causal normalize
      : tensor<2x4x300x64xbf16>, tensor<2x4x300x64xbf16>, tensor<?x4x?x64xbf16>,
        tensor<?x4x?xf32> -> tensor<?x4x?x64xbf16>
  %r = arith.addf %o, %v : tensor<?x4x?x64xbf16>
  return %r : tensor<?x4x?x64xbf16>
}
