//===- FloatTypes.cpp - refuse float arithmetic LLVM has no form for ------===//
//
// The attn-check-float-types pass (Passes.td says why): LLVM computes on
// half, bfloat, float, double, x86_fp80 and fp128 only; arith and math ops
// on the other builtin floats reach the translation unconverted. A
// diagnostic on the first op that computes on one replaces its anonymous
// failure there.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKFLOATTYPESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

/// Whether `type` (or its elements) is a float that LLVM computes on in no
/// form.
static bool withoutLlvmArithmetic(Type type) {
  auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  return element && !isa<Float16Type, BFloat16Type, Float32Type, Float64Type,
                         Float80Type, Float128Type>(element);
}

namespace {
struct AttnCheckFloatTypesPass
    : attn::impl::AttnCheckFloatTypesPassBase<AttnCheckFloatTypesPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](Operation *op) {
      // Constants, selects and bitcasts move bits: their integer forms
      // compile.
      if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
          isa<arith::ConstantOp, arith::SelectOp, arith::BitcastOp>(op))
        return WalkResult::advance();
      auto types =
          llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes());
      auto found = llvm::find_if(types, withoutLlvmArithmetic);
      if (found == types.end())
        return WalkResult::advance();
      op->emitOpError() << "computes on " << *found
                        << ": the CPU target computes on f16, bf16, f32, f64, "
                           "f80 and f128 only";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
