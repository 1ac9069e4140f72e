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
  // A class's static size, where the function fixes one: a constant (grid
  // cells, k), a ceil division of a known size, or the type of a value
  // inside (a tensor.cast to a static size, an op's declared result).
  auto knownSize = [&](Size size) -> std::optional<int64_t> {
    auto type =
        dyn_cast<RankedTensorType>(relations.getRefinedType(size.first));
    if (!type || type.isDynamicDim(size.second))
      return std::nullopt;
    return type.getDimSize(size.second);
  };
  // The first buffer that holds such a size, where it leaves the size open,
  // is checked against it (the others of its class are equal to it).
  for (auto [index, value] : llvm::enumerate(bufferValues)) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      continue;
    for (unsigned dim = 0; dim < type.getRank(); ++dim) {
      if (!isDynamic(index, dim) || holder.lookup(find({value, dim})) !=
                                        std::make_pair(unsigned(index), dim))
        continue;
      if (std::optional<int64_t> size = knownSize({value, dim}))
        result.push_back({unsigned(index), dim, unsigned(index), dim,
                          CSizeRule::Constant, *size});
    }
  }
  // A reduced size that no buffer holds but the function fixes bounds the
  // full size that a buffer leaves open: ceil(full / divisor) == reduced.
  for (SizeRelations::CeilDivision division : relations.getCeilDivisions()) {
    auto full = holder.find(find(division.full));
    if (holder.count(find(division.reduced)) || full == holder.end())
      continue;
    auto [buffer, dim] = full->second;
    std::optional<int64_t> reduced = knownSize(division.reduced);
    if (reduced && isDynamic(buffer, dim) && !knownSize(division.full))
      result.push_back({buffer, dim, buffer, dim, CSizeRule::CeilDivIs,
                        division.divisor, *reduced});
  }
  return result;
}
