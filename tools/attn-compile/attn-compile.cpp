//===- attn-compile.cpp - ahead-of-time compilation of attn programs ------===//
//
// attn-compile IN.mlir -o OUT.so|OUT.o [--target=cpu] [--function NAME]...
// attn-compile IN.mlir -o OUT.so|OUT.o|OUT.ptx|OUT.cubin --target=sm_90 ...
//
// Lowers the public functions of IN (or the named ones) with the CPU
// pipeline, compiles them for the host CPU, and writes OUT together with
// OUT's stem + ".h": a C header whose entry points take strided buffers.
// Outputs are written to temporary files and renamed at the end, so a
// failure leaves nothing behind. The flash path (the default) runs its
// parallel loop on OpenMP: a .so links LLVM's libomp; a .o needs -lomp.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/CpuCompiler.h"
#include "attn/Compiler/GpuCompiler.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Pipelines/Pipelines.h"
#include "attn/Support/SourceModule.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;
namespace cl = llvm::cl;

static cl::OptionCategory category("attn-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    outputFile("o", cl::desc("Output: a shared library (.so) or object (.o); "
                               "for a GPU target also .ptx or .cubin"),
               cl::Required, cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("Target: cpu (the host) or an NVIDIA chip: sm_80, sm_86, "
                    "sm_87, sm_89, sm_90 or sm_90a (output .so, .o, .ptx "
                    "or .cubin)"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<std::string>
    path("path",
         cl::desc("Lowering of attention: 'flash' (tiled online softmax, the "
                  "default) or 'reference' (materialised scores)"),
         cl::init("flash"), cl::cat(category));
static cl::opt<bool>
    threads("omp",
            cl::desc("Parallelise the flash path with OpenMP (the library then "
                     "links LLVM's libomp)"),
            cl::init(true), cl::cat(category));
static cl::opt<int64_t>
    gpuWarps("gpu-warps",
             cl::desc("GPU targets: warps per CTA, 16 query rows each"),
             cl::init(0), cl::cat(category));
static cl::opt<int64_t> gpuRowTiles(
    "gpu-row-tiles",
    cl::desc("GPU targets: 16-row query tiles per warp (0: automatic)"),
    cl::init(0), cl::cat(category));
static cl::opt<int64_t> gpuKeySplits(
    "gpu-key-splits",
    cl::desc("GPU targets, decode over static shapes: CTAs that split each "
             "tile's keys, combined by a second kernel (0: enough to fill "
             "the chip, 1: none)"),
    cl::init(0), cl::cat(category));
static cl::opt<bool> gpuPingPong(
    "gpu-ping-pong",
    cl::desc("sm_90a: the two consumer warpgroups take turns on the tensor "
             "cores (FlashAttention-3's ping-pong)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> gpuFuseMerges(
    "gpu-fuse-merges",
    cl::desc("GPU programs: an LSE merge of attentions runs as one kernel "
             "over the union of their keys, a gated or sum merge in an "
             "attention kernel's epilogue (else each is a kernel of its own)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> gpuClusters(
    "gpu-clusters",
    cl::desc("sm_90a: grouped heads with a selection run as thread-block "
             "clusters, each K/V tile once per group by TMA multicast "
             "(slower on an H200 with two stages)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> gpuHeadPairs(
    "gpu-head-pairs",
    cl::desc("sm_90a: a selection with 64-row blocks over grouped heads (an "
             "even number a K/V head) runs two heads to a CTA, each K/V tile "
             "loaded once for both: 'auto' (where K and V hold 96 MiB or "
             "more), 'on' or 'off'"),
    cl::init("auto"), cl::cat(category));
static cl::opt<bool> gpuPairKeyBlocks(
    "gpu-pair-key-blocks",
    cl::desc("sm_90a: where a CTA takes two heads of 64-key blocks at head "
             "dim 128, each tile of its products holds two of its visited "
             "blocks (128 keys)"),
    cl::init(true), cl::cat(category));
static cl::opt<std::string> gpuPersistent(
    "gpu-persistent",
    cl::desc("sm_90a: the 128-row kernel without a tile list runs one CTA "
             "a multiprocessor, each taking work items (query tile, head, "
             "batch) in turn: 'auto' (where query tiles visit at most 5 key "
             "tiles on average, over more than 7 waves of items, and K and V "
             "hold at most 32 MiB), 'on' or 'off'"),
    cl::init("auto"), cl::cat(category));
static cl::opt<bool> gpuFuseTopk(
    "gpu-fuse-topk",
    cl::desc("GPU programs: a top-k of block scores that nothing else reads "
             "runs in the block-scores kernel, where its row fits: the "
             "scores are never stored (less memory; 1-2% slower on an "
             "H200)"),
    cl::init(false), cl::cat(category));
static cl::opt<bool> gpuDependentLaunches(
    "gpu-dependent-launches",
    cl::desc("sm_90 and newer: each kernel waits for the previous one "
             "itself (griddepcontrol) and is launched with programmatic "
             "stream serialisation, so that its CTAs start while the "
             "previous kernel's last ones run"),
    cl::init(true), cl::cat(category));
static cl::list<std::string>
    functions("function",
              cl::desc("Functions to export (default: every public one)"),
              cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "attn-compile: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "attn-compile: compile attn programs ahead of "
                              "time\n");
  removeScratchOnInterrupt();
  bool gpu = StringRef(target).starts_with("sm_");
  if (target != "cpu" && !gpu)
    return fail("target '" + target +
                "' is not supported: use 'cpu' or an NVIDIA chip (sm_80, "
                "sm_90, ...)");
  // (A GPU flag on a CPU build would be ignored: say so instead.)
  if (!gpu)
    for (cl::Option *flag : std::initializer_list<cl::Option *>{
             &gpuWarps, &gpuRowTiles, &gpuKeySplits, &gpuPingPong,
             &gpuFuseMerges, &gpuFuseTopk, &gpuClusters, &gpuHeadPairs,
             &gpuPersistent})
      if (flag->getNumOccurrences())
        return fail("--" + flag->ArgStr +
                    " applies to GPU targets (--target=sm_80, ...), not '" +
                    target + "'");
  // (Nor does a GPU build read the CPU lowering's flags.)
  if (gpu)
    for (cl::Option *flag :
         std::initializer_list<cl::Option *>{&path, &threads})
      if (flag->getNumOccurrences())
        return fail("--" + flag->ArgStr +
                    " applies to the CPU target (--target=cpu), not '" +
                    target + "'");
  if (std::string range = describeGpuKernelOptionRangeError(
          gpuWarps, gpuRowTiles, gpuKeySplits, "--gpu-");
      !range.empty())
    return fail(range);
  if (!parseKernelChoice(gpuHeadPairs))
    return fail("--gpu-head-pairs must be 'auto', 'on' or 'off', not '" +
                gpuHeadPairs + "'");
  if (!parseKernelChoice(gpuPersistent))
    return fail("--gpu-persistent must be 'auto', 'on' or 'off', not '" +
                gpuPersistent + "'");
  std::string error;
  AttnCpuPipelineOptions pipelineOptions;
  if (failed(setCpuPipelineOptions(pipelineOptions, path, threads, error)))
    return fail(error);
  StringRef extension = llvm::sys::path::extension(outputFile);
  // The header is named after the output's stem: "dir/.so" would write
  // hidden files ".so" and ".h".
  if (llvm::sys::path::stem(outputFile).empty())
    return fail("output '" + outputFile +
                "' has no file name before its extension");
  if (!gpu && extension != ".so" && extension != ".o")
    return fail("output '" + outputFile + "' must end in .so or .o");

  DialectRegistry registry;
  registerAttnCpuPipelineDependencies(registry);
  registerAttnGpuPipelineDependencies(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  printDiagnosticsOnOneLine(context);
  FailureOr<SourceModule> source =
      loadSourceModule(inputFile, sourceMgr, context, error);
  if (failed(source))
    return fail(error);

  for (const std::string &name : functions)
    if (!source->lookupFunction(name, error))
      return fail(error);
  auto argumentNames = [&](func::FuncOp func) {
    return source->getArgumentNames(func);
  };
  if (gpu) {
    GpuCompileOptions options;
    options.outputPath = outputFile;
    options.chip = target;
    options.warps = gpuWarps;
    options.rowTiles = gpuRowTiles;
    options.pingPong = gpuPingPong;
    options.pairKeyBlocks = gpuPairKeyBlocks;
    options.keySplits = gpuKeySplits;
    options.fuseMerges = gpuFuseMerges;
    options.fuseTopk = gpuFuseTopk;
    options.clusters = gpuClusters;
    options.headPairs = gpuHeadPairs;
    options.persistent = gpuPersistent;
    options.dependentLaunches = gpuDependentLaunches;
    options.functions.assign(functions.begin(), functions.end());
    options.argumentNames = argumentNames;
    if (failed(compileForGpu(*source->module, options, error)))
      return fail(error);
    return 0;
  }

  CpuCompileOptions options;
  options.outputPath = outputFile;
  options.flash = pipelineOptions.flash;
  options.threads = pipelineOptions.threads;
  options.functions.assign(functions.begin(), functions.end());
  options.argumentNames = argumentNames;
  // The pipeline's own diagnostics, printed above the error, carry the
  // input's file:line locations.
  if (failed(compileForCpu(*source->module, options, error)))
    return fail(error);
  return 0;
}
