//===- ConvertAttnToGpu.cpp - the convert-attn-to-gpu pass ----------------===//
//
// Turns each function whose body is one attn.attention (or linear
// attention) into a host function on device buffers that launches its
// kernel (FlashKernel.cpp, LinearAttentionKernel.cpp), and each program of
// several attn ops (ProgramMatching.cpp) into one that launches a kernel
// per op. Kernel shapes come from KernelShapes.cpp, the host function's
// buffers and sizes from HostBuffers.cpp. What the kernels do not support
// is reported on the op, never half-lowered.
//
//===----------------------------------------------------------------------===//

#include "HostBuffers.h"
#include "IndexArithmetic.h"
#include "KernelCaptures.h"
#include "KernelShapes.h"
#include "ProgramMatching.h"
#include "WarpgroupMatrix.h"

#include "attn/Analysis/ProbabilityTwins.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"
#include "attn/Utils/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <limits>

namespace mlir::attn {
#define GEN_PASS_DEF_CONVERTATTNTOGPUPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

/// The runtime's tensor-map encoder, as the host functions declare it:
/// (map, base, dim, rows, heads, batch, row / head / batch strides, box
/// rows, bf16) -> status.
static constexpr StringLiteral kTensorMapEncoder = "attnCudaEncodeTensorMap";
static FunctionType tensorMapEncoderType(MLIRContext *context) {
  auto pointerType = LLVM::LLVMPointerType::get(context);
  Type i64 = IntegerType::get(context, 64), i32 = IntegerType::get(context, 32);
  SmallVector<Type> parameters{pointerType, pointerType};
  parameters.append(8, i64);
  parameters.push_back(i32);
  return FunctionType::get(context, parameters, {i32});
}

/// ceil(x / n) on the host.
static Value ceilDivIndex(OpBuilder &b, Location loc, Value x, int64_t n) {
  return IndexArithmetic(b, loc).ceilDiv(x, n);
}

/// The kernels' base name for the function `name`: PTX identifiers hold
/// letters, digits, '_' and '$' and start with no digit (a function named
/// "a-b" would otherwise stop LLVM's PTX printer), each other character
/// becoming '_'; a suffix `_N` keeps it apart from the base names already
/// `taken` (another function's "a_b").
static std::string kernelBaseName(StringRef name, llvm::StringSet<> &taken) {
  std::string base;
  for (char ch : name)
    base += llvm::isAlnum(ch) || ch == '_' || ch == '$' ? ch : '_';
  if (base.empty() || llvm::isDigit(base.front()))
    base.insert(base.begin(), '_');
  std::string unique = base;
  for (int64_t suffix = 1; !taken.insert(unique).second; ++suffix)
    unique = base + "_" + std::to_string(suffix);
  return unique;
}

namespace {

struct ConvertAttnToGpuPass
    : public attn::impl::ConvertAttnToGpuPassBase<ConvertAttnToGpuPass> {
  using Base::Base;

  /// The head-pairs and persistent options, parsed.
  std::optional<KernelChoice> headPairing, persistence;

  /// The kernel(s) of one op and how they launch.
  struct OpKernels {
    explicit OpKernels(Operation *op) : op(op) {}
    Operation *op;
    GpuKernelShape shape;
    GpuLinearKernelShape linearShape;
    GpuBlockScoresShape blockScoresShape;
    /// Block scores: the LSE of an attention over the same probabilities.
    Value lse;
    /// An attention: the attn.merge whose results its kernel writes (gated
    /// or sum in its epilogue; lse as the union of its sources, the first
    /// this op, the others in `unionSources`).
    MergeOp merge;
    SmallVector<AttentionOp> unionSources;
    /// A gated or sum merge's branch that the kernel computes after its own
    /// (buildFlashKernel's laterBranch).
    AttentionOp laterBranch;
    /// An attention: the attn.compress of its output that its kernel
    /// computes as it stores its rows, and whether it stores them too (the
    /// output has readers besides the compress, or is returned).
    CompressOp compress;
    bool storesOutput = true;
    /// Block scores: the attn.topk of its scores that its kernel runs
    /// (fuse-topk); the kernel then writes the picks, not the scores.
    TopkOp topk;
    /// An attention: the function's tensors that its regions read, as its
    /// kernel was built to take them (the values themselves: results that
    /// earlier launches wrote are looked up in their buffers).
    SmallVector<Value> captured;
    gpu::GPUFuncOp kernel, statesKernel;
    /// An attention whose shape has keyTileRanges: the kernel that computes
    /// them before the attention's.
    gpu::GPUFuncOp rangesKernel;
    /// An attention whose shape has keySplits > 1: the kernel that combines
    /// the splits after the attention's.
    gpu::GPUFuncOp combineKernel;
    /// An elementwise op that an attn op reads or the function returns (a
    /// root; decided before the host rewrite, while the ops still read one
    /// another's results directly): what its kernel loads
    /// (elementwiseLeaves).
    bool elementwise = false;
    SmallVector<Value> leaves;
  };

  /// Sorts `ops` by their ops' places in the block. Each op has one item,
  /// so the order is total and a plain sort suffices (libstdc++'s
  /// stable_sort also warns of its deprecated get_temporary_buffer).
  static void sortInBlockOrder(MutableArrayRef<OpKernels> ops) {
    llvm::sort(ops, [](const OpKernels &x, const OpKernels &y) {
      return x.op->isBeforeInBlock(y.op);
    });
  }

  /// Chooses the kernel shape of an attention or linear attention.
  LogicalResult chooseShape(OpKernels &item) {
    if (auto linear = dyn_cast<LinearAttentionOp>(item.op)) {
      FailureOr<GpuLinearKernelShape> shape =
          chooseGpuLinearKernelShape(linear, chip);
      if (failed(shape))
        return failure();
      item.linearShape = *shape;
    } else if (auto attention = dyn_cast<AttentionOp>(item.op)) {
      FailureOr<GpuKernelShape> shape = chooseGpuKernelShape(
          attention, chip, warps, rowTiles, pingPong, keySplits, clusters,
          *headPairing, *persistence, pairKeyBlocks);
      if (failed(shape))
        return failure();
      item.shape = *shape;
    } else if (auto topk = dyn_cast<TopkOp>(item.op)) {
      std::optional<int64_t> capability = computeCapability(chip);
      int64_t limit = sharedMemoryLimit(capability.value_or(80));
      // (f64 would be compared in f32, where distinct scores can tie.)
      Type element =
          cast<ShapedType>(topk.getScores().getType()).getElementType();
      if (!element.isF16() && !element.isBF16() && !element.isF32())
        return topk.emitOpError(
                   "GPU lowering: the scores must be f16, bf16 or f32, got ")
               << element;
      // A row of a dynamic width is sized at the launch, which
      // attn-compile's launcher checks.
      int64_t rowLimit = topkSharedLimit(limit);
      if (!ShapedType::isDynamic(topkSharedBytes(topk)) &&
          topkSharedBytes(topk) > rowLimit)
        return topk.emitOpError("GPU lowering: rows of ")
               << cast<ShapedType>(topk.getScores().getType()).getShape().back()
               << " scores need " << topkSharedBytes(topk)
               << " bytes of shared memory, more than the " << rowLimit
               << " that " << chip << " gives a kernel";
      if (kTopkWarps * 4 * static_cast<int64_t>(topk.getK()) > rowLimit)
        return topk.emitOpError("GPU lowering: k = ")
               << topk.getK() << " picks need " << kTopkWarps * 4 * topk.getK()
               << " bytes of shared memory, more than the " << rowLimit
               << " that " << chip << " gives a kernel";
    } else if (auto scores = dyn_cast<BlockScoresOp>(item.op)) {
      auto query = cast<RankedTensorType>(scores.getQuery().getType());
      FailureOr<int64_t> capability =
          checkTensorCoreOperands(scores, chip, query, query,
                                  /*headDimMultiple=*/8);
      if (failed(capability))
        return failure();
      FailureOr<GpuBlockScoresShape> shape = chooseGpuBlockScoresShape(
          scores, chip, sharedMemoryLimit(*capability));
      if (failed(shape))
        return failure();
      item.blockScoresShape = *shape;
    }
    return success();
  }

  /// Builds the kernel(s) of `item.op` as `name` in `kernels`.
  LogicalResult buildKernels(OpBuilder &builder, gpu::GPUModuleOp kernels,
                             OpKernels &item, const std::string &name) {
    if (auto linear = dyn_cast<LinearAttentionOp>(item.op)) {
      if (item.linearShape.segments > 1)
        item.statesKernel = buildLinearAttentionKernel(
            builder, kernels, linear, name + "_states", item.linearShape,
            LinearKernelPart::SegmentStates);
      item.kernel = buildLinearAttentionKernel(builder, kernels, linear, name,
                                               item.linearShape,
                                               LinearKernelPart::Outputs);
    } else if (auto attention = dyn_cast<AttentionOp>(item.op)) {
      item.captured = capturedValues(attention);
      // Persistent CTAs take the plain kernel: not one that a program's
      // fusions gave an epilogue, a union or a second branch.
      if (item.merge || item.compress || !item.unionSources.empty() ||
          item.laterBranch)
        item.shape.persistentCtas = 0;
      FailureOr<gpu::GPUFuncOp> kernel = buildFlashKernel(
          builder, kernels, attention, name, item.shape, item.merge,
          item.compress, item.storesOutput, item.laterBranch);
      if (failed(kernel))
        return failure();
      item.kernel = *kernel;
      if (item.shape.keyTileRanges)
        item.rangesKernel = buildSegmentRangesKernel(
            builder, kernels, attention, name + "_ranges", item.shape.blockKv);
      if (item.shape.keySplits > 1)
        item.combineKernel = buildKeySplitCombineKernel(
            builder, kernels, attention, name + "_combine", item.shape);
    } else if (auto compress = dyn_cast<CompressOp>(item.op)) {
      item.kernel = buildCompressKernel(builder, kernels, compress, name);
    } else if (auto conv = dyn_cast<CausalConvOp>(item.op)) {
      item.kernel = buildCausalConvKernel(builder, kernels, conv, name);
    } else if (auto scores = dyn_cast<BlockScoresOp>(item.op)) {
      item.kernel = buildBlockScoresKernel(
          builder, kernels, scores, name, item.blockScoresShape,
          static_cast<bool>(item.lse), item.topk);
    } else if (auto topk = dyn_cast<TopkOp>(item.op)) {
      item.kernel = buildTopkKernel(
          builder, kernels, topk, name,
          sharedMemoryLimit(computeCapability(chip).value_or(80)));
    } else if (item.elementwise) {
      item.kernel =
          buildElementwiseKernel(builder, kernels, item.op, item.leaves, name);
    } else {
      item.kernel =
          buildMergeKernel(builder, kernels, cast<MergeOp>(item.op), name);
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // One kernel per function of one attention or linear attention; a
    // program of several (attn.compress and attn.merge between them)
    // otherwise.
    struct Work {
      func::FuncOp func;
      std::vector<OpKernels> ops;
      bool program;
      /// Elementwise ops and constants that only other elementwise ops
      /// read: computed inside those ops' kernels, erased at the end.
      SmallVector<Operation *> fused;
    };
    SmallVector<Work> work;
    bool anyFailed = false;
    // The module's first attn op names the chip it cannot be built for,
    // once (programs of top-k or merges alone have no other chip check).
    Operation *firstAttnOp = nullptr;
    module.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (!isa_and_present<AttnDialect>(op->getDialect()))
        return WalkResult::advance();
      firstAttnOp = op;
      return WalkResult::interrupt();
    });
    if (firstAttnOp && failed(checkSupportedChip(firstAttnOp, chip)))
      return signalPassFailure();
    // (Checked here too, for programs whose kernels read none of them.)
    if (std::string range =
            describeGpuKernelOptionRangeError(warps, rowTiles, keySplits);
        !range.empty()) {
      module.emitError() << "convert-attn-to-gpu: " << range;
      return signalPassFailure();
    }
    auto parseChoice = [&](StringRef name, StringRef text) {
      std::optional<KernelChoice> choice = parseKernelChoice(text);
      if (!choice)
        module.emitError() << "convert-attn-to-gpu: " << name
                           << " must be 'auto', 'on' or 'off', but is '" << text
                           << "'";
      return choice;
    };
    headPairing = parseChoice("head-pairs", headPairs);
    persistence = parseChoice("persistent", persistent);
    if (!headPairing || !persistence)
      return signalPassFailure();
    // `auto` pairs a merged branch for the other branch its kernel takes;
    // without fused merges it runs alone, where pairs do not pay.
    if (*headPairing == KernelChoice::Auto && !fuseMerges)
      headPairing = KernelChoice::Never;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      bool anyAttn = false;
      func.walk([&](Operation *nested) {
        anyAttn |= isa_and_present<AttnDialect>(nested->getDialect());
      });
      // (A function whose attn ops all folded away is a program of the
      // kernels that write its results; others are left alone.)
      if (!anyAttn) {
        if (!SymbolTable::symbolKnownUseEmpty(func, module) ||
            !isProgramWithoutAttnOps(func))
          continue;
        // (No attn op named the chip above.)
        if (!firstAttnOp && failed(checkSupportedChip(func, chip)))
          return signalPassFailure();
      }
      splitRepeatedSplatResults(func);
      // Each function becomes a host entry point over buffers; a call of
      // it (its tensors) would not fit the new signature.
      if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.emitError("GPU lowering: function '")
            << func.getName()
            << "' is called from the module; its attn ops compile to an "
               "entry point of its own, which other functions cannot call";
        anyFailed = true;
        continue;
      }
      if (Operation *attention = matchKernelFunction(func)) {
        // (The constants before it: erased with it.)
        SmallVector<Operation *> constants;
        for (Operation &op : func.getBody().front())
          if (&op != attention && !op.hasTrait<OpTrait::IsTerminator>())
            constants.push_back(&op);
        work.push_back({func, {OpKernels(attention)}, false, constants});
        continue;
      }
      FailureOr<SmallVector<Operation *>> ops = matchProgramFunction(func);
      if (failed(ops)) {
        anyFailed = true;
        continue;
      }
      Work item{func, {}, true, {}};
      for (Operation *op : *ops) {
        // An elementwise op gets a kernel only where an attn op reads it or
        // the function returns it; the others are fused into those.
        // (A size query reads no elements: hostSize follows it through
        // fused ops.)
        if (isCapturedConstant(op) || isSizeQuery(op) || isShapeCast(op) ||
            (isElementwiseTensorOp(op) &&
             llvm::all_of(op->getUsers(), [](Operation *user) {
               return isElementwiseTensorOp(user) || isSizeQuery(user);
             }))) {
          item.fused.push_back(op);
          continue;
        }
        item.ops.push_back(OpKernels(op));
        if (isElementwiseTensorOp(op)) {
          item.ops.back().elementwise = true;
          item.ops.back().leaves = elementwiseLeaves(op);
        }
      }
      work.push_back(std::move(item));
    }
    // Nothing is rewritten unless every function can be.
    for (Work &item : work)
      for (OpKernels &op : item.ops)
        anyFailed |= failed(chooseShape(op));
    if (anyFailed || work.empty())
      return anyFailed ? signalPassFailure() : void();
    // An attention launched after its key tiles' segment ranges, or before
    // the combine of its key splits, is a program of two kernels with
    // temporaries.
    for (Work &item : work)
      if (!item.program && isa<AttentionOp>(item.ops.front().op) &&
          (item.ops.front().shape.keyTileRanges ||
           item.ops.front().shape.keySplits > 1))
        item.program = true;
    // Host functions of warp-specialised kernels call the runtime's
    // encoder: a symbol of that name must be its declaration.
    if (llvm::any_of(work, [](const Work &item) {
          return llvm::any_of(item.ops, [](const OpKernels &op) {
            return isa<AttentionOp>(op.op) && op.shape.warpgroups;
          });
        })) {
      if (Operation *existing = module.lookupSymbol(kTensorMapEncoder)) {
        auto declared = dyn_cast<func::FuncOp>(existing);
        FunctionType expected = tensorMapEncoderType(module.getContext());
        if (!declared || declared.getFunctionType() != expected) {
          InFlightDiagnostic diag =
              existing->emitError("GPU lowering: '")
              << kTensorMapEncoder
              << "' is the CUDA runtime's tensor-map encoder, which sm_90a "
                 "host functions call; expected a func.func of type "
              << expected << ", got ";
          if (declared)
            diag << declared.getFunctionType();
          else
            diag << "'" << existing->getName() << "'";
          return signalPassFailure();
        }
      }
    }

    // The kernels' module takes a fixed name that launches refer to.
    if (Operation *existing = module.lookupSymbol(kKernelModuleName)) {
      existing->emitError("GPU lowering: '")
          << kKernelModuleName
          << "' names the module that the kernels go in; rename this '"
          << existing->getName() << "'";
      return signalPassFailure();
    }
    OpBuilder builder(module.getContext());
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    builder.getUnitAttr());
    builder.setInsertionPointToEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(builder, module.getLoc(), kKernelModuleName);
    llvm::StringSet<> takenNames;
    for (Work &item : work) {
      std::string name =
          kernelBaseName(item.func.getName(), takenNames) + "_kernel";
      if (!item.program) {
        OpKernels &only = item.ops.front();
        if (failed(buildKernels(builder, kernels, only, name)))
          return signalPassFailure();
        if (auto linear = dyn_cast<LinearAttentionOp>(only.op))
          rewriteLinearHostFunction(item.func, linear, only.statesKernel,
                                    only.kernel, only.linearShape);
        else
          rewriteHostFunction(item.func, cast<AttentionOp>(only.op),
                              only.kernel, only.shape, only.captured);
        for (Operation *op : llvm::reverse(item.fused))
          op->erase();
        eraseBufferBindings(item.func);
        continue;
      }
      shareBlockScoresLse(item.ops);
      if (fuseMerges)
        fuseMergesIntoKernels(item.ops);
      if (fuseCompress)
        fuseCompressIntoKernels(item.ops);
      if (fuseTopk)
        fuseTopkIntoBlockScoresKernels(item.ops);
      for (auto [index, op] : llvm::enumerate(item.ops))
        if (failed(buildKernels(builder, kernels, op,
                                name + "_" + std::to_string(index))))
          return signalPassFailure();
      rewriteProgramHostFunction(item.func, item.ops);
      for (Operation *op : llvm::reverse(item.fused))
        op->erase();
      eraseBufferBindings(item.func);
    }
  }

  /// The CUtensorMap of `tensor`'s buffer (a [B, H, L, D] memref of 16-bit
  /// elements) for boxes of `boxRows` rows and 64 columns with the 128-byte
  /// swizzle, encoded by the CUDA runtime library's attnCudaEncodeTensorMap
  /// into a stack slot and loaded as the 128-byte value the kernel takes;
  /// with the call's status (0, or a negated CUDA error).
  std::pair<Value, Value> encodeTensorMap(OpBuilder &b, Location loc,
                                          Value tensor, int64_t boxRows) {
    Value buffer = hostBuffer(tensor);
    assert(buffer && "a kernel's operands have buffers before it launches");
    MLIRContext *context = b.getContext();
    auto module = getOperation();
    auto pointerType = LLVM::LLVMPointerType::get(context);
    Type i64 = b.getI64Type(), i32 = b.getI32Type();
    StringRef name = kTensorMapEncoder;
    // runOnOperation has checked a declaration already there.
    if (!module.lookupSymbol(name)) {
      OpBuilder top(context);
      top.setInsertionPointToStart(module.getBody());
      func::FuncOp::create(top, loc, name, tensorMapEncoderType(context))
          .setPrivate();
    }
    auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
    auto toI64 = [&](Value index) -> Value {
      return arith::IndexCastOp::create(b, loc, i64, index);
    };
    Value aligned =
        toI64(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer));
    Value start = arith::AddIOp::create(
        b, loc, aligned,
        arith::MulIOp::create(b, loc, toI64(metadata.getOffset()),
                              arith::ConstantIntOp::create(b, loc, 2, 64)));
    Value base = LLVM::IntToPtrOp::create(b, loc, pointerType, start);
    Type mapType = tensorMapType(context);
    Value slot = LLVM::AllocaOp::create(
        b, loc, pointerType, mapType,
        arith::ConstantIntOp::create(b, loc, 1, 64), /*alignment=*/64);
    auto sizes = metadata.getSizes();
    auto strides = metadata.getStrides();
    Type element = cast<MemRefType>(buffer.getType()).getElementType();
    SmallVector<Value> operands{
        slot,
        base,
        toI64(sizes[3]),
        toI64(sizes[2]),
        toI64(sizes[1]),
        toI64(sizes[0]),
        toI64(strides[2]),
        toI64(strides[1]),
        toI64(strides[0]),
        arith::ConstantIntOp::create(b, loc, boxRows, 64),
        arith::ConstantIntOp::create(b, loc, element.isBF16() ? 1 : 0, 32)};
    Value status = func::CallOp::create(b, loc, name, TypeRange{i32}, operands)
                       .getResult(0);
    return {LLVM::LoadOp::create(b, loc, mapType, slot), status};
  }

  /// The tensor maps of `operands` (each with its boxes' rows), appended
  /// to `maps`, and whether all of them encoded (i1): a kernel taking them
  /// is launched only then.
  Value encodeTensorMaps(OpBuilder &b, Location loc,
                         ArrayRef<std::pair<Value, int64_t>> operands,
                         SmallVectorImpl<Value> &maps) {
    Value encoded;
    for (auto [operand, rows] : operands) {
      auto [map, status] = encodeTensorMap(b, loc, operand, rows);
      maps.push_back(map);
      Value ok =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, status,
                                arith::ConstantIntOp::create(b, loc, 0, 32));
      encoded = encoded ? arith::AndIOp::create(b, loc, encoded, ok) : ok;
    }
    return encoded;
  }

  /// func(tensors) -> tensors becomes func(buffers..., outputs...): the
  /// arguments become memrefs (Q, K, V, gates and the first result with
  /// contiguous rows) and the results output arguments, returned.
  SmallVector<Value> retypeHostFunction(func::FuncOp func, Operation *op) {
    Location loc = func.getLoc();
    Block &body = func.getBody().front();
    SmallVector<Type> inputs;
    for (BlockArgument argument : body.getArguments()) {
      // Q, K, V (and the output) need contiguous rows for 16-byte copies;
      // so do linear attention's gates (4-byte copies).
      unsigned copied = isa<LinearAttentionOp>(op) ? 4 : 3;
      bool contiguous = llvm::any_of(argument.getUses(), [&](OpOperand &use) {
        return use.getOwner() == op && use.getOperandNumber() < copied;
      });
      inputs.push_back(kernelBufferType(
          cast<RankedTensorType>(argument.getType()), contiguous));
    }
    bindArgumentBuffers(func, inputs);
    SmallVector<Value> outputs;
    for (Value result : op->getResults()) {
      auto type = kernelBufferType(cast<RankedTensorType>(result.getType()),
                                   result == op->getResult(0));
      outputs.push_back(body.addArgument(type, loc));
      inputs.push_back(type);
    }
    func.setType(FunctionType::get(func.getContext(), inputs, {}));
    return outputs;
  }

  /// Replaces the op and its return by `return`, and records the kernel.
  void finishHostFunction(func::FuncOp func, Operation *op,
                          gpu::GPUFuncOp kernel) {
    Operation *ret = func.getBody().front().getTerminator();
    OpBuilder b(ret);
    func::ReturnOp::create(b, func.getLoc());
    ret->erase();
    op->dropAllUses();
    op->erase();
    func->setAttr(
        kHostKernelAttr,
        SymbolRefAttr::get(kernel->getParentOp()->getAttrOfType<StringAttr>(
                               SymbolTable::getSymbolAttrName()),
                           {FlatSymbolRefAttr::get(kernel)}));
  }

  /// Each op's item, for the fusions that look up an op's producer.
  static DenseMap<Operation *, OpKernels *>
  itemsByOp(std::vector<OpKernels> &ops) {
    DenseMap<Operation *, OpKernels *> itemOf;
    for (OpKernels &item : ops)
      itemOf[item.op] = &item;
    return itemOf;
  }

  /// Removes the items of ops that another item's kernel now runs.
  static void dropAbsorbed(std::vector<OpKernels> &ops,
                           const DenseSet<Operation *> &absorbed) {
    llvm::erase_if(
        ops, [&](const OpKernels &item) { return absorbed.contains(item.op); });
  }

  /// Block scores whose probabilities an attention of the program also
  /// computes take its LSE (given one if it had none, and moved before
  /// them with what it reads); the ops are then in their new order.
  void shareBlockScoresLse(std::vector<OpKernels> &ops) {
    SmallVector<Operation *> all;
    for (OpKernels &item : ops)
      all.push_back(item.op);
    for (OpKernels &item : ops) {
      auto scores = dyn_cast<BlockScoresOp>(item.op);
      if (!scores)
        continue;
      AttentionOp twin = findProbabilityTwin(scores, all);
      if (!twin)
        continue;
      if (!twin.getLse()) {
        AttentionOp copy = withLse(twin);
        for (OpKernels &other : ops)
          if (other.op == twin.getOperation())
            other.op = copy;
        llvm::replace(all, twin.getOperation(), copy.getOperation());
        twin = copy;
      }
      IRRewriter rewriter(twin.getContext());
      hoistBefore(twin, scores, rewriter);
      item.lse = twin.getLse();
    }
    sortInBlockOrder(ops);
  }

  /// With fuse-merges, merges whose branches allow it launch nothing: the
  /// kernel that takes one moves to the merge's place (after every branch)
  /// and writes the merge's results.
  void fuseMergesIntoKernels(std::vector<OpKernels> &ops) {
    DenseMap<Operation *, OpKernels *> itemOf = itemsByOp(ops);
    // LSEs that block scores take (shareBlockScoresLse): not uses in the
    // IR, but the attention must still write them.
    DenseSet<Value> sharedLse;
    for (OpKernels &item : ops)
      if (item.lse)
        sharedLse.insert(item.lse);
    DenseSet<Operation *> absorbed;
    for (OpKernels &item : ops) {
      auto merge = dyn_cast<MergeOp>(item.op);
      if (!merge)
        continue;
      OpKernels *taker = merge.getKind() == MergeKind::Lse
                             ? takeUnion(merge, itemOf, sharedLse)
                             : takeEpilogue(merge, itemOf);
      if (!taker)
        continue;
      if (merge.getKind() != MergeKind::Lse)
        if (OpKernels *first = takeEarlierBranch(merge, *taker, itemOf)) {
          first->laterBranch = cast<AttentionOp>(taker->op);
          absorbed.insert(taker->op);
          taker = first;
        }
      taker->merge = merge;
      taker->op->moveBefore(merge);
      absorbed.insert(merge);
      for (AttentionOp source : taker->unionSources)
        absorbed.insert(source);
    }
    dropAbsorbed(ops, absorbed);
    sortInBlockOrder(ops);
  }

  /// Runs each attn.topk whose scores are block scores read by nothing
  /// else in the block-scores kernel where its row fits
  /// (fuseTopkIntoBlockScores): the scores are then never stored.
  void fuseTopkIntoBlockScoresKernels(std::vector<OpKernels> &ops) {
    DenseMap<Operation *, OpKernels *> itemOf = itemsByOp(ops);
    int64_t limit = sharedMemoryLimit(computeCapability(chip).value_or(80));
    DenseSet<Operation *> absorbed;
    for (OpKernels &item : ops) {
      auto topk = dyn_cast<TopkOp>(item.op);
      auto scores =
          topk ? topk.getScores().getDefiningOp<BlockScoresOp>() : nullptr;
      OpKernels *taker = scores ? itemOf.lookup(scores) : nullptr;
      // (The function's return is a reader too.)
      if (!taker || !scores.getResult().hasOneUse() ||
          !fuseTopkIntoBlockScores(taker->blockScoresShape, topk, limit))
        continue;
      taker->topk = topk;
      absorbed.insert(topk);
    }
    dropAbsorbed(ops, absorbed);
  }

  /// Runs each attn.compress that an attention's kernel can compute as it
  /// stores its rows (canCompressInEpilogue) in that kernel's epilogue; the
  /// kernel stores the rows themselves only if something else reads them.
  void fuseCompressIntoKernels(std::vector<OpKernels> &ops) {
    DenseMap<Operation *, OpKernels *> itemOf = itemsByOp(ops);
    DenseSet<Operation *> absorbed;
    for (OpKernels &item : ops) {
      auto compress = dyn_cast<CompressOp>(item.op);
      auto attention =
          compress ? compress.getInput().getDefiningOp<AttentionOp>() : nullptr;
      OpKernels *taker = attention ? itemOf.lookup(attention) : nullptr;
      if (!taker || taker->merge || taker->compress ||
          !canCompressInEpilogue(compress, attention, taker->shape))
        continue;
      taker->compress = compress;
      // The returned values are uses too.
      taker->storesOutput = !attention.getOutput().hasOneUse();
      absorbed.insert(compress);
    }
    dropAbsorbed(ops, absorbed);
  }

  /// An attn.merge lse whose branches one kernel can compute as the union
  /// of their key sets (none of their LSEs in `sharedLse`): the first
  /// source's item, given the shape chosen for the source with the most
  /// keys and the other sources; else null.
  OpKernels *takeUnion(MergeOp merge,
                       const DenseMap<Operation *, OpKernels *> &itemOf,
                       const DenseSet<Value> &sharedLse) {
    FailureOr<SmallVector<AttentionOp>> sources = merge.getUnionSources();
    if (failed(sources))
      return nullptr;
    OpKernels *widest = nullptr;
    for (AttentionOp source : *sources) {
      OpKernels *candidate = itemOf.lookup(source);
      if (!candidate || sharedLse.contains(source.getLse()))
        return nullptr;
      // (A dynamic length counts as the longest.)
      auto keys = [](AttentionOp op) {
        int64_t length = op.getKey().getType().getDimSize(2);
        return ShapedType::isDynamic(length)
                   ? std::numeric_limits<int64_t>::max()
                   : length;
      };
      if (!widest || keys(source) > keys(cast<AttentionOp>(widest->op)))
        widest = candidate;
    }
    if (!canRunAsUnion(merge, widest->shape))
      return nullptr;
    OpKernels *lead = itemOf.lookup(sources->front());
    lead->shape = widest->shape;
    lead->unionSources.assign(sources->begin() + 1, sources->end());
    return lead;
  }

  /// An attn.merge gated or sum with a branch that an attention's kernel
  /// can merge as it stores its rows (an output read by nothing else; the
  /// last such branch, as the CPU lowering picks): that attention's item;
  /// else null.
  OpKernels *takeEpilogue(MergeOp merge,
                          const DenseMap<Operation *, OpKernels *> &itemOf) {
    OpKernels *taker = nullptr;
    for (Value output : merge.getOutputs()) {
      auto attention = output.getDefiningOp<AttentionOp>();
      OpKernels *candidate = attention ? itemOf.lookup(attention) : nullptr;
      if (candidate && output.hasOneUse() &&
          canMergeInEpilogue(attention, candidate->shape))
        taker = candidate;
    }
    return taker;
  }

  /// Another branch of the gated or sum `merge` whose kernel can compute it
  /// and then the epilogue taker `later`'s branch in one loop
  /// (canRunAsBranches; none of its LSE in use): its item; else null.
  OpKernels *
  takeEarlierBranch(MergeOp merge, const OpKernels &later,
                    const DenseMap<Operation *, OpKernels *> &itemOf) {
    auto laterOp = cast<AttentionOp>(later.op);
    for (Value output : merge.getOutputs()) {
      auto first = output.getDefiningOp<AttentionOp>();
      OpKernels *candidate = first ? itemOf.lookup(first) : nullptr;
      // (Compresses are fused after merges; a kernel writes one merge.)
      if (candidate && !candidate->merge &&
          canRunAsBranches(merge, first, laterOp, candidate->shape))
        return candidate;
    }
    return nullptr;
  }

  /// Launches `kernel` with `arguments` (a tensor stands for its buffer),
  /// each cast to the kernel's argument type where its layout differs (a
  /// program's intermediate buffers are row-major).
  void launch(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel,
              gpu::KernelDim3 grid, int64_t threads, int64_t sharedBytes,
              ValueRange arguments) {
    launch(b, loc, kernel, grid, threads,
           arith::ConstantIntOp::create(b, loc, sharedBytes, 32), arguments);
  }
  /// The same with the shared memory's bytes computed (an index, or the
  /// i32 that the launch takes).
  void launch(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel,
              gpu::KernelDim3 grid, int64_t threads, Value sharedBytes,
              ValueRange arguments) {
    if (sharedBytes.getType().isIndex())
      sharedBytes =
          arith::IndexCastOp::create(b, loc, b.getI32Type(), sharedBytes);
    SmallVector<Value> cast;
    for (auto [argument, type] :
         llvm::zip_equal(arguments, kernel.getFunctionType().getInputs())) {
      Value value = argument;
      if (isa<TensorType>(value.getType())) {
        value = hostBuffer(value);
        assert(value && "a kernel's operands have buffers before it launches");
      }
      cast.push_back(value.getType() == type
                         ? value
                         : memref::CastOp::create(b, loc, type, value));
    }
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    gpu::LaunchFuncOp::create(
        b, loc, kernel, grid,
        gpu::KernelDim3{index(threads), index(1), index(1)}, sharedBytes, cast);
  }

  /// A linear attention's launches at `b`'s point, writing `outputs`: a
  /// CTA per (value slice, query head, batch x segment); with segments a
  /// workspace and the states' kernel before the outputs'.
  void emitLinearLaunches(OpBuilder &b, Location loc, LinearAttentionOp op,
                          gpu::GPUFuncOp statesKernel, gpu::GPUFuncOp kernel,
                          const GpuLinearKernelShape &shape,
                          ValueRange outputs) {
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value gridX = index(shape.slices());
    Value heads = bufferDim(b, loc, op.getQuery(), 1);
    Value batch = bufferDim(b, loc, op.getQuery(), 0);
    Value gridZ = arith::MulIOp::create(b, loc, batch, index(shape.segments));
    SmallVector<Value> arguments(op->getOperands());
    arguments.append(outputs.begin(), outputs.end());
    Value workspace;
    if (statesKernel) {
      // Each segment's state, for the outputs' kernel to combine.
      Value floats = arith::MulIOp::create(
          b, loc, arith::MulIOp::create(b, loc, batch, heads),
          index(shape.workspaceFloatsPerHead()));
      workspace =
          allocTemporary(b, loc, linearWorkspaceType(b.getContext()), floats);
      arguments.push_back(workspace);
    }
    for (gpu::GPUFuncOp launched : {statesKernel, kernel})
      if (launched)
        launch(b, loc, launched, gpu::KernelDim3{gridX, heads, gridZ},
               shape.threads(), shape.sharedBytes(), arguments);
    if (workspace)
      freeTemporary(b, loc, workspace);
  }

  /// The host function of a linear attention.
  void rewriteLinearHostFunction(func::FuncOp func, LinearAttentionOp op,
                                 gpu::GPUFuncOp statesKernel,
                                 gpu::GPUFuncOp kernel,
                                 const GpuLinearKernelShape &shape) {
    SmallVector<Value> outputs = retypeHostFunction(func, op);
    OpBuilder b(op);
    emitLinearLaunches(b, func.getLoc(), op, statesKernel, kernel, shape,
                       outputs);
    finishHostFunction(func, op, kernel);
  }

  /// An attention's launch at `b`'s point, reading `captured` (the buffers
  /// of the tensors its regions read) and writing `outputs`; with `merge`
  /// (buildFlashKernel's), the merge's results, and for a union the other
  /// sources `unionSources`.
  void emitAttentionLaunch(OpBuilder &b, Location loc, AttentionOp op,
                           gpu::GPUFuncOp kernel, const GpuKernelShape &shape,
                           ValueRange captured, ValueRange outputs,
                           MergeOp merge = {},
                           ArrayRef<AttentionOp> unionSources = {},
                           gpu::GPUFuncOp rangesKernel = {},
                           gpu::GPUFuncOp combineKernel = {},
                           AttentionOp laterBranch = {}) {
    bool isUnion = merge && merge.getKind() == MergeKind::Lse;
    SmallVector<AttentionOp> sources{op};
    sources.append(unionSources.begin(), unionSources.end());
    if (laterBranch)
      sources.push_back(laterBranch);
    Value query = op.getQuery();
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    // Packed decode tiles cover a group's heads: one row per (head in
    // group, query) and a grid over K/V heads.
    Value rows = arith::MulIOp::create(b, loc, bufferDim(b, loc, query, 2),
                                       index(shape.packedGroup));
    Value gridX = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rows, index(shape.blockQ() - 1)),
        index(shape.blockQ()));
    // Key splits: each tile's splits are neighbours in x.
    if (shape.keySplits > 1)
      gridX = arith::MulIOp::create(b, loc, gridX, index(shape.keySplits));
    Value gridY = bufferDim(b, loc, shape.splitKeys ? op.getKey() : query, 1);
    // Heads two to a CTA: grid y runs over the pairs.
    if (shape.consumerHeads > 1)
      gridY = arith::DivUIOp::create(b, loc, gridY, index(shape.consumerHeads));
    Value gridZ = bufferDim(b, loc, query, 0);
    // Persistent CTAs: at most persistentCtas, each taking items in turn.
    if (shape.persistentCtas) {
      Value items = arith::MulIOp::create(
          b, loc, arith::MulIOp::create(b, loc, gridX, gridY), gridZ);
      gridX =
          arith::MinUIOp::create(b, loc, items, index(shape.persistentCtas));
      gridY = gridZ = index(1);
    }
    // The key tiles' segment ranges: a warp per (tile, batch) first.
    Value ranges;
    if (shape.keyTileRanges) {
      assert(rangesKernel && "the ranges' kernel is built with the shape");
      ranges = allocTemporary(b, loc, keyTileRangesType(op, shape.blockKv));
      launch(b, loc, rangesKernel,
             gpu::KernelDim3{index(keyTileRangesGridX(op, shape.blockKv)),
                             gridZ, index(1)},
             32 * kSegmentRangeWarps, /*sharedBytes=*/0,
             ValueRange{op.getKvSegments(), ranges});
    }
    SmallVector<Value> arguments;
    // With tensor maps, the launch happens only if all three encode.
    Value encoded;
    if (shape.warpgroups) {
      SmallVector<std::pair<Value, int64_t>> mapped{
          {op.getQuery(), shape.blockQ()}};
      for (AttentionOp source : sources) {
        mapped.push_back({source.getKey(), shape.blockKv});
        mapped.push_back({source.getValue(), shape.blockKv});
      }
      encoded = encodeTensorMaps(b, loc, mapped, arguments);
    }
    arguments.push_back(op.getQuery());
    for (AttentionOp source : sources) {
      arguments.push_back(source.getKey());
      arguments.push_back(source.getValue());
    }
    for (Value operand :
         {Value(op.getBias()), Value(op.getQSegments()),
          Value(op.getKvSegments()), ranges, Value(op.getLayout()),
          Value(op.getIndices()), Value(op.getSink())})
      if (operand)
        arguments.push_back(operand);
    llvm::append_range(arguments, captured);
    if (merge && !isUnion)
      for (Value operand : merge->getOperands())
        if (llvm::none_of(sources, [&](AttentionOp source) {
              return source.getOutput() == operand;
            }))
          arguments.push_back(operand);
    // Key splits write their partial results to workspaces, which the
    // combine kernel reads (with the sink) to write the outputs.
    SmallVector<Value> workspaces;
    if (shape.keySplits > 1) {
      assert(combineKernel && "the combine kernel is built with the shape");
      for (MemRefType type : {keySplitAccumulatorsType(op, shape),
                              keySplitStatisticsType(op, shape)})
        workspaces.push_back(allocTemporary(b, loc, type));
      arguments.append(workspaces);
    } else {
      arguments.append(outputs.begin(), outputs.end());
    }
    {
      OpBuilder::InsertionGuard guard(b);
      if (encoded)
        b.setInsertionPointToStart(
            scf::IfOp::create(b, loc, encoded, /*withElseRegion=*/false)
                .thenBlock());
      launch(b, loc, kernel, gpu::KernelDim3{gridX, gridY, gridZ},
             shape.threads(), shape.sharedBytes(), arguments);
    }
    if (!workspaces.empty()) {
      SmallVector<Value> combined(workspaces);
      if (Value sink = op.getSink())
        combined.push_back(sink);
      combined.append(outputs.begin(), outputs.end());
      launch(
          b, loc, combineKernel,
          gpu::KernelDim3{index(keySplitCombineGridX(op)), index(1), index(1)},
          kElementwiseThreads, /*sharedBytes=*/0, combined);
      for (Value workspace : workspaces)
        freeTemporary(b, loc, workspace);
    }
    if (ranges)
      freeTemporary(b, loc, ranges);
  }

  /// func(tensors) -> tensors becomes func(buffers..., outputs...) that
  /// launches `kernel`.
  void rewriteHostFunction(func::FuncOp func, AttentionOp op,
                           gpu::GPUFuncOp kernel, const GpuKernelShape &shape,
                           ValueRange captured) {
    SmallVector<Value> outputs = retypeHostFunction(func, op);
    OpBuilder b(op);
    // (The captured tensors are arguments, retyped to buffers by now.)
    emitAttentionLaunch(b, func.getLoc(), op, kernel, shape, captured, outputs);
    finishHostFunction(func, op, kernel);
  }

  /// A program's host function: func(buffers..., outputs...) that launches
  /// each op's kernel(s) in order, with a device buffer (gpu.alloc) for
  /// every result that is not returned, freed at the end.
  void rewriteProgramHostFunction(func::FuncOp func,
                                  MutableArrayRef<OpKernels> ops) {
    Location loc = func.getLoc();
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    // Arguments that an attention copies by rows need contiguous rows; so
    // do the 4-D ones that compress and merge read 16 bytes at a time (the
    // launchers check all of them).
    SmallVector<Type> inputs;
    for (BlockArgument argument : body.getArguments()) {
      bool contiguous = anyUseThroughCasts(argument, [&](OpOperand &use) {
        Operation *user = use.getOwner();
        if (isa<CompressOp, MergeOp, CausalConvOp>(user))
          return elementwiseWidth(user) > 1 &&
                 cast<ShapedType>(argument.getType()).getRank() == 4;
        // (Block scores copy rows of the queries and the keys.)
        unsigned copied = isa<LinearAttentionOp>(user) ? 4
                          : isa<AttentionOp>(user)     ? 3
                          : isa<BlockScoresOp>(user)   ? 2
                                                       : 0;
        return use.getOperandNumber() < copied;
      });
      inputs.push_back(kernelBufferType(
          cast<RankedTensorType>(argument.getType()), contiguous));
    }
    bindArgumentBuffers(func, inputs);
    // (A returned cast's buffer is its source's: the kernel writing the
    // source writes the output; matchProgramFunction checked the roots.)
    SmallVector<Value> returned =
        llvm::map_to_vector(ret.getOperands(), lowering::castRoot);
    SmallVector<Value> outputs;
    for (Value result : ret.getOperands()) {
      auto tensor = cast<RankedTensorType>(result.getType());
      auto type = kernelBufferType(tensor, tensor.getRank() == 4);
      outputs.push_back(body.addArgument(type, loc));
      inputs.push_back(type);
    }
    func.setType(FunctionType::get(func.getContext(), inputs, {}));

    SmallVector<Value> temporaries;
    DenseMap<Value, Value> bufferOf;
    for (OpKernels &item : ops) {
      Operation *op = item.op;
      OpBuilder b(op);
      SmallVector<Value> buffers;
      // A kernel that runs a merge writes the merge's results; one that
      // runs a compress writes the compressed tokens after its own results
      // (without the output when nothing else reads it).
      Operation *writer = item.merge ? item.merge.getOperation() : op;
      SmallVector<Value> written(writer->getResults());
      if (item.topk)
        written.assign({item.topk.getIndices()});
      if (item.compress) {
        if (!item.storesOutput)
          written.erase(written.begin());
        written.push_back(item.compress.getResult());
      }
      for (Value result : written) {
        auto *at = llvm::find(returned, result);
        if (at != returned.end()) {
          buffers.push_back(outputs[at - returned.begin()]);
          continue;
        }
        auto tensor = cast<RankedTensorType>(result.getType());
        auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
        buffers.push_back(
            allocTemporary(b, loc, type, dynamicResultSizes(b, loc, result)));
        temporaries.push_back(buffers.back());
      }
      auto index = [&](int64_t v) {
        return arith::ConstantIndexOp::create(b, loc, v).getResult();
      };
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        // Tables that earlier ops computed: the buffers they wrote.
        SmallVector<Value> captured;
        for (Value value : item.captured)
          captured.push_back(bufferOf.lookup_or(value, value));
        emitAttentionLaunch(b, loc, attention, item.kernel, item.shape,
                            captured, buffers, item.merge, item.unionSources,
                            item.rangesKernel, item.combineKernel,
                            item.laterBranch);
      } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
        emitLinearLaunches(b, loc, linear, item.statesKernel, item.kernel,
                           item.linearShape, buffers);
      } else if (isa<BlockScoresOp, TopkOp>(op)) {
        // Block scores: a CTA per (query block, K/V head, batch); top-k: a
        // warp per row.
        SmallVector<Value> arguments(op->getOperands());
        if (item.lse)
          arguments.push_back(bufferOf.lookup(item.lse));
        arguments.append(buffers);
        if (auto scores = dyn_cast<BlockScoresOp>(op)) {
          const GpuBlockScoresShape &shape = item.blockScoresShape;
          // TMA: the tensor maps of Q and the keys first; the launch
          // happens only if both encode.
          OpBuilder::InsertionGuard guard(b);
          if (shape.tma) {
            SmallVector<Value> maps;
            Value encoded = encodeTensorMaps(
                b, loc,
                {{scores.getQuery(), shape.blockQ},
                 {scores.getKeys(), GpuBlockScoresShape::kKeyTile}},
                maps);
            arguments.insert(arguments.begin(), maps.begin(), maps.end());
            b.setInsertionPointToStart(
                scf::IfOp::create(b, loc, encoded, /*withElseRegion=*/false)
                    .thenBlock());
          }
          // A CTA per (query block, K/V head, batch): ceil(Lq / block_q)
          // blocks, read from the query's buffer where dynamic.
          Value blocks =
              ShapedType::isDynamic(shape.queryLength)
                  ? ceilDivIndex(b, loc, hostSize(b, loc, scores.getQuery(), 2),
                                 shape.blockQ)
                  : index(shape.numBlocks());
          launch(b, loc, item.kernel,
                 gpu::KernelDim3{blocks, index(shape.kvHeads),
                                 hostSize(b, loc, scores.getQuery(), 0)},
                 shape.threads(), shape.sharedBytes(), arguments);
        } else {
          auto topk = cast<TopkOp>(op);
          Value scoreRows = hostBuffer(topk.getScores());
          // (Static rows: the constants, as the grids of the other ops.
          // The op's type, which its kernel was built for: a cast's
          // source may be more static.)
          auto rowsType = cast<ShapedType>(topk.getScores().getType());
          if (rowsType.hasStaticShape())
            launch(b, loc, item.kernel,
                   gpu::KernelDim3{
                       index(llvm::divideCeil(
                           rowsType.getNumElements() /
                               std::max<int64_t>(rowsType.getShape().back(), 1),
                           kTopkWarps)),
                       index(1), index(1)},
                   32 * kTopkWarps, topkSharedBytes(topk), arguments);
          else
            launch(b, loc, item.kernel,
                   gpu::KernelDim3{ceilDivIndex(b, loc,
                                                topkRows(b, loc, scoreRows),
                                                kTopkWarps),
                                   index(1), index(1)},
                   32 * kTopkWarps, topkSharedBytes(b, loc, topk, scoreRows),
                   arguments);
        }
      } else if (item.elementwise) {
        // A thread per element: the leaves' buffers, then the result's.
        SmallVector<Value> arguments;
        for (Value leaf : item.leaves)
          arguments.push_back(bufferOf.lookup_or(leaf, hostBuffer(leaf)));
        arguments.append(buffers);
        // (No elements: no launch; a grid of 0 CTAs is a launch error.
        // Over dynamic sizes attn-compile's launcher skips it at run time.)
        auto type = cast<ShapedType>(op->getResult(0).getType());
        if (!type.hasStaticShape() || type.getNumElements() > 0)
          launch(b, loc, item.kernel,
                 gpu::KernelDim3{elementwiseGridX(b, loc, buffers.front(),
                                                  /*width=*/1),
                                 index(1), index(1)},
                 kElementwiseThreads, /*sharedBytes=*/0, arguments);
      } else {
        SmallVector<Value> arguments(op->getOperands());
        arguments.append(buffers);
        auto conv = dyn_cast<CausalConvOp>(op);
        Value gridX = conv ? causalConvGridX(b, loc, conv, buffers.front())
                           : elementwiseGridX(b, loc, buffers.front(),
                                              elementwiseWidth(op));
        launch(b, loc, item.kernel, gpu::KernelDim3{gridX, index(1), index(1)},
               kElementwiseThreads, /*sharedBytes=*/0, arguments);
      }
      for (auto [result, buffer] : llvm::zip_equal(written, buffers)) {
        bufferOf[result] = buffer;
        bindBuffer(b, loc, result, buffer);
      }
    }
    OpBuilder b(ret);
    for (Value temporary : llvm::reverse(temporaries))
      freeTemporary(b, loc, temporary);
    func::ReturnOp::create(b, loc);
    ret->erase();
    for (OpKernels &item : llvm::reverse(ops)) {
      if (item.merge)
        item.merge->erase();
      if (item.laterBranch)
        item.laterBranch->erase();
      if (item.compress)
        item.compress->erase();
      if (item.topk)
        item.topk->erase();
      for (AttentionOp source : item.unionSources)
        source->erase();
      item.op->erase();
    }
    func->setAttr(kHostProgramAttr, b.getUnitAttr());
  }
};

} // namespace
