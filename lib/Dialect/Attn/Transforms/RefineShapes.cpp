//===- RefineShapes.cpp - the attn-refine-shapes pass ---------------------===//
//
// Each class of equal sizes (attn/Analysis/SizeRelations.h) takes the
// static size that a member's type, a constant (top-k's k, a grid's cells)
// or a ceil division of a known size gives it. Every attn op's operands and
// results take those sizes where their types leave them dynamic, so
// that the lowerings see one answer per size: a result declared
// `tensor<1x1x8x?xf32>` that the op computes with a static head dim, or a
// key whose head dim is dynamic beside a static query's, lower as if both
// were static, with a tensor.cast where a value meets an op that keeps its
// declared type. The relations at an op are those of the ops that run
// whenever it runs (a loop's body may run no times).
//
//===----------------------------------------------------------------------===//

#include "attn/Analysis/SizeRelations.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNREFINESHAPESPASS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

using KnownSize = SizeRelations::KnownSize;

/// "dimension 3 of %arg1 ('tensor<1x1x8x32xf32>') is 32", or "must be 32"
/// where the type leaves it open.
static void describe(Diagnostic &diag, const KnownSize &known,
                     AsmState &state) {
  auto [value, dim] = known.source;
  std::string name;
  llvm::raw_string_ostream os(name);
  value.printAsOperand(os, state);
  diag << "dimension " << dim << " of " << name << " (" << value.getType()
       << ") " << (known.fromType ? "is " : "must be ") << known.size;
}

/// An error at `first`'s source ("<describe first><relation>") with a note
/// at `second`'s ("<describe second>").
static LogicalResult report(func::FuncOp func, const KnownSize &first,
                            const Twine &relation, const KnownSize &second) {
  AsmState state(func);
  InFlightDiagnostic diag = emitError(first.source.first.getLoc());
  describe(*diag.getUnderlyingDiagnostic(), first, state);
  *diag.getUnderlyingDiagnostic() << relation;
  describe(diag.attachNote(second.source.first.getLoc()), second, state);
  return diag;
}

static LogicalResult reportConflict(func::FuncOp func, const KnownSize &first,
                                    const KnownSize &second) {
  return report(func, second,
                ", but the function's attn ops make it equal to a size that "
                "is " +
                    Twine(first.size),
                first);
}

static LogicalResult reportGroupingConflict(func::FuncOp func,
                                            const KnownSize &queryHeads,
                                            const KnownSize &kvHeads) {
  return report(func, queryHeads,
                ", but the function's attn ops share key/value heads among "
                "these query heads, and " +
                    Twine(kvHeads.size) + " key/value heads do not divide " +
                    Twine(queryHeads.size),
                kvHeads);
}

static bool isAttnOp(Operation *op) {
  return isa_and_present<AttnDialect>(op->getDialect()) && !isa<YieldOp>(op);
}

/// Gives `value` the type `refined` and the uses that `keeps` says keep
/// the old type a cast to it, built by `b`.
static void retype(OpBuilder &b, Value value, Type refined,
                   llvm::function_ref<bool(OpOperand &)> keeps) {
  Type old = value.getType();
  if (refined == old)
    return;
  value.setType(refined);
  SmallVector<OpOperand *> kept;
  for (OpOperand &use : value.getUses())
    if (keeps(use))
      kept.push_back(&use);
  if (kept.empty())
    return;
  Value cast = tensor::CastOp::create(b, value.getLoc(), old, value);
  for (OpOperand *use : kept)
    use->set(cast);
}

static LogicalResult refineFunction(func::FuncOp func, bool signature) {
  auto all = std::make_unique<SizeRelations>(func);
  if (const auto &conflict = all->getConflict())
    return reportConflict(func, conflict->first, conflict->second);
  if (const auto &conflict = all->getGroupingConflict())
    return reportGroupingConflict(func, conflict->first, conflict->second);
  // The sizes at an op follow from the ops that run whenever it does (its
  // block's and those around it): one analysis per block of attn ops. The
  // entry block's is the whole function's when every op is in it.
  Block &entry = func.getBody().front();
  DenseMap<Block *, std::unique_ptr<SizeRelations>> scoped;
  bool flat = !func.getBody()
                   .walk([&](Operation *op) {
                     return op->getBlock() == &entry ? WalkResult::advance()
                                                     : WalkResult::interrupt();
                   })
                   .wasInterrupted();
  if (flat)
    scoped[&entry] = std::move(all);
  auto sizesAt = [&](Block *block) -> SizeRelations & {
    std::unique_ptr<SizeRelations> &relations = scoped[block];
    if (!relations)
      relations = std::make_unique<SizeRelations>(func, block);
    return *relations;
  };
  // Attn ops take refined operands; so do returns whose function's type
  // follows.
  auto keeps = [&](OpOperand &use) {
    Operation *owner = use.getOwner();
    // Reads of elements and sizes (a region's table lookups) take any type:
    // a cast there would stand between a kernel and the table it reads.
    if (isa<tensor::ExtractOp, tensor::DimOp>(owner) &&
        use.getOperandNumber() == 0)
      return false;
    return !isAttnOp(owner) && !(signature && isa<func::ReturnOp>(owner));
  };
  if (signature) {
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    for (BlockArgument argument : entry.getArguments())
      retype(b, argument, sizesAt(&entry).getRefinedType(argument), keeps);
  }
  // One cast per value, refined type and block, right after the value's
  // definition (or, for a value from around the block, at the block's
  // start, where the sizes that the block's ops fix hold): every reader in
  // the block shares it (attentions that read one query stay recognisably
  // one query's, for the unions of key sets).
  DenseMap<std::tuple<Value, Type, Block *>, Value> refinedCasts;
  auto castTo = [&](Value value, Type type, Block *block) {
    Value &shared = refinedCasts[{value, type, block}];
    if (!shared) {
      OpBuilder b(func.getContext());
      Operation *producer = value.getDefiningOp();
      Block *home = producer ? producer->getBlock()
                             : cast<BlockArgument>(value).getOwner();
      if (home != block)
        b.setInsertionPointToStart(block);
      else if (producer)
        b.setInsertionPointAfter(producer);
      else
        b.setInsertionPointToStart(home);
      shared = tensor::CastOp::create(b, value.getLoc(), type, value);
    }
    return shared;
  };
  func.walk([&](Operation *op) {
    if (!isAttnOp(op))
      return;
    SizeRelations &sizes = sizesAt(op->getBlock());
    for (OpOperand &operand : op->getOpOperands()) {
      // Through the program's own casts to where the value starts: a cast
      // that made a size dynamic and one back would be a pair of no-ops.
      Type refined = sizes.getRefinedType(operand.get());
      if (refined == operand.get().getType() &&
          !operand.get().getDefiningOp<tensor::CastOp>())
        continue;
      Value root = lowering::castRoot(operand.get());
      operand.set(root.getType() == refined
                      ? root
                      : castTo(root, refined, op->getBlock()));
    }
    OpBuilder b(op->getContext());
    b.setInsertionPointAfter(op);
    for (Value result : op->getResults())
      retype(b, result, sizes.getRefinedType(result), keeps);
  });
  if (signature) {
    // The function's results take the types their values start with,
    // where those are the refined ones (never less static than declared).
    auto ret = cast<func::ReturnOp>(entry.getTerminator());
    for (OpOperand &operand : ret->getOpOperands()) {
      Value root = lowering::castRoot(operand.get());
      if (root.getType() == sizesAt(&entry).getRefinedType(operand.get()))
        operand.set(root);
    }
    func.setType(FunctionType::get(func.getContext(),
                                   func.getBody().getArgumentTypes(),
                                   ret.getOperandTypes()));
  }
  // Casts that no longer have readers (the program's, looked through).
  SmallVector<tensor::CastOp> casts;
  func.walk([&](tensor::CastOp cast) { casts.push_back(cast); });
  for (tensor::CastOp cast : llvm::reverse(casts))
    if (cast->use_empty())
      cast->erase();
  return success();
}

LogicalResult mlir::attn::refineShapes(Operation *root, bool signatures) {
  SmallVector<func::FuncOp> funcs;
  root->walk([&](func::FuncOp func) {
    if (!func.isExternal())
      funcs.push_back(func);
  });
  for (func::FuncOp func : funcs) {
    // A function's own type changes only where nothing in its symbol table
    // (nor outside it: a module's function may be called from around it)
    // calls it, and one return gives its results.
    Operation *table = SymbolTable::getNearestSymbolTable(func->getParentOp());
    bool signature = signatures && func.getBody().hasOneBlock() &&
                     table == root &&
                     SymbolTable::symbolKnownUseEmpty(func, table);
    if (failed(refineFunction(func, signature)))
      return failure();
  }
  return success();
}

namespace {
struct AttnRefineShapesPass
    : public attn::impl::AttnRefineShapesPassBase<AttnRefineShapesPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(refineShapes(getOperation(), signatures)))
      signalPassFailure();
  }
};
} // namespace
