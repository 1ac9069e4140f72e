//===- SizeRelations.cpp - size rules between a function's buffers -------===//
//
// The verifiers check the sizes that types fix; a size left dynamic is the
// caller's promise. The C wrappers check those promises: the relations the
// attn ops impose (attn/Analysis/SizeRelations.h), between the function's
// arguments and results.
//
//===----------------------------------------------------------------------===//

#include "SizeRelations.h"

#include "attn/Analysis/SizeRelations.h"

using namespace mlir;
using namespace mlir::attn;

std::vector<CSizeRule> mlir::attn::collectSizeRules(func::FuncOp func,
                                                    ArrayRef<CBuffer> buffers) {
  SizeRelations relations(func, /*assumeBuffersKeepSizes=*/true);
  using Size = SizeRelations::Size;
  auto find = [&](Size size) { return relations.find(size); };
  // The first buffer that holds each class's size.
  DenseMap<std::pair<Value, unsigned>, std::pair<unsigned, unsigned>> holder;
  SmallVector<Value> bufferValues(relations.getArguments());
  llvm::append_range(bufferValues, relations.getReturned());
  std::vector<CSizeRule> result;
  auto isDynamic = [&](unsigned buffer, unsigned dim) {
    return buffers[buffer].type.isDynamicDim(dim);
  };
  for (auto [index, value] : llvm::enumerate(bufferValues)) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      continue;
    for (unsigned dim = 0; dim < type.getRank(); ++dim) {
      auto [it, inserted] =
          holder.try_emplace(find({value, dim}), unsigned(index), dim);
      auto [first, firstDim] = it->second;
      if (!inserted && (isDynamic(first, firstDim) || isDynamic(index, dim)))
        result.push_back(
            {unsigned(index), dim, first, firstDim, CSizeRule::Equal});
    }
  }
  // Rules between two classes, where buffers hold both.
  auto between = [&](Size a, Size b, CSizeRule::Kind kind, int64_t number) {
    auto first = holder.find(find(a)), second = holder.find(find(b));
    if (first == holder.end() || second == holder.end() || first == second)
      return;
    auto [aBuffer, aDim] = first->second;
    auto [bBuffer, bDim] = second->second;
    if (isDynamic(aBuffer, aDim) || isDynamic(bBuffer, bDim))
      result.push_back({aBuffer, aDim, bBuffer, bDim, kind, number});
  };
  for (SizeRelations::Grouping grouping : relations.getGroupings())
    between({grouping.query, 1}, {grouping.keys, 1}, CSizeRule::Divides, 1);
  for (SizeRelations::CeilDivision division : relations.getCeilDivisions())
    between(division.reduced, division.full, CSizeRule::CeilDiv,
            division.divisor);
  for (SizeRelations::Broadcast broadcast : relations.getBroadcasts())
    between(broadcast.broadcast, broadcast.full, CSizeRule::EqualOrOne, 1);
  for (SizeRelations::ConstantSize constant : relations.getConstants()) {
    auto it = holder.find(find(constant.size));
    if (it == holder.end())
      continue;
    auto [buffer, dim] = it->second;
    if (isDynamic(buffer, dim))
      result.push_back(
          {buffer, dim, buffer, dim, CSizeRule::Constant, constant.value});
  }
  return result;
}
