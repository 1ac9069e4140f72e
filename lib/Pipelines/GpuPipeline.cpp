//===- GpuPipeline.cpp - attn to PTX / cubin for NVIDIA GPUs --------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUCommon/GPUToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Process.h"

using namespace mlir;

/// The CUDA toolkit whose libdevice the kernels' math functions link: empty
/// (upstream's own search) where CUDA_ROOT, CUDA_HOME or CUDA_PATH names one,
/// else the one CMake found. Debian's MLIR has no default of its own, so
/// without these variables (lit's environment, say) the kernels called
/// undefined __nv_* functions.
static std::string cudaToolkitPath() {
  for (const char *name : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(name);
        value && !value->empty())
      return "";
  return ATTN_DEFAULT_CUDA_TOOLKIT;
}

void mlir::attn::buildAttnLowerToNVVMPipeline(OpPassManager &pm, StringRef chip,
                                              StringRef format,
                                              bool dependentLaunches) {
  // Upstream's gpu-lower-to-nvvm-pipeline (kernels to NVVM, host code to
  // LLVM with launches through MLIR's GPU runtime calls, the gpu.module
  // serialised: PTX for format=isa, ptxas for bin/fatbin), with
  // attn-convert-tensor-map-args between the kernels' conversion and their
  // serialisation.
  // Arithmetic on f8, f6, f4 or tf32 in a kernel (a region's or a
  // program's elementwise ops) is named before the conversion fails on it.
  AttnCheckFloatTypesPassOptions floats;
  floats.gpu = true;
  pm.addNestedPass<gpu::GPUModuleOp>(
      attn::createAttnCheckFloatTypesPass(floats));
  pm.addNestedPass<gpu::GPUModuleOp>(attn::createAttnNarrowKernelIndicesPass());
  // The kernels' fpowi (libdevice's __nv_powif squares repeatedly and takes
  // an i32 exponent), expm1, log1p and isinf in accurate forms.
  // (With arith.remf as libdevice's fmod: NVPTX has no frem.)
  AttnExpandMathPassOptions math;
  math.libdeviceRemainders = true;
  pm.addNestedPass<gpu::GPUModuleOp>(attn::createAttnExpandMathPass(math));
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = chip.str();
  target.features = "+ptx80";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  if (dependentLaunches)
    pm.addNestedPass<gpu::GPUModuleOp>(
        attn::createAttnGridDependencyControlPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  ConvertIndexToLLVMPassOptions index;
  index.indexBitwidth = 64;
  pm.addPass(createConvertIndexToLLVMPass(index));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  ConvertGpuOpsToNVVMOpsOptions kernels;
  kernels.indexBitwidth = 64;
  OpPassManager &gpuModule = pm.nest<gpu::GPUModuleOp>();
  gpuModule.addPass(createConvertGpuOpsToNVVMOps(kernels));
  // What the NVVM conversion leaves of math (it lowers through libdevice
  // only: math.trunc, ctlz, cttz and ctpop stayed, and failed) as LLVM's
  // intrinsics, which NVPTX selects (cvt.rzi, clz, popc).
  gpuModule.addPass(createConvertMathToLLVMPass());
  gpuModule.addPass(createCanonicalizerPass());
  gpuModule.addPass(createCSEPass());
  gpuModule.addPass(createReconcileUnrealizedCastsPass());
  gpuModule.addPass(createAttnConvertTensorMapArgsPass());
  gpuModule.addPass(createAttnExternDynamicSharedPass());
  // An op without an NVVM lowering fails serialisation without a location.
  gpuModule.addPass(createAttnCheckKernelsLoweredPass());

  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = format.str();
  binary.toolkitPath = cudaToolkitPath();
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::attn::buildAttnGpuPipeline(OpPassManager &pm,
                                      const AttnGpuPipelineOptions &options) {
  ConvertAttnToGpuPassOptions convert;
  convert.chip = options.chip;
  convert.pingPong = options.pingPong;
  // Every function here is a GPU program's entry point: its own types
  // take the refined sizes (the C descriptors do not change).
  AttnRefineShapesPassOptions refine;
  refine.signatures = true;
  // The passes lower only this module's own functions.
  pm.addPass(attn::createAttnCheckNestedFunctionsPass());
  addIndexArithRewrites(pm, /*maxIntegerWidth=*/64);
  pm.addPass(createAttnRefineShapesPass(refine));
  pm.addPass(createConvertAttnToGpuPass(convert));
  StringRef format;
  switch (options.format) {
  case GpuBinaryFormat::Isa:
    format = "isa";
    break;
  case GpuBinaryFormat::Bin:
    format = "bin";
    break;
  case GpuBinaryFormat::Fatbin:
    format = "fatbin";
    break;
  }
  buildAttnLowerToNVVMPipeline(pm, options.chip, format);
}

void mlir::attn::registerAttnGpuPipelineDependencies(
    DialectRegistry &registry) {
  registry.insert<attn::AttnDialect, arith::ArithDialect, func::FuncDialect,
                  gpu::GPUDialect, LLVM::LLVMDialect, memref::MemRefDialect,
                  NVVM::NVVMDialect, nvgpu::NVGPUDialect, scf::SCFDialect,
                  vector::VectorDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  // convert-gpu-to-nvvm and gpu-to-llvm convert the other dialects in and
  // around kernels through these interfaces.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  gpu::registerConvertGpuToLLVMInterface(registry);
  NVVM::registerConvertGpuToNVVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
  registerBuiltinDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}
