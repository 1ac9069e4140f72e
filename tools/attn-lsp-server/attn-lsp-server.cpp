//===- attn-lsp-server.cpp - a language server for attn IR ----------------===//
//
// mlir-lsp-server with the dialects attn-opt reads: editors get attn's
// verifier diagnostics as one types, hover, definitions and references,
// document symbols and completion of attn ops and attributes. Point the MLIR
// editor extension's server path (VS Code: `mlir.server_path`) at it.
//
//===----------------------------------------------------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::attn::registerAttnToolDialects(registry);
  return mlir::failed(mlir::MlirLspServerMain(argc, argv, registry));
}
