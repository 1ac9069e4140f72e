//===- consumer-opt.cpp - an opt tool of another project ------------------===//
//
// Registers the attn dialect, passes and pipelines from an installed attn
// next to the project's own (here: none) and runs MLIR's opt driver.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::attn::registerAttnCpuPipelineDependencies(registry);
  mlir::attn::registerAttnConversionPasses();
  mlir::attn::registerAttnTransformsPasses();
  mlir::attn::registerAttnPipelines();
  mlir::registerCanonicalizerPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "attn consumer\n", registry));
}
