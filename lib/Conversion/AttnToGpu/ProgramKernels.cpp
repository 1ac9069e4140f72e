//===- ProgramKernels.cpp - compress and merge kernels for GPU programs ---===//
//
// The token ops between a program's attention kernels: attn.compress
// reduces its window of rows, attn.merge combines its branches' rows,
// attn.causal_conv sums its taps of earlier rows, and elementwise arith and
// math ops (a gate's arithmetic) compute theirs. Each is a pass over
// memory, so each thread takes 8 consecutive 16-bit
// elements of a row (one 16-byte load per operand row; the launchers check
// that rows are contiguous and 16-byte aligned) where the rows allow, else
// one element. They compute in f32 and round once, as the reference does
// (elementwise ops: in their own element types, one element a thread).
//
//===----------------------------------------------------------------------===//

#include "IndexArithmetic.h"
#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/IR/PointCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

int64_t mlir::attn::elementwiseWidth(Operation *op) {
  bool vectorised = true;
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto shaped = cast<ShapedType>(type);
    if (shaped.getRank() == 4)
      vectorised &= shaped.getElementTypeBitWidth() == 16 &&
                    shaped.getDimSize(3) % 8 == 0;
  }
  return vectorised ? 8 : 1;
}

/// The size of `buffer`'s dimension `dim`: its type's, or read from the
/// buffer where the type leaves it open.
static Value bufferSize(OpBuilder &b, Location loc, Value buffer, int64_t dim) {
  return gpu_lowering::IndexArithmetic(b, loc).size(buffer, dim);
}

/// ceil(x / n) for n > 0.
static Value ceilDiv(OpBuilder &b, Location loc, Value x, int64_t n) {
  return gpu_lowering::IndexArithmetic(b, loc).ceilDiv(x, n);
}

Value mlir::attn::elementwiseGridX(OpBuilder &b, Location loc, Value result,
                                   int64_t width) {
  auto type = cast<MemRefType>(result.getType());
  if (type.hasStaticShape())
    return arith::ConstantIndexOp::create(
        b, loc,
        llvm::divideCeil(type.getNumElements() / width, kElementwiseThreads));
  int64_t rank = type.getRank();
  Value elements = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t dim = 0; dim < rank; ++dim)
    elements = arith::MulIOp::create(b, loc, elements,
                                     bufferSize(b, loc, result, dim));
  Value threads =
      width == 1
          ? elements
          : arith::DivUIOp::create(
                b, loc, elements, arith::ConstantIndexOp::create(b, loc, width))
                .getResult();
  return ceilDiv(b, loc, threads, kElementwiseThreads);
}

namespace {

/// Loads, stores and arithmetic on `width` consecutive elements of a row
/// (width 1: scalars), in f32.
struct Lanes {
  OpBuilder &b;
  Location loc;
  int64_t width;

  Type f32Type() {
    Type f32 = b.getF32Type();
    return width == 1 ? f32 : VectorType::get({width}, f32);
  }
  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  }
  Value scalar(double v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(static_cast<float>(v)));
  }
  /// A scalar f32 (a row's gate or LSE) on every lane.
  Value splat(Value x) {
    return width == 1
               ? x
               : vector::BroadcastOp::create(b, loc, f32Type(), x).getResult();
  }
  Value constant(double v) { return splat(scalar(v)); }
  /// The lanes at `indices` of a 4-D buffer, widened to f32.
  Value load(Value buffer, ValueRange indices) {
    Type element = cast<MemRefType>(buffer.getType()).getElementType();
    Value x = width == 1
                  ? memref::LoadOp::create(b, loc, buffer, indices).getResult()
                  : vector::LoadOp::create(
                        b, loc, VectorType::get({width}, element), buffer,
                        indices, /*nontemporal=*/false, llvm::Align(2 * width))
                        .getResult();
    return convert(x, f32Type());
  }
  /// Rounds the f32 lanes to `buffer`'s type and stores them at `indices`.
  void store(Value x, Value buffer, ValueRange indices) {
    Type element = cast<MemRefType>(buffer.getType()).getElementType();
    Type type = width == 1 ? element : VectorType::get({width}, element);
    x = convert(x, type);
    if (width == 1)
      memref::StoreOp::create(b, loc, x, buffer, indices);
    else
      vector::StoreOp::create(b, loc, x, buffer, indices,
                              /*nontemporal=*/false, llvm::Align(2 * width));
  }
  Value convert(Value x, Type type) {
    unsigned from = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    unsigned to = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
    if (from < to)
      return arith::ExtFOp::create(b, loc, type, x);
    if (from > to)
      return arith::TruncFOp::create(b, loc, type, x);
    return x;
  }
};

/// The body of a kernel: its arguments and the indices of the first of
/// the thread's elements.
using ElementBody = function_ref<void(Lanes &, ValueRange, ValueRange)>;

/// A kernel of one thread per `width` consecutive elements of a row of
/// its argument `output` (row-major); `body` runs for the threads inside
/// it.
gpu::GPUFuncOp buildPerElementKernel(OpBuilder &builder,
                                     gpu::GPUModuleOp module, Location loc,
                                     StringRef name, TypeRange arguments,
                                     unsigned output, int64_t width,
                                     ElementBody body) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, arguments, kElementwiseThreads,
                           /*blockQ=*/0, /*sharedBytes=*/0);
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Lanes lanes{b, loc, width};
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc,
                            gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                            lanes.index(kElementwiseThreads)),
      gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  // The threads' sizes, innermost in groups of width (read from the
  // buffer where they are dynamic).
  Value outputBuffer = entry.getArgument(output);
  int64_t rank = cast<MemRefType>(outputBuffer.getType()).getRank();
  SmallVector<Value> sizes;
  Value threads = lanes.index(1);
  for (int64_t dim = 0; dim < rank; ++dim) {
    Value size = bufferSize(b, loc, outputBuffer, dim);
    if (dim == rank - 1 && width > 1)
      size = arith::DivUIOp::create(b, loc, size, lanes.index(width));
    sizes.push_back(size);
    threads = arith::MulIOp::create(b, loc, threads, size);
  }
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear, threads);
  auto guardIf = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  b.setInsertionPointToStart(guardIf.thenBlock());
  // Row-major indices, innermost first; the innermost in groups of width.
  SmallVector<Value> indices(rank);
  Value rest = linear;
  for (int64_t dim = rank - 1; dim >= 0; --dim) {
    bool innermost = dim == rank - 1;
    Value size = sizes[dim];
    indices[dim] = arith::RemUIOp::create(b, loc, rest, size);
    rest = arith::DivUIOp::create(b, loc, rest, size);
    if (innermost && width > 1)
      indices[dim] =
          arith::MulIOp::create(b, loc, indices[dim], lanes.index(width));
  }
  body(lanes, entry.getArguments(), indices);
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

/// The kernel's type for an operand or result: rows of contiguous elements
/// for 4-D buffers read `width` at a time.
Type argumentType(Value value, int64_t width) {
  auto type = cast<RankedTensorType>(value.getType());
  return kernelBufferType(type, width > 1 && type.getRank() == 4);
}

} // namespace

gpu::GPUFuncOp mlir::attn::buildCompressKernel(OpBuilder &builder,
                                               gpu::GPUModuleOp module,
                                               CompressOp op, StringRef name) {
  int64_t width = elementwiseWidth(op);
  SmallVector<Type> arguments;
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
    arguments.push_back(argumentType(value, width));
  int64_t stride = op.getStride(), window = op.getWindowOrStride();

  ReduceKind reduce = op.getReduce();
  bool weighted = static_cast<bool>(op.getWeights());
  auto body = [&](Lanes &l, ValueRange args, ValueRange at) {
    OpBuilder &b = l.b;
    Location loc = l.loc;
    Value input = args[0], output = args.back();
    // Rows [c stride, min(c stride + window, L)).
    Value first = arith::MulIOp::create(b, loc, at[2], l.index(stride));
    Value last = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, l.index(window)),
        bufferSize(b, loc, input, 2));
    Value init = l.constant(reduce == ReduceKind::Max
                                ? -std::numeric_limits<double>::infinity()
                                : 0.0);
    auto loop = scf::ForOp::create(
        b, loc, first, last, l.index(1), ValueRange{init},
        [&](OpBuilder &nb, Location nl, Value row, ValueRange carried) {
          Lanes inner{nb, nl, l.width};
          Value x = inner.load(input, {at[0], at[1], row, at[3]});
          if (weighted) {
            Value tap = arith::SubIOp::create(nb, nl, row, first);
            Value weights = args[1];
            SmallVector<Value> slot{tap};
            if (cast<MemRefType>(weights.getType()).getRank() == 2)
              slot.insert(slot.begin(), at[1]);
            Value weight = inner.convert(
                memref::LoadOp::create(nb, nl, weights, slot), nb.getF32Type());
            x = arith::MulFOp::create(nb, nl, x, inner.splat(weight));
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
      result = arith::DivFOp::create(b, loc, result, l.splat(count));
    }
    l.store(result, output, at);
  };
  return buildPerElementKernel(builder, module, op.getLoc(), name, arguments,
                               arguments.size() - 1, width, body);
}

gpu::GPUFuncOp mlir::attn::buildMergeKernel(OpBuilder &builder,
                                            gpu::GPUModuleOp module, MergeOp op,
                                            StringRef name) {
  int64_t width = elementwiseWidth(op);
  SmallVector<Type> arguments;
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
    arguments.push_back(argumentType(value, width));
  size_t branches = op.getOutputs().size();
  MergeKind kind = op.getKind();
  bool mergedLse = static_cast<bool>(op.getLse());
  auto body = [&](Lanes &l, ValueRange args, ValueRange at) {
    OpBuilder &b = l.b;
    Location loc = l.loc;
    WarpMatrix w{b, loc, b.getF32Type()};
    ValueRange outputs = args.take_front(branches);
    ValueRange weights =
        args.slice(branches, kind == MergeKind::Sum ? 0 : branches);
    Value result = args[args.size() - (mergedLse ? 2 : 1)];
    ValueRange row = at.take_front(3);
    auto weight = [&](size_t n) {
      return l.convert(memref::LoadOp::create(b, loc, weights[n], row),
                       b.getF32Type());
    };
    Value sum = l.constant(0.0);
    if (kind != MergeKind::Lse) {
      // Branch order, as the reference sums.
      for (size_t n = 0; n < branches; ++n) {
        Value term = l.load(outputs[n], at);
        if (kind == MergeKind::Gated)
          term = arith::MulFOp::create(b, loc, l.splat(weight(n)), term);
        sum = arith::AddFOp::create(b, loc, sum, term);
      }
      l.store(sum, result, at);
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
      sum =
          arith::AddFOp::create(b, loc, sum,
                                arith::MulFOp::create(b, loc, l.splat(factor),
                                                      l.load(outputs[n], at)));
    }
    // 1 / denominator (exact division), 0 for a row without keys.
    Value inverse = arith::SelectOp::create(
        b, loc, any, arith::DivFOp::create(b, loc, w.f32(1.0), denominator),
        w.f32(0.0));
    l.store(arith::MulFOp::create(b, loc, sum, l.splat(inverse)), result, at);
    if (!mergedLse)
      return;
    // The row's lse, once per row (by its first column's thread).
    Value firstColumn = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              at[3], l.index(0));
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
                               arguments.size() - (mergedLse ? 2 : 1), width,
                               body);
}

gpu::GPUFuncOp mlir::attn::buildElementwiseKernel(OpBuilder &builder,
                                                  gpu::GPUModuleOp module,
                                                  Operation *root,
                                                  ArrayRef<Value> leaves,
                                                  StringRef name) {
  SmallVector<Type> arguments;
  for (Value leaf : leaves)
    arguments.push_back(argumentType(leaf, 1));
  arguments.push_back(argumentType(root->getResult(0), 1));
  auto body = [&](Lanes &l, ValueRange args, ValueRange at) {
    OpBuilder &b = l.b;
    Location loc = l.loc;
    // Each value of the chain as the thread's element: the leaves loaded,
    // splat constants as scalars, each op rebuilt on scalars.
    IRMapping scalars;
    for (auto [leaf, buffer] : llvm::zip(leaves, args))
      scalars.map(leaf, memref::LoadOp::create(b, loc, buffer, at));
    std::function<Value(Value)> scalarOf = [&](Value value) -> Value {
      if (Value known = scalars.lookupOrNull(value))
        return known;
      Operation *op = value.getDefiningOp();
      Value scalar;
      if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
        scalar = arith::ConstantOp::create(
            b, loc,
            cast<TypedAttr>(cast<SplatElementsAttr>(constant.getValue())
                                .getSplatValue<Attribute>()));
      } else if (auto splat = dyn_cast<tensor::SplatOp>(op)) {
        // (Its scalar is a constant: isElementwiseTensorOp.)
        Attribute value;
        matchPattern(splat.getInput(), m_Constant(&value));
        scalar = arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
      } else if (auto generate = dyn_cast<tensor::GenerateOp>(op)) {
        // Every value of a chain has the root's shape: the body at the
        // thread's indices.
        scalar = inlineRegionBody(b, generate.getBody(), at);
      } else {
        OperationState state(op->getLoc(), op->getName());
        for (Value operand : op->getOperands())
          state.addOperands(scalarOf(operand));
        state.addTypes(getElementTypeOrSelf(value.getType()));
        state.propertiesAttr = op->getPropertiesAsAttribute();
        state.addAttributes(llvm::to_vector(op->getDiscardableAttrs()));
        scalar = b.create(state)->getResult(0);
      }
      scalars.map(value, scalar);
      return scalar;
    };
    memref::StoreOp::create(b, loc, scalarOf(root->getResult(0)), args.back(),
                            at);
  };
  return buildPerElementKernel(builder, module, root->getLoc(), name, arguments,
                               arguments.size() - 1, /*width=*/1, body);
}

/// attn.causal_conv's threads: batch x heads x row blocks x column groups
/// (heads and the head dim static; batch and length read from `output`).
static Value causalConvThreads(OpBuilder &b, Location loc, CausalConvOp op,
                               Value output) {
  auto type = cast<ShapedType>(op.getResult().getType());
  int64_t perRowBlock =
      type.getDimSize(1) * (type.getDimSize(3) / elementwiseWidth(op));
  Value rowBlocks =
      ceilDiv(b, loc, bufferSize(b, loc, output, 2), kConvRowsPerThread);
  return arith::MulIOp::create(
      b, loc,
      arith::MulIOp::create(
          b, loc, bufferSize(b, loc, output, 0),
          arith::ConstantIndexOp::create(b, loc, perRowBlock)),
      rowBlocks);
}

Value mlir::attn::causalConvGridX(OpBuilder &b, Location loc, CausalConvOp op,
                                  Value result) {
  auto type = cast<MemRefType>(result.getType());
  if (type.hasStaticShape()) {
    int64_t threads = type.getDimSize(0) * type.getDimSize(1) *
                      llvm::divideCeil(type.getDimSize(2), kConvRowsPerThread) *
                      (type.getDimSize(3) / elementwiseWidth(op));
    return arith::ConstantIndexOp::create(
        b, loc, llvm::divideCeil(threads, kElementwiseThreads));
  }
  return ceilDiv(b, loc, causalConvThreads(b, loc, op, result),
                 kElementwiseThreads);
}

gpu::GPUFuncOp mlir::attn::buildCausalConvKernel(OpBuilder &builder,
                                                 gpu::GPUModuleOp module,
                                                 CausalConvOp op,
                                                 StringRef name) {
  // A thread per kConvRowsPerThread rows x `width` columns: the taps'
  // weights are loaded once and each input row once for all the outputs
  // that read it (rows + taps - 1 loads instead of rows x taps).
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  Location loc = op.getLoc();
  int64_t width = elementwiseWidth(op);
  SmallVector<Type> arguments;
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
    arguments.push_back(argumentType(value, width));
  auto type = cast<ShapedType>(op.getResult().getType());
  int64_t heads = type.getDimSize(1), groups = type.getDimSize(3) / width;
  int64_t taps = cast<ShapedType>(op.getWeight().getType()).getDimSize(2);
  gpu::GPUFuncOp kernel =
      createKernelFunction(builder, loc, name, arguments, kElementwiseThreads,
                           /*blockQ=*/0, /*sharedBytes=*/0);
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  Lanes l{b, loc, width};
  Value input = entry.getArgument(0), weight = entry.getArgument(1),
        output = entry.getArgument(2);
  // Batch and length may be dynamic (programs take any); heads and the
  // head dim are static.
  Value length = bufferSize(b, loc, output, 2);
  Value rowBlocks = ceilDiv(b, loc, length, kConvRowsPerThread);
  Value threads = causalConvThreads(b, loc, op, output);
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc,
                            gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
                            l.index(kElementwiseThreads)),
      gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  auto inside = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear, threads),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(inside.thenBlock());
  auto split = [&](Value &rest, Value size) {
    Value part = arith::RemUIOp::create(b, loc, rest, size);
    rest = arith::DivUIOp::create(b, loc, rest, size);
    return part;
  };
  Value rest = linear;
  Value column = arith::MulIOp::create(b, loc, split(rest, l.index(groups)),
                                       l.index(width));
  Value firstRow = arith::MulIOp::create(b, loc, split(rest, rowBlocks),
                                         l.index(kConvRowsPerThread));
  Value head = split(rest, l.index(heads));
  Value batch = rest;
  // The lanes' weights w[h, d + i, k] per tap (strided by the taps).
  SmallVector<Value> weights;
  for (int64_t k = 0; k < taps; ++k) {
    SmallVector<Value> lanes;
    for (int64_t i = 0; i < width; ++i)
      lanes.push_back(l.convert(
          memref::LoadOp::create(
              b, loc, weight,
              ValueRange{head,
                         arith::AddIOp::create(b, loc, column, l.index(i)),
                         l.index(k)}),
          b.getF32Type()));
    weights.push_back(
        width == 1 ? lanes[0]
                   : vector::FromElementsOp::create(b, loc, l.f32Type(), lanes)
                         .getResult());
  }
  // Input rows firstRow - taps + 1 + j, zeros outside the sequence.
  SmallVector<Value> rows;
  for (int64_t j = 0; j < kConvRowsPerThread + taps - 1; ++j) {
    // row = firstRow + j - (taps - 1), valid when firstRow + j >= taps - 1
    // and row < L.
    Value shifted = arith::AddIOp::create(b, loc, firstRow, l.index(j));
    Value valid = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, shifted,
                              l.index(taps - 1)),
        arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::ult, shifted,
            arith::AddIOp::create(b, loc, length, l.index(taps - 1))));
    auto load = scf::IfOp::create(b, loc, TypeRange{l.f32Type()}, valid,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(load.thenBlock());
    Value row = arith::SubIOp::create(b, loc, shifted, l.index(taps - 1));
    scf::YieldOp::create(b, loc, l.load(input, {batch, head, row, column}));
    b.setInsertionPointToStart(load.elseBlock());
    scf::YieldOp::create(b, loc, l.constant(0.0));
    rows.push_back(load.getResult(0));
  }
  // Output row firstRow + r = sum_k w_k x[firstRow + r - taps + 1 + k].
  for (int64_t r = 0; r < kConvRowsPerThread; ++r) {
    Value sum = l.constant(0.0);
    for (int64_t k = 0; k < taps; ++k)
      sum = arith::AddFOp::create(
          b, loc, sum, arith::MulFOp::create(b, loc, weights[k], rows[r + k]));
    Value row = arith::AddIOp::create(b, loc, firstRow, l.index(r));
    auto store = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, length),
        /*withElseRegion=*/false);
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(store.thenBlock());
    l.store(sum, output, {batch, head, row, column});
  }
  b.setInsertionPointToEnd(&entry);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
