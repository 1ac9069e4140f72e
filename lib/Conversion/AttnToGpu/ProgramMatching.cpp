//===- ProgramMatching.cpp - which functions the GPU target takes ---------===//
//
// A function is one kernel (one attention or linear attention of its
// arguments) or a program of several attn ops; block scores in a program
// share the LSE of an attention over the same probabilities.
//
//===----------------------------------------------------------------------===//

#include "ProgramMatching.h"

#include "attn/Analysis/SizeRelations.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

Operation *gpu_lowering::matchKernelFunction(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return nullptr;
  Block &body = func.getBody().front();
  // Constants that only the op's regions read may come first (its kernel
  // clones them).
  Operation *attention = nullptr;
  for (Operation &op : body.without_terminator()) {
    if (!attention && isCapturedConstant(&op))
      continue;
    if (attention || !isa<AttentionOp, LinearAttentionOp>(op))
      return nullptr;
    attention = &op;
  }
  if (!attention)
    return nullptr;
  for (Value operand : attention->getOperands())
    if (!isa<BlockArgument>(operand))
      return nullptr;
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (ret.getOperands() != attention->getResults())
    return nullptr;
  return attention;
}

/// The token tensors of `op` (the rows its kernel computes on, [B, H, L,
/// D]): attention's and linear attention's Q, K, V and output, and what
/// compress, causal conv and merge read and write row by row.
static SmallVector<Value> tokenTensors(Operation *op) {
  SmallVector<Value> tokens;
  if (auto attention = dyn_cast<AttentionOp>(op))
    tokens = {attention.getQuery(), attention.getKey(), attention.getValue(),
              attention.getOutput()};
  else if (auto linear = dyn_cast<LinearAttentionOp>(op))
    tokens = {linear.getQuery(), linear.getKey(), linear.getValue(),
              linear.getResult()};
  else if (auto compress = dyn_cast<CompressOp>(op))
    tokens = {compress.getInput(), compress.getResult()};
  else if (auto conv = dyn_cast<CausalConvOp>(op))
    tokens = {conv.getInput(), conv.getResult()};
  else if (auto merge = dyn_cast<MergeOp>(op)) {
    llvm::append_range(tokens, merge.getOutputs());
    tokens.push_back(merge.getResult());
  } else if (auto scores = dyn_cast<BlockScoresOp>(op))
    tokens = {scores.getQuery(), scores.getKeys()};
  return tokens;
}

/// The queries and block_q whose query blocks `scores`' rows are: block
/// scores', or a splat's whose row count is a ceildivui of the queries'
/// length by a constant (block scores that canonicalisation folded).
static std::optional<std::pair<Value, int64_t>> queryBlocks(Value scores) {
  if (auto op = scores.getDefiningOp<BlockScoresOp>())
    return std::make_pair(op.getQuery(), int64_t(op.getBlockQ()));
  auto splat = scores.getDefiningOp<tensor::SplatOp>();
  if (!splat || splat.getType().getRank() != 4 ||
      !splat.getType().isDynamicDim(2))
    return std::nullopt;
  std::optional<SizeQuery> rows = matchSizeQuery(
      splat.getDynamicSizes()[splat.getType().getDynamicDimIndex(2)]);
  if (!rows || rows->dim != 2 || rows->divisor == 1)
    return std::nullopt;
  return std::make_pair(rows->source, rows->divisor);
}

/// Programs take dynamic batch sizes and lengths (one compiled program for
/// any sequence): their kernels read those from their buffers and the
/// launcher computes grids, temporaries and top-k's shared memory from
/// them. Head counts and head dims, which pick the kernels' shapes, stay
/// static, and so do the elementwise ops and the weights that compress and
/// the causal conv unroll.
static LogicalResult checkProgramShapes(Operation *op) {
  auto staticShapes = [&](TypeRange types) -> LogicalResult {
    for (Type type : types)
      if (!cast<ShapedType>(type).hasStaticShape())
        return op->emitOpError("GPU lowering: in a program of several "
                               "kernels, this op needs static shapes, got ")
               << type;
    return success();
  };
  // (A splat's scalar and the open sizes of a splat or generate are
  // isElementwiseTensorOp's to check.)
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (!isa<RankedTensorType>(type) &&
        !isa<tensor::SplatOp, tensor::GenerateOp>(op))
      return op->emitOpError("GPU lowering: a program of several kernels "
                             "takes ranked tensors, got ")
             << type;
  // An elementwise op's kernel reads its sizes from its result's buffer,
  // and the host sizes that buffer from the op's operands (all of one
  // shape): its batch sizes and lengths may be open like the attn ops'.
  if (!isa_and_present<AttnDialect>(op->getDialect()))
    return isElementwiseTensorOp(op)
               ? success()
               : staticShapes(llvm::to_vector(
                     llvm::concat<Type>(TypeRange(op->getOperandTypes()),
                                        TypeRange(op->getResultTypes()))));
  if (auto compress = dyn_cast<CompressOp>(op))
    if (Value weights = compress.getWeights())
      if (failed(staticShapes(weights.getType())))
        return failure();
  if (auto conv = dyn_cast<CausalConvOp>(op)) {
    if (failed(staticShapes(conv.getWeight().getType())))
      return failure();
    // Its kernel unrolls the taps, each lane's weights held in registers:
    // 2000 taps took minutes to compile (and 2^31 never finished).
    int64_t taps = conv.getWeight().getType().getDimSize(2);
    if (taps > kMaxConvTaps)
      return op->emitOpError("GPU lowering: a causal conv's kernel unrolls "
                             "its taps, at most ")
             << kMaxConvTaps << ", got " << taps;
  }
  // A selection's rows of indices are read per query block of its own
  // block_q. Over dynamic lengths nothing checks that indices computed in
  // the program have that many rows, unless they are the top-k of block
  // scores over the same queries and blocks (or of what canonicalisation
  // leaves of such scores where their mask never holds).
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    Value indices = attention.getIndices();
    auto selection =
        llvm::find_if(attention.getMask(), llvm::IsaPred<BlockIndicesAttr>);
    if (indices && selection != attention.getMask().end() &&
        cast<RankedTensorType>(indices.getType()).isDynamicDim(2) &&
        !isa<BlockArgument>(indices)) {
      auto topk = indices.getDefiningOp<TopkOp>();
      std::optional<std::pair<Value, int64_t>> blocks =
          topk ? queryBlocks(topk.getScores()) : std::nullopt;
      int64_t blockQ = cast<BlockIndicesAttr>(*selection).getBlockQ();
      if (!blocks || blocks->first != attention.getQuery() ||
          blocks->second != blockQ)
        return op->emitOpError(
                   "GPU lowering: over dynamic lengths, a selection's indices "
                   "computed in the program must be the top-k of block scores "
                   "of the same queries with the same block_q (")
               << blockQ << "), so that they have a row per query block";
    }
  }
  for (Value token : tokenTensors(op)) {
    auto type = cast<RankedTensorType>(token.getType());
    if (type.getRank() == 4 && (type.isDynamicDim(1) || type.isDynamicDim(3)))
      return op->emitOpError("GPU lowering: a program of several kernels "
                             "takes dynamic batch sizes and lengths, but its "
                             "head counts and head dims must be static, got ")
             << type;
  }
  return success();
}

FailureOr<SmallVector<Operation *>>
gpu_lowering::matchProgramFunction(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("GPU lowering: function '")
           << func.getName() << "' must have one block";
  SmallVector<Operation *> ops;
  for (Operation &nested : func.getBody().front().without_terminator()) {
    if (isCapturedConstant(&nested) || isSizeQuery(&nested) ||
        isShapeCast(&nested)) {
      ops.push_back(&nested);
      continue;
    }
    if (!isa<AttentionOp, LinearAttentionOp, CompressOp, MergeOp, BlockScoresOp,
             TopkOp, CausalConvOp>(&nested) &&
        !isElementwiseTensorOp(&nested))
      return nested.emitOpError("GPU lowering: function '")
             << func.getName()
             << "' is not one attention of its arguments, so it lowers as "
                "a program (a kernel per op), which may hold "
                "attn.attention, attn.linear_attention, attn.compress, "
                "attn.causal_conv, attn.block_scores, attn.topk, attn.merge, "
                "elementwise arith and math ops on ranked tensors (at least "
                "one dimension, elements of 8 bits or more), splat tensor "
                "constants, tensor.splat of scalar constants, tensor.generate "
                "of scalar arith and math ops, tensor.dim of the sizes those "
                "two leave open (or its arith.ceildivui by a constant), "
                "tensor.cast between ranked tensors, and "
                "scalar constants that only regions, tensor.dim and "
                "tensor.splat read";
    if (failed(checkProgramShapes(&nested)))
      return failure();
    ops.push_back(&nested);
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  // (A kernel writes each returned result into its output buffer: a cast
  // of a result is that result.)
  SmallVector<Value> roots;
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    Value root = lowering::castRoot(operand);
    if (isa<BlockArgument>(root) || llvm::is_contained(roots, root))
      return ret.emitOpError("GPU lowering: result #")
             << index
             << " of a program must be a result of one of its ops (or a "
                "tensor.cast of one), returned once";
    roots.push_back(root);
  }
  return ops;
}

/// A splat tensor constant or a tensor.splat: what a folded attn op's
/// result is.
static bool isSplatResult(Operation *op) {
  return op && isa<arith::ConstantOp, tensor::SplatOp>(op) &&
         isElementwiseTensorOp(op);
}

bool gpu_lowering::isProgramWithoutAttnOps(func::FuncOp func) {
  if (func.isExternal() || !func.getBody().hasOneBlock() ||
      func.getNumResults() == 0)
    return false;
  Block &body = func.getBody().front();
  for (Operation &nested : body.without_terminator())
    if (!isCapturedConstant(&nested) && !isSizeQuery(&nested) &&
        !isShapeCast(&nested) && !isSplatResult(&nested))
      return false;
  // (A splat returned directly more than once gets a copy per return:
  // splitRepeatedSplatResults.)
  SmallVector<Value> roots;
  for (Value operand : body.getTerminator()->getOperands()) {
    Value root = lowering::castRoot(operand);
    bool repeatable = root == operand && isSplatResult(root.getDefiningOp());
    if (isa<BlockArgument>(root) ||
        (!repeatable && llvm::is_contained(roots, root)))
      return false;
    roots.push_back(root);
  }
  return true;
}

void gpu_lowering::splitRepeatedSplatResults(func::FuncOp func) {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return;
  Operation *ret = func.getBody().front().getTerminator();
  DenseSet<Value> returned;
  for (OpOperand &operand : ret->getOpOperands()) {
    Value value = operand.get();
    Operation *splat = value.getDefiningOp();
    if (returned.insert(value).second || !splat || !isSplatResult(splat))
      continue;
    OpBuilder builder(splat);
    builder.setInsertionPointAfter(splat);
    operand.set(builder.clone(*splat)->getResult(0));
  }
}

/// Whether `body` computes a scalar from its arguments by pure arith and
/// math ops on scalars, reading nothing from outside but constants (which
/// inlineRegionBody clones into a kernel).
static bool isScalarBody(Region &body) {
  WalkResult result = body.walk([&](Operation *nested) {
    bool readsInside = llvm::all_of(nested->getOperands(), [&](Value operand) {
      return body.isAncestor(operand.getParentRegion()) ||
             matchPattern(operand, m_Constant());
    });
    if (isa<tensor::YieldOp>(nested))
      return readsInside ? WalkResult::advance() : WalkResult::interrupt();
    bool scalar =
        isa_and_present<arith::ArithDialect, math::MathDialect>(
            nested->getDialect()) &&
        nested->getNumRegions() == 0 && isPure(nested) &&
        llvm::all_of(nested->getResultTypes(),
                     [](Type type) { return type.isIntOrIndexOrFloat(); }) &&
        readsInside;
    return scalar ? WalkResult::advance() : WalkResult::interrupt();
  });
  return !result.wasInterrupted();
}

bool gpu_lowering::isCapturedConstant(Operation *op) {
  if (!op->hasTrait<OpTrait::ConstantLike>() || op->getNumResults() != 1)
    return false;
  Type type = op->getResult(0).getType();
  if (type.isIntOrIndexOrFloat())
    return llvm::all_of(op->getUsers(), [&](Operation *user) {
      // (A tensor.dim that is no size query gets the diagnostic itself.)
      return user->getBlock() != op->getBlock() ||
             isa<tensor::SplatOp, tensor::DimOp>(user) ||
             (isa<arith::CeilDivUIOp>(user) && isSizeQuery(user));
    });
  // A table that attentions' regions read: their kernels take it as a
  // constant global.
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         llvm::all_of(op->getUsers(), [&](Operation *user) {
           auto attention = user->getParentOfType<AttentionOp>();
           return attention && attention->getBlock() == op->getBlock();
         });
}

bool gpu_lowering::isElementwiseTensorOp(Operation *op) {
  // (Sizes may be open: the kernel and the host read them from buffers.)
  auto eligible = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getRank() > 0 &&
           tensor.getElementType().isIntOrFloat() &&
           tensor.getElementTypeBitWidth() >= 8;
  };
  if (auto constant = dyn_cast<arith::ConstantOp>(op))
    return eligible(constant.getType()) &&
           isa<SplatElementsAttr>(constant.getValue());
  auto sizeQueries = [](ValueRange sizes) {
    return llvm::all_of(sizes, [](Value size) {
      Operation *query = size.getDefiningOp();
      return query && isSizeQuery(query);
    });
  };
  if (auto splat = dyn_cast<tensor::SplatOp>(op))
    return eligible(splat.getType()) &&
           matchPattern(splat.getInput(), m_Constant()) &&
           sizeQueries(splat.getDynamicSizes());
  if (auto generate = dyn_cast<tensor::GenerateOp>(op))
    return eligible(generate.getType()) &&
           sizeQueries(generate.getDynamicExtents()) &&
           isScalarBody(generate.getBody());
  if (!isa_and_present<arith::ArithDialect, math::MathDialect>(
          op->getDialect()) ||
      !OpTrait::hasElementwiseMappableTraits(op) || op->getNumResults() != 1 ||
      op->getNumRegions() != 0)
    return false;
  // (An i1 operand, a select's condition say, would need an i1 buffer.)
  return llvm::all_of(op->getOperandTypes(), eligible) &&
         eligible(op->getResult(0).getType());
}

bool gpu_lowering::isSizeQuery(Operation *op) {
  auto sizesOnly = [](Operation *query) {
    return llvm::all_of(query->getUsers(),
                        llvm::IsaPred<tensor::GenerateOp, tensor::SplatOp>);
  };
  if (isa<arith::CeilDivUIOp>(op))
    return matchSizeQuery(op->getResult(0)) && sizesOnly(op);
  auto query = dyn_cast<tensor::DimOp>(op);
  return query && matchSizeQuery(query.getResult()) &&
         llvm::all_of(query->getUsers(), [&](Operation *user) {
           return isa<tensor::GenerateOp, tensor::SplatOp>(user) ||
                  (isa<arith::CeilDivUIOp>(user) &&
                   user->getOperand(0) == query.getResult() &&
                   isSizeQuery(user));
         });
}

bool gpu_lowering::isShapeCast(Operation *op) {
  auto cast = dyn_cast<tensor::CastOp>(op);
  return cast && isa<RankedTensorType>(cast.getSource().getType()) &&
         isa<RankedTensorType>(cast.getType());
}

SmallVector<Value> gpu_lowering::elementwiseLeaves(Operation *root) {
  SetVector<Value> leaves;
  SmallVector<Operation *> pending{root};
  DenseSet<Operation *> seen{root};
  while (!pending.empty()) {
    Operation *op = pending.pop_back_val();
    for (Value operand : op->getOperands()) {
      // (A splat's scalar and the open sizes are not loaded.)
      if (!isa<RankedTensorType>(operand.getType()))
        continue;
      Operation *producer = operand.getDefiningOp();
      if (!producer || !isElementwiseTensorOp(producer)) {
        leaves.insert(operand);
        continue;
      }
      if (seen.insert(producer).second)
        pending.push_back(producer);
    }
  }
  return leaves.takeVector();
}

AttentionOp gpu_lowering::withLse(AttentionOp op) {
  OpBuilder b(op);
  auto output = cast<RankedTensorType>(op.getOutput().getType());
  auto lseType =
      RankedTensorType::get(output.getShape().drop_back(), b.getF32Type());
  OperationState state(op.getLoc(), op->getName());
  state.addOperands(op->getOperands());
  state.addTypes({output, lseType});
  state.propertiesAttr = op->getPropertiesAsAttribute();
  state.addAttributes(llvm::to_vector(op->getDiscardableAttrs()));
  for (Region &region : op->getRegions())
    state.addRegion()->takeBody(region);
  auto copy = cast<AttentionOp>(b.create(state));
  op.getOutput().replaceAllUsesWith(copy.getOutput());
  op.erase();
  return copy;
}
