// NSA's compressed branch at 64k (1024 compressed keys, 4.5 key tiles a
// query tile on average, 8192 work items) on sm_90a takes persistent CTAs
// by default: the launcher's grid is at most 132 CTAs, the producer and
// consumers split the registers 32 / 232, and ptxas assembles the kernel
// without spills.
// (Run and checked on the GPU machine: bench/gpu's chk-persistent- cases
// and the NSA-style scaling cases, gpu-persistent-ctas-2026-12-06.md.)
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas -arch=sm_90a -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// CHECK-LABEL: .entry compressed_branch_kernel(
// CHECK: .maxntid 384, 1, 1
// CHECK: setmaxnreg.inc.sync.aligned.u32 232;
// CHECK: setmaxnreg.dec.sync.aligned.u32 32;
// PTXAS: 0 bytes spill stores, 0 bytes spill loads
// RUN: attn-compile %s -o %t.off.ptx --target=sm_90a --gpu-persistent=off
// RUN: FileCheck %s --check-prefix=OFF < %t.off.ptx
// OFF-LABEL: .entry compressed_branch_kernel(
// OFF: setmaxnreg.inc.sync.aligned.u32 240;
// OFF: setmaxnreg.dec.sync.aligned.u32 24;
func.func @compressed_branch(%q: tensor<1x16x65536x128xbf16>, %kc: tensor<1x4x1024x128xbf16>,
                             %vc: tensor<1x4x1024x128xbf16>) -> tensor<1x16x65536x128xbf16> {
  %o = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>]
      : tensor<1x16x65536x128xbf16>, tensor<1x4x1024x128xbf16>, tensor<1x4x1024x128xbf16>
      -> tensor<1x16x65536x128xbf16>
  return %o : tensor<1x16x65536x128xbf16>
}
