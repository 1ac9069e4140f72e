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
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNCHECKFLOATTYPESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;

/// Whether `type` (or its elements) is a float that LLVM computes on in no
/// form, or, for GPU kernels, that NVPTX does not compute on (x86_fp80 and
/// fp128 arithmetic aborted its instruction selection: "unsupported library
/// call operation").
static bool withoutArithmetic(Type type, bool gpu) {
  auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  if (!element)
    return false;
  if (isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(element))
    return false;
  return gpu || !isa<Float80Type, Float128Type>(element);
}

/// Whether `type` (or its elements) is tf32, which LLVM's type conversion
/// maps to nothing: not even moving it compiles.
static bool isTf32(Type type) {
  return isa<FloatTF32Type>(getElementTypeOrSelf(type));
}

/// Whether `op` computes on its float operands or results (rather than
/// moving their bits, as constants, selects and bitcasts do).
static bool computes(Operation *op) {
  if (isa_and_present<arith::ArithDialect, math::MathDialect>(op->getDialect()))
    return !isa<arith::ConstantOp, arith::SelectOp, arith::BitcastOp>(op);
  return isa<vector::ReductionOp, vector::MultiDimReductionOp, vector::FMAOp,
             vector::ContractionOp, vector::OuterProductOp, vector::ScanOp>(op);
}

namespace {
struct AttnCheckFloatTypesPass
    : attn::impl::AttnCheckFloatTypesPassBase<AttnCheckFloatTypesPass> {
  using Base::Base;

  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](Operation *op) {
      auto types =
          llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes());
      bool computing = computes(op);
      auto found = llvm::find_if(types, [&](Type type) {
        return isTf32(type) || (computing && withoutArithmetic(type, gpu));
      });
      if (found == types.end())
        return WalkResult::advance();
      // A named linalg op's body has no location of its own: the report
      // goes to the nearest enclosing op that has one.
      Operation *located = op;
      while (isa<UnknownLoc>(located->getLoc()) && located->getParentOp())
        located = located->getParentOp();
      InFlightDiagnostic diag = located->emitOpError();
      if (located != op)
        diag << "(its body's '" << op->getName() << "') ";
      diag << "computes on " << *found
           << (gpu ? ": GPU kernels compute on f16, bf16, f32 and f64 only"
                   : ": the CPU target computes on f16, bf16, f32, f64, f80 "
                     "and f128 only");
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
