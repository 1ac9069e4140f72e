//===- attn-opt.cpp - the attn optimizer driver ---------------------------===//
//
// Like mlir-opt, with the dialects attn programs are written in and the
// passes that do real work on them.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/Transform/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::attn::registerAttnToolDialects(registry);

  // attn's own passes and pipelines, the transform interpreter that applies
  // tiling scripts, and the upstream passes that clean up attn IR.
  mlir::attn::registerAttnConversionPasses();
  mlir::attn::registerAttnTransformsPasses();
  mlir::attn::registerAttnPipelines();
  mlir::transform::registerInterpreterPass();
  mlir::transform::registerPreloadLibraryPass();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "attn optimizer driver\n", registry));
}
