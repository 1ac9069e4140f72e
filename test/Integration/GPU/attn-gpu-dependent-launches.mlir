// Programmatic dependent launches. For sm_90 and newer every kernel starts
// by waiting for the previous grid (griddepcontrol.wait) and then lets the
// next one launch; the launchers launch each kernel with programmatic
// stream serialisation (cuLaunchKernelEx, attribute 6 =
// CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION). sm_80 and
// --gpu-dependent-launches=false launch as before. The launches are seen
// through a stand-in driver that prints them; on the GPU the chk- cases
// and the scaling programs run them (gpu-dependent-launches-*.md).
// REQUIRES: ptxas

// RUN: attn-compile %s -o %t.ptx --target=sm_90a
// RUN: FileCheck %s --check-prefix=PTX < %t.ptx
// RUN: %ptxas -arch=sm_90a %t.ptx -o %t.cubin
// Every kernel waits before any memory access but its parameters'.
// PTX-LABEL: .entry nsa_kernel_0(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry nsa_kernel_1(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry nsa_kernel_2(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry nsa_kernel_3(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry nsa_kernel_4(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry nsa_kernel_5(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// PTX-LABEL: .entry single_kernel(
// PTX-NOT: {{(ld|st|cp|red|atom|mbarrier|prefetch|cvta)\.(global|shared|async|param::tensormap|init)|bar.sync}}
// PTX: griddepcontrol.wait;
// PTX: griddepcontrol.launch_dependents;
// RUN: attn-compile %s -o %t.off.ptx --target=sm_90a --gpu-dependent-launches=false
// RUN: attn-compile %s -o %t.80.ptx --target=sm_80
// RUN: cat %t.off.ptx %t.80.ptx | FileCheck %s --check-prefix=NONE
// NONE-NOT: griddepcontrol

// RUN: rm -rf %t.dir && mkdir -p %t.dir/driver %t.dir/90a %t.dir/off %t.dir/80
// RUN: %c_compiler -shared -fPIC %S/Inputs/fake-cuda-driver.c -o %t.dir/driver/libcuda.so.1
// RUN: attn-compile %s -o %t.dir/90a/launches.so --target=sm_90a
// RUN: attn-compile %s -o %t.dir/off/launches.so --target=sm_90a --gpu-dependent-launches=false
// RUN: attn-compile %s -o %t.dir/80/launches.so --target=sm_80
// RUN: %c_compiler -I %t.dir/90a -I %S/Inputs %S/Inputs/call-launches.c %t.dir/90a/launches.so -Wl,-rpath,%t.dir/90a -o %t.dir/90a/call
// RUN: %c_compiler -I %t.dir/off -I %S/Inputs %S/Inputs/call-launches.c %t.dir/off/launches.so -Wl,-rpath,%t.dir/off -o %t.dir/off/call
// RUN: %c_compiler -I %t.dir/80 -I %S/Inputs %S/Inputs/call-launches.c %t.dir/80/launches.so -Wl,-rpath,%t.dir/80 -o %t.dir/80/call
// RUN: env LD_LIBRARY_PATH=%t.dir/driver %t.dir/90a/call | FileCheck %s --check-prefix=DEPENDENT
// RUN: env LD_LIBRARY_PATH=%t.dir/driver %t.dir/off/call | FileCheck %s --check-prefix=OFF
// RUN: env LD_LIBRARY_PATH=%t.dir/driver %t.dir/80/call | FileCheck %s --check-prefix=OFF
// The program's six kernels in order, then the single attention, each
// with attribute 6 set.
// DEPENDENT: cuLaunchKernelEx nsa_kernel_0 grid 1 1 1 threads 256 attribute 6 = 1
// DEPENDENT-NEXT: cuLaunchKernelEx nsa_kernel_1 grid 1 1 1 threads 256 attribute 6 = 1
// DEPENDENT-NEXT: cuLaunchKernelEx nsa_kernel_2 grid 2 2 1 threads 256 attribute 6 = 1
// DEPENDENT-NEXT: cuLaunchKernelEx nsa_kernel_3 grid 4 2 1 threads 128 attribute 6 = 1
// DEPENDENT-NEXT: cuLaunchKernelEx nsa_kernel_4 grid 2 1 1 threads 128 attribute 6 = 1
// DEPENDENT-NEXT: cuLaunchKernelEx nsa_kernel_5 grid 2 2 1 threads 128 attribute 6 = 1
// DEPENDENT-NEXT: program: 0
// DEPENDENT-NEXT: cuLaunchKernelEx single_kernel grid 2 2 1 threads 256 attribute 6 = 1
// DEPENDENT-NEXT: single: 0
// OFF-NOT: cuLaunchKernelEx
// OFF: cuLaunchKernel nsa_kernel_0 grid
// OFF-NEXT: cuLaunchKernel nsa_kernel_1 grid
// OFF-NEXT: cuLaunchKernel nsa_kernel_2 grid
// OFF-NEXT: cuLaunchKernel nsa_kernel_3 grid
// OFF-NEXT: cuLaunchKernel nsa_kernel_4 grid
// OFF-NEXT: cuLaunchKernel nsa_kernel_5 grid
// OFF-NEXT: program: 0
// OFF-NEXT: cuLaunchKernel single_kernel grid
// OFF-NEXT: single: 0

func.func @nsa(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
               %v: tensor<1x2x128x64xbf16>, %g: tensor<1x2x128xf32>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>) {
  %kc = attn.compress mean %k stride 32
      : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %s = attn.block_scores %q, %kc block_q 32 mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xi32>
  %o_sel = attn.attention %q, %k, %v indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>,
        tensor<1x2x4x2xi32> -> tensor<1x2x128x64xbf16>
  %vc = attn.compress mean %v stride 32
      : tensor<1x2x128x64xbf16> -> tensor<1x2x4x64xbf16>
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 32>]
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>
  %o = attn.merge gated (%o_cmp, %g), (%o_sel, %g)
      : tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  return %o, %sel : tensor<1x2x128x64xbf16>, tensor<1x2x4x2xi32>
}

func.func @single(%q: tensor<1x2x128x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                  %v: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %o = attn.attention %q, %k, %v mask [#attn.causal]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}
