//===- GpuCompiler.cpp - attn programs to NVIDIA GPU libraries ------------===//

#include "attn/Compiler/GpuCompiler.h"

#include "CInterface.h"
#include "RelocatableObject.h"
#include "Toolchain.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/Twine.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

// kCudaRuntimeHeader, kCudaRuntimeSource.
#include "CudaRuntimeSources.inc"

namespace {
/// A program's device buffer, allocated for the call: its sizes and
/// bytes as C expressions (constants, or computed from the entry buffers'
/// sizes where they are dynamic).
struct ProgramTemporary {
  MemRefType type;
  SmallVector<std::string> sizes;
  std::string bytes;
};

/// One launch of a program, with what its parameters are (the grid as C
/// expressions, like the temporaries' sizes).
struct ProgramStep {
  std::string kernel;
  std::string grid[3];
  /// The shared memory the kernel opts in to, and the launch's (a C
  /// expression: a top-k row of a dynamic width is sized per call).
  int64_t threads, sharedBytes;
  std::string launchSharedBytes;
  /// Whether the launch's shared memory is computed per call (else it is
  /// sharedBytes).
  bool sharedPerLaunch = false;
  /// Tensor maps of the first `tensorMaps` buffers (Q, K, V; block scores'
  /// query and keys), with boxes of blockQ (the first) or blockKv rows.
  int64_t tensorMaps = 0, blockQ = 0, blockKv = 0;
  /// Each buffer parameter: an entry buffer (>= 0) or temporary t
  /// (-1 - t).
  SmallVector<int64_t> buffers;
};

/// What a program's kernels assume of an entry buffer's strides: nothing
/// (they index through every stride), rows of contiguous elements (they
/// copy rows), or row-major strides throughout.
enum class BufferStrides { Any, ContiguousRows, RowMajor };

/// A program's launcher: its temporaries and launches in order, and what
/// its kernels assume of each entry buffer's strides.
struct ProgramPlan {
  std::vector<ProgramTemporary> temporaries;
  std::vector<ProgramStep> steps;
  std::vector<BufferStrides> strides;
};

/// What a kernel parameter of `type` assumes of its buffer's strides.
static BufferStrides stridesAssumed(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.getLayout().isIdentity())
    return BufferStrides::RowMajor;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return BufferStrides::RowMajor;
  if (!strides.empty() && strides.back() == 1)
    return BufferStrides::ContiguousRows;
  return llvm::any_of(strides,
                      [](int64_t s) { return !ShapedType::isDynamic(s); })
             ? BufferStrides::RowMajor
             : BufferStrides::Any;
}

/// What the launcher of one entry point needs to know about its kernel.
struct KernelLaunch {
  std::string kernel;
  int64_t blockQ = 0, threads = 0, sharedBytes = 0;
  /// The query heads per K/V head packed into one tile (1: not packed).
  int64_t packedGroup = 1;
  /// The query heads per CTA of the warp-specialised kernel (grid y is
  /// Hq / this).
  int64_t consumerHeads = 1;
  /// Persistent CTAs: the most CTAs of the grid, which is then one-
  /// dimensional, each CTA taking work items in turn (0: a CTA an item).
  int64_t persistentCtas = 0;
  /// For each kernel argument, the entry point's buffer it is (kernel
  /// arguments follow the op's operand order, which need not be the
  /// function's): the query is argument 0, K 1, V 2.
  SmallVector<unsigned> buffers;
  /// Warp-specialised kernels: the tensor maps of Q, K and V come first
  /// (0: none), with boxes of block_q and block_kv rows.
  int64_t tensorMaps = 0, blockKv = 0;
  /// A grid x independent of the query length (0: ceil(Lq / blockQ)).
  int64_t gridX = 0;
  /// Linear attention's decay: its kernel argument ([B, Hq, Lkv], f32), or
  /// -1.
  int64_t decayArgument = -1;
  /// Segmented linear attention: the grid's z is batch x segments, a first
  /// kernel (`statesKernel`, same arguments) runs before this one, and both
  /// take a workspace of `workspacePerHead` f32 per (batch, query head)
  /// after the entry point's buffers.
  int64_t segments = 1, workspacePerHead = 0;
  std::string statesKernel;
  /// A program of several kernels: its launcher follows `program` instead.
  std::optional<ProgramPlan> program;
};

} // namespace

static std::string findPtxas(const GpuCompileOptions &options) {
  if (!options.ptxas.empty())
    return options.ptxas;
  if (std::optional<std::string> fromEnv =
          llvm::sys::Process::GetEnv("ATTN_PTXAS"))
    return *fromEnv;
  if (llvm::sys::fs::can_execute(ATTN_DEFAULT_PTXAS))
    return ATTN_DEFAULT_PTXAS;
  if (auto found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  return "";
}

/// The C expression (of type long long) of the host function's index or
/// integer `value`, in terms of the entry buffers' sizes (`d->sizes[i]`)
/// and earlier temporaries' (`tN Sizes[i]`), or nullopt where `value` is
/// not such arithmetic.
static std::optional<std::string>
cExpression(Value value, const CEntryPoint &entry,
            const DenseMap<Value, int64_t> &temporaries) {
  APInt bits;
  if (matchPattern(value, m_ConstantInt(&bits)))
    return "(" + std::to_string(bits.getSExtValue()) + "LL)";
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto dim = dyn_cast<memref::DimOp>(op)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    Value source = dim.getSource();
    while (auto cast = source.getDefiningOp<memref::CastOp>())
      source = cast.getSource();
    if (!index)
      return std::nullopt;
    if (auto argument = dyn_cast<BlockArgument>(source))
      return entry.buffers[argument.getArgNumber()].name + "->sizes[" +
             std::to_string(*index) + "]";
    auto temporary = temporaries.find(source);
    if (temporary == temporaries.end())
      return std::nullopt;
    return "t" + std::to_string(temporary->second) + "Sizes[" +
           std::to_string(*index) + "]";
  }
  // (Truncations too: attn-expand-index-truncations writes an index cast
  // to i32 as one to i64 and a trunci, and sizes fit either way.)
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtUIOp,
          arith::ExtSIOp, arith::TruncIOp>(op))
    return cExpression(op->getOperand(0), entry, temporaries);
  if (op->getNumOperands() != 2)
    return std::nullopt;
  // Divisions only by constants (the host's are block sizes and strides):
  // a size read from a buffer could be 0.
  if (isa<arith::DivUIOp, arith::DivSIOp, arith::RemUIOp, arith::RemSIOp,
          arith::CeilDivUIOp, arith::CeilDivSIOp>(op) &&
      !matchPattern(op->getOperand(1), m_ConstantInt(&bits)))
    return std::nullopt;
  std::optional<std::string> lhs =
      cExpression(op->getOperand(0), entry, temporaries);
  std::optional<std::string> rhs =
      cExpression(op->getOperand(1), entry, temporaries);
  if (!lhs || !rhs)
    return std::nullopt;
  // Sizes are never negative, so the unsigned ops are the signed ones.
  auto binary = [&](StringRef symbol) -> std::optional<std::string> {
    return "(" + *lhs + " " + symbol.str() + " " + *rhs + ")";
  };
  return llvm::TypeSwitch<Operation *, std::optional<std::string>>(op)
      .Case([&](arith::AddIOp) { return binary("+"); })
      .Case([&](arith::SubIOp) { return binary("-"); })
      .Case([&](arith::MulIOp) { return binary("*"); })
      .Case<arith::DivUIOp, arith::DivSIOp>(
          [&](Operation *) { return binary("/"); })
      .Case<arith::RemUIOp, arith::RemSIOp>(
          [&](Operation *) { return binary("%"); })
      .Case<arith::CeilDivUIOp, arith::CeilDivSIOp>(
          [&](Operation *) -> std::optional<std::string> {
            return "((" + *lhs + " + " + *rhs + " - 1) / " + *rhs + ")";
          })
      .Case<arith::MinUIOp, arith::MinSIOp>(
          [&](Operation *) -> std::optional<std::string> {
            return "(" + *lhs + " < " + *rhs + " ? " + *lhs + " : " + *rhs +
                   ")";
          })
      .Case<arith::MaxUIOp, arith::MaxSIOp>(
          [&](Operation *) -> std::optional<std::string> {
            return "(" + *lhs + " > " + *rhs + " ? " + *lhs + " : " + *rhs +
                   ")";
          })
      .Default([](Operation *) { return std::nullopt; });
}

/// The plan of a program's host function (convert-attn-to-gpu's
/// rewriteProgramHostFunction, canonicalised so that with static shapes
/// every size, grid and allocation is a constant; with dynamic ones they
/// are arithmetic on the entry buffers' sizes, which the launcher
/// computes).
static FailureOr<ProgramPlan> planProgram(ModuleOp module, func::FuncOp func,
                                          const CEntryPoint &entry,
                                          std::string &error) {
  PassManager canonicalize(module.getContext(),
                           func::FuncOp::getOperationName());
  canonicalize.addPass(createCanonicalizerPass());
  if (failed(canonicalize.run(func))) {
    error =
        "cannot simplify the host function of '" + func.getName().str() + "'";
    return failure();
  }
  ProgramPlan plan;
  plan.strides.assign(func.getNumArguments(), BufferStrides::Any);
  DenseMap<Value, int64_t> temporaries;
  auto constant = [](Value value, int64_t &out) {
    APInt bits;
    if (!matchPattern(value, m_ConstantInt(&bits)))
      return false;
    out = bits.getSExtValue();
    return true;
  };
  auto expression = [&](Value value, std::string &out) {
    std::optional<std::string> computed =
        cExpression(value, entry, temporaries);
    if (computed)
      out = *computed;
    return computed.has_value();
  };
  auto fail = [&](Operation *op, const Twine &what, StringRef notWhat) {
    error = ("the host function of '" + func.getName() + "': " + what +
             " of '" + op->getName().getStringRef() + "' is not " + notWhat)
                .str();
    return WalkResult::interrupt();
  };
  auto notComputed = "a constant or arithmetic on the buffers' sizes";
  WalkResult walked =
      func.walk<WalkOrder::PreOrder>([&](Operation *op) -> WalkResult {
        if (auto alloc = dyn_cast<gpu::AllocOp>(op)) {
          MemRefType type = alloc.getType();
          ProgramTemporary temporary{type, {}, {}};
          unsigned dynamic = 0;
          std::string elements = "1LL";
          for (int64_t size : type.getShape()) {
            std::string text = std::to_string(size) + "LL";
            if (ShapedType::isDynamic(size) &&
                !expression(alloc.getDynamicSizes()[dynamic++], text))
              return fail(op, "a size", notComputed);
            temporary.sizes.push_back(text);
            elements = "(" + elements + " * " + text + ")";
          }
          // (At least a byte: an empty buffer still gets a pointer.)
          int64_t bits = type.getElementTypeBitWidth();
          std::string bytes =
              "(" + elements + " * " + std::to_string(bits) + "LL / 8LL)";
          temporary.bytes = "(" + bytes + " > 1LL ? " + bytes + " : 1LL)";
          temporaries[alloc.getMemref()] = plan.temporaries.size();
          plan.temporaries.push_back(std::move(temporary));
          return WalkResult::advance();
        }
        auto launch = dyn_cast<gpu::LaunchFuncOp>(op);
        if (!launch)
          return WalkResult::advance();
        auto kernel = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
            module, launch.getKernel());
        ProgramStep step;
        step.kernel = kernel.getName().str();
        gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
        if (!expression(grid.x, step.grid[0]) ||
            !expression(grid.y, step.grid[1]) ||
            !expression(grid.z, step.grid[2]))
          return fail(op, "the grid", notComputed);
        if (!constant(launch.getBlockSizeX(), step.threads))
          return fail(op, "the CTA size", "a constant");
        Value shared = launch.getDynamicSharedMemorySize();
        if (!expression(shared, step.launchSharedBytes))
          return fail(op, "the shared memory", notComputed);
        step.sharedPerLaunch = !constant(shared, step.sharedBytes);
        if (step.sharedPerLaunch) {
          auto limit =
              kernel->getAttrOfType<IntegerAttr>(kKernelSharedBytesAttr);
          if (!limit)
            return fail(op, "the shared memory", "a constant");
          step.sharedBytes = limit.getInt();
        }
        auto attr = [&](StringRef name) {
          auto value = kernel->getAttrOfType<IntegerAttr>(name);
          return value ? value.getInt() : 0;
        };
        step.tensorMaps = attr(kKernelTensorMapsAttr);
        step.blockQ = attr(kKernelBlockQAttr);
        step.blockKv = attr(kKernelBlockKvAttr);
        ArrayRef<Type> parameters = kernel.getFunctionType().getInputs();
        for (auto [operand, parameter] : llvm::zip_equal(
                 launch.getKernelOperands().drop_front(step.tensorMaps),
                 parameters.drop_front(step.tensorMaps))) {
          while (auto cast = operand.getDefiningOp<memref::CastOp>())
            operand = cast.getSource();
          if (auto argument = dyn_cast<BlockArgument>(operand)) {
            step.buffers.push_back(argument.getArgNumber());
            BufferStrides &assumed = plan.strides[argument.getArgNumber()];
            assumed = std::max(assumed, stridesAssumed(parameter));
          } else if (temporaries.count(operand))
            step.buffers.push_back(-1 - temporaries[operand]);
          else
            return fail(op, "a buffer", "an argument or a temporary");
        }
        plan.steps.push_back(std::move(step));
        return WalkResult::advance();
      });
  if (walked.wasInterrupted())
    return failure();
  return plan;
}

/// How a launcher's C code names the memref descriptor fields of one
/// buffer: an argument's (an `attn_strided_Nd *`), or a temporary's
/// (its pointer, offset 0, and arrays of sizes and strides).
struct CDescriptor {
  std::string allocated, aligned, offset, sizes, strides;
  /// The byte address of its first element (16-bit elements).
  std::string start;

  static CDescriptor argument(const std::string &d) {
    return {d + "->allocated",
            d + "->aligned",
            d + "->offset",
            d + "->sizes",
            d + "->strides",
            "(const char *)" + d + "->aligned + 2 * " + d + "->offset"};
  }
  static CDescriptor temporary(int64_t index) {
    std::string t = "t" + std::to_string(index);
    return {t, t, "zero", t + "Sizes", t + "Strides", t};
  }
};

/// The CUtensorMap `map` of a 16-bit [B, H, L, D] buffer for boxes of
/// `rows` rows, encoded into `maps[map]` (`onFailure`, a C statement, if
/// that fails) and passed as the next kernel parameter.
static void emitTensorMapParam(llvm::raw_ostream &os, StringRef indent,
                               int64_t map, const CDescriptor &d, int64_t rows,
                               bool bf16, StringRef onFailure) {
  os << indent << "if ((status = attnCudaEncodeTensorMap(&maps[" << map << "], "
     << d.start << ", " << d.sizes << "[3], " << d.sizes << "[2], " << d.sizes
     << "[1], " << d.sizes << "[0], " << d.strides << "[2], " << d.strides
     << "[1], " << d.strides << "[0], " << rows << ", " << (bf16 ? 1 : 0)
     << "))) " << onFailure << "\n"
     << indent << "params[n++] = (void *)&maps[" << map << "];\n";
}

/// The C name of the launch descriptor of the `entryIndex`th entry point's
/// kernel `role` ("": its only or last kernel, "States", "Step<i>").
/// Numbered, so that two functions' names cannot make the same one (`@p`'s
/// step 0 and `@p_0`), and camel-case, which no `attn_<name>` entry point
/// is.
static std::string kernelDescriptor(size_t entryIndex, StringRef role = "") {
  return ("attnKernel" + Twine(entryIndex) + role).str();
}

/// The static launch descriptor `name` of `kernel` (AttnCudaRuntime.h):
/// `dependent` launches it with programmatic stream serialisation, for
/// kernels that wait for the previous grid themselves
/// (attn-grid-dependency-control).
static void emitKernelDescriptor(llvm::raw_ostream &os, StringRef name,
                                 StringRef kernel, int64_t sharedBytes,
                                 bool dependent) {
  os << "static attn_cuda_kernel " << name << " = {attn_cubin, \"" << kernel
     << "\", " << sharedBytes << ", " << (dependent ? 1 : 0) << ", 0, 0, 0};\n";
}

/// A memref descriptor of `rank` as the next kernel parameters (pointers,
/// offset, sizes, strides).
static void emitDescriptorParams(llvm::raw_ostream &os, StringRef indent,
                                 const CDescriptor &d, int64_t rank) {
  os << indent << "params[n++] = (void *)&" << d.allocated << ";\n"
     << indent << "params[n++] = (void *)&" << d.aligned << ";\n"
     << indent << "params[n++] = (void *)&" << d.offset << ";\n"
     << indent << "for (int i = 0; i < " << rank
     << "; ++i) params[n++] = (void *)&" << d.sizes << "[i];\n"
     << indent << "for (int i = 0; i < " << rank
     << "; ++i) params[n++] = (void *)&" << d.strides << "[i];\n";
}

/// A program's launcher: every buffer checked (static sizes; aligned to
/// its elements; rows of contiguous elements where a kernel copies rows,
/// 16-byte aligned for 16-bit 4-D ones, which the attention kernels copy
/// and TMA reads; row-major where a kernel assumes it), the temporaries
/// allocated on the stream, the launches in order, and the temporaries
/// freed after them, also when a launch fails.
static void emitProgramLauncher(llvm::raw_ostream &os, const CEntryPoint &entry,
                                size_t entryIndex, const ProgramPlan &plan,
                                bool dependentLaunches) {
  for (auto [index, step] : llvm::enumerate(plan.steps))
    emitKernelDescriptor(
        os, kernelDescriptor(entryIndex, "Step" + std::to_string(index)),
        step.kernel, step.sharedBytes, dependentLaunches);
  os << "\n__attribute__((visibility(\"default\")))\n"
     << emitCSignature(entry, /*withStream=*/true) << " {\n";
  for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
    const std::string &d = buffer.name;
    ArrayRef<int64_t> shape = buffer.type.getShape();
    for (auto [dim, size] : llvm::enumerate(shape))
      if (!ShapedType::isDynamic(size))
        os << "  if (" << d << "->sizes[" << dim << "] != " << size
           << ") return " << index + 1 << ";\n";
    int64_t rank = buffer.type.getRank();
    if (rank == 0)
      continue;
    int64_t bits = buffer.type.getElementTypeBitWidth();
    int64_t bytes = std::max<int64_t>(bits / 8, 1);
    BufferStrides assumed = plan.strides[index];
    // Rows that kernels read or write 16 bytes at a time (attention
    // operands, vectorised compress and merge) start on 16 bytes; rows
    // whose length is not a multiple of 8 take the scalar path.
    bool rows16 = assumed != BufferStrides::Any && rank == 4 && bits == 16 &&
                  !ShapedType::isDynamic(shape[3]) && shape[3] % 8 == 0;
    os << "  if (((unsigned long)((const char *)" << d << "->aligned + "
       << bytes << " * " << d << "->offset) & " << (rows16 ? 15 : bytes - 1)
       << ")";
    if (assumed != BufferStrides::Any)
      os << " || (" << d << "->strides[" << rank - 1 << "] != 1 && " << d
         << "->sizes[" << rank - 1 << "] != 1)";
    if (rows16)
      os << " || (" << d << "->strides[0] | " << d << "->strides[1] | " << d
         << "->strides[2]) & 7";
    // Row-major: each stride the product of the sizes after it (a size-1
    // dimension's stride is never used).
    if (assumed == BufferStrides::RowMajor) {
      std::string stride = "1";
      for (int64_t dim = rank - 1; dim >= 0; --dim) {
        os << " || (" << d << "->strides[" << dim << "] != " << stride << " && "
           << d << "->sizes[" << dim << "] != 1)";
        stride += " * " + d + "->sizes[" + std::to_string(dim) + "]";
      }
    }
    os << ") return " << index + 1 << ";\n";
  }
  // Sizes that the types leave open (a program compiled for any length)
  // are never negative and must meet the ops' rules: the temporaries and
  // grids come from them.
  emitOpenSizeSignChecks(os, entry);
  emitSizeRuleChecks(os, entry);
  os << "  int status = 0, freed;\n  long long zero = 0;\n";
  // Each temporary's sizes (computed from the buffers' where dynamic) and
  // row-major strides; a rank-0 one is one element.
  for (auto [index, temporary] : llvm::enumerate(plan.temporaries)) {
    SmallVector<std::string> sizes(temporary.sizes);
    if (sizes.empty())
      sizes.push_back("1LL");
    int64_t rank = sizes.size();
    std::string t = "t" + std::to_string(index);
    os << "  void *" << t << " = 0;\n  int " << t
       << "Ordered = 0;\n  long long " << t << "Sizes[" << rank << "] = {";
    llvm::interleaveComma(sizes, os);
    os << "}, " << t << "Strides[" << rank << "];\n  " << t << "Strides["
       << rank - 1 << "] = 1;\n";
    for (int64_t dim = rank - 2; dim >= 0; --dim)
      os << "  " << t << "Strides[" << dim << "] = " << t << "Strides["
         << dim + 1 << "] * " << t << "Sizes[" << dim + 1 << "];\n";
  }
  for (auto [index, temporary] : llvm::enumerate(plan.temporaries))
    os << "  if ((status = attnCudaAlloc(&t" << index
       << ", (unsigned long long)" << temporary.bytes << ", stream, &t" << index
       << "Ordered))) goto done;\n";
  for (auto [index, step] : llvm::enumerate(plan.steps)) {
    os << "  {\n";
    int64_t count = step.tensorMaps;
    auto rankOf = [&](int64_t buffer) -> int64_t {
      if (buffer >= 0)
        return entry.buffers[buffer].type.getRank();
      return std::max<int64_t>(plan.temporaries[-1 - buffer].type.getRank(), 1);
    };
    for (int64_t buffer : step.buffers)
      count += 3 + 2 * rankOf(buffer);
    os << "    void *params[" << std::max<int64_t>(count, 1)
       << "];\n    int n = 0;\n";
    if (step.tensorMaps)
      os << "    attn_cuda_tensor_map maps[" << step.tensorMaps << "];\n";
    // Buffer b >= 0 is argument b, b < 0 temporary -1 - b.
    auto descriptorOf = [&](int64_t buffer) {
      return buffer >= 0 ? CDescriptor::argument(entry.buffers[buffer].name)
                         : CDescriptor::temporary(-1 - buffer);
    };
    for (int64_t map = 0; map < step.tensorMaps; ++map) {
      int64_t buffer = step.buffers[map];
      Type element = buffer >= 0
                         ? entry.buffers[buffer].type.getElementType()
                         : plan.temporaries[-1 - buffer].type.getElementType();
      emitTensorMapParam(os, "    ", map, descriptorOf(buffer),
                         map == 0 ? step.blockQ : step.blockKv,
                         element.isBF16(), "goto done;");
    }
    for (int64_t buffer : step.buffers)
      emitDescriptorParams(os, "    ", descriptorOf(buffer), rankOf(buffer));
    // (An empty grid launches nothing: a launch of 0 CTAs is an error.)
    os << "    long long grid[3] = {" << step.grid[0] << ", " << step.grid[1]
       << ", " << step.grid[2] << "};\n";
    // Sizes beyond what a launch takes (grid y and z, a row's shared
    // memory) refuse the first entry buffer the kernel reads, as the
    // single kernels' launchers do, before the driver would.
    int64_t refused = 1;
    for (int64_t buffer : step.buffers)
      if (buffer >= 0) {
        refused = buffer + 1;
        break;
      }
    os << "    if (grid[0] > 2147483647LL || grid[1] > 65535 || grid[2] > "
          "65535";
    if (step.sharedPerLaunch)
      os << " || " << step.launchSharedBytes << " > " << step.sharedBytes
         << "LL";
    os << ") {\n      status = " << refused << ";\n      goto done;\n    }\n"
       << "    if (grid[0] > 0 && grid[1] > 0 && grid[2] > 0 && (status = "
          "attnCudaLaunchShared(&"
       << kernelDescriptor(entryIndex, "Step" + std::to_string(index))
       << ", (unsigned)grid[0], (unsigned)grid[1], (unsigned)grid[2], "
       << step.threads << ", (unsigned)" << step.launchSharedBytes
       << ", stream, params))) goto done;\n";
    os << "  }\n";
  }
  os << "done:\n";
  for (int64_t index = plan.temporaries.size() - 1; index >= 0; --index)
    os << "  if (t" << index << ") {\n    freed = attnCudaFree(t" << index
       << ", stream, t" << index << "Ordered);\n"
       << "    if (!status) status = freed;\n  }\n";
  os << "  (void)freed;\n  return status;\n}\n\n";
}

/// The launcher: checks, the kernel's parameters (each memref expanded to
/// allocated, aligned, offset, sizes, strides) and the launch.
static std::string emitLaunchers(StringRef headerName, StringRef cubin,
                                 ArrayRef<CEntryPoint> entries,
                                 ArrayRef<KernelLaunch> launches,
                                 bool dependentLaunches) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by attn-compile. */\n#include \"" << headerName
     << "\"\n#include \"AttnCudaRuntime.h\"\n\n"
     << "static const unsigned char attn_cubin[] __attribute__((aligned(8)))"
        " = {";
  for (auto [index, byte] : llvm::enumerate(cubin)) {
    if (index % 16 == 0)
      os << "\n ";
    os << " " << static_cast<unsigned>(static_cast<unsigned char>(byte)) << ",";
  }
  os << "\n};\n\n";
  for (auto [entryIndex, entryAndLaunch] :
       llvm::enumerate(llvm::zip(entries, launches))) {
    auto &[entry, launch] = entryAndLaunch;
    if (launch.program) {
      emitProgramLauncher(os, entry, entryIndex, *launch.program,
                          dependentLaunches);
      continue;
    }
    if (!launch.statesKernel.empty())
      emitKernelDescriptor(os, kernelDescriptor(entryIndex, "States"),
                           launch.statesKernel, launch.sharedBytes,
                           dependentLaunches);
    emitKernelDescriptor(os, kernelDescriptor(entryIndex), launch.kernel,
                         launch.sharedBytes, dependentLaunches);
    os << "\n__attribute__((visibility(\"default\")))\n"
       << emitCSignature(entry, /*withStream=*/true) << " {\n";
    for (auto [index, buffer] : llvm::enumerate(entry.buffers)) {
      for (auto [dim, size] : llvm::enumerate(buffer.type.getShape()))
        if (!ShapedType::isDynamic(size))
          os << "  if (" << buffer.name << "->sizes[" << dim << "] != " << size
             << ") return " << index + 1 << ";\n";
    }
    emitOpenSizeSignChecks(os, entry);
    // Q, K, V and the output (the 4-D result) are copied and stored in
    // 16-byte rows: contiguous, starting on 16 bytes (unless they have no
    // elements: nothing is read or written, and NumPy gives an empty array
    // zero strides).
    auto checkRows = [&os, &buffers = entry.buffers](unsigned index) {
      const CBuffer &buffer = buffers[index];
      os << "  if (" << buffer.name << "->sizes[0] && " << buffer.name
         << "->sizes[1] && " << buffer.name << "->sizes[2] && " << buffer.name
         << "->sizes[3] && ((" << buffer.name << "->strides[3] != 1 && "
         << buffer.name << "->sizes[3] != 1) || ((unsigned long)((const char *)"
         << buffer.name << "->aligned + 2 * " << buffer.name
         << "->offset) & 15) || (" << buffer.name << "->strides[0] | "
         << buffer.name << "->strides[1] | " << buffer.name
         << "->strides[2]) & 7)) return " << index + 1 << ";\n";
    };
    for (int64_t operand : {0, 1, 2})
      checkRows(launch.buffers[operand]);
    for (auto [index, buffer] : llvm::enumerate(entry.buffers))
      if (buffer.isResult && buffer.type.getRank() == 4)
        checkRows(index);
    const CBuffer &query = entry.buffers[launch.buffers[0]];
    const CBuffer &key = entry.buffers[launch.buffers[1]];
    // Dynamic sizes must agree across Q, K, V and the results (the kernel
    // takes them from Q and K); `mismatch(a, i, b, j, p)` returns p when
    // a->sizes[i] != b->sizes[j].
    {
      const CBuffer &value = entry.buffers[launch.buffers[2]];
      ArrayRef<unsigned> order = launch.buffers;
      auto position = [&](unsigned kernelArgument) {
        return order[kernelArgument] + 1;
      };
      auto mismatch = [&](const CBuffer &a, int i, const CBuffer &b2, int j,
                          unsigned result) {
        if (&a == &b2 && i == j)
          return; // one buffer in two roles (q, q, q): nothing to compare
        os << "  if (" << a.name << "->sizes[" << i << "] != " << b2.name
           << "->sizes[" << j << "]) return " << result << ";\n";
      };
      for (int dim : {0, 1, 2})
        mismatch(value, dim, key, dim, position(2));
      mismatch(key, 0, query, 0, position(1));
      mismatch(key, 3, query, 3, position(1));
      os << "  if (" << key.name << "->sizes[1] < 1 || " << query.name
         << "->sizes[1] % " << key.name << "->sizes[1]) return " << position(1)
         << ";\n";
      SmallVector<unsigned> results;
      for (auto [index, buffer] : llvm::enumerate(entry.buffers))
        if (buffer.isResult)
          results.push_back(index);
      if (!results.empty()) {
        const CBuffer &output = entry.buffers[results[0]];
        for (int dim : {0, 1, 2})
          mismatch(output, dim, query, dim, results[0] + 1);
        mismatch(output, 3, value, 3, results[0] + 1);
      }
      if (results.size() > 1)
        for (int dim : {0, 1, 2})
          mismatch(entry.buffers[results[1]], dim, query, dim, results[1] + 1);
      if (launch.decayArgument >= 0) {
        const CBuffer &decay =
            entry.buffers[launch.buffers[launch.decayArgument]];
        unsigned at = position(launch.decayArgument);
        mismatch(decay, 0, query, 0, at);
        mismatch(decay, 1, query, 1, at);
        mismatch(decay, 2, key, 2, at);
        // Copied a gate (4 bytes) at a time: contiguous rows, aligned.
        os << "  if ((" << decay.name << "->strides[2] != 1 && " << decay.name
           << "->sizes[2] > 1) || ((unsigned long)((const char *)" << decay.name
           << "->aligned + 4 * " << decay.name << "->offset) & 3)) return "
           << at << ";\n";
      }
      // The grid's y and z.
      os << "  if (" << query.name << "->sizes[1] > 65535 || " << query.name
         << "->sizes[0] * " << launch.segments << " > 65535) return "
         << position(0) << ";\n";
    }
    // Packed tiles hold a group's query heads: the grid is over K/V heads.
    const CBuffer &heads = launch.packedGroup > 1 ? key : query;
    if (launch.gridX)
      os << "  unsigned gridX = " << launch.gridX << ";\n";
    else
      os << "  unsigned gridX = (unsigned)((" << launch.packedGroup << " * "
         << query.name << "->sizes[2] + " << launch.blockQ - 1 << ") / "
         << launch.blockQ << ");\n";
    os << "  unsigned gridY = (unsigned)" << heads.name << "->sizes[1]"
       << (launch.consumerHeads > 1
               ? " / " + std::to_string(launch.consumerHeads)
               : std::string())
       << ";\n"
       << "  if (!gridX || !gridY || !" << query.name << "->sizes[0] || !"
       << query.name << "->sizes[2]) return 0;\n";
    int64_t count = launch.tensorMaps + (launch.workspacePerHead ? 5 : 0);
    for (unsigned index : launch.buffers)
      count += 3 + 2 * entry.buffers[index].type.getRank();
    os << "  void *params[" << count << "];\n  int n = 0;\n";
    if (launch.tensorMaps) {
      // CUtensorMaps of Q, K and V, passed by value (grid-constant).
      os << "  attn_cuda_tensor_map maps[" << launch.tensorMaps << "];\n"
         << "  int status;\n";
      for (int64_t operand = 0; operand < launch.tensorMaps; ++operand) {
        const CBuffer &buffer = entry.buffers[launch.buffers[operand]];
        emitTensorMapParam(
            os, "  ", operand, CDescriptor::argument(buffer.name),
            operand == 0 ? launch.blockQ : launch.blockKv,
            buffer.type.getElementType().isBF16(), "return status;");
      }
    }
    for (unsigned index : launch.buffers) {
      const CBuffer &buffer = entry.buffers[index];
      emitDescriptorParams(os, "  ", CDescriptor::argument(buffer.name),
                           buffer.type.getRank());
    }
    std::string gridZ = "(unsigned)(" + query.name + "->sizes[0] * " +
                        std::to_string(launch.segments) + ")";
    // Persistent CTAs walk the items (query tile, head, batch) themselves.
    if (launch.persistentCtas) {
      os << "  unsigned long long items = (unsigned long long)gridX * gridY * "
         << gridZ << ";\n"
         << "  gridX = items < " << launch.persistentCtas
         << "ULL ? (unsigned)items : " << launch.persistentCtas << "u;\n"
         << "  gridY = 1;\n";
      gridZ = "1u";
    }
    if (!launch.workspacePerHead) {
      os << "  return attnCudaLaunch(&" << kernelDescriptor(entryIndex)
         << ", gridX, gridY, " << gridZ << ", " << launch.threads
         << ", stream, params);\n}\n\n";
      continue;
    }
    // The segments' states, in a workspace of the call's stream (a memref
    // of f32: pointers, offset, size, stride), then the outputs.
    os << "  long long workspaceSize = (long long)" << query.name
       << "->sizes[0] * " << query.name << "->sizes[1] * "
       << launch.workspacePerHead << ", workspaceOffset = 0, "
       << "workspaceStride = 1;\n"
       << "  void *workspace = 0;\n  int ordered = 0;\n"
       << "  int launched = attnCudaAlloc(&workspace, (unsigned long long)"
          "workspaceSize * 4, stream, &ordered);\n"
       << "  if (launched) return launched;\n"
       << "  params[n++] = (void *)&workspace;\n"
       << "  params[n++] = (void *)&workspace;\n"
       << "  params[n++] = (void *)&workspaceOffset;\n"
       << "  params[n++] = (void *)&workspaceSize;\n"
       << "  params[n++] = (void *)&workspaceStride;\n"
       << "  launched = attnCudaLaunch(&"
       << kernelDescriptor(entryIndex, "States") << ", gridX, gridY, " << gridZ
       << ", " << launch.threads << ", stream, params);\n"
       << "  if (!launched) launched = attnCudaLaunch(&"
       << kernelDescriptor(entryIndex) << ", gridX, gridY, " << gridZ << ", "
       << launch.threads << ", stream, params);\n"
       << "  int freed = attnCudaFree(workspace, stream, ordered);\n"
       << "  return launched ? launched : freed;\n}\n\n";
  }
  return text;
}

LogicalResult mlir::attn::compileForGpu(ModuleOp module,
                                        const GpuCompileOptions &options,
                                        std::string &error) {
  auto fail = [&](const llvm::Twine &message) {
    error = message.str();
    return failure();
  };
  // (As compileForCpu: the analyses assume a valid module.)
  if (failed(verify(module)))
    return fail("the module does not verify");
  const std::string &outputFile = options.outputPath;
  StringRef extension = llvm::sys::path::extension(outputFile);
  if (extension != ".so" && extension != ".o" && extension != ".ptx" &&
      extension != ".cubin")
    return fail("output '" + outputFile +
                "' must end in .so, .o, .ptx or .cubin for a GPU target");
  if (failed(checkHeaderName(outputFile, error)))
    return failure();

  SmallVector<func::FuncOp> selected;
  std::vector<CEntryPoint> entries;
  if (failed(collectEntryPoints(module, options.functions,
                                options.argumentNames, selected, entries,
                                error)))
    return failure();
  // Functions that are not exported are not compiled (those that exported
  // ones call stay, for the lowering to name them).
  for (bool erased = true; erased;) {
    erased = false;
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!llvm::is_contained(selected, func) &&
          SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.erase();
        erased = true;
      }
  }

  // Exported functions are entry points: their own types take the sizes
  // that their ops relate (the C descriptors do not change), and the
  // launchers check the sizes that the kernels are built for.
  MLIRContext &context = *module.getContext();
  PassManager refine(&context);
  addIndexArithRewrites(refine, /*maxIntegerWidth=*/64);
  AttnRefineShapesPassOptions refineOptions;
  refineOptions.signatures = true;
  refine.addPass(createAttnRefineShapesPass(refineOptions));
  if (failed(refine.run(module)))
    return fail("the GPU lowering failed");
  for (auto [func, entry] : llvm::zip_equal(selected, entries)) {
    FunctionType type = func.getFunctionType();
    SmallVector<Type> refined(type.getInputs());
    llvm::append_range(refined, type.getResults());
    for (auto [buffer, bufferType] : llvm::zip_equal(entry.buffers, refined))
      buffer.type = cast<RankedTensorType>(bufferType);
  }

  // attn -> kernels + host launches; the launchers are generated in C, so
  // keep what each kernel's launch needs before the kernels are serialised.
  PassManager convert(&context);
  ConvertAttnToGpuPassOptions convertOptions;
  convertOptions.chip = options.chip;
  convertOptions.warps = options.warps;
  convertOptions.rowTiles = options.rowTiles;
  convertOptions.pingPong = options.pingPong;
  convertOptions.pairKeyBlocks = options.pairKeyBlocks;
  convertOptions.keySplits = options.keySplits;
  convertOptions.fuseMerges = options.fuseMerges;
  convertOptions.fuseTopk = options.fuseTopk;
  convertOptions.clusters = options.clusters;
  convertOptions.headPairs = options.headPairs;
  convertOptions.persistent = options.persistent;
  convert.addPass(createConvertAttnToGpuPass(convertOptions));
  if (failed(convert.run(module)))
    return fail("the GPU lowering failed");
  std::vector<KernelLaunch> launches;
  for (auto [func, entry] : llvm::zip_equal(selected, entries)) {
    if (func->hasAttr(kHostProgramAttr)) {
      FailureOr<ProgramPlan> plan = planProgram(module, func, entry, error);
      if (failed(plan))
        return failure();
      KernelLaunch launch;
      launch.program = std::move(*plan);
      launches.push_back(std::move(launch));
      continue;
    }
    auto symbol = func->getAttrOfType<SymbolRefAttr>(kHostKernelAttr);
    auto kernel = symbol ? SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
                               module, symbol)
                         : gpu::GPUFuncOp();
    if (!kernel)
      return fail("function '" + func.getName() +
                  "' has nothing to compile for the GPU: no attn op, and its "
                  "results are not all splats of its ops (what "
                  "canonicalisation leaves of attn ops whose masks never "
                  "hold, which kernels write)");
    auto attr = [&](StringRef name) {
      return kernel->getAttrOfType<IntegerAttr>(name).getInt();
    };
    KernelLaunch launch;
    launch.kernel = kernel.getName().str();
    launch.blockQ = attr(kKernelBlockQAttr);
    launch.threads = attr(kKernelThreadsAttr);
    launch.sharedBytes = attr(kKernelSharedBytesAttr);
    if (auto group = kernel->getAttrOfType<IntegerAttr>(kKernelPackedGroupAttr))
      launch.packedGroup = group.getInt();
    if (auto heads =
            kernel->getAttrOfType<IntegerAttr>(kKernelConsumerHeadsAttr))
      launch.consumerHeads = heads.getInt();
    if (auto ctas =
            kernel->getAttrOfType<IntegerAttr>(kKernelPersistentCtasAttr))
      launch.persistentCtas = ctas.getInt();
    if (auto maps = kernel->getAttrOfType<IntegerAttr>(kKernelTensorMapsAttr))
      launch.tensorMaps = maps.getInt();
    if (auto blockKv = kernel->getAttrOfType<IntegerAttr>(kKernelBlockKvAttr))
      launch.blockKv = blockKv.getInt();
    if (auto gridX = kernel->getAttrOfType<IntegerAttr>(kKernelGridXAttr))
      launch.gridX = gridX.getInt();
    if (auto decay =
            kernel->getAttrOfType<IntegerAttr>(kKernelDecayArgumentAttr))
      launch.decayArgument = decay.getInt();
    if (auto segments = kernel->getAttrOfType<IntegerAttr>(kKernelSegmentsAttr))
      launch.segments = segments.getInt();
    if (auto workspace =
            kernel->getAttrOfType<IntegerAttr>(kKernelWorkspacePerHeadAttr))
      launch.workspacePerHead = workspace.getInt();
    func.walk([&](gpu::LaunchFuncOp launchOp) {
      if (launchOp.getKernelName() != kernel.getName()) {
        // A segmented linear attention's first kernel (same arguments).
        launch.statesKernel = launchOp.getKernelName().str();
        return;
      }
      // The launcher encodes the tensor maps itself, and allocates the
      // workspace (the one operand that is not an argument). An argument
      // may come through a cast to the kernel's layout (a Q that a region
      // also reads, say).
      for (Value operand :
           launchOp.getKernelOperands().drop_front(launch.tensorMaps)) {
        while (auto cast = operand.getDefiningOp<memref::CastOp>())
          operand = cast.getSource();
        if (auto argument = dyn_cast<BlockArgument>(operand))
          launch.buffers.push_back(argument.getArgNumber());
      }
    });
    launches.push_back(std::move(launch));
  }
  PassManager lower(&context);
  // Kernels that wait for the previous grid themselves, launched so that
  // they may start before it ends (sm_90 and newer).
  bool dependentLaunches =
      options.dependentLaunches && supportsGridDependencyControl(options.chip);
  buildAttnLowerToNVVMPipeline(lower, options.chip, "isa", dependentLaunches);
  if (failed(lower.run(module)))
    return fail("lowering the kernels to PTX failed");
  std::string ptx;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      if (auto gpuObject = dyn_cast<gpu::ObjectAttr>(object))
        ptx = gpuObject.getObject().str();
  });
  if (ptx.empty())
    return fail("the NVVM pipeline produced no PTX");

  ScratchDirectory scratch;
  if (failed(scratch.create(error)))
    return failure();
  std::string ptxPath = scratch.path("kernels.ptx");
  if (failed(writeFile(ptxPath, ptx, error)))
    return failure();
  if (extension == ".ptx") {
    return installOutputs({{ptxPath, outputFile}}, error);
  }
  std::string ptxas = findPtxas(options);
  if (ptxas.empty())
    return fail("no ptxas: set ATTN_PTXAS or put the CUDA toolkit's bin "
                "directory on PATH");
  std::string cubinPath = scratch.path("kernels.cubin");
  std::string arch = "-arch=" + options.chip;
  // (The dynamic shared memory is an extern array, attn-extern-dynamic-
  // shared: ptxas has no size to report accesses against, so whatever it
  // prints is worth reading.)
  if (failed(runProgram(ptxas, {arch, "-O3", ptxPath, "-o", cubinPath}, error)))
    return failure();
  if (extension == ".cubin") {
    return installOutputs({{cubinPath, outputFile}}, error);
  }

  auto cubin = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false);
  if (!cubin)
    return fail("cannot read '" + cubinPath + "'");
  std::string headerPath = headerPathFor(outputFile);
  std::string headerName = llvm::sys::path::filename(headerPath).str();
  std::string scratchHeader = scratch.path(headerName);
  std::string launcherSource = scratch.path("launchers.c");
  if (failed(writeFile(scratchHeader,
                       emitCHeader(headerGuardFor(outputFile), entries,
                                   /*gpu=*/true),
                       error)) ||
      failed(writeFile(launcherSource,
                       emitLaunchers(headerName, (*cubin)->getBuffer(), entries,
                                     launches, dependentLaunches),
                       error)))
    return failure();
  std::string compiler = findCCompiler();
  if (compiler.empty())
    return fail("no C compiler (clang-22, clang, cc or gcc) on PATH");
  // The runtime the launchers call, from the sources this compiler was
  // built with (hidden, as the launchers' helpers: each library has its
  // own).
  std::string runtimeSource = scratch.path("AttnCudaRuntime.c");
  if (failed(writeFile(scratch.path("AttnCudaRuntime.h"), kCudaRuntimeHeader,
                       error)) ||
      failed(writeFile(runtimeSource, kCudaRuntimeSource, error)))
    return failure();
  std::string scratchOutput = scratch.path("output" + extension.str());
  std::string includeScratch = "-I" + scratch.root();
  // Both sources position-independent, their helpers hidden.
  SmallVector<StringRef> flags = {"-O2", "-fPIC", "-fvisibility=hidden",
                                  includeScratch};
  auto runCompiler = [&](ArrayRef<StringRef> first, ArrayRef<StringRef> last) {
    SmallVector<StringRef> args(first);
    llvm::append_range(args, flags);
    llvm::append_range(args, last);
    return runProgram(compiler, args, error);
  };
  if (extension == ".so") {
    if (failed(runCompiler({"-shared"}, {launcherSource, runtimeSource, "-o",
                                         scratchOutput, "-ldl", "-lpthread"})))
      return failure();
  } else {
    // The launchers and the runtime in one object; the program that links
    // it adds -ldl and -lpthread.
    std::string launcherObject = scratch.path("launchers.o"),
                runtimeObject = scratch.path("runtime.o");
    if (failed(runCompiler({"-c"}, {launcherSource, "-o", launcherObject})) ||
        failed(runCompiler({"-c"}, {runtimeSource, "-o", runtimeObject})) ||
        failed(linkRelocatableObject(compiler, {launcherObject, runtimeObject},
                                     scratch.path("linked.o"), scratchOutput,
                                     error)))
      return failure();
  }
  return installOutputs(
      {{scratchOutput, outputFile}, {scratchHeader, headerPath}}, error);
}
