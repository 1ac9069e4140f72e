// Every op and attribute of the attn dialect, printed and parsed back in the
// custom form and in the generic form.
// RUN: attn-opt %s | attn-opt | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

!q = tensor<2x8x128x64xf32>
!kv = tensor<2x2x128x64xf32>
!lse = tensor<2x8x128xf32>

// CHECK-LABEL: func.func @dense
// CHECK: %{{.*}}, %{{.*}} = attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.250000e-01 : f32, tiling = #attn.tiling<block_q = 32, block_kv = 64>} : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32> -> tensor<2x8x128x64xf32>, tensor<2x8x128xf32>
func.func @dense(%q: !q, %k: !kv, %v: !kv) -> (!q, !lse) {
  %o, %l = attn.attention %q, %k, %v
      {scale = 0.125 : f32, tiling = #attn.tiling<block_q = 32, block_kv = 64>}
      : !q, !kv, !kv -> !q, !lse
  return %o, %l : !q, !lse
}

// CHECK-LABEL: func.func @affine_atoms
// CHECK: mask [#attn.causal]
// CHECK: mask [#attn.causal<stride = 4>]
// CHECK: mask [#attn.window<left = 16, right = 0>]
// CHECK: mask [#attn.dilated<window = 4, dilation = 2>]
// CHECK: mask [#attn.neighborhood<grid = [8, 16], radius = [2, 3], dilation = [1, 2]>]
// CHECK: mask [#attn.prefix<len = 8>]
// CHECK: mask [#attn.global<count = 2>]
// CHECK: mask [#attn.stripes<diagonals = [0, 16]>]
// CHECK: mask [#attn.stripes<columns = [0, 1]>]
// CHECK: mask [#attn.stripes<diagonals = [-1, 0, 1], columns = [3]>]
// CHECK: mask [#attn.causal, #attn.window<left = 32, right = 0>]
// CHECK: mask [#attn.causal, #attn.chunked<size = 64>]
func.func @affine_atoms(%q: !q, %k: !kv, %v: !kv) {
  %0 = attn.attention %q, %k, %v mask [#attn.causal] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v mask [#attn.causal<stride = 4>] : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v mask [#attn.window<left = 16, right = 0>] : !q, !kv, !kv -> !q
  %3 = attn.attention %q, %k, %v mask [#attn.dilated<window = 4, dilation = 2>] : !q, !kv, !kv -> !q
  %4 = attn.attention %q, %k, %v
      mask [#attn.neighborhood<grid = [8, 16], radius = [2, 3], dilation = [1, 2]>]
      : !q, !kv, !kv -> !q
  %5 = attn.attention %q, %k, %v mask [#attn.prefix<len = 8>] : !q, !kv, !kv -> !q
  %6 = attn.attention %q, %k, %v mask [#attn.global<count = 2>] : !q, !kv, !kv -> !q
  %7 = attn.attention %q, %k, %v mask [#attn.stripes<diagonals = [0, 16]>] : !q, !kv, !kv -> !q
  %8 = attn.attention %q, %k, %v mask [#attn.stripes<columns = [0, 1]>] : !q, !kv, !kv -> !q
  %9 = attn.attention %q, %k, %v
      mask [#attn.stripes<columns = [3], diagonals = [-1, 0, 1]>] : !q, !kv, !kv -> !q
  %10 = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.window<left = 32, right = 0>] : !q, !kv, !kv -> !q
  %11 = attn.attention %q, %k, %v
      mask [#attn.causal, #attn.chunked<size = 64>] : !q, !kv, !kv -> !q
  return
}

// CHECK-LABEL: func.func @combinators
// CHECK: mask [#attn.or<[#attn.causal, #attn.prefix<len = 16>]>]
// CHECK: mask [#attn.not<#attn.window<left = 4, right = 4>>]
// CHECK: mask [#attn.or<[#attn.global<count = 1>, #attn.and<[#attn.causal, #attn.window<left = 8, right = 0>]>]>]
func.func @combinators(%q: !q, %k: !kv, %v: !kv) {
  %0 = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.causal, #attn.prefix<len = 16>]>] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v
      mask [#attn.not<#attn.window<left = 4, right = 4>>] : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v
      mask [#attn.or<[#attn.global<count = 1>,
                      #attn.and<[#attn.causal, #attn.window<left = 8, right = 0>]>]>]
      : !q, !kv, !kv -> !q
  return
}

// CHECK-LABEL: func.func @operand_atoms
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} segments(%{{.*}}, %{{.*}}) mask [#attn.document, #attn.causal]
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} layout(%{{.*}}) mask [#attn.or<[#attn.block_layout<block_q = 32, block_kv = 64>, #attn.global<count = 4>]>]
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} indices(%{{.*}}) mask [#attn.block_indices<block_q = 64, block_kv = 32>]
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} indices(%{{.*}}) mask [#attn.not<#attn.block_indices<block_q = 64, block_kv = 32>>]
func.func @operand_atoms(%q: !q, %k: !kv, %v: !kv, %qs: tensor<2x128xi32>,
                         %ks: tensor<2x128xi32>, %layout: tensor<1x8x4x2xi1>,
                         %idx: tensor<2x2x2x3xi32>) {
  %0 = attn.attention %q, %k, %v segments(%qs, %ks)
      mask [#attn.document, #attn.causal]
      : !q, !kv, !kv, tensor<2x128xi32>, tensor<2x128xi32> -> !q
  %1 = attn.attention %q, %k, %v layout(%layout)
      mask [#attn.or<[#attn.block_layout<block_q = 32, block_kv = 64>, #attn.global<count = 4>]>]
      : !q, !kv, !kv, tensor<1x8x4x2xi1> -> !q
  %2 = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.block_indices<block_q = 64, block_kv = 32>]
      : !q, !kv, !kv, tensor<2x2x2x3xi32> -> !q
  %3 = attn.attention %q, %k, %v indices(%idx)
      mask [#attn.not<#attn.block_indices<block_q = 64, block_kv = 32>>]
      : !q, !kv, !kv, tensor<2x2x2x3xi32> -> !q
  return
}

// CHECK-LABEL: func.func @score_modifiers
// CHECK: score [#attn.softcap<3.000000e+01>]
// CHECK: score [#attn.alibi]
// CHECK: score [#attn.alibi<slopes = [5.000000e-01, 2.500000e-01, 1.250000e-01, 6.250000e-02, 3.125000e-02, 1.562500e-02, 7.812500e-03, 3.906250e-03]>]
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}}) score [#attn.softcap<5.000000e+01>, #attn.bias]
// CHECK: score_mod {
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK: tensor.extract
// CHECK: attn.yield %{{.*}} : f32
func.func @score_modifiers(%q: !q, %k: !kv, %v: !kv, %bias: tensor<1x8x128x128xf32>,
                           %table: tensor<8xf32>) {
  %0 = attn.attention %q, %k, %v score [#attn.softcap<30.0>] : !q, !kv, !kv -> !q
  %1 = attn.attention %q, %k, %v score [#attn.alibi] : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v
      score [#attn.alibi<slopes = [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]>]
      : !q, !kv, !kv -> !q
  %3 = attn.attention %q, %k, %v bias(%bias) score [#attn.softcap<50.0>, #attn.bias]
      : !q, !kv, !kv, tensor<1x8x128x128xf32> -> !q
  %4 = attn.attention %q, %k, %v score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %t = tensor.extract %table[%h] : tensor<8xf32>
    %r = arith.addf %s, %t : f32
    attn.yield %r : f32
  } : !q, !kv, !kv -> !q
  return
}

// CHECK-LABEL: func.func @mask_mod
// CHECK: mask [#attn.causal] mask_mod {
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK: arith.cmpi
// CHECK: attn.yield %{{.*}} : i1
func.func @mask_mod(%q: !q, %k: !kv, %v: !kv) -> !q {
  %0 = attn.attention %q, %k, %v mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %c = arith.cmpi ne, %i, %j : index
    attn.yield %c : i1
  } : !q, !kv, !kv -> !q
  return %0 : !q
}

// CHECK-LABEL: func.func @normalizers
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} sink(%{{.*}}) mask [#attn.causal] normalizer(#attn.softmax)
// CHECK: normalizer(#attn.sigmoid) :
// CHECK: normalizer(#attn.sigmoid<bias = -5.000000e+00>)
func.func @normalizers(%q: !q, %k: !kv, %v: !kv, %sink: tensor<8xf32>) {
  %0, %l = attn.attention %q, %k, %v sink(%sink) mask [#attn.causal]
      normalizer(#attn.softmax) : !q, !kv, !kv, tensor<8xf32> -> !q, !lse
  %1 = attn.attention %q, %k, %v normalizer(#attn.sigmoid) : !q, !kv, !kv -> !q
  %2 = attn.attention %q, %k, %v normalizer(#attn.sigmoid<bias = -5.0>)
      : !q, !kv, !kv -> !q
  return
}

// CHECK-LABEL: func.func @dynamic_and_low_precision
// CHECK: attn.attention {{.*}} : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x32xbf16> -> tensor<?x8x?x32xbf16>, tensor<?x8x?xf32>
// CHECK: attn.attention {{.*}} : tensor<1x4x1x128xf16>, tensor<1x1x4096x128xf16>, tensor<1x1x4096x128xf16> -> tensor<1x4x1x128xf16>
func.func @dynamic_and_low_precision(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                                     %v: tensor<?x2x?x32xbf16>,
                                     %dq: tensor<1x4x1x128xf16>,
                                     %dk: tensor<1x1x4096x128xf16>) {
  %0, %1 = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x32xbf16>
      -> tensor<?x8x?x32xbf16>, tensor<?x8x?xf32>
  %2 = attn.attention %dq, %dk, %dk
      : tensor<1x4x1x128xf16>, tensor<1x1x4096x128xf16>, tensor<1x1x4096x128xf16>
      -> tensor<1x4x1x128xf16>
  return
}

// CHECK-LABEL: func.func @compress
// CHECK: attn.compress mean %{{.*}} stride 64 : tensor<2x2x128x64xf32> -> tensor<2x2x2x64xf32>
// CHECK: attn.compress max %{{.*}} stride 16 window 32 : tensor<2x2x128x64xf32> -> tensor<2x2x8x64xf32>
// CHECK: attn.compress sum %{{.*}} weights(%{{.*}}) stride 16 window 32 : tensor<2x2x128x64xf32>, tensor<32xf32> -> tensor<2x2x8x64xf32>
// CHECK: attn.compress sum %{{.*}} weights(%{{.*}}) stride 8 : tensor<2x2x100x64xf32>, tensor<2x8xf32> -> tensor<2x2x13x64xf32>
func.func @compress(%k: !kv, %w: tensor<32xf32>, %x: tensor<2x2x100x64xf32>,
                    %hw: tensor<2x8xf32>) {
  %0 = attn.compress mean %k stride 64 : !kv -> tensor<2x2x2x64xf32>
  %1 = attn.compress max %k stride 16 window 32 : !kv -> tensor<2x2x8x64xf32>
  %2 = attn.compress sum %k weights(%w) stride 16 window 32
      : !kv, tensor<32xf32> -> tensor<2x2x8x64xf32>
  %3 = attn.compress sum %x weights(%hw) stride 8
      : tensor<2x2x100x64xf32>, tensor<2x8xf32> -> tensor<2x2x13x64xf32>
  return
}

// CHECK-LABEL: func.func @selection
// CHECK: attn.block_scores %{{.*}}, %{{.*}} block_q 64 mask [#attn.causal<stride = 16>] {scale = 1.250000e-01 : f32} : tensor<2x8x128x64xf32>, tensor<2x2x8x64xf32> -> tensor<2x2x2x8xf32>
// CHECK: attn.topk %{{.*}} k 4 : tensor<2x2x2x8xf32> -> tensor<2x2x2x4xi32>
func.func @selection(%q: !q, %kc: tensor<2x2x8x64xf32>) -> tensor<2x2x2x4xi32> {
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 16>]
      {scale = 0.125 : f32} : !q, tensor<2x2x8x64xf32> -> tensor<2x2x2x8xf32>
  %i = attn.topk %s k 4 : tensor<2x2x2x8xf32> -> tensor<2x2x2x4xi32>
  return %i : tensor<2x2x2x4xi32>
}

// CHECK-LABEL: func.func @merge
// CHECK: attn.merge lse (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) : tensor<2x8x128x64xf32>, tensor<2x8x128xf32> -> tensor<2x8x128x64xf32>, tensor<2x8x128xf32>
// CHECK: attn.merge lse (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) : tensor<2x8x128x64xf32>, tensor<2x8x128xf32> -> tensor<2x8x128x64xf32>
// CHECK: attn.merge gated (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) : tensor<2x8x128x64xf32>, tensor<2x8x128xf32> -> tensor<2x8x128x64xf32>
// CHECK: attn.merge sum (%{{.*}}), (%{{.*}}) : tensor<2x8x128x64xf32> -> tensor<2x8x128x64xf32>
// Without a kind the merge is lse.
// CHECK: attn.merge lse (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) : tensor<2x8x128x64xf32>, tensor<2x8x128xf32> -> tensor<2x8x128x64xf32>
func.func @merge(%o1: !q, %l1: !lse, %o2: !q, %l2: !lse, %g1: !lse, %g2: !lse) {
  %0, %1 = attn.merge lse (%o1, %l1), (%o2, %l2) : !q, !lse -> !q, !lse
  %2 = attn.merge lse (%o1, %l1), (%o2, %l2), (%0, %1) : !q, !lse -> !q
  %3 = attn.merge gated (%o1, %g1), (%o2, %g2) : !q, !lse -> !q
  %4 = attn.merge sum (%o1), (%o2) : !q -> !q
  %5 = attn.merge (%o1, %l1), (%o2, %l2) : !q, !lse -> !q
  return
}

// Branches, gates and results whose types fix different sizes: each
// branch's types after ':', grouped as its operands are.
// CHECK-LABEL: func.func @merge_mixed_types
// CHECK: attn.merge gated (%{{.*}}, %{{.*}}), (%{{.*}}, %{{.*}}) : (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>), (tensor<1x2x8x16xf32>, tensor<1x2x8xf32>) -> tensor<1x2x?x16xf32>
// CHECK: attn.merge sum (%{{.*}}), (%{{.*}}) : (tensor<1x2x8x16xf32>), (tensor<1x2x?x16xf32>) -> tensor<1x2x8x16xf32>
// CHECK: attn.merge sum (%{{.*}}), (%{{.*}}) : tensor<1x2x8x16xf32> -> tensor<1x2x?x16xf32>
// CHECK: attn.causal_conv %{{.*}}, %{{.*}} : tensor<1x2x8x16xf32>, tensor<2x16x4xf32> -> tensor<1x2x?x16xf32>
func.func @merge_mixed_types(%a: tensor<1x2x?x16xf32>, %g: tensor<1x2x?xf32>,
                             %b: tensor<1x2x8x16xf32>, %h: tensor<1x2x8xf32>,
                             %w: tensor<2x16x4xf32>) {
  %0 = attn.merge gated (%a, %g), (%b, %h)
      : (tensor<1x2x?x16xf32>, tensor<1x2x?xf32>), (tensor<1x2x8x16xf32>, tensor<1x2x8xf32>)
      -> tensor<1x2x?x16xf32>
  %1 = attn.merge sum (%b), (%a) : (tensor<1x2x8x16xf32>), (tensor<1x2x?x16xf32>) -> tensor<1x2x8x16xf32>
  %2 = attn.merge sum (%b), (%b) : tensor<1x2x8x16xf32> -> tensor<1x2x?x16xf32>
  %3 = attn.causal_conv %b, %w : tensor<1x2x8x16xf32>, tensor<2x16x4xf32> -> tensor<1x2x?x16xf32>
  return
}

// CHECK-LABEL: func.func @linear
// CHECK: attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} feature elu_plus_one causal normalize : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32> -> tensor<2x8x128x64xf32>
// CHECK: attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} feature relu :
// CHECK: attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} feature identity normalize {eps = 9.99999974E-6 : f32} :
// CHECK: attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} feature exp causal :
// CHECK: attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay(%{{.*}}) feature sigmoid causal : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x8x128xf32> -> tensor<2x8x128x64xf32>
func.func @linear(%q: !q, %k: !kv, %v: !kv, %a: !lse) {
  %0 = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize
      : !q, !kv, !kv -> !q
  %1 = attn.linear_attention %q, %k, %v feature relu : !q, !kv, !kv -> !q
  %2 = attn.linear_attention %q, %k, %v feature identity normalize {eps = 1.0e-5 : f32}
      : !q, !kv, !kv -> !q
  %3 = attn.linear_attention %q, %k, %v feature exp causal : !q, !kv, !kv -> !q
  %4 = attn.linear_attention %q, %k, %v decay(%a) feature sigmoid causal
      : !q, !kv, !kv, !lse -> !q
  return
}

// CHECK-LABEL: func.func @conv
// CHECK: attn.causal_conv %{{.*}}, %{{.*}} : tensor<2x2x128x64xf32>, tensor<2x64x4xf32> -> tensor<2x2x128x64xf32>
func.func @conv(%x: !kv, %w: tensor<2x64x4xf32>) -> !kv {
  %0 = attn.causal_conv %x, %w : !kv, tensor<2x64x4xf32> -> !kv
  return %0 : !kv
}
