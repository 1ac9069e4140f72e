//===- SeparateResults.cpp - the attn-separate-results pass ---------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNSEPARATERESULTSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnSeparateResultsPass
    : public attn::impl::AttnSeparateResultsPassBase<AttnSeparateResultsPass> {
  void runOnOperation() override {
    // The caller's inputs are read-only (the C header declares them const,
    // and attn-run reuses them for every timed call): an op that would
    // write in place into one writes into a copy instead.
    getOperation().walk([](func::FuncOp func) {
      if (!func.isPublic() || func.isExternal())
        return;
      for (BlockArgument argument : func.getArguments())
        if (isa<TensorType>(argument.getType()))
          func.setArgAttr(
              argument.getArgNumber(),
              bufferization::BufferizationDialect::kWritableAttrName,
              BoolAttr::get(func.getContext(), false));
    });
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      DenseSet<Value> seen;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type)
          continue;
        if (auto empty = value.getDefiningOp<tensor::EmptyOp>()) {
          operand.set(bufferization::AllocTensorOp::create(
              b, ret.getLoc(), type, empty.getDynamicSizes()));
          continue;
        }
        if (seen.insert(value).second)
          continue;
        // The returned type exactly, its encoding too.
        Value empty = tensor::EmptyOp::create(
            b, ret.getLoc(), tensor::getMixedSizes(b, ret.getLoc(), value),
            type.getElementType(), type.getEncoding());
        operand.set(
            linalg::CopyOp::create(b, ret.getLoc(), value, empty).getResult(0));
      }
    });
  }
};
} // namespace
