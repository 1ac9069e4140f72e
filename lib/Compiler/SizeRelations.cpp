//===- SizeRelations.cpp - size rules between a function's buffers -------===//
//
// The verifiers check the sizes that types fix; a size left dynamic is the
// caller's promise. The C wrappers check those promises: the relations the
// attn ops impose (attn/Analysis/SizeRelations.h), between the function's
// arguments and results, and between them and the sizes the function fixes.
// The equalities, the ops' constants and the relations between buffers come
// from every op, in branches and loop bodies too (a branch that runs must
// not read past a buffer); the sizes that types inside fix, from the ops
// that every call runs.
//
//===----------------------------------------------------------------------===//

#include "SizeRelations.h"

#include "attn/Analysis/SizeRelations.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

std::vector<CSizeRule> mlir::attn::collectSizeRules(func::FuncOp func,
                                                    ArrayRef<CBuffer> buffers) {
  using Size = SizeRelations::Size;
  using Holders = DenseMap<Size, std::pair<unsigned, unsigned>>;
  SizeRelations relations(func, /*assumeBuffersKeepSizes=*/true);
  // The ops that run at every call (the entry block's): a size that a cast
  // in a branch or a loop body fixes binds only the calls that run it.
  SizeRelations always(func, &func.getBody().front());
  SmallVector<Value> bufferValues(relations.getArguments());
  llvm::append_range(bufferValues, relations.getReturned());
  auto isDynamic = [&](unsigned buffer, unsigned dim) {
    return buffers[buffer].type.isDynamicDim(dim);
  };
  // Each buffer dimension in order, and the first buffer that holds each
  // class's size.
  SmallVector<std::pair<unsigned, unsigned>> bufferDims;
  for (auto [index, value] : llvm::enumerate(bufferValues))
    if (auto type = dyn_cast<RankedTensorType>(value.getType()))
      for (unsigned dim = 0; dim < type.getRank(); ++dim)
        bufferDims.push_back({unsigned(index), dim});
  auto firstHolders = [&](SizeRelations &classes) {
    Holders holders;
    for (auto [index, dim] : bufferDims)
      holders.try_emplace(classes.find({bufferValues[index], dim}), index, dim);
    return holders;
  };
  Holders holder = firstHolders(relations), alwaysHolder = firstHolders(always);
  // A class's static size, where the ops that always run fix one: a
  // constant, a ceil division of a known size, or the type of a value
  // inside (a tensor.cast to a static size, an op's declared result).
  auto knownSize = [&](Size size) -> std::optional<int64_t> {
    auto type = dyn_cast<RankedTensorType>(always.getRefinedType(size.first));
    if (!type || type.isDynamicDim(size.second))
      return std::nullopt;
    return type.getDimSize(size.second);
  };

  std::vector<CSizeRule> result;
  auto isFirst = [&](const Holders &holders, SizeRelations &classes,
                     unsigned index, unsigned dim) {
    auto it = holders.find(classes.find({bufferValues[index], dim}));
    return it->second == std::make_pair(index, dim);
  };
  // First the sizes that the function fixes where the buffers leave them
  // open (the first buffer of each class; the others are equal to it), so
  // that a refusal names a buffer of the wrong size rather than one that
  // has it: the constants of ops (grid cells, k; of every op, as the
  // equalities)...
  DenseSet<std::pair<unsigned, unsigned>> fixed;
  for (SizeRelations::ConstantSize constant : relations.getConstants()) {
    auto it = holder.find(relations.find(constant.size));
    if (it == holder.end() || !isDynamic(it->second.first, it->second.second))
      continue;
    auto [buffer, dim] = it->second;
    if (fixed.insert({buffer, dim}).second)
      result.push_back(
          {buffer, dim, buffer, dim, CSizeRule::Constant, constant.value});
  }
  // ... and the other sizes that the ops that always run fix.
  for (auto [index, dim] : bufferDims) {
    if (!isDynamic(index, dim) || !isFirst(alwaysHolder, always, index, dim))
      continue;
    std::optional<int64_t> size = knownSize({bufferValues[index], dim});
    if (size && fixed.insert({index, dim}).second)
      result.push_back({index, dim, index, dim, CSizeRule::Constant, *size});
  }
  // Equal sizes.
  for (auto [index, dim] : bufferDims) {
    auto [first, firstDim] =
        holder.lookup(relations.find({bufferValues[index], dim}));
    if ((first != index || firstDim != dim) &&
        (isDynamic(first, firstDim) || isDynamic(index, dim)))
      result.push_back({index, dim, first, firstDim, CSizeRule::Equal});
  }
  // Rules between two classes (of `classes`), where buffers hold both.
  auto betweenIn = [&](const Holders &holders, SizeRelations &classes, Size a,
                       Size b, CSizeRule::Kind kind, int64_t number) {
    auto first = holders.find(classes.find(a)),
         second = holders.find(classes.find(b));
    if (first == holders.end() || second == holders.end() || first == second)
      return;
    auto [aBuffer, aDim] = first->second;
    auto [bBuffer, bDim] = second->second;
    if (isDynamic(aBuffer, aDim) || isDynamic(bBuffer, bDim))
      result.push_back({aBuffer, aDim, bBuffer, bDim, kind, number});
  };
  auto between = [&](Size a, Size b, CSizeRule::Kind kind, int64_t number) {
    betweenIn(holder, relations, a, b, kind, number);
  };
  for (SizeRelations::Grouping grouping : relations.getGroupings())
    between({grouping.query, 1}, {grouping.keys, 1}, CSizeRule::Divides, 1);
  // Head dims that the verifiers take from 1 (a score of no products, and
  // the default scale 1/sqrt(D), have no meaning at 0), where a buffer
  // holds one open.
  DenseSet<std::pair<unsigned, unsigned>> nonEmpty;
  auto atLeastOne = [&](Value value) {
    auto it = holder.find(relations.find({value, 3}));
    if (it == holder.end() || !isDynamic(it->second.first, it->second.second))
      return;
    auto [buffer, dim] = it->second;
    if (nonEmpty.insert({buffer, dim}).second)
      result.push_back({buffer, dim, buffer, dim, CSizeRule::AtLeastOne});
  };
  func.walk([&](Operation *op) {
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      atLeastOne(attention.getQuery());
      atLeastOne(attention.getValue());
    } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
      atLeastOne(linear.getQuery());
      atLeastOne(linear.getValue());
    } else if (auto scores = dyn_cast<BlockScoresOp>(op)) {
      atLeastOne(scores.getQuery());
    }
  });
  for (SizeRelations::CeilDivision division : relations.getCeilDivisions())
    between(division.reduced, division.full, CSizeRule::CeilDiv,
            division.divisor);
  for (SizeRelations::Broadcast broadcast : relations.getBroadcasts())
    between(broadcast.broadcast, broadcast.full, CSizeRule::EqualOrOne, 1);
  // Where no buffer holds one class of such a rule but the ops that always
  // run fix its size, the other class's buffer against that size: query
  // heads against constant keys' heads and K/V heads against constant
  // queries' heads, a length against the compressed length that a cast
  // fixes. (A fixed full length fixes its ceil division, checked above. Not
  // checked: broadcasts, whose full sizes are the queries' batch and heads,
  // held by the queries' buffer when they are not a constant.)
  auto againstFixed = [&](Size a, Size b, CSizeRule::Kind kind,
                          int64_t number) {
    auto first = alwaysHolder.find(always.find(a)),
         second = alwaysHolder.find(always.find(b));
    bool aHeld = first != alwaysHolder.end();
    if (aHeld == (second != alwaysHolder.end()))
      return;
    std::optional<int64_t> size = knownSize(aHeld ? b : a);
    if (!size || knownSize(aHeld ? a : b))
      return;
    auto [buffer, dim] = (aHeld ? first : second)->second;
    if (kind == CSizeRule::Divides)
      result.push_back({buffer, dim, buffer, dim,
                        aHeld ? CSizeRule::MultipleOf : CSizeRule::DivisorOf,
                        *size});
    else if (kind == CSizeRule::CeilDiv && !aHeld)
      result.push_back(
          {buffer, dim, buffer, dim, CSizeRule::CeilDivIs, number, *size});
  };
  for (SizeRelations::Grouping grouping : always.getGroupings())
    againstFixed({grouping.query, 1}, {grouping.keys, 1}, CSizeRule::Divides,
                 1);
  // A ceil division whose full size no buffer holds but which is itself
  // reduced from a held one (compressions of compressions) composes:
  // ceil(ceil(L / a) / b) = ceil(L / ab). reachHeld(size): a held size that
  // a chain of divisions reduces to `size`, and the chain's product; each
  // class is searched once (a class on the search's path counts as none).
  // The wrapper adds divisor - 1 to a size: products stay within 31 bits.
  constexpr int64_t kMaxDivisor = std::numeric_limits<int32_t>::max();
  ArrayRef<SizeRelations::CeilDivision> divisions = always.getCeilDivisions();
  DenseMap<Size, std::optional<std::pair<Size, int64_t>>> reached;
  std::function<std::optional<std::pair<Size, int64_t>>(Size)> reachHeld =
      [&](Size size) -> std::optional<std::pair<Size, int64_t>> {
    Size root = always.find(size);
    if (alwaysHolder.count(root))
      return std::make_pair(size, int64_t(1));
    if (auto it = reached.find(root); it != reached.end())
      return it->second;
    reached[root] = std::nullopt;
    for (const SizeRelations::CeilDivision &inner : divisions) {
      if (always.find(inner.reduced) != root)
        continue;
      auto held = reachHeld(inner.full);
      if (held && held->second <= kMaxDivisor / inner.divisor) {
        held->second *= inner.divisor;
        return reached[root] = held;
      }
    }
    return std::nullopt;
  };
  for (SizeRelations::CeilDivision division : divisions) {
    auto held = reachHeld(division.full);
    if (!held || held->second > kMaxDivisor / division.divisor)
      continue;
    int64_t divisor = division.divisor * held->second;
    againstFixed(division.reduced, held->first, CSizeRule::CeilDiv, divisor);
    // A buffer that holds the reduced size as well: the rule between the
    // two (a direct division's is `between`'s, above).
    if (held->second > 1)
      betweenIn(alwaysHolder, always, division.reduced, held->first,
                CSizeRule::CeilDiv, divisor);
  }
  return result;
}
