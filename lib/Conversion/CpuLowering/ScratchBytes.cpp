//===- ScratchBytes.cpp - the attn-scratch-bytes pass ---------------------===//
//
// Passes.td says what and why.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Transforms.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNSCRATCHBYTESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

std::string mlir::attn::getScratchBytesFunctionName(StringRef function) {
  return (function + ".scratch_bytes").str();
}

/// The values of `block` that it computes from its arguments alone, without
/// memory or regions: what a bound may be expressed in.
static DenseSet<Value> valuesOfArguments(Block &block) {
  DenseSet<Value> known(block.getArguments().begin(),
                        block.getArguments().end());
  for (Operation &op : block) {
    if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op) ||
        !llvm::all_of(op.getOperands(),
                      [&](Value operand) { return known.contains(operand); }))
      continue;
    known.insert(op.getResults().begin(), op.getResults().end());
  }
  return known;
}

/// a * b for non-negative i64s, INT64_MAX where it overflows.
static Value multiplySaturating(OpBuilder &b, Location loc, Value lhs,
                                Value rhs) {
  auto product = arith::MulUIExtendedOp::create(b, loc, lhs, rhs);
  Value zero = arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0);
  Value overflow = arith::OrIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, product.getHigh(),
                            zero),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, product.getLow(),
                            zero));
  Value largest = arith::ConstantIntOp::create(
      b, loc, b.getI64Type(), std::numeric_limits<int64_t>::max());
  return arith::SelectOp::create(b, loc, overflow, largest, product.getLow());
}

/// The least value `value` can take, where a constant bounds it.
static std::optional<int64_t> constantLowerBound(Value value) {
  FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::LB, ValueBoundsConstraintSet::Variable(value));
  if (failed(bound))
    return std::nullopt;
  return *bound;
}

static bool isNonNegative(Value value) {
  std::optional<int64_t> bound = constantLowerBound(value);
  return bound && *bound >= 0;
}

/// An upper bound of the index `size`, built by `b` from `known` values.
/// Upstream's value-bounds analysis models sums, differences, products,
/// floor divisions and selects; the tile loops also size tiles by mins and
/// counts by divisions, bounded here from their operands. Unsigned ops take
/// an operand's bound only where that operand is provably non-negative (a
/// negative one is huge to them).
static FailureOr<Value> boundSize(OpBuilder &b, Location loc, Value size,
                                  const DenseSet<Value> &known) {
  if (known.contains(size))
    return size;
  Operation *producer = size.getDefiningOp();
  auto bound = [&](Value operand) { return boundSize(b, loc, operand, known); };
  // min(x, y) <= x and <= y: either bound will do, the smaller is better.
  if (isa_and_nonnull<arith::MinSIOp, arith::MinUIOp>(producer)) {
    bool isUnsigned = isa<arith::MinUIOp>(producer);
    SmallVector<Value> bounds;
    for (Value operand : producer->getOperands()) {
      if (isUnsigned && !isNonNegative(operand))
        continue;
      if (FailureOr<Value> operandBound = bound(operand);
          succeeded(operandBound))
        bounds.push_back(*operandBound);
    }
    if (bounds.empty())
      return failure();
    Value smallest = bounds.front();
    for (Value other : llvm::drop_begin(bounds))
      smallest = arith::MinSIOp::create(b, loc, smallest, other);
    return smallest;
  }
  if (isa_and_nonnull<arith::MaxSIOp, arith::MaxUIOp>(producer)) {
    if (isa<arith::MaxUIOp>(producer) &&
        !llvm::all_of(producer->getOperands(), isNonNegative))
      return failure();
    FailureOr<Value> lhs = bound(producer->getOperand(0));
    FailureOr<Value> rhs = bound(producer->getOperand(1));
    if (failed(lhs) || failed(rhs))
      return failure();
    return arith::MaxSIOp::create(b, loc, *lhs, *rhs).getResult();
  }
  // x / c and ceil(x / c) for x >= 0 and a divisor of at least c >= 1:
  // at most ceil(bound(x) / c).
  if (isa_and_nonnull<arith::DivUIOp, arith::DivSIOp, arith::CeilDivUIOp,
                      arith::CeilDivSIOp>(producer)) {
    Value dividend = producer->getOperand(0);
    std::optional<int64_t> divisor =
        constantLowerBound(producer->getOperand(1));
    if (!divisor || *divisor < 1 || !isNonNegative(dividend))
      return failure();
    FailureOr<Value> dividendBound = bound(dividend);
    if (failed(dividendBound))
      return failure();
    Value step = arith::ConstantIndexOp::create(b, loc, *divisor);
    return arith::CeilDivSIOp::create(b, loc, *dividendBound, step).getResult();
  }
  auto stop = [&](Value value, std::optional<int64_t>,
                  ValueBoundsConstraintSet &) { return known.contains(value); };
  FailureOr<OpFoldResult> reified = arith::reifyIndexValueBound(
      b, loc, presburger::BoundType::UB, size, stop, /*closedUB=*/true);
  if (failed(reified))
    return failure();
  return getValueOrCreateConstantIndexOp(b, loc, *reified);
}

/// The largest number of bytes `alloc` can take, as an i64 built by `b`, in
/// terms of `known` values; failure where a size has no such bound.
static FailureOr<Value> boundBytes(OpBuilder &b, memref::AllocOp alloc,
                                   const DenseSet<Value> &known) {
  Location loc = alloc.getLoc();
  MemRefType type = alloc.getType();
  Type i64 = b.getI64Type();
  uint64_t elementBytes =
      DataLayout::closest(alloc).getTypeSize(type.getElementType());
  Value bytes = arith::ConstantIntOp::create(b, loc, i64, elementBytes);
  Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
  unsigned dynamicIndex = 0;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    Value size;
    if (!type.isDynamicDim(dim)) {
      size = arith::ConstantIntOp::create(b, loc, i64, type.getDimSize(dim));
    } else {
      FailureOr<Value> bound =
          boundSize(b, loc, alloc.getDynamicSizes()[dynamicIndex++], known);
      if (failed(bound))
        return failure();
      // (A size is never negative in a run that allocates.)
      size = arith::MaxSIOp::create(
          b, loc, arith::IndexCastOp::create(b, loc, i64, *bound), zero);
    }
    bytes = multiplySaturating(b, loc, bytes, size);
  }
  return bytes;
}

/// Erases every op of `block` that `root` does not depend on.
static void eraseAllBut(Block &block, Operation *root) {
  DenseSet<Operation *> needed;
  SmallVector<Operation *> worklist{root};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!needed.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        if (producer->getBlock() == &block)
          worklist.push_back(producer);
  }
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (!needed.contains(&op))
      op.erase();
}

/// The allocations of the functions `func` calls, transitively (each
/// function once): the bound does not reach them.
static int64_t countCalleeAllocations(func::FuncOp func, SymbolTable &symbols) {
  DenseSet<Operation *> visited{func};
  SmallVector<func::FuncOp> worklist{func};
  int64_t count = 0;
  while (!worklist.empty()) {
    func::FuncOp caller = worklist.pop_back_val();
    caller.walk([&](func::CallOp call) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee || callee.isExternal() || !visited.insert(callee).second)
        return;
      callee.walk([&](memref::AllocOp) { ++count; });
      worklist.push_back(callee);
    });
  }
  return count;
}

namespace {
struct AttnScratchBytesPass
    : public attn::impl::AttnScratchBytesPassBase<AttnScratchBytesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || !func.isPublic() ||
          !llvm::hasSingleElement(func.getBody()))
        continue;
      bool allocates = false;
      func.walk([&](memref::AllocOp) {
        allocates = true;
        return WalkResult::interrupt();
      });
      int64_t calleeAllocations = countCalleeAllocations(func, symbols);
      if (!allocates && calleeAllocations == 0)
        continue;
      std::string name = attn::getScratchBytesFunctionName(func.getName());
      if (symbols.lookup(name)) {
        func.emitError() << "cannot add '" << name
                         << "', the bound of its temporaries: the module has "
                            "a symbol of that name";
        return signalPassFailure();
      }
      if (failed(
              addScratchBytesFunction(func, name, symbols, calleeAllocations)))
        return signalPassFailure();
    }
  }

  /// A copy of `func` whose body keeps only the bound, computed at its end
  /// (where every value of the entry block is defined).
  LogicalResult addScratchBytesFunction(func::FuncOp func, StringRef name,
                                        SymbolTable &symbols,
                                        int64_t calleeAllocations) {
    auto query = cast<func::FuncOp>(func->clone());
    query.setName(name);
    symbols.insert(query, std::next(Block::iterator(func)));
    Block &body = query.getBody().front();
    DenseSet<Value> known = valuesOfArguments(body);
    Operation *terminator = body.getTerminator();
    OpBuilder b(terminator);
    Location loc = func.getLoc();
    Value largest = arith::ConstantIntOp::create(b, loc, b.getI64Type(), 0);
    SmallVector<memref::AllocOp> allocs;
    query.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    int64_t uncounted = calleeAllocations;
    for (memref::AllocOp alloc : allocs) {
      // An allocation without a bound is left out, and counted on the
      // function (Passes.td).
      FailureOr<Value> bytes = boundBytes(b, alloc, known);
      if (succeeded(bytes))
        largest = arith::MaxSIOp::create(b, loc, largest, *bytes);
      else
        ++uncounted;
    }
    auto ret = func::ReturnOp::create(b, loc, largest);
    terminator->erase();
    eraseAllBut(body, ret);
    query.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                    {b.getI64Type()}));
    query.removeResAttrsAttr();
    if (uncounted)
      query->setAttr("attn.unbounded_allocations",
                     b.getI64IntegerAttr(uncounted));
    return success();
  }
};
} // namespace
