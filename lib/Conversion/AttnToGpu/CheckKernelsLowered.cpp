//===- CheckKernelsLowered.cpp - the attn-check-kernels-lowered pass ------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKKERNELSLOWEREDPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnCheckKernelsLoweredPass
    : attn::impl::AttnCheckKernelsLoweredPassBase<AttnCheckKernelsLoweredPass> {
  void runOnOperation() override {
    gpu::GPUModuleOp kernels = getOperation();
    WalkResult result = kernels.getBody()->walk([&](Operation *op) {
      if (isa_and_present<LLVM::LLVMDialect, NVVM::NVVMDialect>(
              op->getDialect()))
        return WalkResult::advance();
      op->emitError() << "GPU lowering: '" << op->getName()
                      << "' in kernel module '" << kernels.getName()
                      << "' has no lowering to NVVM (from a score_mod or "
                         "mask_mod region, or a program's elementwise ops: "
                         "write it with other ops)";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
