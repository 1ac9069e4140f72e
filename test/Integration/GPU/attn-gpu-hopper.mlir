// sm_90a's warp-specialised kernel, checked without a GPU: the PTX holds
// grid-constant tensor maps, TMA loads completing on mbarriers, the
// producer/consumer register split and wgmma with the scores from shared
// memory and P from registers; ptxas assembles it for sm_90a; shapes the
// kernel does not take (decode) keep the sm_80 kernel; the host library's
// checks refuse bad buffers before it encodes a tensor map or launches.
// (The SASS, HGMMA and UTMALDG, is checked on the GPU machine:
// bench/gpu/run.py --sass.)
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=PTX < %t.ptx
// Without ping-pong no named barrier is used.
// RUN: attn-compile %s -o %t.nopp.ptx --target=sm_90a --gpu-ping-pong=false
// RUN: FileCheck %s --check-prefix=NOPP < %t.nopp.ptx
// NOPP-LABEL: .entry dynamic_kernel(
// NOPP-NOT: bar.arrive
// NOPP: wgmma.mma_async
// NOPP-NOT: bar.arrive
// NOPP-LABEL: .entry wide_f16_kernel(
// RUN: %ptxas -arch=sm_90a -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=SMEM --implicit-check-not="out of bound"
// SMEM: Used {{[0-9]+}} registers
// PTX: .target sm_90a
// PTX: .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// Head dim 64 over few keys: the paired form, one consumer of 64 rows per
// CTA and two CTAs per multiprocessor (registers 24 + 232 per thread of a
// 32K share), no turns.
// PTX-LABEL: .entry gqa_kernel(
// PTX-NEXT: .param .align 64 .b8 gqa_kernel_param_0[128],
// PTX: .maxntid 256, 1, 1
// PTX-NEXT: .minnctapersm 2
// PTX-NOT: bar.arrive
// PTX: setmaxnreg.inc.sync.aligned.u32 232;
// PTX-NOT: bar.arrive
// PTX: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// PTX-NOT: bar.arrive
// PTX: setmaxnreg.dec.sync.aligned.u32 24;
// A dynamic key length: two consumers of 64 rows each.
// PTX-LABEL: .entry dynamic_kernel(
// PTX-NEXT: .param .align 64 .b8 dynamic_kernel_param_0[128],
// PTX-NEXT: .param .align 64 .b8 dynamic_kernel_param_1[128],
// PTX-NEXT: .param .align 64 .b8 dynamic_kernel_param_2[128],
// PTX: .maxntid 384, 1, 1
// PTX-NEXT: .minnctapersm 1
// PTX: cvta.param.u64
// PTX: mbarrier.init.shared.b64
// PTX: fence.mbarrier_init.release.cluster;
// The same thread starts Q's load before the CTA barrier (the range table's
// read and the roles' set-up overlap it).
// PTX-NOT: bar.sync
// PTX: mbarrier.arrive.expect_tx.shared.b64
// PTX-NOT: bar.sync
// PTX: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// PTX: bar.sync 0;
// Consumers: Q K^T from shared memory (m64n128: 128 keys), P V with P from
// registers (m64n64: head dim 64), V transposed. They take turns on the
// tensor cores (named barriers); in the loop, S of tile j and P V of tile
// j - 1 are two groups, and the softmax waits only for the first.
// PTX: setmaxnreg.inc.sync.aligned.u32 240;
// PTX: mbarrier.try_wait.parity.shared.b64
// PTX: bar.sync {{%r[0-9]+}}, 256;
// PTX-NEXT: wgmma.fence.sync.aligned;
// PTX: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 0;
// PTX: wgmma.commit_group.sync.aligned;
// PTX: bar.arrive
// PTX: wgmma.wait_group.sync.aligned 0;
// PTX: bar.sync {{%r[0-9]+}}, 256;
// PTX-NEXT: wgmma.fence.sync.aligned;
// PTX: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 0;
// PTX: wgmma.commit_group.sync.aligned;
// PTX: wgmma.fence.sync.aligned;
// PTX: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{{.*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;
// PTX: wgmma.commit_group.sync.aligned;
// PTX: bar.arrive
// PTX: wgmma.wait_group.sync.aligned 1;
// PTX: mbarrier.arrive.shared.b64
// Producer: per key tile K and V, each on its own mbarrier once its stage
// is free (a prefix of its own: ptxas's input may place the producer's
// blocks before or after the consumers' loop).
// RUN: FileCheck %s --check-prefix=PRODUCER < %t.ptx
// PRODUCER-LABEL: .entry dynamic_kernel(
// PRODUCER: setmaxnreg.dec.sync.aligned.u32 24;
// PRODUCER: mbarrier.try_wait.parity.shared.b64
// PRODUCER: mbarrier.arrive.expect_tx.shared.b64
// PRODUCER: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// PRODUCER: mbarrier.try_wait.parity.shared.b64
// PRODUCER: mbarrier.arrive.expect_tx.shared.b64
// PRODUCER: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// PRODUCER-LABEL: .entry wide_f16_kernel(
// A window of 101 keys: the paired form, whose 64 x 64 tiles visit 40%
// less of the band than 128 x 128 ones (S is m64n64: 64 keys, with Q from
// registers, read from its tile once).
// PTX-LABEL: .entry wide_f16_kernel(
// PTX: .maxntid 256, 1, 1
// PTX-NEXT: .minnctapersm 2
// PTX: ld.shared.b32
// PTX: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{{.*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 0;
// PTX: tanh.approx.f32
// PTX: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {{{.*}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;
// PTX-LABEL: .entry decode_kernel(
// PTX-NOT: wgmma
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// Documents: the CTA lists its tiles before the roles split; the list's
// scratch in the tile area is fenced from TMA's writes.
// PTX-LABEL: .entry documents_kernel_0(
// Q's two panels load while the list is built: its temporaries lie past
// Q's tile.
// PTX: fence.mbarrier_init.release.cluster;
// PTX-NOT: bar.sync
// PTX-COUNT-2: cp.async.bulk.tensor.4d.shared::cluster.global
// PTX: bar.sync 0;
// PTX: fence.proxy.async.shared::cta;
// PTX-NEXT: bar.sync 0;
// PTX: setmaxnreg.inc.sync.aligned.u32 240;
// PTX: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// PTX: setmaxnreg.dec.sync.aligned.u32 24;
// PTX: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes

// The MLIR host function encodes the maps through the CUDA runtime
// library and launches only when all three encode.
// RUN: attn-opt %s --attn-gpu-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=PIPE
// PIPE: llvm.func @attnCudaEncodeTensorMap(!llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i64, i64, i64, i32) -> i32
// PIPE-LABEL: llvm.func @gqa(
// PIPE-COUNT-3: llvm.call @attnCudaEncodeTensorMap
// PIPE: llvm.cond_br
// PIPE: gpu.launch_func @attn_kernels::@gqa_kernel {{.*}} args(%{{[0-9]+}} : !llvm.array<16 x i64>, %{{[0-9]+}} : !llvm.array<16 x i64>, %{{[0-9]+}} : !llvm.array<16 x i64>,
// PIPE: gpu.binary @attn_kernels
// PIPE-SAME: wgmma.mma_async

// The library: the same checks as sm_80's, before any tensor map (the
// valid calls return -999 without a GPU driver).
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: attn-compile %s -o %t.dir/gqa.so --target=sm_90a
// RUN: %c_compiler -I %t.dir %S/Inputs/call-library.c %t.dir/gqa.so -Wl,-rpath,%t.dir -o %t.dir/call
// RUN: env LD_LIBRARY_PATH=/nonexistent %t.dir/call | FileCheck %s --check-prefix=CALL
// CALL: wrong size: 2
// CALL-NEXT: strided rows: 3
// CALL-NEXT: misaligned: 1
// CALL-NEXT: strided output: 4
// CALL-NEXT: misaligned output: 4
// CALL-NEXT: output head stride: 4
// CALL-NEXT: valid: {{-999|0|-[0-9]+}}
// CALL-NEXT: swapped, misaligned query: 3
// CALL-NEXT: swapped, valid: {{-999|0|-[0-9]+}}
// CALL-NEXT: dynamic, short value: 3
// CALL-NEXT: dynamic, wrong output: 4
// CALL-NEXT: dynamic, valid: {{-999|0|-[0-9]+}}
// CALL-NEXT: dynamic, empty: 0

func.func @gqa(%q: tensor<1x4x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
               %v: tensor<1x2x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}

func.func @swapped(%v: tensor<1x2x100x64xbf16>, %k: tensor<1x2x100x64xbf16>,
                   %q: tensor<1x4x100x64xbf16>) -> tensor<1x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x100x64xbf16>, tensor<1x2x100x64xbf16>, tensor<1x2x100x64xbf16>
      -> tensor<1x4x100x64xbf16>
  return %o : tensor<1x4x100x64xbf16>
}

func.func @dynamic(%q: tensor<?x?x?x64xbf16>, %k: tensor<?x?x?x64xbf16>,
                   %v: tensor<?x?x?x64xbf16>) -> tensor<?x?x?x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<?x?x?x64xbf16>, tensor<?x?x?x64xbf16>, tensor<?x?x?x64xbf16>
      -> tensor<?x?x?x64xbf16>
  return %o : tensor<?x?x?x64xbf16>
}

func.func @wide_f16(%q: tensor<2x8x300x128xf16>, %k: tensor<2x8x300x128xf16>,
                    %v: tensor<2x8x300x128xf16>) -> tensor<2x8x300x128xf16> {
  %o = attn.attention %q, %k, %v mask [#attn.window<left = 100, right = 0>]
      score [#attn.softcap<20.0>]
      : tensor<2x8x300x128xf16>, tensor<2x8x300x128xf16>, tensor<2x8x300x128xf16>
      -> tensor<2x8x300x128xf16>
  return %o : tensor<2x8x300x128xf16>
}

func.func @decode(%q: tensor<1x8x1x128xbf16>, %k: tensor<1x2x500x128xbf16>,
                  %v: tensor<1x2x500x128xbf16>) -> tensor<1x8x1x128xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x8x1x128xbf16>, tensor<1x2x500x128xbf16>, tensor<1x2x500x128xbf16>
      -> tensor<1x8x1x128xbf16>
  return %o : tensor<1x8x1x128xbf16>
}

func.func @documents(%q: tensor<1x4x700x128xbf16>, %k: tensor<1x2x900x128xbf16>,
                     %v: tensor<1x2x900x128xbf16>, %qs: tensor<1x700xi32>,
                     %ks: tensor<1x900xi32>) -> tensor<1x4x700x128xbf16> {
  %o = attn.attention %q, %k, %v segments(%qs, %ks)
      mask [#attn.document, #attn.causal]
      : tensor<1x4x700x128xbf16>, tensor<1x2x900x128xbf16>, tensor<1x2x900x128xbf16>,
        tensor<1x700xi32>, tensor<1x900xi32> -> tensor<1x4x700x128xbf16>
  return %o : tensor<1x4x700x128xbf16>
}
