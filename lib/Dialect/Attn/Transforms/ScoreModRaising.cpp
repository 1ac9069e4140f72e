//===- ScoreModRaising.cpp - score steps of linalg IR as a score_mod ------===//
//
// Each step's body is cloned as it is: its arithmetic, its constants and
// its linalg.index (the region's b, h, i, j), with the tensors it reads
// through its indexing maps read by tensor.extract at the same point. The
// region then computes what the generic computed for that score, in the
// same types, which is what makes the raised attention the same program.
//
//===----------------------------------------------------------------------===//

#include "ScoreModRaising.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Values that `op`'s body reads from outside `op`, nested regions included.
SetVector<Value> valuesFromAbove(linalg::GenericOp op) {
  SetVector<Value> above;
  op.getRegion().walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      if (!op->isAncestor(operand.getParentRegion()->getParentOp()))
        above.insert(operand);
  });
  return above;
}

/// `value` (a float) as `type`: rounded to a narrower float, widened to a
/// wider one.
Value castFloat(RewriterBase &rewriter, Location loc, Value value, Type type) {
  Type from = value.getType();
  if (from == type)
    return value;
  if (cast<FloatType>(type).getWidth() < cast<FloatType>(from).getWidth())
    return arith::TruncFOp::create(rewriter, loc, type, value);
  return arith::ExtFOp::create(rewriter, loc, type, value);
}

} // namespace

bool mlir::attn::dependsOn(Value value, Operation *product) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (def == product)
    return true;
  // Defined before the product in its block: it cannot read it.
  if (def->getBlock() == product->getBlock() && def->isBeforeInBlock(product))
    return false;
  SetVector<Operation *> slice;
  BackwardSliceOptions options;
  options.omitUsesFromAbove = false;
  options.omitBlockArguments = true;
  if (failed(getBackwardSlice(def, &slice, options)))
    return true;
  return slice.contains(product);
}

bool mlir::attn::canRaiseIntoScoreMod(const ScoreStep &step,
                                      Operation *product) {
  linalg::GenericOp op = step.op;
  Block &body = op.getRegion().front();
  if (op.getNumReductionLoops() != 0 || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() ||
      !op.getMatchingIndexingMap(step.running).isIdentity())
    return false;
  // A step over other loops than (b, h, i, j) (a rounding of the product
  // before its reshape) may read nothing but the scores.
  if (op.getNumLoops() != 4 &&
      (op.getNumDpsInputs() != 1 || !body.getOps<linalg::IndexOp>().empty()))
    return false;
  // Float scores in and out (a comparison's i1 is a mask's business).
  if (!isa<FloatType>(getElementTypeOrSelf(step.running->get().getType())) ||
      !isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())))
    return false;
  // The output's initial value is not an input of a score.
  if (!op.getMatchingBlockArgument(op.getDpsInitOperand(0)).use_empty())
    return false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (input == step.running)
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!llvm::all_of(map.getResults(), [](AffineExpr expr) {
          return isa<AffineDimExpr, AffineConstantExpr>(expr);
        }))
      return false;
    if (dependsOn(input->get(), product))
      return false;
  }
  for (Value above : valuesFromAbove(op))
    if (dependsOn(above, product))
      return false;
  // Evaluated for every score in any order: reads only.
  WalkResult effects = body.walk([&](Operation *inner) {
    auto memory = dyn_cast<MemoryEffectOpInterface>(inner);
    if (!memory) {
      // Unknown effects, unless its own nested ops say otherwise.
      return inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     isa<linalg::YieldOp>(inner)
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    }
    return memory.hasEffect<MemoryEffects::Write>() ||
                   memory.hasEffect<MemoryEffects::Allocate>() ||
                   memory.hasEffect<MemoryEffects::Free>()
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  return !effects.wasInterrupted();
}

void mlir::attn::buildScoreModRegion(RewriterBase &rewriter, Location loc,
                                     Region &region,
                                     ArrayRef<ScoreStep> steps) {
  OpBuilder::InsertionGuard guard(rewriter);
  Type f32 = rewriter.getF32Type(), index = rewriter.getIndexType();
  Block *block = rewriter.createBlock(&region, region.end(),
                                      {f32, index, index, index, index},
                                      SmallVector<Location>(5, loc));
  rewriter.setInsertionPointToStart(block);
  auto point = [&](AffineExpr expr) -> Value {
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      return block->getArgument(1 + dim.getPosition());
    return arith::ConstantIndexOp::create(
        rewriter, loc, cast<AffineConstantExpr>(expr).getValue());
  };
  Value score = block->getArgument(0);
  for (const ScoreStep &step : steps) {
    linalg::GenericOp op = step.op;
    Block &body = op.getRegion().front();
    IRMapping mapping;
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      if (input == step.running) {
        mapping.map(arg, castFloat(rewriter, loc, score, arg.getType()));
        continue;
      }
      if (arg.use_empty())
        continue;
      Value tensor = input->get();
      if (!isa<RankedTensorType>(tensor.getType())) {
        mapping.map(arg, tensor); // a scalar operand
        continue;
      }
      SmallVector<Value> at = llvm::map_to_vector(
          op.getMatchingIndexingMap(input).getResults(), point);
      mapping.map(arg, tensor::ExtractOp::create(rewriter, loc, tensor, at));
    }
    for (Operation &inner : body.without_terminator()) {
      if (auto indexOp = dyn_cast<linalg::IndexOp>(inner)) {
        mapping.map(indexOp.getResult(),
                    block->getArgument(1 + indexOp.getDim()));
        continue;
      }
      rewriter.clone(inner, mapping);
    }
    score = mapping.lookupOrDefault(body.getTerminator()->getOperand(0));
  }
  YieldOp::create(rewriter, loc, castFloat(rewriter, loc, score, f32));
}
