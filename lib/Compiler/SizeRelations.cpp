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
  // Rules between two classes: between the buffers that hold them, or, where
  // no buffer holds one but the function fixes its size (keys that are a
  // constant, a compressed length that a cast fixes), between the other
  // class's buffer and that size.
  auto between = [&](Size a, Size b, CSizeRule::Kind kind, int64_t number) {
    auto first = holder.find(find(a)), second = holder.find(find(b));
    if (first != holder.end() && second != holder.end()) {
      auto [aBuffer, aDim] = first->second;
      auto [bBuffer, bDim] = second->second;
      if (first != second &&
          (isDynamic(aBuffer, aDim) || isDynamic(bBuffer, bDim)))
        result.push_back({aBuffer, aDim, bBuffer, bDim, kind, number});
      return;
    }
    bool aHeld = first != holder.end();
    auto held = aHeld ? first : second;
    std::optional<int64_t> fixed = knownSize(aHeld ? b : a);
    if (held == holder.end() || !fixed || knownSize(aHeld ? a : b))
      return;
    unsigned buffer = held->second.first, dim = held->second.second;
    // Query heads against constant keys' heads; a length against the
    // compressed length that the function fixes. (A fixed full length
    // fixes its ceil division, checked above. Not checked: K/V heads
    // against queries that are a constant, and broadcasts, whose full sizes
    // are the queries' batch and heads, which the queries' buffer holds
    // when they are not a constant.)
    if (kind == CSizeRule::Divides && aHeld)
      result.push_back(
          {buffer, dim, buffer, dim, CSizeRule::MultipleOf, *fixed});
    else if (kind == CSizeRule::CeilDiv && !aHeld)
      result.push_back(
          {buffer, dim, buffer, dim, CSizeRule::CeilDivIs, number, *fixed});
  };
  for (SizeRelations::Grouping grouping : relations.getGroupings())
    between({grouping.query, 1}, {grouping.keys, 1}, CSizeRule::Divides, 1);
  for (SizeRelations::CeilDivision division : relations.getCeilDivisions())
    between(division.reduced, division.full, CSizeRule::CeilDiv,
            division.divisor);
  for (SizeRelations::Broadcast broadcast : relations.getBroadcasts())
    between(broadcast.broadcast, broadcast.full, CSizeRule::EqualOrOne, 1);
  return result;
}
