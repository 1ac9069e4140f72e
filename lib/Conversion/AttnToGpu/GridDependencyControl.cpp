//===- GridDependencyControl.cpp - attn-grid-dependency-control -----------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"

#include "KernelShapes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNGRIDDEPENDENCYCONTROLPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

bool mlir::attn::supportsGridDependencyControl(StringRef chip) {
  std::optional<int64_t> capability = gpu_lowering::computeCapability(chip);
  return capability && *capability >= 90;
}

namespace {
struct AttnGridDependencyControlPass
    : attn::impl::AttnGridDependencyControlPassBase<
          AttnGridDependencyControlPass> {
  void runOnOperation() override {
    gpu::GPUModuleOp kernels = getOperation();
    if (std::optional<ArrayAttr> targets = kernels.getTargets()) {
      for (Attribute target : *targets) {
        auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(target);
        if (!nvvm || attn::supportsGridDependencyControl(nvvm.getChip()))
          continue;
        kernels.emitError()
            << "attn-grid-dependency-control: kernel module '"
            << kernels.getName() << "' targets " << nvvm.getChip()
            << ", expected sm_90 or newer (griddepcontrol)";
        return signalPassFailure();
      }
    }
    for (auto kernel : kernels.getOps<gpu::GPUFuncOp>()) {
      if (!kernel.isKernel() || kernel.getBody().empty())
        continue;
      auto builder = OpBuilder::atBlockBegin(&kernel.getBody().front());
      Location loc = kernel.getLoc();
      // Nothing of this kernel touches global memory before the previous
      // kernel on the stream has completed; the next may launch at once.
      NVVM::GriddepcontrolOp::create(builder, loc,
                                     NVVM::GridDepActionKind::wait);
      NVVM::GriddepcontrolOp::create(
          builder, loc, NVVM::GridDepActionKind::launch_dependents);
    }
  }
};
} // namespace
