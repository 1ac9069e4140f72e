//===- Bf16AsBits.cpp - bf16 without bfloat registers on the CPU ----------===//
//
// The attn-expand-bf16-conversions and attn-access-bf16-as-bits passes
// (Passes.td says what and why): together they leave no bfloat value in a
// register, so no compiler-rt conversion call is needed.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEXPANDBF16CONVERSIONSPASS
#define GEN_PASS_DEF_ATTNACCESSBF16ASBITSPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

namespace {
struct AttnExpandBf16ConversionsPass
    : public attn::impl::AttnExpandBf16ConversionsPassBase<
          AttnExpandBf16ConversionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

/// The integer type of the bits of a bf16 scalar or vector type, else null.
static Type bitsOfBf16(Type type) {
  auto i16 = IntegerType::get(type.getContext(), 16);
  if (type.isBF16())
    return i16;
  if (auto vector = dyn_cast<VectorType>(type);
      vector && vector.getElementType().isBF16())
    return vector.clone(i16);
  return {};
}

/// A bf16 load as an integer load and a bitcast after it.
struct Bf16LoadAsBits : OpRewritePattern<LLVM::LoadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LLVM::LoadOp load,
                                PatternRewriter &rewriter) const override {
    Type bits = bitsOfBf16(load.getType());
    if (!bits)
      return failure();
    auto copy = cast<LLVM::LoadOp>(rewriter.clone(*load));
    copy.getResult().setType(bits);
    rewriter.replaceOpWithNewOp<LLVM::BitcastOp>(load, load.getType(), copy);
    return success();
  }
};

/// A bf16 store as a bitcast and an integer store.
struct Bf16StoreAsBits : OpRewritePattern<LLVM::StoreOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LLVM::StoreOp store,
                                PatternRewriter &rewriter) const override {
    Type bits = bitsOfBf16(store.getValue().getType());
    if (!bits)
      return failure();
    Value value = LLVM::BitcastOp::create(rewriter, store.getLoc(), bits,
                                          store.getValue());
    rewriter.modifyOpInPlace(store,
                             [&] { store.getValueMutable().assign(value); });
    return success();
  }
};

struct AttnAccessBf16AsBitsPass
    : public attn::impl::AttnAccessBf16AsBitsPassBase<
          AttnAccessBf16AsBitsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<Bf16LoadAsBits, Bf16StoreAsBits>(&getContext());
    // Bitcast pairs cancel as the patterns make them.
    LLVM::BitcastOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
