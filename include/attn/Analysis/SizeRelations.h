//===- SizeRelations.h - sizes that a function's ops relate --*- C++ -*-===//
//
// The verifiers check the sizes that one op's types fix. Across a function,
// the attn ops relate sizes that their types may leave dynamic: a key's
// head dim is the query's, a compressed length is ceil(length / stride),
// and so on. This analysis collects those relations once, for the C
// wrappers that check them at run time (lib/Compiler), for the pass that
// makes types as static as the relations allow (attn-refine-shapes), and
// for the reference's check of concrete shapes. Each class of equal sizes
// takes the static size that a member's type, a constant (top-k's k, a
// grid's cells) or a ceil division of a known size gives it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_ANALYSIS_SIZERELATIONS_H
#define ATTN_ANALYSIS_SIZERELATIONS_H

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace mlir::attn {

/// An open size that a tensor.splat or tensor.generate takes from another
/// tensor: `tensor.dim %t, c` of a ranked tensor at a constant index, or
/// that size's `arith.ceildivui` by a positive constant (folded block
/// scores' query blocks, ceil(Lq / block_q)).
struct SizeQuery {
  tensor::DimOp query;
  /// The size asked for: the dimension `dim` of `query`'s source.
  Value source;
  unsigned dim;
  /// The ceil division's divisor; 1 for the size itself.
  int64_t divisor = 1;
};
std::optional<SizeQuery> matchSizeQuery(Value size);

/// Equal sizes, found by union-find over (value, dimension) pairs through a
/// function's ops (attn ops, elementwise ops, casts and loops), and the
/// other relations between sizes: query-head groupings, ceil divisions,
/// broadcasts and constants.
class SizeRelations {
public:
  /// A value's dimension.
  using Size = std::pair<Value, unsigned>;
  /// reduced == ceil(full / divisor).
  struct CeilDivision {
    Size reduced, full;
    int64_t divisor;
  };
  /// broadcast == full or broadcast == 1.
  struct Broadcast {
    Size broadcast, full;
  };
  /// size == value.
  struct ConstantSize {
    Size size;
    int64_t value;
  };
  /// Query heads are a multiple of the key heads (dimension 1 of both).
  struct Grouping {
    Value query, keys;
  };

  /// Where a class's static size comes from: a member whose type has it
  /// (`fromType`), or one that a constant or a ceil division fixes.
  struct KnownSize {
    int64_t size;
    Size source;
    bool fromType;
  };

  /// With `assumeBuffersKeepSizes`, also the sizes that a caller's buffers
  /// assume: a tensor a loop carries keeps its sizes, and every return
  /// gives the same sizes. The ops do not guarantee those (a dynamic size
  /// may change from one iteration to the next), so only the C wrappers,
  /// whose buffers have one size each, take them.
  explicit SizeRelations(func::FuncOp func,
                         bool assumeBuffersKeepSizes = false);

  /// The rules of the ops that run whenever an op of `scope` (a block of
  /// `func`) runs: those of `scope` and of the blocks around it. A loop's
  /// body may run no times and a branch not at all, and an op that does
  /// not run promises nothing about the sizes it would relate, so the sizes
  /// at an op are refined from these alone.
  SizeRelations(func::FuncOp func, Block *scope);

  /// The representative of `size`'s class of equal sizes.
  Size find(Size size);

  /// `value`'s type with every dynamic size that its class knows (a ranked
  /// tensor type; other types unchanged).
  Type getRefinedType(Value value);

  /// Two sources that give one class different static sizes (the first
  /// such class): no call can satisfy the relations.
  const std::optional<std::pair<KnownSize, KnownSize>> &getConflict() const {
    return conflict;
  }

  /// Query heads and key/value heads that a grouping relates, both known,
  /// where the second does not divide the first (the first such pair).
  const std::optional<std::pair<KnownSize, KnownSize>> &
  getGroupingConflict() const {
    return groupingConflict;
  }

  ArrayRef<Value> getArguments() const { return arguments; }
  /// The values the function returns (the first return's, every return's
  /// being made equal to them).
  ArrayRef<Value> getReturned() const { return returned; }
  ArrayRef<Grouping> getGroupings() const { return groupings; }
  ArrayRef<CeilDivision> getCeilDivisions() const { return ceilDivisions; }
  ArrayRef<Broadcast> getBroadcasts() const { return broadcasts; }
  ArrayRef<ConstantSize> getConstants() const { return constants; }

private:
  void build(func::FuncOp func);
  void equal(Value a, unsigned dimA, Value b, unsigned dimB);
  void equalAll(Value a, Value b);
  void addQueryKeyValue(Value q, Value k, Value v, Value out);
  void addMaskSizes(ArrayAttr mask, Value q, Value keys);
  void addBlockOperands(AttentionOp attention);
  void addOp(Operation *op);
  void computeStaticSizes(func::FuncOp func);
  void addTypeSizes(Value value);
  void addKnown(Size member, int64_t size, bool fromType);

  SmallVector<Value> arguments;
  bool assumeBuffersKeepSizes;
  /// The blocks whose ops give rules (empty: every block).
  SmallPtrSet<Block *, 4> scopeBlocks;
  SmallVector<Value> returned;
  DenseMap<Size, Size> parent;
  SmallVector<Grouping> groupings;
  SmallVector<CeilDivision> ceilDivisions;
  SmallVector<Broadcast> broadcasts;
  SmallVector<ConstantSize> constants;
  /// The static size of each class, by its representative.
  DenseMap<Size, KnownSize> known;
  std::optional<std::pair<KnownSize, KnownSize>> conflict;
  std::optional<std::pair<KnownSize, KnownSize>> groupingConflict;
};

} // namespace mlir::attn

#endif // ATTN_ANALYSIS_SIZERELATIONS_H
