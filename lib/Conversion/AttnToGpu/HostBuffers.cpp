//===- HostBuffers.cpp - device buffers of a GPU host function -----------===//
//
// The host rewrite of convert-attn-to-gpu gives each tensor of a function
// its device buffer: arguments become memrefs, results gpu.alloc'd
// temporaries or output arguments (HostBuffers.h says how the attn ops that
// read them stay valid meanwhile).
//
//===----------------------------------------------------------------------===//

#include "HostBuffers.h"
#include "IndexArithmetic.h"

#include "attn/Analysis/SizeRelations.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Value gpu_lowering::allocTemporary(OpBuilder &b, Location loc, MemRefType type,
                                   ValueRange dynamicSizes) {
  return gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(), ValueRange{},
                              dynamicSizes, ValueRange{})
      .getMemref();
}

void gpu_lowering::freeTemporary(OpBuilder &b, Location loc, Value buffer) {
  gpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{}, buffer);
}

Value gpu_lowering::hostBuffer(Value value) {
  if (isa<MemRefType>(value.getType()))
    return value;
  if (auto shapeCast = value.getDefiningOp<tensor::CastOp>())
    return hostBuffer(shapeCast.getSource());
  auto bound = value.getDefiningOp<UnrealizedConversionCastOp>();
  if (!bound || bound->getNumOperands() != 1 ||
      !isa<MemRefType>(bound->getOperand(0).getType()))
    return {};
  return bound->getOperand(0);
}

Value gpu_lowering::bufferDim(OpBuilder &b, Location loc, Value tensor,
                              int64_t dim) {
  Value buffer = hostBuffer(tensor);
  assert(buffer && "an op's operands have buffers before it launches");
  return memref::DimOp::create(b, loc, buffer, dim);
}

void gpu_lowering::bindBuffer(OpBuilder &b, Location loc, Value tensor,
                              Value buffer) {
  auto bound =
      UnrealizedConversionCastOp::create(b, loc, tensor.getType(), buffer);
  tensor.replaceAllUsesExcept(bound.getResult(0), bound);
}

void gpu_lowering::eraseBufferBindings(func::FuncOp func) {
  func.walk([&](UnrealizedConversionCastOp cast) {
    assert((!hostBuffer(cast.getResult(0)) || cast.use_empty()) &&
           "the host rewrite erases every reader of a bound tensor");
    if (hostBuffer(cast.getResult(0)) && cast.use_empty())
      cast.erase();
  });
}

bool gpu_lowering::anyUseThroughCasts(
    Value value, llvm::function_ref<bool(OpOperand &)> test) {
  return llvm::any_of(value.getUses(), [&](OpOperand &use) {
    if (auto shapeCast = dyn_cast<tensor::CastOp>(use.getOwner()))
      return anyUseThroughCasts(shapeCast.getResult(), test);
    return test(use);
  });
}

Value gpu_lowering::hostSize(OpBuilder &b, Location loc, Value value,
                             int64_t dim) {
  auto shaped = cast<ShapedType>(value.getType());
  if (!shaped.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, shaped.getDimSize(dim));
  if (Value buffer = hostBuffer(value))
    return memref::DimOp::create(b, loc, buffer, dim);
  Operation *op = value.getDefiningOp();
  if (auto attention = dyn_cast<AttentionOp>(op))
    return hostSize(
        b, loc, dim == 3 ? attention.getValue() : attention.getQuery(), dim);
  if (auto linear = dyn_cast<LinearAttentionOp>(op))
    return hostSize(b, loc, dim == 3 ? linear.getValue() : linear.getQuery(),
                    dim);
  if (auto merge = dyn_cast<MergeOp>(op))
    return hostSize(b, loc, merge.getOutputs().front(), dim);
  if (auto conv = dyn_cast<CausalConvOp>(op))
    return hostSize(b, loc, conv.getInput(), dim);
  if (auto shapeCast = dyn_cast<tensor::CastOp>(op))
    return hostSize(b, loc, shapeCast.getSource(), dim);
  // A splat's or generate's open size is a size query (isSizeQuery): the
  // size of the tensor it asks about, or its ceil division by a constant.
  if (isa<tensor::SplatOp, tensor::GenerateOp>(op)) {
    std::optional<SizeQuery> asked = matchSizeQuery(op->getOperands().take_back(
        shaped.getNumDynamicDims())[shaped.getDynamicDimIndex(dim)]);
    assert(asked && "isSizeQuery checked the splat's and generate's sizes");
    Value size = hostSize(b, loc, asked->source, asked->dim);
    return asked->divisor == 1
               ? size
               : IndexArithmetic(b, loc).ceilDiv(size, asked->divisor);
  }
  // An elementwise op's operands all have its result's shape.
  if (OpTrait::hasElementwiseMappableTraits(op))
    return hostSize(b, loc, op->getOperand(0), dim);
  // Block scores [B, Hkv, ceil(Lq / block_q), Lc]; top-k's picks have its
  // scores' sizes but the last.
  if (auto scores = dyn_cast<BlockScoresOp>(op)) {
    if (dim != 2)
      return hostSize(b, loc, dim == 0 ? scores.getQuery() : scores.getKeys(),
                      dim == 3 ? 2 : dim);
    return IndexArithmetic(b, loc).ceilDiv(
        hostSize(b, loc, scores.getQuery(), 2), scores.getBlockQ());
  }
  if (auto topk = dyn_cast<TopkOp>(op)) {
    if (dim + 1 == shaped.getRank())
      return arith::ConstantIndexOp::create(b, loc, topk.getK());
    return hostSize(b, loc, topk.getScores(), dim);
  }
  auto compress = dyn_cast<CompressOp>(op);
  assert(compress && "matchProgramFunction allows dynamic sizes only on ops "
                     "that hostSize knows");
  Value input = hostSize(b, loc, compress.getInput(), dim);
  if (dim != 2)
    return input;
  return IndexArithmetic(b, loc).ceilDiv(input, compress.getStride());
}

SmallVector<Value> gpu_lowering::dynamicResultSizes(OpBuilder &b, Location loc,
                                                    Value result) {
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<Value> sizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      sizes.push_back(hostSize(b, loc, result, dim));
  return sizes;
}

void gpu_lowering::bindArgumentBuffers(func::FuncOp func,
                                       ArrayRef<Type> types) {
  Block &body = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  for (auto [argument, type] : llvm::zip(body.getArguments(), types)) {
    Type tensor = argument.getType();
    argument.setType(type);
    auto bound =
        UnrealizedConversionCastOp::create(b, func.getLoc(), tensor, argument);
    argument.replaceAllUsesExcept(bound.getResult(0), bound);
  }
}
