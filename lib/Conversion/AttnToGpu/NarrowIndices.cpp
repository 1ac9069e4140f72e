//===- NarrowIndices.cpp - score_mod index arithmetic on i32 --------------===//
//
// The attn-narrow-kernel-indices pass (Passes.td says what and why).
//
// Upstream's int-range narrowing patterns (MLIR 22) narrow some ops whose
// 32-bit forms differ from the 64-bit ones on values in range (an unsigned
// remainder of a negative difference, signed ops on values that fit 32
// bits only as unsigned, shifts by 32 or more). This pass narrows only ops
// whose result is exact whenever their operands and result lie in the
// signed i32 range (two's-complement adds, products and bitwise ops of
// sign-extended values are sign-extended; signed extrema and comparisons
// keep their order), and unsigned extrema and comparisons only of values
// in [0, 2^31), where both orders agree.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"

#include "mlir/Analysis/DataFlow/IntegerRangeAnalysis.h"
#include "mlir/Analysis/DataFlow/Utils.h"
#include "mlir/Analysis/DataFlowFramework.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNNARROWKERNELINDICESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {
/// Ops computed on i32 in place of index ones, from the ranges that
/// integer range analysis gives the kernel's index values.
class IndexNarrowing {
public:
  explicit IndexNarrowing(DataFlowSolver &solver) : solver(solver) {}

  /// Narrows what it can in `kernel`; the index ops it replaced are left
  /// without uses (for the canonicalizer).
  void run(gpu::GPUFuncOp kernel) {
    kernel.walk([&](Operation *op) {
      if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::AndIOp,
              arith::OrIOp, arith::XOrIOp, arith::MinSIOp, arith::MaxSIOp>(op))
        narrowBinary(op, /*nonNegative=*/false);
      else if (isa<arith::MinUIOp, arith::MaxUIOp>(op))
        narrowBinary(op, /*nonNegative=*/true);
      else if (auto compare = dyn_cast<arith::CmpIOp>(op))
        narrowCompare(compare);
    });
  }

private:
  /// Whether the analysis bounds `value` (an index) to the signed i32
  /// range, or with `nonNegative` to [0, 2^31).
  bool fits(Value value, bool nonNegative) {
    if (!value.getType().isIndex())
      return false;
    // (A narrowed op's result, widened back: the range is the original's.)
    if (Value before = original.lookup(value))
      value = before;
    auto *lattice =
        solver.lookupState<dataflow::IntegerValueRangeLattice>(value);
    if (!lattice || lattice->getValue().isUninitialized())
      return false;
    const ConstantIntRanges &range = lattice->getValue().getValue();
    int64_t low = nonNegative ? 0 : std::numeric_limits<int32_t>::min();
    int64_t high = std::numeric_limits<int32_t>::max();
    return range.smin().getSExtValue() >= low &&
           range.smax().getSExtValue() <= high;
  }

  /// `value` on i32: its narrowed form, a constant, or a truncation.
  Value narrow(OpBuilder &b, Value value) {
    if (Value before = original.lookup(value))
      value = before;
    if (Value known = narrowed.lookup(value))
      return known;
    Type i32 = b.getI32Type();
    APInt constant;
    if (matchPattern(value, m_ConstantInt(&constant)))
      return arith::ConstantIntOp::create(b, value.getLoc(), i32,
                                          constant.getSExtValue());
    return arith::IndexCastOp::create(b, value.getLoc(), i32, value);
  }

  void narrowBinary(Operation *op, bool nonNegative) {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1),
          result = op->getResult(0);
    if (!fits(lhs, nonNegative) || !fits(rhs, nonNegative) ||
        !fits(result, nonNegative))
      return;
    OpBuilder b(op);
    // (Overflow flags do not carry over: the ops here have no other
    // properties.)
    OperationState state(op->getLoc(), op->getName());
    state.addOperands({narrow(b, lhs), narrow(b, rhs)});
    state.addTypes(b.getI32Type());
    Operation *narrowOp = b.create(state);
    Value narrowResult = narrowOp->getResult(0);
    narrowed[result] = narrowResult;
    // Sign extension gives the index back: every value here is a signed
    // i32 (non-negative ones too).
    Value widened = arith::IndexCastOp::create(b, op->getLoc(),
                                               b.getIndexType(), narrowResult);
    original[widened] = result;
    result.replaceAllUsesWith(widened);
  }

  void narrowCompare(arith::CmpIOp compare) {
    using Predicate = arith::CmpIPredicate;
    Predicate predicate = compare.getPredicate();
    bool isUnsigned =
        predicate == Predicate::ult || predicate == Predicate::ule ||
        predicate == Predicate::ugt || predicate == Predicate::uge;
    if (!fits(compare.getLhs(), isUnsigned) ||
        !fits(compare.getRhs(), isUnsigned))
      return;
    OpBuilder b(compare);
    compare.getResult().replaceAllUsesWith(arith::CmpIOp::create(
        b, compare.getLoc(), predicate, narrow(b, compare.getLhs()),
        narrow(b, compare.getRhs())));
  }

  DataFlowSolver &solver;
  /// Each narrowed index value's i32 form, and the index value that
  /// replaced it (a sign extension of that form) back to it.
  DenseMap<Value, Value> narrowed, original;
};

struct AttnNarrowKernelIndicesPass
    : public attn::impl::AttnNarrowKernelIndicesPassBase<
          AttnNarrowKernelIndicesPass> {
  void runOnOperation() override {
    for (auto kernel : getOperation().getOps<gpu::GPUFuncOp>()) {
      if (!kernel->hasAttr(kKernelNarrowIndicesAttr))
        continue;
      DataFlowSolver solver;
      dataflow::loadBaselineAnalyses(solver);
      solver.load<dataflow::IntegerRangeAnalysis>();
      if (failed(solver.initializeAndRun(kernel)))
        return signalPassFailure();
      // The analysis' states stay those of the original values: the walk
      // adds ops and moves uses, but erases nothing until it is done.
      IndexNarrowing(solver).run(kernel);
      // The index ops it replaced, and what only they read (backwards, so
      // that users go before what they use).
      kernel.walk<WalkOrder::PostOrder, ReverseIterator>([](Operation *op) {
        if (isa_and_present<arith::ArithDialect>(op->getDialect()) &&
            op->use_empty() && isPure(op))
          op->erase();
      });
    }
  }
};
} // namespace
