//===- TensorMapParams.cpp - tensor maps as grid-constant parameters ------===//
//
// The attn-convert-tensor-map-args pass (Passes.td says what and why).
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCONVERTTENSORMAPARGSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

/// Rewrites tensor-map argument `index` of `func` (stored once to a stack
/// slot) into a grid-constant byval pointer that replaces the slot.
static LogicalResult makeGridConstant(LLVM::LLVMFuncOp func, unsigned index) {
  BlockArgument argument = func.getArgument(index);
  auto mapType = dyn_cast<LLVM::LLVMArrayType>(argument.getType());
  if (!mapType || !argument.hasOneUse())
    return func.emitError("attn-convert-tensor-map-args: argument ")
           << index << " of kernel '" << func.getName()
           << "' must be a tensor map (an !llvm.array stored once), got "
           << argument.getType();
  auto store = dyn_cast<LLVM::StoreOp>(*argument.getUsers().begin());
  auto slot = store ? store.getAddr().getDefiningOp<LLVM::AllocaOp>()
                    : LLVM::AllocaOp();
  if (!slot || store.getValue() != argument)
    return func.emitError("attn-convert-tensor-map-args: tensor map ")
           << index << " of kernel '" << func.getName()
           << "' must be stored to a stack slot, its only use";
  MLIRContext *context = func.getContext();
  auto pointerType = LLVM::LLVMPointerType::get(context);
  store.erase();
  argument.setType(pointerType);
  slot.getResult().replaceAllUsesWith(argument);
  slot.erase();

  SmallVector<Type> inputs(func.getFunctionType().getParams());
  inputs[index] = pointerType;
  func.setFunctionType(LLVM::LLVMFunctionType::get(
      func.getFunctionType().getReturnType(), inputs));
  OpBuilder b(context);
  func.setArgAttr(index, LLVM::LLVMDialect::getByValAttrName(),
                  TypeAttr::get(mapType));
  func.setArgAttr(index, LLVM::LLVMDialect::getAlignAttrName(),
                  b.getI64IntegerAttr(64));
  func.setArgAttr(index, NVVM::NVVMDialect::getGridConstantAttrName(),
                  b.getUnitAttr());
  return success();
}

namespace {
struct AttnConvertTensorMapArgsPass
    : public attn::impl::AttnConvertTensorMapArgsPassBase<
          AttnConvertTensorMapArgsPass> {
  void runOnOperation() override {
    bool anyFailed = false;
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      auto count = func->getAttrOfType<IntegerAttr>(kKernelTensorMapsAttr);
      if (!count)
        return;
      if (func.isExternal() || count.getInt() < 0 ||
          count.getInt() > func.getNumArguments()) {
        func.emitError("attn-convert-tensor-map-args: kernel '")
            << func.getName() << "' is marked with " << count.getInt()
            << " tensor maps but has "
            << (func.isExternal()
                    ? std::string("no body")
                    : std::to_string(func.getNumArguments()) + " arguments");
        anyFailed = true;
        return;
      }
      bool rewritten = true;
      for (unsigned index = 0; index < count.getInt(); ++index)
        rewritten &= succeeded(makeGridConstant(func, index));
      anyFailed |= !rewritten;
      // ptxas caps the registers at entry only for a kernel with a minimum
      // of CTAs per multiprocessor; setmaxnreg needs that cap.
      auto ctas =
          func->getAttrOfType<IntegerAttr>(kKernelCtasPerMultiprocessorAttr);
      if (rewritten)
        func->setAttr(
            NVVM::NVVMDialect::getMinctasmAttrName(),
            OpBuilder(func).getI32IntegerAttr(ctas ? ctas.getInt() : 1));
    });
    if (anyFailed)
      signalPassFailure();
  }
};
} // namespace
