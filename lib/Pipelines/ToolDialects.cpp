//===- ToolDialects.cpp - the dialects attn's tools read ------------------===//
//
// One list for attn-opt and attn-lsp-server, so that the language server
// parses and verifies every file attn-opt does.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/TransformOps/DialectExtension.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/SCF/TransformOps/SCFTransformOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::attn::registerAttnToolDialects(DialectRegistry &registry) {
  registry.insert<AttnDialect, arith::ArithDialect, func::FuncDialect,
                  tensor::TensorDialect, transform::TransformDialect>();
  registerAttnCpuPipelineDependencies(registry);
  registerAttnGpuPipelineDependencies(registry);
  linalg::registerTransformDialectExtension(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  scf::registerTransformDialectExtension(registry);
}
