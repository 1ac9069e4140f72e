//===- ExternDynamicShared.cpp - dynamic shared memory as an extern array -===//
//
// The attn-extern-dynamic-shared pass (Passes.td says what and why).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEXTERNDYNAMICSHAREDPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

/// Whether `global` is what convert-gpu-to-nvvm makes of
/// gpu.dynamic_shared_memory: a shared array of no elements, no value.
static bool isDynamicSharedSymbol(LLVM::GlobalOp global) {
  auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
  return global.getAddrSpace() == NVVM::NVVMMemorySpace::Shared && array &&
         array.getNumElements() == 0 && !global.getValueOrNull() &&
         global.getInitializerRegion().empty();
}

namespace {
struct AttnExternDynamicSharedPass
    : attn::impl::AttnExternDynamicSharedPassBase<AttnExternDynamicSharedPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      if (isDynamicSharedSymbol(global))
        global.setLinkage(LLVM::Linkage::External);
    });
  }
};
} // namespace
