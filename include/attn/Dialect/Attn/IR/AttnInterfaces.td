//===- AttnInterfaces.td - attn attribute interfaces -------*- tablegen -*-===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD
#define ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD

include "mlir/IR/OpBase.td"

def Attn_MaskAttrInterface : AttrInterface<"MaskAttrInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    A mask predicate over (query row i, key column j): an atom such as
    `#attn.causal` or a combinator such as `#attn.or<[...]>`. The mask of an
    op is the conjunction of its predicates. Queries are aligned bottom-right:
    `pos(i) = i + (Lkv - Lq)`.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns the predicate's value if it is the same for every (i, j) of
        an attention with the given sequence lengths (either may be dynamic),
        and std::nullopt if it depends on (i, j) or on operand data.
      }],
      "std::optional<bool>", "getConstantValue",
      (ins "const ::mlir::attn::MaskShape &":$shape)>,
    InterfaceMethod<[{
        Returns an equivalent, simpler predicate for the given shape, or the
        attribute itself. Callers fold constant predicates first.
      }],
      "::mlir::Attribute", "simplify",
      (ins "const ::mlir::attn::MaskShape &":$shape), "",
      [{ return $_attr; }]>,
    InterfaceMethod<[{
        Classifies the rectangle of rows [rowBegin, rowEnd) and keys
        [keyBegin, keyEnd) of an attention with the static lengths of
        `shape`: Full if the predicate holds on every point, Empty if on
        none, Partial otherwise or when it depends on operand data.
      }],
      "::mlir::attn::TileClass", "classifyTile",
      (ins "const ::mlir::attn::MaskShape &":$shape,
           "const ::mlir::attn::TileBounds &":$tile)>,
    InterfaceMethod<[{
        Returns true if the predicate reads operand data (segments, a block
        layout, block indices), so that only a run-time block map can tell
        which of its tiles are empty.
      }],
      "bool", "isDataDependent", (ins), "", [{ return false; }]>,
    InterfaceMethod<[{
        Builds an i1 that is false only if the predicate allows no pair of
        the tile of rows [rowBegin, rowBegin + rows) and keys
        [keyBegin, keyBegin + keys) of `point`'s batch and head, judging from
        operand data; true is always a safe answer. The flash lowering skips
        tiles for which it is false.
      }],
      "::mlir::Value", "buildTileMayHaveKeys",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::mlir::attn::AttentionPoint &":$point,
           "::mlir::Value":$rowBegin, "::mlir::Value":$rows,
           "::mlir::Value":$keyBegin, "::mlir::Value":$keys), "",
      [{ return ::mlir::attn::detail::buildTrue(builder, loc); }]>,
    InterfaceMethod<[{
        The blocks (query rows, keys) on which buildTileMayHaveKeys is exact:
        for a tile inside one such block it is true only if the predicate
        allows every pair of the tile, so the flash lowering needs no
        per-element test of this predicate there. None when no tile size
        makes the test exact.
      }],
      "std::optional<std::pair<int64_t, int64_t>>", "getExactTileBlocks",
      (ins), "", [{ return std::nullopt; }]>,
    InterfaceMethod<[{
        For lengths known only at run time: the keys the predicate may
        allow to rows [rows.first, rows.last] (index values), as an interval
        holding every key it allows to any of them and an interval, possibly
        empty, of keys it allows to all of them (both unclamped to
        [0, Lkv)). std::nullopt when no interval bounds its keys (it reads
        operand data, say): any key may be allowed, none is known to be. The
        flash lowerings take the loop bounds of a mask without a block map
        from these.
      }],
      "std::optional<::mlir::attn::KeyInterval>", "buildKeyInterval",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::mlir::attn::RowSpan &":$rows), "",
      [{ return std::nullopt; }]>,
    InterfaceMethod<[{
        Builds the i1 value of the predicate at the point `point` (index
        values of b, h, i, j and the operands it may read).
      }],
      "::mlir::Value", "buildPredicate",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "const ::mlir::attn::AttentionPoint &":$point)>,
    InterfaceMethod<[{
        Calls `fn` on this predicate and on every predicate nested in it.
      }],
      "void", "walkPredicates",
      (ins "::llvm::function_ref<void(::mlir::attn::MaskAttrInterface)>":$fn),
      "", [{ fn(::llvm::cast<::mlir::attn::MaskAttrInterface>($_attr)); }]>,
  ];
}

def Attn_ScoreModAttrInterface : AttrInterface<"ScoreModAttrInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    A score modifier: a function `s -> s'` of one pre-normalisation score
    that may also depend on (batch, head, query row, key column). Modifiers
    of an op apply in the order written.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns true if the modifier reads the op's `bias` operand.
      }],
      "bool", "readsBiasOperand", (ins), "", [{ return false; }]>,
    InterfaceMethod<[{
        Builds the modified f32 score from the f32 `score` at `point`.
      }],
      "::mlir::Value", "buildScore",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$score,
           "const ::mlir::attn::AttentionPoint &":$point)>,
  ];
}

def Attn_NormalizerAttrInterface : AttrInterface<"NormalizerAttrInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    How the modified, masked scores of one query row become weights.
  }];
  let methods = [
    InterfaceMethod<[{
        Returns true if the weights are a probability distribution over the
        allowed keys, so that a log-sum-exp result and a sink logit are
        meaningful.
      }],
      "bool", "isNormalizedOverKeys", (ins)>,
  ];
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNINTERFACES_TD
