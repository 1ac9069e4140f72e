//===- RegisterBlocking.cpp - register-blocked tile products --------------===//
//
//   for i0 in [0, m) step R:                     (R rows per block)
//     for j0 in [0, n) step V*W:                 (V vectors of W lanes)
//       acc[r][v] = rowScale[i0+r] * init[i0+r, j0+vW : W]   (or 0)
//       for k in [0, K):
//         x[v] = rhs[k, j0+vW : W]
//         acc[r][v] = fma(broadcast(lhs[i0+r, k]), x[v], acc[r][v])
//       out[i0+r, j0+vW : W] = acc[r][v]
//
// The R*V accumulators stay in registers over the whole reduction, so each
// loaded vector feeds R FMAs and each broadcast V of them.
//
//===----------------------------------------------------------------------===//

#include "RegisterBlocking.h"

#include "attn/Target/CpuTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

using namespace mlir;
using namespace mlir::attn;

Value mlir::attn::castToShape(OpBuilder &b, Location loc, Value value,
                              ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(value.getType()).getElementType());
  return tensor::CastOp::create(b, loc, type, value);
}

LogicalResult mlir::attn::checkVectorBitsOption(Operation *op, StringRef pass,
                                                int64_t bits) {
  if (isValidVectorBitsOption(bits))
    return success();
  return op->emitError() << pass << ": " << describeVectorBitsOptionError(bits);
}

std::optional<RegisterBlock>
mlir::attn::chooseRegisterBlock(int64_t m, int64_t n, int64_t lanes) {
  if (lanes <= 0 || n % lanes != 0)
    return std::nullopt;
  RegisterBlock block;
  block.lanes = lanes;
  for (int64_t vectors : {4, 2, 1})
    if ((n / lanes) % vectors == 0) {
      block.vectors = vectors;
      break;
    }
  for (int64_t rows : {4, 2, 1})
    if (m % rows == 0) {
      block.rows = rows;
      break;
    }
  return block;
}

namespace {
/// The accumulators of one register block: rows x vectors f32 vectors of
/// the result rows `rowIndex` and the columns starting at `columnIndex`.
using BlockKernel = function_ref<SmallVector<Value>(
    OpBuilder &, Location, Value out, ArrayRef<Value> rowIndex,
    ArrayRef<Value> columnIndex)>;
} // namespace

/// The loops (i0 in [0, rows) step rowStep, j0 in [0, columns) step
/// columnStep) carrying the tensor `out`, written in place: `body` returns
/// the updated tensor.
static Value forEachBlock(
    OpBuilder &b, Location loc, Value out, int64_t rows, int64_t rowStep,
    int64_t columns, int64_t columnStep,
    function_ref<Value(OpBuilder &, Location, Value i0, Value j0, Value out)>
        body) {
  auto index = [&](OpBuilder &builder, int64_t value) {
    return arith::ConstantIndexOp::create(builder, loc, value).getResult();
  };
  auto rowLoop = scf::ForOp::create(
      b, loc, index(b, 0), index(b, rows), index(b, rowStep), ValueRange{out},
      [&](OpBuilder &rb, Location rl, Value i0, ValueRange rowIter) {
        auto columnLoop = scf::ForOp::create(
            rb, rl, index(rb, 0), index(rb, columns), index(rb, columnStep),
            ValueRange{rowIter[0]},
            [&](OpBuilder &cb, Location cl, Value j0, ValueRange columnIter) {
              scf::YieldOp::create(cb, cl, body(cb, cl, i0, j0, columnIter[0]));
            });
        scf::YieldOp::create(rb, rl, columnLoop.getResults());
      });
  return rowLoop.getResult(0);
}

/// The loops over the register blocks of an [m, n] f32 result, written into
/// `out` in place: `kernel` computes each block's accumulators.
static Value forEachRegisterBlock(OpBuilder &b, Location loc, Value out,
                                  RegisterBlock block, BlockKernel kernel) {
  auto type = cast<RankedTensorType>(out.getType());
  SmallVector<bool> inBounds = {true};
  return forEachBlock(
      b, loc, out, type.getDimSize(0), block.rows, type.getDimSize(1),
      block.vectors * block.lanes,
      [&](OpBuilder &cb, Location cl, Value i0, Value j0, Value result) {
        auto index = [&](int64_t value) {
          return arith::ConstantIndexOp::create(cb, cl, value).getResult();
        };
        SmallVector<Value> rowIndex, columnIndex;
        for (int64_t r = 0; r < block.rows; ++r)
          rowIndex.push_back(arith::AddIOp::create(cb, cl, i0, index(r)));
        for (int64_t v = 0; v < block.vectors; ++v)
          columnIndex.push_back(
              arith::AddIOp::create(cb, cl, j0, index(v * block.lanes)));
        SmallVector<Value> accumulators =
            kernel(cb, cl, result, rowIndex, columnIndex);
        for (int64_t r = 0; r < block.rows; ++r)
          for (int64_t v = 0; v < block.vectors; ++v)
            result = vector::TransferWriteOp::create(
                         cb, cl, accumulators[r * block.vectors + v], result,
                         ValueRange{rowIndex[r], columnIndex[v]}, inBounds)
                         .getResult();
        return result;
      });
}

Value mlir::attn::buildRegisterBlockedProduct(OpBuilder &b, Location loc,
                                              Value lhs, Value rhs, Value init,
                                              Value rowScale,
                                              RegisterBlock block) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t m = lhsType.getDimSize(0), depth = lhsType.getDimSize(1),
          n = rhsType.getDimSize(1);
  Type f32 = b.getF32Type();
  auto vectorType = VectorType::get({block.lanes}, f32);
  bool accumulates = static_cast<bool>(init);
  if (!init)
    init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n}, f32);
  Value zeroVector = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getF32FloatAttr(0.0)));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
  SmallVector<bool> inBounds = {true};

  return forEachRegisterBlock(
      b, loc, init, block,
      [&](OpBuilder &cb, Location cl, Value out, ArrayRef<Value> rowIndex,
          ArrayRef<Value> columnIndex) {
        // The accumulators' start values.
        SmallVector<Value> start;
        for (int64_t r = 0; r < block.rows; ++r) {
          Value scale;
          if (rowScale)
            scale = vector::BroadcastOp::create(
                cb, cl, vectorType,
                tensor::ExtractOp::create(cb, cl, rowScale, rowIndex[r]));
          for (int64_t v = 0; v < block.vectors; ++v) {
            if (!accumulates) {
              start.push_back(zeroVector);
              continue;
            }
            Value current = vector::TransferReadOp::create(
                cb, cl, vectorType, out,
                ValueRange{rowIndex[r], columnIndex[v]}, zero, inBounds);
            if (scale)
              current = arith::MulFOp::create(cb, cl, current, scale);
            start.push_back(current);
          }
        }
        auto index = [&](int64_t value) {
          return arith::ConstantIndexOp::create(cb, cl, value).getResult();
        };
        auto reduction = scf::ForOp::create(
            cb, cl, index(0), index(depth), index(1), start,
            [&](OpBuilder &kb, Location kl, Value k, ValueRange accs) {
              SmallVector<Value> rhsVectors;
              for (int64_t v = 0; v < block.vectors; ++v)
                rhsVectors.push_back(vector::TransferReadOp::create(
                    kb, kl, vectorType, rhs, ValueRange{k, columnIndex[v]},
                    zero, inBounds));
              SmallVector<Value> next;
              for (int64_t r = 0; r < block.rows; ++r) {
                Value element = tensor::ExtractOp::create(
                    kb, kl, lhs, ValueRange{rowIndex[r], k});
                Value broadcast =
                    vector::BroadcastOp::create(kb, kl, vectorType, element);
                for (int64_t v = 0; v < block.vectors; ++v)
                  next.push_back(
                      vector::FMAOp::create(kb, kl, broadcast, rhsVectors[v],
                                            accs[r * block.vectors + v]));
              }
              scf::YieldOp::create(kb, kl, next);
            });
        return SmallVector<Value>(reduction.getResults());
      });
}

FailureOr<Value> mlir::attn::buildBlockedTranspose(OpBuilder &b, Location loc,
                                                   Value source,
                                                   int64_t lanes) {
  auto type = cast<RankedTensorType>(source.getType());
  if (!type.hasStaticShape() || lanes <= 0 || type.getDimSize(0) % lanes != 0 ||
      type.getDimSize(1) % lanes != 0)
    return failure();
  int64_t m = type.getDimSize(0), n = type.getDimSize(1);
  Type f32 = b.getF32Type();
  auto blockType = VectorType::get({lanes, lanes}, f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n, m}, f32);
  SmallVector<bool> inBounds = {true, true};
  return forEachBlock(
      b, loc, init, m, lanes, n, lanes,
      [&](OpBuilder &cb, Location cl, Value i0, Value j0, Value out) {
        Value block = vector::TransferReadOp::create(
            cb, cl, blockType, source, ValueRange{i0, j0}, zero, inBounds);
        Value transposed =
            vector::TransposeOp::create(cb, cl, block, ArrayRef<int64_t>{1, 0});
        return vector::TransferWriteOp::create(cb, cl, transposed, out,
                                               ValueRange{j0, i0}, inBounds)
            .getResult();
      });
}

FailureOr<Value> mlir::attn::buildBf16PairTranspose(OpBuilder &b, Location loc,
                                                    Value keys, int64_t lanes) {
  auto type = cast<RankedTensorType>(keys.getType());
  if (!type.hasStaticShape() || !type.getElementType().isBF16() || lanes <= 0 ||
      type.getDimSize(0) % lanes != 0 || type.getDimSize(1) % (2 * lanes) != 0)
    return failure();
  int64_t n = type.getDimSize(0), depth = type.getDimSize(1);
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  // A block of lanes keys x 2 lanes elements, moved as lanes x lanes 32-bit
  // pairs (bit patterns only: the f32 view is never computed with).
  auto halfBlock = VectorType::get({lanes, 2 * lanes}, bf16);
  auto pairBlock = VectorType::get({lanes, lanes}, f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{depth / 2, 2 * n}, bf16);
  SmallVector<bool> inBounds = {true, true};
  return forEachBlock(
      b, loc, init, n, lanes, depth, 2 * lanes,
      [&](OpBuilder &cb, Location cl, Value j0, Value d0, Value out) {
        Value block = vector::TransferReadOp::create(
            cb, cl, halfBlock, keys, ValueRange{j0, d0}, zero, inBounds);
        Value pairs = vector::BitCastOp::create(cb, cl, pairBlock, block);
        Value transposed =
            vector::TransposeOp::create(cb, cl, pairs, ArrayRef<int64_t>{1, 0});
        Value halves = vector::BitCastOp::create(cb, cl, halfBlock, transposed);
        Value two = arith::ConstantIndexOp::create(cb, cl, 2);
        Value pairRow = arith::DivUIOp::create(cb, cl, d0, two);
        Value column = arith::MulIOp::create(cb, cl, j0, two);
        return vector::TransferWriteOp::create(
                   cb, cl, halves, out, ValueRange{pairRow, column}, inBounds)
            .getResult();
      });
}

Value mlir::attn::buildBf16DotProduct(OpBuilder &b, Location loc, Value lhs,
                                      Value pairedRhs, RegisterBlock block) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(pairedRhs.getType());
  int64_t m = lhsType.getDimSize(0), pairs = rhsType.getDimSize(0),
          n = rhsType.getDimSize(1) / 2;
  Type f32 = b.getF32Type(), bf16 = b.getBF16Type(), i32 = b.getI32Type();
  auto accType = VectorType::get({block.lanes}, f32);
  auto halvesType = VectorType::get({2 * block.lanes}, bf16);
  auto pairType = VectorType::get({2}, bf16);
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, n}, f32);
  Value zeroVector = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(accType, b.getF32FloatAttr(0.0)));
  Value zeroHalf = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
  SmallVector<bool> inBounds = {true};

  return forEachRegisterBlock(
      b, loc, init, block,
      [&](OpBuilder &cb, Location cl, Value, ArrayRef<Value> rowIndex,
          ArrayRef<Value> columnIndex) {
        auto index = [&](OpBuilder &builder, int64_t value) {
          return arith::ConstantIndexOp::create(builder, cl, value).getResult();
        };
        SmallVector<Value> start(block.rows * block.vectors, zeroVector);
        auto reduction = scf::ForOp::create(
            cb, cl, index(cb, 0), index(cb, pairs), index(cb, 1), start,
            [&](OpBuilder &kb, Location kl, Value p, ValueRange accs) {
              SmallVector<Value> rhsVectors;
              for (int64_t v = 0; v < block.vectors; ++v) {
                Value column =
                    arith::MulIOp::create(kb, kl, columnIndex[v], index(kb, 2));
                rhsVectors.push_back(vector::TransferReadOp::create(
                    kb, kl, halvesType, pairedRhs, ValueRange{p, column},
                    zeroHalf, inBounds));
              }
              Value lhsColumn = arith::MulIOp::create(kb, kl, p, index(kb, 2));
              SmallVector<Value> next;
              for (int64_t r = 0; r < block.rows; ++r) {
                // lhs[i, 2p] and lhs[i, 2p + 1] as one 32-bit value,
                // broadcast to every lane pair.
                Value pair = vector::TransferReadOp::create(
                    kb, kl, pairType, lhs, ValueRange{rowIndex[r], lhsColumn},
                    zeroHalf, inBounds);
                Value word = vector::ExtractOp::create(
                    kb, kl,
                    vector::BitCastOp::create(kb, kl, VectorType::get({1}, i32),
                                              pair),
                    ArrayRef<int64_t>{0});
                Value broadcast = vector::BitCastOp::create(
                    kb, kl, halvesType,
                    vector::BroadcastOp::create(
                        kb, kl, VectorType::get({block.lanes}, i32), word));
                for (int64_t v = 0; v < block.vectors; ++v)
                  next.push_back(x86vector::DotBF16Op::create(
                      kb, kl, accType, accs[r * block.vectors + v], broadcast,
                      rhsVectors[v]));
              }
              scf::YieldOp::create(kb, kl, next);
            });
        return SmallVector<Value>(reduction.getResults());
      });
}
