//===- KeyIntervalMath.h - building and combining key intervals -*- C++ -*-===//
//
// The operations on KeyInterval values that the atoms' intervals
// (KeyIntervals.cpp) and a mask_mod region's (MaskModKeyIntervals.cpp) both
// build: dropping the full keys and intersecting two intervals.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_IR_KEYINTERVALMATH_H
#define ATTN_LIB_DIALECT_ATTN_IR_KEYINTERVALMATH_H

#include "attn/Dialect/Attn/IR/AttnInterfaces.h"

#include "IndexMath.h"

namespace mlir::attn {

struct KeyIntervalMath : IndexMath {
  /// Keys in [begin, end), none known allowed.
  KeyInterval withoutFull(Value begin, Value end) {
    return {begin, end, c(0), c(0)};
  }
  KeyInterval withoutFull(const KeyInterval &keys) {
    return withoutFull(keys.begin, keys.end);
  }
  /// The keys that both allow: the intersection of the ranges, and of the
  /// keys each knows allowed.
  KeyInterval intersect(const KeyInterval &a, const KeyInterval &b) {
    return {max(a.begin, b.begin), min(a.end, b.end),
            max(a.fullBegin, b.fullBegin), min(a.fullEnd, b.fullEnd)};
  }
};

} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_IR_KEYINTERVALMATH_H
