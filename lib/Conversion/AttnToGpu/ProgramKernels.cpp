//===- ProgramKernels.cpp - compress and merge kernels for GPU programs ---===//
//
// The token ops between a program's attention kernels, one thread per
// output element (the innermost dimension across a warp's lanes, so that
// loads and stores coalesce): attn.compress reduces its window of rows,
// attn.merge combines its branches' rows. Both are a pass over memory that
// the attention kernels around them dwarf; they compute in f32 and round
// once, as the reference does.
//
//===----------------------------------------------------------------------===//

#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

int64_t mlir::attn::elementwiseGridX(ShapedType type) {
  return llvm::divideCeil(type.getNumElements(), kElementwiseThreads);
}

namespace {

/// A kernel of one thread per element of `outputType` (row-major); `body`
/// runs for the threads inside it, with the kernel's arguments and the
/// element's indices.
using ElementBody =
    function_ref<void(OpBuilder &, Location, ValueRange, ValueRange)>;

gpu::GPUFuncOp buildPerElementKernel(OpBuilder &builder,
                                     gpu::GPUModuleOp module, Location loc,
                                     StringRef name, TypeRange arguments,
                                     ShapedType outputType, ElementBody body) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, arguments, kElementwiseThreads,
                           /*blockQ=*/0, /*sharedBytes=*/0);
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc,
                            gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                            index(kElementwiseThreads)),
      gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear,
                            index(outputType.getNumElements()));
  auto guardIf = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  b.setInsertionPointToStart(guardIf.thenBlock());
  // Row-major indices, innermost first.
  SmallVector<Value> indices(outputType.getRank());
  Value rest = linear;
  for (int64_t dim = outputType.getRank() - 1; dim >= 0; --dim) {
    Value size = index(outputType.getDimSize(dim));
    indices[dim] = arith::RemUIOp::create(b, loc, rest, size);
    rest = arith::DivUIOp::create(b, loc, rest, size);
  }
  body(b, loc, entry.getArguments(), indices);
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

Value toF32(OpBuilder &b, Location loc, Value x) {
  if (x.getType().isF32())
    return x;
  if (x.getType().getIntOrFloatBitWidth() < 32)
    return arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  return arith::TruncFOp::create(b, loc, b.getF32Type(), x);
}

Value fromF32(OpBuilder &b, Location loc, Type type, Value x) {
  if (type.isF32())
    return x;
  if (type.getIntOrFloatBitWidth() < 32)
    return arith::TruncFOp::create(b, loc, type, x);
  return arith::ExtFOp::create(b, loc, type, x);
}

} // namespace

gpu::GPUFuncOp mlir::attn::buildCompressKernel(OpBuilder &builder,
                                               gpu::GPUModuleOp module,
                                               CompressOp op, StringRef name) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<Type> arguments{kernelBufferType(inputType, false)};
  if (Value weights = op.getWeights())
    arguments.push_back(
        kernelBufferType(cast<RankedTensorType>(weights.getType()), false));
  arguments.push_back(kernelBufferType(resultType, false));
  int64_t stride = op.getStride(), window = op.getWindowOrStride();
  int64_t length = inputType.getDimSize(2);
  ReduceKind reduce = op.getReduce();
  bool weighted = static_cast<bool>(op.getWeights());
  auto body = [&](OpBuilder &b, Location loc, ValueRange args, ValueRange at) {
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    auto f32 = [&](double v) {
      return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                            APFloat(static_cast<float>(v)))
          .getResult();
    };
    Value input = args[0], output = args.back();
    // Rows [c stride, min(c stride + window, L)).
    Value first = arith::MulIOp::create(b, loc, at[2], index(stride));
    Value last = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, index(window)),
        index(length));
    Value init = reduce == ReduceKind::Max
                     ? f32(-std::numeric_limits<double>::infinity())
                     : f32(0.0);
    auto loop = scf::ForOp::create(
        b, loc, first, last, index(1), ValueRange{init},
        [&](OpBuilder &nb, Location nl, Value row, ValueRange carried) {
          Value x =
              toF32(nb, nl,
                    memref::LoadOp::create(
                        nb, nl, input, ValueRange{at[0], at[1], row, at[3]}));
          if (weighted) {
            Value tap = arith::SubIOp::create(nb, nl, row, first);
            Value weights = args[1];
            SmallVector<Value> slot{tap};
            if (cast<MemRefType>(weights.getType()).getRank() == 2)
              slot.insert(slot.begin(), at[1]);
            x = arith::MulFOp::create(
                nb, nl, x,
                toF32(nb, nl, memref::LoadOp::create(nb, nl, weights, slot)));
          }
          Value next =
              reduce == ReduceKind::Max
                  ? arith::MaximumFOp::create(nb, nl, carried[0], x).getResult()
                  : arith::AddFOp::create(nb, nl, carried[0], x).getResult();
          scf::YieldOp::create(nb, nl, next);
        });
    Value result = loop.getResult(0);
    if (reduce == ReduceKind::Mean) {
      Value count = arith::UIToFPOp::create(
          b, loc, b.getF32Type(),
          arith::IndexCastOp::create(
              b, loc, b.getI64Type(),
              arith::SubIOp::create(b, loc, last, first)));
      result = arith::DivFOp::create(b, loc, result, count);
    }
    memref::StoreOp::create(
        b, loc, fromF32(b, loc, resultType.getElementType(), result), output,
        at);
  };
  return buildPerElementKernel(builder, module, op.getLoc(), name, arguments,
                               resultType, body);
}

gpu::GPUFuncOp mlir::attn::buildMergeKernel(OpBuilder &builder,
                                            gpu::GPUModuleOp module, MergeOp op,
                                            StringRef name) {
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<Type> arguments;
  for (Value operand : op->getOperands())
    arguments.push_back(
        kernelBufferType(cast<RankedTensorType>(operand.getType()), false));
  for (Value result : op->getResults())
    arguments.push_back(
        kernelBufferType(cast<RankedTensorType>(result.getType()), false));
  size_t branches = op.getOutputs().size();
  MergeKind kind = op.getKind();
  bool mergedLse = static_cast<bool>(op.getLse());
  auto body = [&](OpBuilder &b, Location loc, ValueRange args, ValueRange at) {
    WarpMatrix w{b, loc, b.getF32Type()};
    ValueRange outputs = args.take_front(branches);
    ValueRange weights =
        args.slice(branches, kind == MergeKind::Sum ? 0 : branches);
    Value result = args[args.size() - (mergedLse ? 2 : 1)];
    ValueRange row = at.take_front(3);
    auto branch = [&](size_t n) {
      return toF32(b, loc, memref::LoadOp::create(b, loc, outputs[n], at));
    };
    auto weight = [&](size_t n) {
      return toF32(b, loc, memref::LoadOp::create(b, loc, weights[n], row));
    };
    Value sum = w.f32(0.0);
    if (kind != MergeKind::Lse) {
      // Branch order, as the reference sums.
      for (size_t n = 0; n < branches; ++n) {
        Value term = branch(n);
        if (kind == MergeKind::Gated)
          term = arith::MulFOp::create(b, loc, weight(n), term);
        sum = arith::AddFOp::create(b, loc, sum, term);
      }
      memref::StoreOp::create(b, loc,
                              fromF32(b, loc, resultType.getElementType(), sum),
                              result, at);
      return;
    }
    // o = sum_n 2^((lse_n - M) log2 e) o_n / sum_n (the same); a row of
    // branches without keys (M = -inf) gives 0 and -inf.
    Value negInf = w.f32(-std::numeric_limits<double>::infinity());
    SmallVector<Value> lse;
    Value top = negInf;
    for (size_t n = 0; n < branches; ++n) {
      lse.push_back(weight(n));
      top = arith::MaximumFOp::create(b, loc, top, lse.back());
    }
    Value any =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, top, negInf);
    Value shift = arith::SelectOp::create(b, loc, any, top, w.f32(0.0));
    Value denominator = w.f32(0.0);
    for (size_t n = 0; n < branches; ++n) {
      Value factor = w.exp2(arith::MulFOp::create(
          b, loc, arith::SubFOp::create(b, loc, lse[n], shift), w.f32(kLog2E)));
      denominator = arith::AddFOp::create(b, loc, denominator, factor);
      sum = arith::AddFOp::create(
          b, loc, sum, arith::MulFOp::create(b, loc, factor, branch(n)));
    }
    Value merged = arith::SelectOp::create(
        b, loc, any, arith::DivFOp::create(b, loc, sum, denominator),
        w.f32(0.0));
    memref::StoreOp::create(
        b, loc, fromF32(b, loc, resultType.getElementType(), merged), result,
        at);
    if (!mergedLse)
      return;
    // The row's lse, once per row (by its first column's thread).
    Value firstColumn =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, at[3],
                              arith::ConstantIndexOp::create(b, loc, 0));
    auto once = scf::IfOp::create(b, loc, firstColumn, false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(once.thenBlock());
    Value log2Sum = w.log2(denominator);
    Value rowLse = arith::AddFOp::create(
        b, loc, top, arith::MulFOp::create(b, loc, log2Sum, w.f32(kLn2)));
    memref::StoreOp::create(
        b, loc, arith::SelectOp::create(b, loc, any, rowLse, negInf),
        args.back(), row);
  };
  return buildPerElementKernel(builder, module, op.getLoc(), name, arguments,
                               resultType, body);
}
