//===- IndexMath.h - index arithmetic for the mask and modifier hooks -----===//
//
// A small builder of signed integer arithmetic in one type (index, or the
// i32 positions of narrowed GPU predicates), shared by the point hooks
// (PointCodegen.cpp) and the run-time key intervals (KeyIntervals.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_IR_INDEXMATH_H
#define ATTN_LIB_DIALECT_ATTN_IR_INDEXMATH_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir::attn {

struct IndexMath {
  OpBuilder &b;
  Location loc;
  /// The integer type; null: index.
  Type type = {};

  Value c(int64_t value) {
    if (type)
      return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, value));
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivSIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemSIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  }
  Value le(Value x, Value y) { return cmp(arith::CmpIPredicate::sle, x, y); }
  Value lt(Value x, Value y) { return cmp(arith::CmpIPredicate::slt, x, y); }
  Value eq(Value x, Value y) { return cmp(arith::CmpIPredicate::eq, x, y); }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value either(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  Value abs(Value x) { return max(x, sub(c(0), x)); }
  Value boolean(bool value) {
    return arith::ConstantIntOp::create(b, loc, value, 1);
  }
  /// floor(x / d) for a constant d > 0: a truncating division of x shifted
  /// down by d - 1 when negative (no floordivsi, which the GPU and CPU LLVM
  /// lowerings do not expand).
  Value floorDiv(Value x, int64_t d) {
    if (d == 1)
      return x;
    Value shifted = select(lt(x, c(0)), sub(x, c(d - 1)), x);
    return div(shifted, c(d));
  }
  Value ceilDiv(Value x, int64_t d) { return floorDiv(add(x, c(d - 1)), d); }
};

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_IR_INDEXMATH_H
