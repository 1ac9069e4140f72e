//===- AttnPlugin.cpp - attn as an mlir-opt plugin ------------------------===//
//
// Lets a stock mlir-opt (one that links libMLIR.so, as Debian's does) read
// attn IR and run attn passes:
//
//   mlir-opt --load-dialect-plugin=libAttnPlugin.so \
//            --load-pass-plugin=libAttnPlugin.so  in.mlir --attn-plan-tiles
//
// The plugin links the same libMLIR.so as the tool, so both see one set of
// registries and type ids.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

/// The attn dialect and what its pipelines need beyond the upstream
/// dialects (bufferisation models of the dialects they bufferise).
extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Attn", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            attn::registerAttnCpuPipelineDependencies(*registry);
          }};
}

/// attn's passes and pipelines.
extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "AttnPasses", LLVM_VERSION_STRING, []() {
            attn::registerAttnConversionPasses();
            attn::registerAttnTransformsPasses();
            attn::registerAttnPipelines();
          }};
}
