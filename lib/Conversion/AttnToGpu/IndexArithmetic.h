//===- IndexArithmetic.h - kernel builders' index arithmetic -*- C++ -*-===//
//
// The one-line builders of unsigned index arithmetic that every GPU kernel
// builder uses to address threads, tiles and buffers: the builders derive
// from IndexArithmetic, which holds their OpBuilder and location.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_INDEXARITHMETIC_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_INDEXARITHMETIC_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::attn::gpu_lowering {

struct IndexArithmetic {
  IndexArithmetic(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  OpBuilder &b;
  Location loc;

  Value c(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  /// Unsigned: indices here are never negative.
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  /// ceil(x / n) for n > 0, as add and divide (which the NVVM and host
  /// lowerings take, and attn-compile's launchers spell the same in C).
  Value ceilDiv(Value x, int64_t n) { return div(add(x, c(n - 1)), c(n)); }
  /// Dimension `dim` of the memref `buffer`: its type's size, or read from
  /// the buffer where the type leaves it open.
  Value size(Value buffer, int64_t dim) {
    int64_t known = cast<MemRefType>(buffer.getType()).getDimSize(dim);
    if (ShapedType::isDynamic(known))
      return memref::DimOp::create(b, loc, buffer, dim);
    return c(known);
  }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_INDEXARITHMETIC_H
