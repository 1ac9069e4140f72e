// A score_mod with fpowi on an i64 exponent, expm1, log1p and isinf,
// through the GPU pipeline: attn-expand-math rewrites them in the kernels
// first, so the kernel calls no libdevice function that stays a call
// (libdevice's __nv_powif squares repeatedly, takes an i32 exponent, and,
// as a call, made ptxas ignore setmaxnreg and serialise the wgmma
// pipeline).
// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_90a format=isa" > %t
// RUN: FileCheck %s < %t
// RUN: FileCheck %s --check-prefix=BITS < %t
// CHECK: gpu.binary
// CHECK-NOT: __nv_
// CHECK-NOT: prototype_
// CHECK: wgmma.mma_async
func.func @powers(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %d = arith.subi %j, %i : index
    %d64 = arith.index_cast %d : index to i64
    %base = arith.constant 0.999 : f32
    %p = math.fpowi %base, %d64 : f32, i64
    %e = math.expm1 %s : f32
    %l = math.log1p %p : f32
    %inf = math.isinf %e : f32
    %z = arith.constant 0.0 : f32
    %sel = arith.select %inf, %z, %l : f32
    %y = arith.addf %s, %sel : f32
    attn.yield %y : f32
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

// math.ipowi (a constant and a run-time exponent), math.clampf,
// math.isnormal and math.sincos: attn-expand-math writes the first three
// with arith (upstream lowers none of them to NVVM: ipowi and clampf were
// refused as ops without a lowering), sincos goes to libdevice's sin and
// cos, linked and inlined.
func.func @powers_and_classes(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %ji = arith.index_cast %j : index to i32
    %ii = arith.index_cast %i : index to i32
    %c3 = arith.constant 3 : i32
    %cube = math.ipowi %ji, %c3 : i32
    %c7 = arith.constant 7 : i32
    %e = arith.remui %ii, %c7 : i32
    %p = math.ipowi %ji, %e : i32
    %sum = arith.addi %cube, %p : i32
    %f = arith.sitofp %sum : i32 to f32
    %lo = arith.constant -1.0 : f32
    %hi = arith.constant 1.0 : f32
    %c = math.clampf %f to [%lo, %hi] : f32
    %n = math.isnormal %s : f32
    %sn, %cs = math.sincos %s : f32
    %t = arith.addf %sn, %cs : f32
    %u = arith.select %n, %t, %c : f32
    %y = arith.addf %s, %u : f32
    attn.yield %y : f32
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

// math.ctlz, cttz, ctpop and trunc, which the NVVM conversion (libdevice
// only) left in the kernels, unlowered: the pipeline converts what it leaves
// of math to LLVM's intrinsics, which NVPTX selects.
// BITS-DAG: clz.b32
// BITS-DAG: popc.b64
// BITS-DAG: popc.b32
// BITS-DAG: cvt.rzi.f32.f32
func.func @bits_and_truncation(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %ii = arith.index_cast %i : index to i32
    %j64 = arith.index_cast %j : index to i64
    %j16 = arith.index_cast %j : index to i16
    %lz = math.ctlz %ii : i32
    %tz = math.cttz %j64 : i64
    %pc = math.ctpop %j16 : i16
    %tz32 = arith.trunci %tz : i64 to i32
    %pc32 = arith.extsi %pc : i16 to i32
    %a = arith.addi %lz, %tz32 : i32
    %c = arith.addi %a, %pc32 : i32
    %f = arith.sitofp %c : i32 to f32
    %t = math.trunc %s : f32
    %u = arith.addf %t, %f : f32
    attn.yield %u : f32
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

// arith.truncf in a rounding mode compiles to the default conversion and a
// step of its bits (NVPTX had emitted cvt.rn whatever the mode).
func.func @rounded_truncations(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>, %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal] score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
    %u = arith.truncf %s upward : f32 to bf16
    %a = arith.truncf %s to_nearest_away : f32 to f16
    %ue = arith.extf %u : bf16 to f32
    %ae = arith.extf %a : f16 to f32
    %y = arith.addf %ue, %ae : f32
    attn.yield %y : f32
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
