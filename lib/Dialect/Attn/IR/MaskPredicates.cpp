//===- MaskPredicates.cpp - constant folding of mask predicates -----------===//
//
// Each predicate says when it holds for every (i, j) of an attention or for
// none; the combinators fold and flatten. Canonicalisation builds on this to
// drop trivially true atoms and to fold fully masked attention.
//
// For static lengths, queries are aligned bottom-right: pos(i) = i + Lkv - Lq
// ranges over [Lkv - Lq, Lkv - 1] and j over [0, Lkv - 1].
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnAttrs.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::attn;

static bool isKnown(int64_t size) { return !ShapedType::isDynamic(size); }

//===----------------------------------------------------------------------===//
// Atoms
//===----------------------------------------------------------------------===//

std::optional<bool>
CausalAttr::getConstantValue(const MaskShape &shape) const {
  // (j + 1) S - 1 <= i + S Lkv - Lq holds for every j < Lkv iff it holds for
  // j = Lkv - 1 at i = 0, i.e. iff Lq <= 1; it holds for (i, j) = (Lq - 1, 0)
  // always, so the atom is never constant false.
  if (shape.queryLength == 1)
    return true;
  return std::nullopt;
}

std::optional<bool>
WindowAttr::getConstantValue(const MaskShape &shape) const {
  // j >= pos(i) - left for every (i, j) iff left >= Lkv - 1; j <= pos(i) +
  // right for every (i, j) iff right >= Lq - 1. Row Lq - 1 always allows
  // j = Lkv - 1, so the window is never empty.
  bool leftUnbounded = isKnown(shape.keyLength) && getLeft() >= shape.keyLength - 1;
  bool rightUnbounded =
      isKnown(shape.queryLength) && getRight() >= shape.queryLength - 1;
  if (leftUnbounded && rightUnbounded)
    return true;
  return std::nullopt;
}

std::optional<bool>
DilatedAttr::getConstantValue(const MaskShape &shape) const {
  if (getDilation() == 1)
    return WindowAttr::get(getContext(), getWindow(), getWindow())
        .getConstantValue(shape);
  return std::nullopt;
}

std::optional<bool>
NeighborhoodAttr::getConstantValue(const MaskShape &) const {
  for (auto [size, radius, dilation] :
       llvm::zip_equal(getGrid(), getRadius(), getDilation())) {
    if (size == 1)
      continue;
    if (dilation != 1 || radius < size - 1)
      return std::nullopt;
  }
  return true;
}

std::optional<bool>
PrefixAttr::getConstantValue(const MaskShape &shape) const {
  if (getLen() == 0)
    return false;
  if (isKnown(shape.keyLength) && getLen() >= shape.keyLength)
    return true;
  return std::nullopt;
}

std::optional<bool>
ChunkedAttr::getConstantValue(const MaskShape &shape) const {
  // One chunk holds every key and every row's position (none before the
  // keys: Lq <= Lkv).
  if (isKnown(shape.queryLength) && isKnown(shape.keyLength) &&
      shape.queryLength <= shape.keyLength && shape.keyLength <= getSize())
    return true;
  return std::nullopt;
}

std::optional<bool>
GlobalAttr::getConstantValue(const MaskShape &shape) const {
  // pos(i) < N or j < N: with N >= Lkv every key is global. With N = 0 no
  // key is, and no row unless one sits before the keys (Lq > Lkv gives
  // rows pos(i) < 0, which see every key).
  if (getCount() == 0 && isKnown(shape.queryLength) &&
      isKnown(shape.keyLength) && shape.queryLength <= shape.keyLength)
    return false;
  if (isKnown(shape.keyLength) && getCount() >= shape.keyLength)
    return true;
  return std::nullopt;
}

std::optional<bool>
StripesAttr::getConstantValue(const MaskShape &shape) const {
  if (!isKnown(shape.keyLength))
    return std::nullopt;
  llvm::SmallDenseSet<int64_t> columns(getColumns().begin(),
                                       getColumns().end());
  for (int64_t j = 0; j < shape.keyLength; ++j)
    if (!columns.contains(j))
      return std::nullopt;
  return true;
}

std::optional<bool> DocumentAttr::getConstantValue(const MaskShape &) const {
  return std::nullopt;
}

std::optional<bool>
BlockLayoutAttr::getConstantValue(const MaskShape &) const {
  return std::nullopt;
}

std::optional<bool>
BlockIndicesAttr::getConstantValue(const MaskShape &) const {
  return std::nullopt;
}

Attribute WindowAttr::simplify(const MaskShape &shape) const {
  // A window unbounded on the left that ends at the query is causal.
  if (getRight() == 0 && isKnown(shape.keyLength) &&
      getLeft() >= shape.keyLength - 1)
    return CausalAttr::get(getContext(), /*stride=*/1);
  return *this;
}

Attribute DilatedAttr::simplify(const MaskShape &shape) const {
  if (getDilation() != 1)
    return *this;
  return WindowAttr::get(getContext(), getWindow(), getWindow())
      .simplify(shape);
}

//===----------------------------------------------------------------------===//
// Combinators
//===----------------------------------------------------------------------===//

static std::optional<bool> constantOf(Attribute predicate,
                                      const MaskShape &shape) {
  return cast<MaskAttrInterface>(predicate).getConstantValue(shape);
}

/// Whether `members` holds a predicate and its negation: a conjunction of
/// them never holds, a disjunction always does, whatever the lengths.
static bool holdsComplement(ArrayRef<Attribute> members) {
  return llvm::any_of(members, [&](Attribute member) {
    auto negation = dyn_cast<NotAttr>(member);
    return negation && llvm::is_contained(members, negation.getPredicate());
  });
}

std::optional<bool> OrAttr::getConstantValue(const MaskShape &shape) const {
  if (holdsComplement(getPredicates().getValue()))
    return true;
  bool allFalse = true;
  for (Attribute predicate : getPredicates()) {
    std::optional<bool> value = constantOf(predicate, shape);
    if (value == true)
      return true;
    allFalse &= value == false;
  }
  if (allFalse)
    return false;
  return std::nullopt;
}

std::optional<bool> AndAttr::getConstantValue(const MaskShape &shape) const {
  if (holdsComplement(getPredicates().getValue()))
    return false;
  bool allTrue = true;
  for (Attribute predicate : getPredicates()) {
    std::optional<bool> value = constantOf(predicate, shape);
    if (value == false)
      return false;
    allTrue &= value == true;
  }
  if (allTrue)
    return true;
  return std::nullopt;
}

std::optional<bool> NotAttr::getConstantValue(const MaskShape &shape) const {
  if (std::optional<bool> value = constantOf(getPredicate(), shape))
    return !*value;
  return std::nullopt;
}

Attribute OrAttr::simplify(const MaskShape &shape) const {
  // Flatten nested disjunctions, simplify members and drop those that never
  // hold; the caller has already folded a constant-true disjunction.
  llvm::SmallSetVector<Attribute, 4> members;
  std::function<void(Attribute)> add = [&](Attribute predicate) {
    if (auto nested = dyn_cast<OrAttr>(predicate)) {
      for (Attribute member : nested.getPredicates())
        add(member);
      return;
    }
    if (constantOf(predicate, shape) == false)
      return;
    Attribute simplified = cast<MaskAttrInterface>(predicate).simplify(shape);
    if (auto nested = dyn_cast<OrAttr>(simplified); nested && nested != predicate)
      return add(nested);
    members.insert(simplified);
  };
  for (Attribute predicate : getPredicates())
    add(predicate);
  if (members.empty())
    return *this;
  if (members.size() == 1)
    return members.front();
  return OrAttr::get(getContext(),
                     ArrayAttr::get(getContext(), members.getArrayRef()));
}

Attribute AndAttr::simplify(const MaskShape &shape) const {
  std::optional<SmallVector<Attribute>> members =
      simplifyConjunction(getPredicates().getValue(), shape);
  if (!members || members->empty())
    return *this;
  if (members->size() == 1)
    return members->front();
  return AndAttr::get(getContext(), ArrayAttr::get(getContext(), *members));
}

Attribute NotAttr::simplify(const MaskShape &shape) const {
  Attribute inner = cast<MaskAttrInterface>(getPredicate()).simplify(shape);
  if (auto doubleNegation = dyn_cast<NotAttr>(inner))
    return cast<MaskAttrInterface>(doubleNegation.getPredicate())
        .simplify(shape);
  return NotAttr::get(getContext(), inner);
}

static void walkNested(Attribute self, ArrayAttr predicates,
                       function_ref<void(MaskAttrInterface)> fn) {
  fn(cast<MaskAttrInterface>(self));
  for (Attribute predicate : predicates)
    cast<MaskAttrInterface>(predicate).walkPredicates(fn);
}

void OrAttr::walkPredicates(function_ref<void(MaskAttrInterface)> fn) const {
  walkNested(*this, getPredicates(), fn);
}

void AndAttr::walkPredicates(function_ref<void(MaskAttrInterface)> fn) const {
  walkNested(*this, getPredicates(), fn);
}

void NotAttr::walkPredicates(function_ref<void(MaskAttrInterface)> fn) const {
  fn(*this);
  cast<MaskAttrInterface>(getPredicate()).walkPredicates(fn);
}

//===----------------------------------------------------------------------===//
// Conjunctions
//===----------------------------------------------------------------------===//

std::optional<SmallVector<Attribute>>
mlir::attn::simplifyConjunction(ArrayRef<Attribute> predicates,
                                const MaskShape &shape) {
  llvm::SmallSetVector<Attribute, 4> members;
  bool never = false;
  std::function<void(Attribute)> add = [&](Attribute predicate) {
    if (auto nested = dyn_cast<AndAttr>(predicate)) {
      for (Attribute member : nested.getPredicates())
        add(member);
      return;
    }
    std::optional<bool> value = constantOf(predicate, shape);
    if (value == true)
      return;
    if (value == false) {
      never = true;
      return;
    }
    Attribute simplified = cast<MaskAttrInterface>(predicate).simplify(shape);
    if (simplified != predicate)
      return add(simplified);
    members.insert(simplified);
  };
  for (Attribute predicate : predicates)
    add(predicate);
  if (never || holdsComplement(members.getArrayRef()))
    return std::nullopt;

  if (members.empty())
    return SmallVector<Attribute>();

  // causal bounds a window on the right already: causal and window<l, r> is
  // window<l, 0>, which implies causal.
  auto causal =
      CausalAttr::get(members.front().getContext(), /*stride=*/1);
  if (!members.contains(causal) ||
      llvm::none_of(members, llvm::IsaPred<WindowAttr>))
    return SmallVector<Attribute>(members.begin(), members.end());
  llvm::SmallSetVector<Attribute, 4> bounded;
  for (Attribute member : members) {
    if (auto window = dyn_cast<WindowAttr>(member))
      member = WindowAttr::get(window.getContext(), window.getLeft(), 0)
                   .simplify(shape);
    bounded.insert(member);
  }
  if (llvm::any_of(bounded, llvm::IsaPred<WindowAttr>))
    bounded.remove(causal);
  return SmallVector<Attribute>(bounded.begin(), bounded.end());
}
