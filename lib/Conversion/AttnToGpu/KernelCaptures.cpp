//===- KernelCaptures.cpp - tensors that an attention's hooks read --------===//

#include "KernelCaptures.h"

#include "attn/Support/ResourceElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

/// Calls `visit(use, region)` for each operand of an op in `op`'s score_mod
/// and mask_mod regions that comes from outside the region and is not a
/// constant (inlineRegionBody clones those into the kernel), until it
/// returns failure.
static LogicalResult
forEachCapture(AttentionOp op,
               llvm::function_ref<LogicalResult(OpOperand &)> visit) {
  for (Region *region : {&op.getScoreMod(), &op.getMaskMod()}) {
    WalkResult result = region->walk([&](Operation *nested) {
      for (OpOperand &use : nested->getOpOperands()) {
        Value value = use.get();
        if (region->isAncestor(value.getParentRegion()) ||
            matchPattern(value, m_Constant()))
          continue;
        if (failed(visit(use)))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return success();
}

SmallVector<Value> gpu_lowering::capturedValues(AttentionOp op) {
  llvm::SetVector<Value> captured;
  (void)forEachCapture(op, [&](OpOperand &use) {
    captured.insert(use.get());
    return success();
  });
  return captured.takeVector();
}

/// Whether `use` reads elements or sizes of the tensor it takes.
static bool isTensorRead(OpOperand &use) {
  Operation *user = use.getOwner();
  return (isa<tensor::ExtractOp>(user) &&
          use.get() == cast<tensor::ExtractOp>(user).getTensor()) ||
         (isa<tensor::DimOp>(user) &&
          use.get() == cast<tensor::DimOp>(user).getSource());
}

LogicalResult gpu_lowering::checkCapturedValues(AttentionOp op) {
  // A call reaches a host function, which no kernel can (the CPU paths
  // take such calls).
  for (Region *region : {&op.getScoreMod(), &op.getMaskMod()}) {
    WalkResult calls = region->walk([&](Operation *nested) {
      auto call = dyn_cast<CallOpInterface>(nested);
      if (!call)
        return WalkResult::advance();
      InFlightDiagnostic diagnostic =
          op.emitOpError("GPU lowering: a score_mod or mask_mod region calls ");
      if (auto callee = llvm::dyn_cast_if_present<SymbolRefAttr>(
              call.getCallableForCallee()))
        diagnostic << callee << " ";
      diagnostic << "('" << nested->getName()
                 << "'); kernels cannot call host functions: inline the "
                    "callee first";
      return WalkResult::interrupt();
    });
    if (calls.wasInterrupted())
      return failure();
  }
  return forEachCapture(op, [&](OpOperand &use) -> LogicalResult {
    Operation *user = use.getOwner();
    auto tensor = dyn_cast<RankedTensorType>(use.get().getType());
    Type element = tensor ? tensor.getElementType() : Type();
    if (!tensor ||
        !(element.isIntOrIndex() ||
          isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(element)))
      return op.emitOpError("GPU lowering: a score_mod or mask_mod region "
                            "reads a value of type ")
             << use.get().getType() << " from outside it ('" << user->getName()
             << "'); a kernel receives the function's ranked tensors of "
                "integers, indices, f16, bf16, f32 or f64 and constants only";
    if (!isTensorRead(use))
      return op.emitOpError("GPU lowering: a score_mod or mask_mod region "
                            "passes a tensor from outside it to '")
             << user->getName()
             << "'; a kernel reads such tensors by tensor.extract and "
                "tensor.dim only";
    return success();
  });
}

/// Rewrites the reads of `tensor` in `kernel` into reads of the memref that
/// `buffer` gives at each reader. Returns the first reader that is neither
/// a tensor.extract nor a tensor.dim, else null.
static Operation *rewriteReads(gpu::GPUFuncOp kernel, Value tensor,
                               llvm::function_ref<Value(OpBuilder &)> buffer) {
  OpBuilder b(kernel.getContext());
  for (OpOperand &use : llvm::make_early_inc_range(tensor.getUses())) {
    Operation *user = use.getOwner();
    // (The host function's region still reads a captured tensor.)
    if (!kernel->isAncestor(user))
      continue;
    if (!isTensorRead(use))
      return user;
    b.setInsertionPoint(user);
    Value replacement;
    if (auto extract = dyn_cast<tensor::ExtractOp>(user))
      replacement = memref::LoadOp::create(b, user->getLoc(), buffer(b),
                                           extract.getIndices());
    else
      replacement = memref::DimOp::create(b, user->getLoc(), buffer(b),
                                          cast<tensor::DimOp>(user).getIndex());
    user->getResult(0).replaceAllUsesWith(replacement);
    user->erase();
  }
  return nullptr;
}

/// A region's constant table as dense elements: a dense constant as it is,
/// a resource blob (torch-mlir's module parameters) read as the CPU code
/// reads it; null if the blob cannot be read.
static DenseElementsAttr tableElements(Attribute attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return denseElementsOfResource(resource);
  return {};
}

Operation *gpu_lowering::lowerTensorReads(gpu::GPUFuncOp kernel,
                                          gpu::GPUModuleOp module,
                                          ArrayRef<Value> captured,
                                          ValueRange buffers) {
  for (auto [value, buffer] : llvm::zip_equal(captured, buffers)) {
    Value argument = buffer;
    if (Operation *user =
            rewriteReads(kernel, value, [&](OpBuilder &) { return argument; }))
      return user;
  }
  SmallVector<arith::ConstantOp> constants;
  kernel.walk([&](arith::ConstantOp constant) {
    if (isa<RankedTensorType>(constant.getType()))
      constants.push_back(constant);
  });
  // One private constant global per distinct value, after the kernel
  // (none left behind if the kernel cannot be built).
  DenseMap<Attribute, memref::GlobalOp> globals;
  auto fail = [&](Operation *user) {
    for (auto &entry : globals)
      entry.second.erase();
    return user;
  };
  for (arith::ConstantOp constant : constants) {
    DenseElementsAttr value = tableElements(constant.getValue());
    if (!value)
      return fail(constant);
    memref::GlobalOp &global = globals[value];
    if (!global) {
      OpBuilder b(module.getContext());
      b.setInsertionPointAfter(kernel);
      auto tensor = cast<RankedTensorType>(constant.getType());
      auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
      std::string symbol = (kernel.getName() + "_table" +
                            Twine(static_cast<int64_t>(globals.size() - 1)))
                               .str();
      global = memref::GlobalOp::create(
          b, constant.getLoc(), symbol, b.getStringAttr("private"), type, value,
          /*constant=*/true, /*alignment=*/IntegerAttr());
    }
    if (Operation *user =
            rewriteReads(kernel, constant, [&](OpBuilder &b) -> Value {
              return memref::GetGlobalOp::create(
                  b, constant.getLoc(), global.getType(), global.getSymName());
            }))
      return fail(user);
    constant.erase();
  }
  // Whatever tensor code is left (a slice of a table, say) cannot run in a
  // kernel.
  Operation *tensorUser = nullptr;
  kernel.walk([&](Operation *nested) {
    if (llvm::any_of(nested->getResultTypes(), llvm::IsaPred<TensorType>))
      tensorUser = nested;
    return tensorUser ? WalkResult::interrupt() : WalkResult::advance();
  });
  return tensorUser ? fail(tensorUser) : nullptr;
}
