//===- ProbabilityTwins.cpp - block scores and their attention ------------===//

#include "attn/Analysis/ProbabilityTwins.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

AttentionOp mlir::attn::findProbabilityTwin(BlockScoresOp scores,
                                            ArrayRef<Operation *> candidates) {
  auto query = cast<RankedTensorType>(scores.getQuery().getType());
  double scale = scores.getScale()
                     ? scores.getScale()->convertToDouble()
                     : 1.0 / std::sqrt(double(query.getDimSize(3)));
  for (Operation *candidate : candidates) {
    auto attention = dyn_cast<AttentionOp>(candidate);
    if (!attention || attention.getQuery() != scores.getQuery() ||
        attention.getKey() != scores.getKeys() ||
        attention.getMask() != scores.getMask() ||
        !attention.getScore().empty() || attention.getNormalizer() ||
        !attention.getScoreMod().empty() || !attention.getMaskMod().empty() ||
        attention.getBias() || attention.getQSegments() ||
        attention.getKvSegments() || attention.getLayout() ||
        attention.getIndices() || attention.getSink() ||
        attention.getScaleOrDefault() != scale)
      continue;
    // It must be able to run first: the scores must not be in what it
    // reads, its operands' regions included.
    SetVector<Operation *> slice;
    BackwardSliceOptions options;
    options.omitUsesFromAbove = false;
    if (failed(getBackwardSlice(attention.getOperation(), &slice, options)) ||
        slice.contains(scores))
      continue;
    return attention;
  }
  return {};
}

void mlir::attn::hoistBefore(Operation *op, Operation *point,
                             RewriterBase &rewriter) {
  if (op->isBeforeInBlock(point))
    return;
  // What it reads: its operands and what its regions read from outside.
  SetVector<Value> read(op->operand_begin(), op->operand_end());
  getUsedValuesDefinedAbove(op->getRegions(), read);
  for (Value value : read)
    if (Operation *producer = value.getDefiningOp();
        producer && producer->getBlock() == op->getBlock())
      hoistBefore(producer, point, rewriter);
  rewriter.moveOpBefore(op, point);
}
