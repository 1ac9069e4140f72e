//===- ToolDialects.cpp - the dialects attn's tools read ------------------===//
//
// One list for attn-opt and attn-lsp-server, so that the language server
// parses and verifies every file attn-opt does.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/Linalg/TransformOps/DialectExtension.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/SCF/TransformOps/SCFTransformOps.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::attn::registerAttnToolDialects(DialectRegistry &registry) {
  // The CPU pipeline's dependencies hold attn, arith, func and tensor.
  registerAttnCpuPipelineDependencies(registry);
  registerAttnGpuPipelineDependencies(registry);
  registry.insert<transform::TransformDialect>();
  linalg::registerTransformDialectExtension(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  scf::registerTransformDialectExtension(registry);
}
