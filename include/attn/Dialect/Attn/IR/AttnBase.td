//===- AttnBase.td - attn dialect definition ---------------*- tablegen -*-===//
//
// The attn dialect: a declarative description of attention variants.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_IR_ATTNBASE_TD
#define ATTN_DIALECT_ATTN_IR_ATTNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::mlir::attn";
  let summary = "Declarative attention: masks, score modifiers, normalisers, "
                "compression, selection and merging.";
  let description = [{
    The `attn` dialect describes attention variants as data: which (query,
    key) pairs are allowed (mask atoms and their `or`/`and`/`not`
    combinations), how a score is modified before normalisation (softcap,
    ALiBi, an additive bias, an arbitrary `score_mod` region), how scores
    are normalised (softmax, softmax with a sink, sigmoid), and the token
    compression, block selection and merge operations that sub-quadratic
    attention is built from. Every tensor is laid out `[batch, heads,
    sequence, head_dim]`. See docs/Semantics.md for the exact formulas.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Canonicalisation of a fully masked attention materialises its (constant)
  // results: arith.constant, or tensor.splat where lengths are open.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Attn_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Attn_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // ATTN_DIALECT_ATTN_IR_ATTNBASE_TD
