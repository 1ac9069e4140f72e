//===- SizeRelations.cpp - sizes that a function's attn ops relate --------===//

#include "attn/Analysis/SizeRelations.h"

#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/OpDefinition.h"

using namespace mlir;
using namespace mlir::attn;

std::optional<SizeQuery> mlir::attn::matchSizeQuery(Value size) {
  int64_t divisor = 1;
  if (auto division = size.getDefiningOp<arith::CeilDivUIOp>()) {
    std::optional<int64_t> constant = getConstantIntValue(division.getRhs());
    if (!constant || *constant <= 0)
      return std::nullopt;
    divisor = *constant;
    size = division.getLhs();
  }
  auto query = size.getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> index =
      query ? query.getConstantIndex() : std::nullopt;
  if (!index || !isa<RankedTensorType>(query.getSource().getType()))
    return std::nullopt;
  return SizeQuery{query, query.getSource(), unsigned(*index), divisor};
}

SizeRelations::SizeRelations(func::FuncOp func, Block *scope)
    : arguments(func.getArguments().begin(), func.getArguments().end()),
      assumeBuffersKeepSizes(false) {
  for (Block *block = scope; block;) {
    scopeBlocks.insert(block);
    Operation *parent = block->getParentOp();
    block = parent && parent != func ? parent->getBlock() : nullptr;
  }
  build(func);
}

SizeRelations::SizeRelations(func::FuncOp func, bool assumeBuffersKeepSizes)
    : arguments(func.getArguments().begin(), func.getArguments().end()),
      assumeBuffersKeepSizes(assumeBuffersKeepSizes) {
  build(func);
}

void SizeRelations::build(func::FuncOp func) {
  // Every op, in loops too (in scope); every return gives the same result
  // buffers.
  func.walk([&](Operation *op) {
    if (scopeBlocks.empty() || scopeBlocks.contains(op->getBlock()))
      addOp(op);
  });
  SmallVector<func::ReturnOp> returns;
  func.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
  // (A function being built may have no return yet.)
  if (!returns.empty()) {
    returned.assign(returns.front().operand_begin(),
                    returns.front().operand_end());
    if (assumeBuffersKeepSizes)
      for (func::ReturnOp ret : llvm::drop_begin(returns))
        for (auto [first, other] : llvm::zip(returned, ret.getOperands()))
          if (isa<RankedTensorType>(first.getType()))
            equalAll(first, other);
  }
  computeStaticSizes(func);
}

SizeRelations::Size SizeRelations::find(Size size) {
  auto it = parent.find(size);
  if (it == parent.end() || it->second == size)
    return size;
  Size root = find(it->second);
  parent[size] = root;
  return root;
}
void SizeRelations::equal(Value a, unsigned dimA, Value b, unsigned dimB) {
  if (!a || !b)
    return;
  Size rootA = find({a, dimA}), rootB = find({b, dimB});
  if (rootA != rootB)
    parent[rootA] = rootB;
}
void SizeRelations::equalAll(Value a, Value b) {
  auto type = cast<RankedTensorType>(a.getType());
  for (unsigned dim = 0; dim < type.getRank(); ++dim)
    equal(a, dim, b, dim);
}

/// [B, Hq, Lq, D] queries, [B, Hkv, Lkv, D] keys, [B, Hkv, Lkv, Dv]
/// values and a [B, Hq, Lq, Dv] output, as attention and linear attention
/// have them.
void SizeRelations::addQueryKeyValue(Value q, Value k, Value v, Value out) {
  equal(q, 0, k, 0), equal(k, 0, v, 0), equal(k, 1, v, 1);
  equal(k, 2, v, 2), equal(q, 3, k, 3);
  for (unsigned dim : {0, 1, 2})
    equal(out, dim, q, dim);
  equal(out, 3, v, 3);
  groupings.push_back({q, k});
}

/// The sizes a mask's predicates fix: a neighbourhood grid's cells are
/// both lengths.
void SizeRelations::addMaskSizes(ArrayAttr mask, Value q, Value keys) {
  for (Attribute attr : mask)
    cast<MaskAttrInterface>(attr).walkPredicates([&](MaskAttrInterface p) {
      if (auto grid = dyn_cast<NeighborhoodAttr>(p)) {
        constants.push_back({{q, 2}, grid.getNumCells()});
        constants.push_back({{keys, 2}, grid.getNumCells()});
      }
    });
}

/// The operands an attention's score modifiers and block predicates
/// read: a [B or 1, Hq or 1, Lq, Lkv] bias, a [B or 1, Hq or 1,
/// ceil(Lq / block_q), ceil(Lkv / block_kv)] block layout and
/// [B, Hkv, ceil(Lq / block_q), k] block indices.
void SizeRelations::addBlockOperands(AttentionOp attention) {
  Value q = attention.getQuery(), k = attention.getKey();
  if (Value bias = attention.getBias()) {
    broadcasts.push_back({{bias, 0}, {q, 0}});
    broadcasts.push_back({{bias, 1}, {q, 1}});
    equal(bias, 2, q, 2), equal(bias, 3, k, 2);
  }
  for (Attribute attr : attention.getMask())
    cast<MaskAttrInterface>(attr).walkPredicates([&](MaskAttrInterface p) {
      if (auto layout = dyn_cast<BlockLayoutAttr>(p)) {
        Value blocks = attention.getLayout();
        broadcasts.push_back({{blocks, 0}, {q, 0}});
        broadcasts.push_back({{blocks, 1}, {q, 1}});
        ceilDivisions.push_back({{blocks, 2}, {q, 2}, layout.getBlockQ()});
        ceilDivisions.push_back({{blocks, 3}, {k, 2}, layout.getBlockKv()});
      } else if (auto indices = dyn_cast<BlockIndicesAttr>(p)) {
        Value chosen = attention.getIndices();
        equal(chosen, 0, q, 0), equal(chosen, 1, k, 1);
        ceilDivisions.push_back({{chosen, 2}, {q, 2}, indices.getBlockQ()});
      }
    });
}

/// The relations of the ops' verifiers that hold between dynamic sizes.
void SizeRelations::addOp(Operation *op) {
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    Value q = attention.getQuery(), k = attention.getKey();
    addQueryKeyValue(q, k, attention.getValue(), attention.getOutput());
    for (unsigned dim : {0, 1, 2})
      equal(attention.getLse(), dim, q, dim);
    equal(attention.getQSegments(), 0, q, 0);
    equal(attention.getQSegments(), 1, q, 2);
    equal(attention.getKvSegments(), 0, k, 0);
    equal(attention.getKvSegments(), 1, k, 2);
    equal(attention.getSink(), 0, q, 1);
    addBlockOperands(attention);
    addMaskSizes(attention.getMask(), q, k);
    // ALiBi's given slopes: one per query head (the verifier checks a
    // static count; a dynamic one would read past the table).
    for (Attribute modifier : attention.getScore())
      if (auto alibi = dyn_cast<AlibiAttr>(modifier))
        if (DenseF32ArrayAttr slopes = alibi.getSlopes())
          constants.push_back({{q, 1}, static_cast<int64_t>(slopes.size())});
  } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
    Value q = linear.getQuery(), k = linear.getKey();
    addQueryKeyValue(q, k, linear.getValue(), linear.getResult());
    equal(linear.getDecay(), 0, q, 0), equal(linear.getDecay(), 1, q, 1);
    equal(linear.getDecay(), 2, k, 2);
  } else if (auto scores = dyn_cast<BlockScoresOp>(op)) {
    Value q = scores.getQuery(), keys = scores.getKeys(),
          out = scores.getResult();
    equal(q, 0, keys, 0), equal(q, 3, keys, 3);
    equal(out, 0, q, 0), equal(out, 1, keys, 1), equal(out, 3, keys, 2);
    ceilDivisions.push_back(
        {{out, 2}, {q, 2}, static_cast<int64_t>(scores.getBlockQ())});
    groupings.push_back({q, keys});
    addMaskSizes(scores.getMask(), q, keys);
  } else if (auto compress = dyn_cast<CompressOp>(op)) {
    for (unsigned dim : {0, 1, 3})
      equal(compress.getResult(), dim, compress.getInput(), dim);
    ceilDivisions.push_back({{compress.getResult(), 2},
                             {compress.getInput(), 2},
                             static_cast<int64_t>(compress.getStride())});
    // Weights: [W] or [H, W].
    if (Value weights = compress.getWeights()) {
      auto type = cast<RankedTensorType>(weights.getType());
      if (type.getRank() == 2)
        equal(weights, 0, compress.getInput(), 1);
      constants.push_back({{weights, unsigned(type.getRank() - 1)},
                           static_cast<int64_t>(compress.getWindowOrStride())});
    }
  } else if (auto merge = dyn_cast<MergeOp>(op)) {
    Value result = merge.getResult();
    for (Value output : merge.getOutputs())
      equalAll(output, result);
    // Gates and LSEs are [B, H, L], as the merged LSE.
    for (Value rows :
         llvm::concat<Value>(merge.getWeights(), merge->getResults()))
      if (rows != result)
        for (unsigned dim : {0, 1, 2})
          equal(rows, dim, result, dim);
  } else if (auto conv = dyn_cast<CausalConvOp>(op)) {
    equalAll(conv.getResult(), conv.getInput());
    equal(conv.getWeight(), 0, conv.getInput(), 1);
    equal(conv.getWeight(), 1, conv.getInput(), 3);
  } else if (auto loop = dyn_cast<scf::ForOp>(op);
             loop && assumeBuffersKeepSizes) {
    // A carried tensor keeps its sizes through the loop (assumed).
    for (auto [init, carried, result] : llvm::zip(
             loop.getInitArgs(), loop.getRegionIterArgs(), loop.getResults()))
      if (isa<RankedTensorType>(init.getType())) {
        equalAll(carried, init), equalAll(result, init);
        equalAll(loop.getTiedLoopYieldedValue(carried)->get(), init);
      }
  } else if (auto topk = dyn_cast<TopkOp>(op)) {
    auto type = cast<RankedTensorType>(topk.getScores().getType());
    for (unsigned dim = 0; dim + 1 < type.getRank(); ++dim)
      equal(topk.getIndices(), dim, topk.getScores(), dim);
    // K indices per row.
    constants.push_back({{topk.getIndices(), unsigned(type.getRank() - 1)},
                         static_cast<int64_t>(topk.getK())});
  } else if (isa<tensor::SplatOp, tensor::GenerateOp>(op)) {
    // An open size that a tensor.dim asks of another tensor at a constant
    // index is that tensor's size, and its ceil division by a constant (a
    // folded block scores' query blocks) that size's (the GPU host sizes
    // the result so).
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    ValueRange sizes = op->getOperands().take_back(type.getNumDynamicDims());
    unsigned open = 0;
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      if (!type.isDynamicDim(dim))
        continue;
      std::optional<SizeQuery> asked = matchSizeQuery(sizes[open++]);
      if (!asked)
        continue;
      if (asked->divisor == 1)
        equal(op->getResult(0), dim, asked->source, asked->dim);
      else
        ceilDivisions.push_back({{op->getResult(0), unsigned(dim)},
                                 {asked->source, asked->dim},
                                 asked->divisor});
    }
  } else if ((OpTrait::hasElementwiseMappableTraits(op) ||
              isa<tensor::CastOp>(op)) &&
             op->getNumResults() == 1 &&
             isa<RankedTensorType>(op->getResult(0).getType())) {
    for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
      if (isa<RankedTensorType>(value.getType()))
        equalAll(value, op->getResult(0));
  }
}

void SizeRelations::addKnown(Size member, int64_t size, bool fromType) {
  auto [it, inserted] =
      known.try_emplace(find(member), KnownSize{size, member, fromType});
  if (!inserted && it->second.size != size && !conflict)
    conflict = {it->second, KnownSize{size, member, fromType}};
}

void SizeRelations::addTypeSizes(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (!ShapedType::isDynamic(size))
      addKnown({value, unsigned(dim)}, size, /*fromType=*/true);
}

void SizeRelations::computeStaticSizes(func::FuncOp func) {
  func.walk([&](Block *block) {
    for (BlockArgument argument : block->getArguments())
      addTypeSizes(argument);
  });
  func.walk([&](Operation *op) {
    for (Value result : op->getResults())
      addTypeSizes(result);
  });
  for (const ConstantSize &constant : constants)
    addKnown(constant.size, constant.value, /*fromType=*/false);
  // A ceil division of a known size is known; chains (a compression of a
  // compression) take as many rounds as they are long.
  for (bool changed = true; changed && !conflict;) {
    changed = false;
    for (const CeilDivision &division : ceilDivisions) {
      auto full = known.find(find(division.full));
      if (full == known.end())
        continue;
      // (A known reduced size must agree: addKnown reports it if not.)
      changed |= !known.contains(find(division.reduced));
      addKnown(division.reduced,
               llvm::divideCeil(full->second.size, division.divisor),
               /*fromType=*/false);
    }
  }
  // Query heads are a multiple of the key/value heads.
  for (const Grouping &grouping : groupings) {
    auto query = known.find(find({grouping.query, 1}));
    auto keys = known.find(find({grouping.keys, 1}));
    if (query == known.end() || keys == known.end())
      continue;
    if (!groupingConflict &&
        (keys->second.size < 1 || query->second.size % keys->second.size))
      groupingConflict = {query->second, keys->second};
  }
}

Type SizeRelations::getRefinedType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.hasStaticShape())
    return value.getType();
  SmallVector<int64_t> shape(type.getShape());
  for (auto [dim, size] : llvm::enumerate(shape)) {
    if (!ShapedType::isDynamic(size))
      continue;
    auto it = known.find(find({value, unsigned(dim)}));
    if (it != known.end())
      size = it->second.size;
  }
  return type.clone(shape);
}
