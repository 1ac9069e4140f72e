//===- CpuPipeline.cpp - attn to LLVM for the CPU -------------------------===//

#include "attn/Pipelines/Pipelines.h"

#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Target/CpuTarget.h"

#include "mlir/IR/SymbolTable.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

FailureOr<std::string> mlir::attn::renameAwayFromRuntime(SymbolTable &symbols,
                                                         func::FuncOp func) {
  std::string symbol = ("__attn_fn_" + func.getName()).str();
  while (symbols.lookup(symbol))
    symbol += "_";
  if (failed(symbols.rename(func, StringAttr::get(func.getContext(), symbol))))
    return failure();
  return symbol;
}

/// The debug names of upstream's scf.for canonicalisation that folds a
/// tensor.cast of an iter_arg's init into the loop: the loop then carries
/// the init's static type and casts each yielded value to it, which is
/// wrong for a loop whose body changes the carried size (a compression per
/// iteration: later folds make that cast statically incompatible, and the
/// pipeline failed). Found by the pattern's name among the op's patterns,
/// once per process (the name is the type's, which the compiler spells).
static ArrayRef<std::string> loopCastFolderNames() {
  static const std::vector<std::string> names = [] {
    MLIRContext context(MLIRContext::Threading::DISABLED);
    context.loadDialect<scf::SCFDialect>();
    RewritePatternSet patterns(&context);
    scf::ForOp::getCanonicalizationPatterns(patterns, &context);
    std::vector<std::string> found;
    for (const std::unique_ptr<RewritePattern> &pattern :
         patterns.getNativePatterns())
      if (pattern->getDebugName().ends_with("ForOpTensorCastFolder"))
        found.push_back(pattern->getDebugName().str());
    // (In release builds, programs.mlir's shrinking loop fails if upstream
    // renames the pattern.)
    assert(!found.empty() && "scf.for's tensor.cast folder was not found");
    return found;
  }();
  return names;
}

/// The canonicalizer without loopCastFolderNames' pattern, otherwise as the
/// canonicalize pass's defaults (top-down, normal region simplification).
static std::unique_ptr<Pass> createCanonicalizerKeepingLoopTypes() {
  GreedyRewriteConfig config;
  config.setUseTopDownTraversal(true).setRegionSimplificationLevel(
      GreedySimplifyRegionLevel::Normal);
  return createCanonicalizerPass(config, loopCastFolderNames());
}

void mlir::attn::addIndexArithRewrites(OpPassManager &pm,
                                       unsigned maxIntegerWidth) {
  // LLVM crashes on i0 where MLIR lets it through (and NVPTX on integers
  // past 64 bits).
  AttnCheckIntegerWidthsPassOptions widths;
  widths.maxWidth = maxIntegerWidth;
  pm.addPass(attn::createAttnCheckIntegerWidthsPass(widths));
  // Upstream folds a truncating index cast's round trip to the identity,
  // and mishandles the extended ops on index (Passes.td says how).
  pm.addPass(attn::createAttnExpandIndexTruncationsPass());
  pm.addPass(attn::createAttnLowerIndexExtendedArithPass());
}

void mlir::attn::buildAttnCpuPipeline(OpPassManager &pm,
                                      const AttnCpuPipelineOptions &options) {
  CpuTarget host = CpuTarget::detectHost();
  // (A value the tiling passes refuse reaches them as given.)
  int64_t vectorBits =
      options.vectorBits != 0 ? int64_t(options.vectorBits) : host.vectorBits;
  // AVX-512 BF16 when asked for, on a host that has it, with 512-bit
  // vectors.
  bool bf16Dot = options.bf16Dot && vectorBits == 512 && host.hasBf16Dot;
  // attn -> linalg on tensors: attention through the tiled flash form if
  // asked, everything else (and attention otherwise) by the reference
  // lowering. Types first take every static size that the ops relate, so
  // that the lowerings see one answer per size. The passes lower only this
  // module's own functions.
  pm.addPass(attn::createAttnCheckNestedFunctionsPass());
  // Resource blobs the compiled code cannot read: an error naming each one
  // now (once, before calls are inlined), not the translation's at the end.
  pm.addPass(attn::createAttnCheckResourcesPass());
  // Called functions' results become buffers the caller allocates: those of
  // dynamic shape are inlined while the program is on tensors.
  pm.addPass(attn::createAttnInlineDynamicResultsPass());
  addIndexArithRewrites(pm);
  // x86 traps on a division by zero and on INT_MIN / -1 (undefined in
  // arith); the compiled code gives the reference's values instead.
  pm.addPass(attn::createAttnGuardIntegerDivisionPass());
  // LLVM's translation reads no i1 resource blobs.
  pm.addPass(attn::createAttnInlineBoolResourcesPass());
  pm.addPass(createAttnRefineShapesPass());
  pm.addPass(createCanonicalizerKeepingLoopTypes());
  // LLVM computes on no f8, f6, f4 or tf32 type (after the canonicalizer,
  // which folds such arithmetic on constants and drops it where unused).
  pm.addPass(attn::createAttnCheckFloatTypesPass());
  if (options.flash) {
    // Tiles planned for the vector width the lowerings below take (the
    // host's unless the options give one).
    AttnPlanTilesPassOptions plan;
    plan.vectorBits = vectorBits;
    pm.addPass(createAttnPlanTilesPass(plan));
    // Selection first: block scores take the attention over their own
    // probabilities (NSA's compressed branch) into their tasks.
    AttnTileSelectionPassOptions selection;
    selection.vectorBits = vectorBits;
    pm.addPass(createAttnTileSelectionPass(selection));
    AttnTileAttentionPassOptions tile;
    tile.vectorBits = vectorBits;
    tile.bf16Dot = bf16Dot;
    pm.addPass(createAttnTileAttentionPass(tile));
    AttnChunkLinearAttentionPassOptions chunked;
    chunked.vectorBits = vectorBits;
    pm.addPass(createAttnChunkLinearAttentionPass(chunked));
  }
  pm.addPass(createConvertAttnToLinalgPass());
  pm.addPass(createAttnDecomposeAggregatesPass());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerKeepingLoopTypes());
  pm.addPass(createCSEPass());

  // Tensors -> buffers. Arguments take fully dynamic strides, so a caller
  // may pass a view (BLHD memory read as BHLD) without copying; results
  // become output buffers the caller allocates.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // An attention inside an scf.for whose result the loop carries yields a
  // new buffer each iteration.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::InferLayoutMap;
  pm.addPass(attn::createAttnSeparateResultsPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  outParams.hoistDynamicAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerKeepingLoopTypes());
  // What the callers ask before a call: the largest temporary's bytes, which
  // the loops' mallocs could not report failing (bounded while the tile
  // loops are still scf, with their trip ranges).
  pm.addPass(attn::createAttnScratchBytesPass());
  // Deallocation does not look into scf.forall bodies: make the forall a
  // parallel (or sequential) loop first, so that per-tile buffers are freed.
  if (options.flash && options.threads)
    pm.addPass(createForallToParallelLoopPass());
  else
    pm.addPass(createForallToForLoopPass());
  bufferization::buildBufferDeallocationPipeline(pm);

  // Buffers -> loops -> LLVM. The flash form's forall over (batch, head,
  // query tile) becomes the OpenMP parallel loop.
  if (options.flash && options.threads)
    pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(attn::createAttnLowerCopiesPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  // 2-D transfers (the blocked key transposes) become rows of 1-D ones.
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll();
  pm.addPass(createConvertVectorToSCFPass(transfers));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // expm1, log1p, isinf and fpowi in forms that math-to-LLVM lowers
  // accurately (it loses expm1's and log1p's digits near 0, has no isinf,
  // and takes fpowi to repeated squaring).
  pm.addPass(attn::createAttnExpandMathPass());
  pm.addPass(attn::createAttnApproximateMathPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // Register-block transposes as shuffles: for 16 lanes, the 16x16 network
  // that maps onto AVX-512's two-source permutes.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = bf16Dot;
  vectorToLLVM.vectorTransposeLowering =
      vectorBits == 512 ? vector::VectorTransposeLowering::Shuffle16x16
                        : vector::VectorTransposeLowering::Shuffle1D;
  // bf16 arithmetic and math in f32, rounded back by truncf: LLVM's own
  // promotion rounds with AVX-512 BF16's vcvtneps2bf16, which flushes
  // subnormal results to zero, or else calls compiler-rt's __truncsfbf2,
  // which the JIT lacks. attn-expand-bf16-conversions then rounds to
  // nearest even with subnormals kept.
  arith::ArithEmulateUnsupportedFloatsOptions bf16Arithmetic;
  bf16Arithmetic.sourceTypeStrs = {"bf16"};
  pm.addPass(arith::createArithEmulateUnsupportedFloats(bf16Arithmetic));
  pm.addPass(math::createMathExtendToSupportedTypes());
  pm.addPass(attn::createAttnExpandBf16ConversionsPass());
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  // The transposes' shuffles of blocks narrower than the network (8 x 8
  // blocks of 16-key tiles at 16 lanes) fill with ub.poison.
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (options.flash && options.threads)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(attn::createAttnAccessBf16AsBitsPass());
  pm.addPass(createCanonicalizerKeepingLoopTypes());
}

void mlir::attn::registerAttnCpuPipelineDependencies(
    DialectRegistry &registry) {
  registry.insert<attn::AttnDialect, affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, omp::OpenMPDialect,
                  scf::SCFDialect, tensor::TensorDialect, vector::VectorDialect,
                  // attn-tile-attention's bf16 dots (bf16-dot), which a tool
                  // must parse back.
                  x86vector::X86VectorDialect>();
  func::registerInlinerExtension(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  // memref.alloc as an allocation: buffer-results-to-out-params then
  // replaces a returned allocation by the caller's buffer (its
  // hoist-static-allocs and hoist-dynamic-allocs) instead of copying the
  // whole result into it at the end of every call.
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  // attn-scratch-bytes bounds allocation sizes through tile loops.
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  memref::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  attn::registerCeilDivValueBoundsExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
}

LogicalResult mlir::attn::setCpuPipelineOptions(AttnCpuPipelineOptions &options,
                                                StringRef path, bool threads,
                                                std::string &error) {
  if (path != "reference" && path != "flash") {
    error = "--path must be 'reference' or 'flash', not '" + path.str() + "'";
    return failure();
  }
  options.flash = path == "flash";
  options.threads = threads;
  return success();
}

/// What a pipeline's options hold that none of its passes checks: an empty
/// string when they are valid. The CPU pipeline's vector width reaches the
/// tiling passes, which check it, only with the flash form.
static std::string
describeInvalidOptions(const attn::AttnCpuPipelineOptions &options) {
  if (!attn::isValidVectorBitsOption(options.vectorBits))
    return attn::describeVectorBitsOptionError(options.vectorBits);
  return "";
}
static std::string
describeInvalidOptions(const attn::AttnGpuPipelineOptions &) {
  return "";
}

/// Registers a pipeline of module passes as PassPipelineRegistration does,
/// but refuses a pass manager nested on another op (`func.func(attn-cpu-
/// pipeline)`) with an error: adding a module pass there is a fatal error.
template <typename Options>
static void registerModulePipeline(
    StringRef arg, StringRef description,
    std::function<void(OpPassManager &, const Options &)> builder) {
  registerPassPipeline(
      arg, description,
      [arg, builder](OpPassManager &pm, StringRef text,
                     function_ref<LogicalResult(const Twine &)> errorHandler) {
        std::optional<StringRef> anchor = pm.getOpName();
        if (anchor && *anchor != ModuleOp::getOperationName())
          return errorHandler(arg +
                              " runs on a builtin.module, not nested on '" +
                              *anchor + "'");
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string invalid = describeInvalidOptions(options);
        if (!invalid.empty())
          return errorHandler(arg + ": " + invalid);
        builder(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void mlir::attn::registerAttnPipelines() {
  registerModulePipeline<AttnCpuPipelineOptions>(
      "attn-cpu-pipeline",
      "Lower attn programs to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const AttnCpuPipelineOptions &options) {
        buildAttnCpuPipeline(pm, options);
      });
  registerModulePipeline<AttnGpuPipelineOptions>(
      "attn-gpu-pipeline",
      "Lower attn functions to NVIDIA GPU kernels (PTX or cubin in a "
      "gpu.binary) and LLVM host code that launches them",
      [](OpPassManager &pm, const AttnGpuPipelineOptions &options) {
        buildAttnGpuPipeline(pm, options);
      });
}
