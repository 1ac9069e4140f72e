//===- attn-run.cpp - run an attn function on the CPU and check it --------===//
//
// attn-run FILE [--function NAME] [--input NAME=FILE.npy]... [--seed N]
//          [--output DIR] [--check] [--bench N]
//
// JIT-compiles the function with the CPU pipeline, feeds it .npy inputs or a
// seeded random fill, optionally writes its results as .npy, compares them
// with the double-precision reference interpreter (--check) and times it
// (--bench). Every error is one line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "Comparison.h"
#include "JitRunner.h"
#include "NearTieRetry.h"
#include "ResidentMemory.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Pipelines/Pipelines.h"
#include "attn/Reference/Reference.h"
#include "attn/Support/HostArray.h"
#include "attn/Support/MachineMemory.h"
#include "attn/Support/SourceModule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>


using namespace mlir;
using namespace mlir::attn;
namespace cl = llvm::cl;

/// The relative gap between a top-k's last chosen score and the best
/// unchosen one below which another correct rounding may swap them, also
/// in f32 programs (findTopkNearTies widens it by how far the program's own
/// precisions move the scores), and the most such near-ties a check
/// retries (16 was too few: llsa_hierarchy's bf16 hierarchy meets about 200,
/// and at seed 389918308 the one tie its compiled code took the other way
/// was the 17th or later, closest first). Retries run only after a failure.
static constexpr double kTopkTieTolerance = 1e-3;
static constexpr size_t kMaxTopkNearTies = 64;

static cl::OptionCategory category("attn-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("Function to run (default: the only public one)"),
                 cl::cat(category));
static cl::list<std::string> inputs(
    "input",
    cl::desc("NAME=FILE.npy: argument NAME (its %name in the source, or its "
             "position) from a .npy file. f16 arguments read <f2 arrays, "
             "bf16 arguments read <f4 arrays (rounded to bf16)"),
    cl::cat(category));
static cl::list<std::string> shapes(
    "shape",
    cl::desc("NAME=AxBx...: the sizes of argument NAME (its %name or "
             "position) for the random fill, which its type's open sizes "
             "need; where the type fixes a size, the same size"),
    cl::cat(category));
static cl::opt<uint64_t> seed(
    "seed",
    cl::desc(
        "Seed of the random fill of arguments without --input: floats "
        "~ N(0, 1), i1 ~ Bernoulli(1/2), i32, i64 and index uniform in [0, "
        "4)"),
    cl::init(0), cl::cat(category));
static cl::opt<std::string>
    outputDir("output", cl::desc("Directory to write result<N>.npy into"),
              cl::cat(category));
static cl::opt<std::string> resultsDir(
    "results",
    cl::desc("With --check: check the result<N>.npy files of this directory "
             "(computed elsewhere, by a GPU build of the function, say) "
             "instead of running the function; bf16 results read <f4 "
             "arrays, f16 ones <f2"),
    cl::cat(category));
static cl::opt<bool> check(
    "check",
    cl::desc("Compare every result with the double-precision reference"),
    cl::cat(category));
static cl::opt<std::string> path(
    "path",
    cl::desc("Lowering of attention: 'flash' (tiled online softmax, the "
             "default) or 'reference' (materialised scores)"),
    cl::init("flash"), cl::cat(category));
static cl::opt<bool> threads(
    "omp", cl::desc("Run the flash path on OpenMP threads (--omp=false: one)"),
    cl::init(true), cl::cat(category));
static cl::opt<bool> bf16Dot(
    "bf16-dot",
    cl::desc("bf16 scores by AVX-512 BF16 dot products where the host has "
             "them (the pipeline's bf16-dot option)"),
    cl::init(false), cl::cat(category));
static cl::opt<double> givenFlops(
    "flops",
    cl::desc("The FLOP count for --bench's GFLOP/s, if known (skips the "
             "reference's count of allowed pairs, which long sequences make "
             "slow)"),
    cl::init(0), cl::cat(category));
static cl::opt<unsigned> bench("bench",
                               cl::desc("Time N runs and print the median"),
                               cl::init(0), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "attn-run: error: " << message << "\n";
  return 1;
}

/// Refuses `what` (an argument or result of the function) of `type`, which
/// is not a tensor attn-run `verb` (feeds, returns).
static int failUnsupportedType(const llvm::Twine &what, Type type,
                               StringRef verb) {
  return fail(what + " has type " + llvm::formatv("{0}", type).str() +
              "; attn-run " + verb +
              " ranked tensors of f32, f64, f16, bf16, i1, i32, i64 or index");
}

static std::string describe(ArrayRef<int64_t> shape, ElementKind kind) {
  std::string text;
  for (int64_t size : shape)
    text += (ShapedType::isDynamic(size) ? "?" : std::to_string(size)) + "x";
  return text + getElementName(kind).str();
}

/// The bytes of the function's static arguments and results as host
/// arrays, with --check also their double-precision copies in the
/// reference (the arguments once, the results for the exact and the naive
/// evaluations): a lower bound (intermediates are not counted).
static double estimateArrayBytes(FunctionType type, bool check) {
  auto bytes = [&](TypeRange types, double referenceCopies) {
    double total = 0;
    for (Type t : types) {
      auto tensorType = dyn_cast<RankedTensorType>(t);
      std::optional<ElementKind> kind =
          tensorType ? getElementKind(tensorType.getElementType())
                     : std::nullopt;
      if (!kind || !tensorType.hasStaticShape())
        continue;
      double elements = 1;
      for (int64_t size : tensorType.getShape())
        elements *= static_cast<double>(size);
      total += elements * (static_cast<double>(getElementBytes(*kind)) +
                           (check ? 8.0 * referenceCopies : 0.0));
    }
    return total;
  };
  return bytes(type.getInputs(), 1) + bytes(type.getResults(), 2);
}

/// The array of `path` as a `shape` (dynamic sizes match any) array of
/// `kind` (bf16 from f32 values: NumPy has no bf16), for `what` (an argument
/// for --input, a result for --results). A diagnostic and failure if the
/// file cannot be read or holds another shape or element type.
static FailureOr<HostArray> readArrayAs(StringRef path, ArrayRef<int64_t> shape,
                                        ElementKind kind, const Twine &what) {
  llvm::Expected<HostArray> array = readNpy(path);
  if (!array) {
    fail(llvm::toString(array.takeError()));
    return failure();
  }
  ElementKind fileKind = kind == ElementKind::BF16 ? ElementKind::F32 : kind;
  bool shapeMatches = array->getShape().size() == shape.size();
  for (auto [dim, size] : llvm::enumerate(shape))
    shapeMatches = shapeMatches && (ShapedType::isDynamic(size) ||
                                    array->getShape()[dim] == size);
  if (!shapeMatches || array->getKind() != fileKind) {
    fail(what + " is " + describe(shape, kind) + " (" +
         getElementName(fileKind) + " in the file), but '" + path + "' holds " +
         describe(array->getShape(), array->getKind()));
    return failure();
  }
  return array->convertTo(kind);
}

/// Removes the result<N>.npy files of `dir` with N >= `count`: an earlier
/// run of a function with more results wrote them, and a script reading
/// the folder would take them for this run's. A file this run read as an
/// input (`inputPaths`) is the user's data now: it stays, with a warning.
static LogicalResult removeStaleResults(StringRef dir, size_t count,
                                        ArrayRef<std::string> inputPaths,
                                        std::string &error) {
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    StringRef file = llvm::sys::path::filename(it->path());
    if (!file.consume_front("result") || !file.consume_back(".npy"))
      continue;
    size_t index;
    if (file.empty() || !llvm::all_of(file, llvm::isDigit) ||
        file.getAsInteger(10, index) || index < count ||
        (file.size() > 1 && file.front() == '0') ||
        it->type() != llvm::sys::fs::file_type::regular_file)
      continue;
    if (llvm::any_of(inputPaths, [&](const std::string &input) {
          return llvm::sys::fs::equivalent(it->path(), input);
        })) {
      llvm::errs() << "attn-run: warning: " << it->path()
                   << " is left in place: this run read it as an input, "
                      "though its name is that of an earlier run's result\n";
      continue;
    }
    if (std::error_code removeError = llvm::sys::fs::remove(it->path())) {
      error = it->path() + ": cannot remove an earlier run's result: " +
              removeError.message();
      return failure();
    }
  }
  if (ec) {
    error = "cannot list '" + dir.str() + "': " + ec.message();
    return failure();
  }
  return success();
}

/// "; element [i, j, ...] is X, the reference's Y": the element a failing
/// comparison shows, as an index of `result`, with both values.
static std::string describeShownElement(const ComparisonResult &comparison,
                                        const HostArray &result) {
  ArrayRef<int64_t> shape = result.getShape();
  SmallVector<int64_t> position(shape.size());
  for (int64_t d = shape.size() - 1, rest = comparison.shownElement; d >= 0;
       --d) {
    position[d] = rest % std::max<int64_t>(shape[d], 1);
    rest /= std::max<int64_t>(shape[d], 1);
  }
  bool isFloat = isFloatKind(result.getKind());
  auto text = [&](double value) -> std::string {
    if (!isFloat)
      return std::to_string(static_cast<int64_t>(value));
    if (std::isnan(value))
      return "nan"; // (printf's sign of a NaN varies)
    std::string printed;
    llvm::raw_string_ostream(printed) << llvm::format("%.6g", value);
    return printed;
  };
  std::string description;
  llvm::raw_string_ostream os(description);
  os << "; element [";
  llvm::interleaveComma(position, os);
  os << "] is " << text(comparison.shownActual) << ", the reference's "
     << text(comparison.shownExpected);
  return description;
}

/// A GFLOP/s figure: two decimals, or four digits and an exponent where
/// that would be long (a --flops far from the truth).
static std::string formatRate(double gflops) {
  std::string text;
  llvm::raw_string_ostream(text)
      << llvm::format(std::fabs(gflops) < 1e9 ? "%.2f" : "%.4g", gflops);
  return text;
}

static HostArray randomArray(ElementKind kind, ArrayRef<int64_t> shape,
                             std::mt19937_64 &rng) {
  HostArray array(kind, shape);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> small(0, 3), coin(0, 1);
  for (int64_t i = 0; i < array.getNumElements(); ++i) {
    if (isFloatKind(kind))
      array.set(i, normal(rng));
    else if (kind == ElementKind::I1)
      array.set(i, coin(rng));
    else
      array.set(i, small(rng));
  }
  return array;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "attn-run: run an attn function on the CPU\n");
  // An empty directory would otherwise read as the option not given: the
  // results would silently not be written (or --check would run instead of
  // checking the files).
  if (outputDir.getNumOccurrences() && outputDir.empty())
    return fail("--output needs a directory (it is empty)");
  if (resultsDir.getNumOccurrences() && resultsDir.empty())
    return fail("--results needs a directory (it is empty)");

  DialectRegistry registry;
  registerAttnCpuPipelineDependencies(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // Parse and verify; diagnostics carry file:line:col.
  llvm::SourceMgr sourceMgr;
  printDiagnosticsOnOneLine(context);
  std::string loadError;
  FailureOr<SourceModule> source =
      loadSourceModule(inputFile, sourceMgr, context, loadError);
  if (failed(source))
    return fail(loadError);
  OwningOpRef<ModuleOp> &module = source->module;
  func::FuncOp func = source->lookupFunction(functionName, loadError);
  if (!func)
    return fail(loadError);
  std::string name = func.getName().str();

  if (!std::isfinite(givenFlops) || givenFlops < 0)
    return fail("--flops must be a finite, non-negative FLOP count, not " +
                std::to_string(givenFlops.getValue()));
  // Options that would otherwise be ignored without a word.
  if (givenFlops.getNumOccurrences() && !bench)
    return fail("--flops gives --bench's FLOP count: it needs --bench");
  if (bf16Dot && path == "reference")
    return fail("--bf16-dot chooses the flash path's bf16 products: "
                "--path=reference has none");

  // Inputs: .npy files by name or position, the rest random.
  SmallVector<std::string> names = source->getArgumentNames(func);
  FunctionType type = func.getFunctionType();

  // The argument that an --input or --shape `spec` (NAME=VALUE, `form`)
  // names by its %name or position, with its tensor type and element kind;
  // a diagnostic and failure if it names none, or none attn-run feeds.
  struct NamedArgument {
    StringRef key, value;
    unsigned position;
    RankedTensorType type;
    ElementKind kind;
  };
  auto namedArgument = [&](StringRef option, StringRef spec,
                           StringRef form) -> FailureOr<NamedArgument> {
    auto [key, value] = spec.split('=');
    if (value.empty()) {
      fail("--" + option + " '" + spec + "' is not " + form);
      return failure();
    }
    std::optional<unsigned> position;
    for (auto [index, argName] : llvm::enumerate(names))
      if (argName == key)
        position = index;
    unsigned number;
    bool isPosition =
        !key.getAsInteger(10, number) && number < type.getNumInputs();
    // A name that is also another argument's position (%1 at position 0)
    // could mean either.
    if (position && isPosition && *position != number) {
      fail("--" + option + " '" + key + "' is ambiguous: it names argument " +
           llvm::Twine(*position) + " and is the position of argument " +
           llvm::Twine(number) + " ('" + names[number] + "')");
      return failure();
    }
    if (!position && isPosition)
      position = number;
    if (!position) {
      fail("--" + option + " '" + key + "' names no argument of '" + name +
           "' (arguments: " + llvm::join(names, ", ") + ")");
      return failure();
    }
    auto tensorType = dyn_cast<RankedTensorType>(type.getInput(*position));
    std::optional<ElementKind> kind =
        tensorType ? getElementKind(tensorType.getElementType()) : std::nullopt;
    if (!kind) {
      failUnsupportedType("argument '" + key + "' of '" + name + "'",
                          type.getInput(*position), "feeds");
      return failure();
    }
    return NamedArgument{key, value, *position, tensorType, *kind};
  };
  auto argumentLabel = [&](unsigned position) {
    return ("argument " + llvm::Twine(position) + " ('" + names[position] +
            "')")
        .str();
  };
  // Sizes for the random fill of arguments whose types leave sizes open.
  SmallVector<std::optional<SmallVector<int64_t>>> givenShapes(
      type.getNumInputs());
  double givenBytes = 0;
  for (const std::string &spec : shapes) {
    FailureOr<NamedArgument> named =
        namedArgument("shape", spec, "NAME=AxBx...");
    if (failed(named))
      return 1;
    auto [key, sizes, position, tensorType, kind] = *named;
    if (givenShapes[position])
      return fail("--shape '" + key + "': " + argumentLabel(position) +
                  " already has sizes from another --shape");
    SmallVector<StringRef> parts;
    sizes.split(parts, 'x');
    if (parts.size() != static_cast<size_t>(tensorType.getRank()))
      return fail(llvm::formatv("--shape '{0}': argument '{1}' of type {2} "
                                "takes {3} sizes, got {4} ('{5}')",
                                key, names[position], tensorType,
                                tensorType.getRank(), parts.size(), sizes)
                      .str());
    SmallVector<int64_t> shape;
    double elements = 1;
    for (auto [dim, part] : llvm::enumerate(parts)) {
      int64_t size;
      if (part.getAsInteger(10, size) || size < 0) {
        bool digits = !part.empty() && llvm::all_of(part, llvm::isDigit);
        return fail("--shape '" + key + "': size " + llvm::Twine(dim) +
                    " is '" + part + "', " +
                    (digits ? "past the largest size, 2^63 - 1"
                            : "not a non-negative integer"));
      }
      if (!tensorType.isDynamicDim(dim) && tensorType.getDimSize(dim) != size)
        return fail(llvm::formatv("--shape '{0}': argument '{1}' of type {2} "
                                  "has size {3} in dimension {4}, got {5}",
                                  key, names[position], tensorType,
                                  tensorType.getDimSize(dim), dim, size)
                        .str());
      shape.push_back(size);
      elements *= static_cast<double>(size);
    }
    givenBytes += elements * (static_cast<double>(getElementBytes(kind)) +
                              (check ? 8.0 : 0.0));
    givenShapes[position] = std::move(shape);
  }

  // Arrays that cannot fit are refused before anything is allocated: the
  // system would otherwise kill the process part-way (the allocations
  // succeed and fail only as they are touched).
  double arrayBytes = estimateArrayBytes(type, check) + givenBytes;
  double machineBytes = physicalMemoryBytes();
  if (machineBytes > 0 && arrayBytes > machineBytes)
    return fail(llvm::formatv("the arguments and results of '{0}' take {1:F1} "
                              "GiB{2}, more than this machine's {3:F1} GiB "
                              "of memory",
                              name, arrayBytes / (1 << 30),
                              check ? " with the reference's double-precision "
                                      "copies for --check"
                                    : "",
                              machineBytes / (1 << 30))
                    .str());
  // The reference lowering materialises each attention's scores (f32,
  // B x Hq x Lq x Lkv); a failed allocation there would crash the compiled
  // code.
  if (path == "reference" && machineBytes > 0) {
    double scoresBytes = 0;
    func.walk([&](AttentionOp attention) {
      ArrayRef<int64_t> query = attention.getQuery().getType().getShape();
      ArrayRef<int64_t> key = attention.getKey().getType().getShape();
      if (llvm::any_of(query, ShapedType::isDynamic) ||
          llvm::any_of(key, ShapedType::isDynamic))
        return;
      scoresBytes +=
          4.0 * static_cast<double>(query[0]) * static_cast<double>(query[1]) *
          static_cast<double>(query[2]) * static_cast<double>(key[2]);
    });
    if (arrayBytes + scoresBytes > machineBytes)
      return fail(
          llvm::formatv("'{0}' on the reference path materialises {1:F1} GiB "
                        "of attention scores besides its arrays, more than "
                        "this machine's {2:F1} GiB of memory (the flash path "
                        "does not hold them)",
                        name, scoresBytes / (1 << 30), machineBytes / (1 << 30))
              .str());
  }
  SmallVector<std::optional<HostArray>> arguments(type.getNumInputs());
  SmallVector<std::string> inputPaths;
  for (const std::string &spec : inputs) {
    FailureOr<NamedArgument> named =
        namedArgument("input", spec, "NAME=FILE.npy");
    if (failed(named))
      return 1;
    auto [key, path, position, tensorType, kind] = *named;
    if (givenShapes[position])
      return fail("--input '" + key + "': " + argumentLabel(position) +
                  " has sizes for a random fill from --shape");
    // Two files for one argument is a mistake in the command, not a choice
    // of the last one.
    if (arguments[position])
      return fail("--input '" + key + "': " + argumentLabel(position) +
                  " is already given by another --input");
    FailureOr<HostArray> array =
        readArrayAs(path, tensorType.getShape(), kind,
                    "argument '" + key + "' of '" + name + "'");
    if (failed(array))
      return 1;
    arguments[position] = std::move(*array);
    inputPaths.push_back(path.str());
  }
  std::mt19937_64 rng(seed);
  for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
    if (arguments[index])
      continue;
    auto tensorType = dyn_cast<RankedTensorType>(argType);
    std::optional<ElementKind> kind =
        tensorType ? getElementKind(tensorType.getElementType())
                   : std::nullopt;
    if (!kind)
      return failUnsupportedType("argument '" + names[index] + "' of '" + name +
                                     "'",
                                 argType, "feeds");
    if (givenShapes[index]) {
      arguments[index] = randomArray(*kind, *givenShapes[index], rng);
      continue;
    }
    if (!tensorType.hasStaticShape())
      return fail("argument '" + names[index] +
                  "' has a dynamic shape: give it with --input, or its "
                  "sizes with --shape");
    arguments[index] = randomArray(*kind, tensorType.getShape(), rng);
  }

  // The reference: exact, and for low-precision results also in the
  // program's precision, which sets the error bound. It also counts the
  // allowed pairs for --bench, gives the shapes of dynamic results, and
  // checks dynamic inputs' shapes against the ops' rules (key and value
  // lengths alike, say) before compiled code could read past a buffer.
  auto isDynamic = [](Type tensorType) {
    auto ranked = dyn_cast<RankedTensorType>(tensorType);
    return !ranked || !ranked.hasStaticShape();
  };
  // (A tensor.dim's index past the rank reads past the sizes in compiled
  // code; the reference names it.)
  bool readsDimensions =
      func.walk([](tensor::DimOp) { return WalkResult::interrupt(); })
          .wasInterrupted();
  bool needsShapes = llvm::any_of(type.getResults(), isDynamic) ||
                     llvm::any_of(type.getInputs(), isDynamic) ||
                     readsDimensions;
  std::optional<ReferenceResult> exact, naive;
  // Which results are computed from f16 or bf16 tensors (an f32 or integer
  // result of one carries its rounding): those are judged against the
  // naive computation in the program's precisions too.
  SmallVector<bool> lowPrecisionResults = dependsOnLowPrecision(func);
  // The inputs as reference tensors, kept for a check's retries.
  SmallVector<RefTensor> checkArgs;
  if (check) {
    // The exact evaluation and, for low-precision results, the naive one,
    // which follows the exact top-k choices (NearTieRetry.h).
    // The reference holds values as doubles: an i64 input it would round
    // could make a wrong result pass (or a right one fail).
    for (auto [index, argument] : llvm::enumerate(arguments)) {
      if (argument->getKind() != ElementKind::I64)
        continue;
      auto *values = static_cast<const int64_t *>(argument->getData());
      for (int64_t i = 0; i < argument->getNumElements(); ++i)
        if (values[i] > (int64_t(1) << 53) || values[i] < -(int64_t(1) << 53))
          return fail("--check: argument '" + names[index] + "' holds " +
                      llvm::Twine(values[i]) + " (element " + llvm::Twine(i) +
                      "), past the 2^53 that the reference's doubles hold "
                      "exactly");
    }
    for (auto &argument : arguments)
      checkArgs.push_back(RefTensor::fromHost(*argument));
    std::string referenceError;
    FailureOr<CheckReferences> references = evaluateCheckReferences(
        func, checkArgs, llvm::is_contained(lowPrecisionResults, true), {},
        referenceError);
    if (failed(references))
      return fail("reference: " + referenceError);
    exact = std::move(references->exact);
    naive = std::move(references->naive);
  } else if ((bench && givenFlops <= 0) || needsShapes) {
    SmallVector<RefTensor> refArgs;
    for (auto &argument : arguments)
      refArgs.push_back(RefTensor::fromHost(*argument));
    std::string referenceError;
    // Needed for the result shapes only: the attentions' values (quadratic
    // in the length, double precision) are skipped.
    ReferenceOptions exactOptions;
    exactOptions.shapesOnly = !(bench && givenFlops <= 0);
    FailureOr<ReferenceResult> result =
        evaluateReference(func, refArgs, exactOptions, referenceError);
    if (failed(result))
      return fail("reference: " + referenceError);
    exact = std::move(*result);
  }

  if (!resultsDir.empty() && (!check || bench || !outputDir.empty()))
    return fail("--results checks results computed elsewhere: it needs "
                "--check and takes neither --bench nor --output");

  // Results, poisoned so that an unwritten element cannot pass, or read
  // from --results.
  SmallVector<HostArray> results;
  for (auto [index, resultType] : llvm::enumerate(type.getResults())) {
    auto tensorType = dyn_cast<RankedTensorType>(resultType);
    std::optional<ElementKind> kind =
        tensorType ? getElementKind(tensorType.getElementType())
                   : std::nullopt;
    if (!kind)
      return failUnsupportedType("result " + llvm::Twine(index) + " of '" +
                                     name + "'",
                                 resultType, "returns");
    ArrayRef<int64_t> shape = tensorType.hasStaticShape()
                                  ? tensorType.getShape()
                                  : ArrayRef<int64_t>(exact->results[index].shape);
    if (!resultsDir.empty()) {
      llvm::SmallString<128> file(resultsDir);
      llvm::sys::path::append(file, "result" + std::to_string(index) + ".npy");
      FailureOr<HostArray> given =
          readArrayAs(file, shape, *kind, "result " + Twine(index));
      if (failed(given))
        return 1;
      results.push_back(std::move(*given));
      continue;
    }
    HostArray result(*kind, shape);
    for (int64_t i = 0; i < result.getNumElements(); ++i)
      result.set(i, isFloatKind(*kind)
                        ? std::numeric_limits<double>::quiet_NaN()
                        : -2147483647.0);
    results.push_back(std::move(result));
  }

  // Without --check the reference's values are not needed any more (only
  // its pair count, for --bench without --flops): free them, and count the
  // peak memory of the compiled run from here on.
  double referenceFlops = exact ? exact->flops : 0;
  if (!check)
    exact.reset();
  resetPeakResidentMemory();

  std::string error;
  std::unique_ptr<JitFunction> jit;
  SmallVector<HostArray *> inputPointers, outputPointers;
  for (auto &argument : arguments)
    inputPointers.push_back(&*argument);
  for (HostArray &result : results)
    outputPointers.push_back(&result);
  if (resultsDir.empty()) {
    AttnCpuPipelineOptions pipelineOptions;
    if (failed(setCpuPipelineOptions(pipelineOptions, path, threads, error)))
      return fail(error);
    pipelineOptions.bf16Dot = bf16Dot;
    FailureOr<std::unique_ptr<JitFunction>> compiled =
        JitFunction::compile(*module, name, pipelineOptions, error);
    if (failed(compiled))
      return fail(error);
    jit = std::move(*compiled);
    if (failed(jit->call(inputPointers, outputPointers, error)))
      return fail(error);
  }

  llvm::outs() << "function " << name << ":";
  for (auto [index, argument] : llvm::enumerate(arguments))
    llvm::outs() << " " << names[index] << "="
                 << describe(argument->getShape(), argument->getKind());
  llvm::outs() << "\n";

  bool allPassed = true;
  double worstError = 0;
  if (check) {
    auto compareAll = [&](const ReferenceResult &exactResult,
                          const ReferenceResult *naiveResult) {
      SmallVector<ComparisonResult> comparisons;
      for (auto [index, result] : llvm::enumerate(results))
        comparisons.push_back(
            compareToReference(result, exactResult.results[index],
                               naiveResult && lowPrecisionResults[index]
                                   ? &naiveResult->results[index]
                                   : nullptr));
      return comparisons;
    };
    auto passed = [](ArrayRef<ComparisonResult> comparisons) {
      return llvm::all_of(comparisons,
                          [](const ComparisonResult &c) { return c.passed; });
    };
    SmallVector<ComparisonResult> comparisons =
        compareAll(*exact, naive ? &*naive : nullptr);
    // A failure where the reference's top-k met near-ties: the compiled
    // scores, as correctly rounded, may have chosen the other entry, and
    // everything after the selection then differs. The check passes if
    // the reference taking the other entry where the compiled code did
    // makes every result pass (NearTieRetry.h).
    if (!passed(comparisons)) {
      CheckReferences first{std::move(*exact), std::move(naive)};
      FailureOr<NearTieResolution> resolution = retryAtTopkNearTies(
          func, checkArgs, first, comparisons, compareAll, kTopkTieTolerance,
          kMaxTopkNearTies, llvm::outs());
      if (succeeded(resolution)) {
        comparisons = std::move(resolution->comparisons);
        for (const TopkNearTie &tie : resolution->swaps)
          llvm::outs() << "topk near-tie (evaluation " << tie.evaluation
                       << ", row " << tie.row << ", entries " << tie.chosen
                       << " and " << tie.unchosen
                       << "): checked with the other entry, as computed\n";
      }
      exact = std::move(first.exact);
      naive = std::move(first.naive);
    }
    for (auto [index, result] : llvm::enumerate(results)) {
      const ComparisonResult &comparison = comparisons[index];
      allPassed &= comparison.passed;
      // A NaN or infinity the reference lacks is no error of 0.
      worstError = comparison.nanCount
                       ? std::numeric_limits<double>::quiet_NaN()
                   : std::isnan(worstError)
                       ? worstError
                       : std::max(worstError, comparison.maxAbsError);
      llvm::outs() << "result " << index << " ("
                   << describe(result.getShape(), result.getKind()) << "): ";
      if (!isFloatKind(result.getKind()))
        llvm::outs() << comparison.mismatches << " mismatches";
      else
        llvm::outs() << llvm::format("max abs error %.3e, rel %.3e, bound "
                                     "%.3e",
                                     comparison.maxAbsError,
                                     comparison.relativeError,
                                     comparison.bound);
      if (comparison.nanCount)
        llvm::outs() << ", " << comparison.nanCount << " NaN/inf entries";
      if (!comparison.passed && comparison.shownElement >= 0)
        llvm::outs() << describeShownElement(comparison, result);
      llvm::outs() << (comparison.passed ? "  PASS\n" : "  FAIL\n");
    }
  }

  double medianMs = 0, gflops = 0;
  if (bench) {
    std::vector<double> times;
    for (unsigned run = 0; run < bench; ++run) {
      auto start = std::chrono::steady_clock::now();
      if (failed(jit->call(inputPointers, outputPointers, error)))
        return fail(error);
      auto stop = std::chrono::steady_clock::now();
      times.push_back(
          std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(times.begin(), times.end());
    medianMs = times[times.size() / 2];
    double flops = givenFlops > 0 ? givenFlops.getValue() : referenceFlops;
    gflops = flops / (medianMs * 1e6);
    llvm::outs() << llvm::format("time: median %.3f ms of %u runs, %s "
                                 "GFLOP/s effective (%.4g allowed-pair "
                                 "FLOP)\n",
                                 medianMs, bench.getValue(),
                                 formatRate(gflops).c_str(), flops);
    // The spread says how far to trust the median on a shared machine.
    double quartile1 = times[times.size() / 4];
    double quartile3 = times[(3 * times.size()) / 4];
    llvm::outs() << "| runs | min ms | q1 ms | median ms | q3 ms | max ms | "
                    "GFLOP/s at the median | at the min |\n"
                 << "|---|---|---|---|---|---|---|---|\n"
                 << llvm::format(
                        "| %u | %.3f | %.3f | %.3f | %.3f | %.3f | "
                        "%s | %s |\n",
                        bench.getValue(), times.front(), quartile1, medianMs,
                        quartile3, times.back(), formatRate(gflops).c_str(),
                        formatRate(flops / (times.front() * 1e6)).c_str());
  }

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    // All results or none, and the folder as it was if any fails: every
    // destination is checked, every result written beside it, and only
    // then are they renamed into place.
    SmallVector<std::string> paths;
    for (size_t index = 0; index < results.size(); ++index) {
      llvm::SmallString<128> path(outputDir);
      llvm::sys::path::append(path, "result" + std::to_string(index) + ".npy");
      llvm::sys::fs::file_status status;
      if (!llvm::sys::fs::status(path, status) &&
          !llvm::sys::fs::is_regular_file(status))
        return fail(path + ": cannot write: it exists and is not a file");
      paths.push_back(path.str().str());
    }
    auto removePartials = [&](size_t count) {
      for (size_t index = 0; index < count; ++index)
        llvm::sys::fs::remove(paths[index] + ".partial");
    };
    for (auto [index, result] : llvm::enumerate(results)) {
      if (llvm::Error writeError =
              writeNpyFile(paths[index] + ".partial", result)) {
        removePartials(index);
        return fail(llvm::toString(std::move(writeError)));
      }
    }
    for (auto [index, path] : llvm::enumerate(paths))
      if (std::error_code ec = llvm::sys::fs::rename(path + ".partial", path)) {
        removePartials(paths.size());
        return fail(path + ": cannot write: " + ec.message());
      }
    if (failed(
            removeStaleResults(outputDir, results.size(), inputPaths, error)))
      return fail(error);
  }

  std::string shapes;
  for (auto &argument : arguments)
    shapes += (shapes.empty() ? "" : ",") +
              describe(argument->getShape(), argument->getKind());
  llvm::outs() << "summary: function=" << name << " shapes=" << shapes;
  if (bench)
    llvm::outs() << llvm::format(" ms=%.3f gflops=%s peak_rss_mb=%.1f",
                                 medianMs, formatRate(gflops).c_str(),
                                 peakResidentMemoryMiB());
  if (check)
    llvm::outs() << llvm::format(" max_error=%.3e", worstError)
                 << " check=" << (allPassed ? "PASS" : "FAIL");
  llvm::outs() << "\n";
  return allPassed ? 0 : 1;
}
