//===- ConvertAttnToGpu.cpp - the convert-attn-to-gpu pass ----------------===//
//
// Turns each function whose body is one attn.attention into a host function
// on device buffers that launches a flash kernel (FlashKernel.cpp). What the
// kernel does not support is reported on the op, never half-lowered.
//
//===----------------------------------------------------------------------===//

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

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

#include <cmath>

namespace mlir::attn {
#define GEN_PASS_DEF_CONVERTATTNTOGPUPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

/// The compute capability of "sm_XY" / "sm_XYa", or std::nullopt.
static std::optional<int64_t> computeCapability(StringRef chip) {
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  chip.consume_back("a");
  int64_t value;
  if (chip.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

/// The most dynamic shared memory one CTA may opt in to on a chip.
static int64_t sharedMemoryLimit(int64_t capability) {
  if (capability >= 90)
    return 232448; // 227 KiB: H100, H200
  if (capability == 80 || capability == 87)
    return 167936; // 163 KiB: A100, Orin
  return 101376;   // 99 KiB: sm_86, sm_89
}

/// Whether `region` reads a value defined outside it (a table captured from
/// the function): kernels receive only the op's operands.
static Operation *capturesOuterValue(Region &region) {
  Operation *user = nullptr;
  region.walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (!region.isAncestor(operand.getParentRegion()))
        user = nested;
    return user ? WalkResult::interrupt() : WalkResult::advance();
  });
  return user;
}

/// The op's block_indices predicate when it is the only data-dependent one
/// and at the top level of the mask (a conjunction), else null.
static BlockIndicesAttr getOnlySelection(AttentionOp op) {
  BlockIndicesAttr selection;
  for (Attribute predicate : op.getMask()) {
    if (!cast<MaskAttrInterface>(predicate).isDataDependent())
      continue;
    if (selection || !isa<BlockIndicesAttr>(predicate))
      return {};
    selection = cast<BlockIndicesAttr>(predicate);
  }
  return selection;
}

/// The selection slots a CTA of `shape` reads when `selection` (the op's
/// getOnlySelection, or null) has blocks the kernel's tiles nest with (key
/// blocks whole tiles, query blocks whole CTAs or a CTA a few whole query
/// blocks); 0 otherwise.
static int64_t countSelectionSlots(AttentionOp op, BlockIndicesAttr selection,
                                   const GpuKernelShape &shape) {
  int64_t slots = op.getIndices() ? op.getIndices().getType().getDimSize(3)
                                  : ShapedType::kDynamic;
  if (!selection || ShapedType::isDynamic(slots))
    return 0;
  int64_t blockQ = shape.blockQ(), selectedQ = selection.getBlockQ();
  int64_t selectedKv = selection.getBlockKv();
  // Bits of a flag word per query block (the top bit marks listed tiles).
  bool nested = selectedQ % blockQ == 0 ||
                (blockQ % selectedQ == 0 && blockQ / selectedQ <= 31);
  if (!nested || selectedKv % shape.blockKv != 0 ||
      selectedKv / shape.blockKv > 16)
    return 0;
  return std::max<int64_t>(1, blockQ / selectedQ) * slots;
}

/// What every tensor-core kernel needs of its op: a chip of sm_80 or newer
/// and f16/bf16 operands (the op verifiers make K and V the query's type)
/// with static head dims that are multiples of 16 up to 256. Returns the
/// chip's compute capability, or a diagnostic on `op`.
static FailureOr<int64_t> checkTensorCoreOperands(Operation *op, StringRef chip,
                                                  RankedTensorType query,
                                                  RankedTensorType value) {
  std::optional<int64_t> capability = computeCapability(chip);
  if (!capability || *capability < 80)
    return op->emitOpError("GPU lowering: chip must be sm_80 or newer "
                           "(sm_80, sm_86, sm_89, sm_90, sm_90a), got '")
           << chip << "'";
  Type element = query.getElementType();
  if (!element.isBF16() && !element.isF16())
    return op->emitOpError("GPU lowering: query must be bf16 or f16 (tensor "
                           "cores), got ")
           << element;
  for (auto [name, size] :
       {std::pair<StringRef, int64_t>{"query", query.getDimSize(3)},
        {"value", value.getDimSize(3)}})
    if (ShapedType::isDynamic(size) || size % 16 != 0 || size > 256)
      return op->emitOpError("GPU lowering: the ")
             << name << " head dim must be static, a multiple of 16 and at "
             << "most 256, got "
             << (ShapedType::isDynamic(size) ? std::string("?")
                                             : std::to_string(size));
  return *capability;
}

FailureOr<GpuLinearKernelShape>
mlir::attn::chooseGpuLinearKernelShape(LinearAttentionOp op, StringRef chip) {
  RankedTensorType query = op.getQuery().getType();
  FailureOr<int64_t> capability =
      checkTensorCoreOperands(op, chip, query, op.getValue().getType());
  if (failed(capability))
    return failure();
  GpuLinearKernelShape shape;
  shape.headDim = query.getDimSize(3);
  shape.valueDim = op.getValue().getType().getDimSize(3);
  shape.causal = op.getCausal();
  shape.decay = static_cast<bool>(op.getDecay());
  shape.normalize = op.getNormalize();
  // A CTA per (value slice, query head, batch, sequence segment). Narrow
  // slices recompute phi and phi(Q) phi(K)^T per slice; segments cost a
  // first kernel over the keys and a workspace. With known batch and heads:
  // the widest slice (64 columns) and as many segments (up to 16) as give
  // 256 CTAs (two per multiprocessor of an H100 or H200); else slices of
  // 32 or 16 and no segments. Narrower slices where shared memory asks.
  bool knownHeads = !query.isDynamicDim(0) && !query.isDynamicDim(1);
  SmallVector<int64_t> slices;
  for (int64_t slice : {64, 32, 16})
    if (shape.valueDim % slice == 0 && (knownHeads || slice <= 32))
      slices.push_back(slice);
  // Eight warps and chunks of 128 tokens where shared memory holds two
  // stages of them (sm_90): each chunk is a chain of dependent steps
  // (copies, phi, products, the state), so fewer, larger chunks with two
  // warps per scheduler to hide their latencies. Else four warps, 64.
  int64_t limit = sharedMemoryLimit(*capability);
  int64_t queryLength = query.getDimSize(2);
  int64_t keyLength = op.getKey().getType().getDimSize(2);
  bool dynamicLength =
      ShapedType::isDynamic(queryLength) || ShapedType::isDynamic(keyLength);
  int64_t longest = std::max(queryLength, keyLength);
  for (int64_t slice : slices) {
    shape.valueSlice = slice;
    for (int64_t warps : {8, 4}) {
      shape.warps = warps;
      shape.chunk = 16 * warps;
      // (No more segments than chunks in a static sequence.)
      shape.segments = 1;
      if (knownHeads) {
        int64_t ctas =
            query.getDimSize(0) * query.getDimSize(1) * shape.slices();
        int64_t most =
            dynamicLength ? 16 : llvm::divideCeil(longest, shape.chunk);
        shape.segments = std::clamp<int64_t>(
            llvm::divideCeil(256, std::max<int64_t>(ctas, 1)), 1,
            std::clamp<int64_t>(most, 1, 16));
      }
      for (shape.stages = 2; shape.stages > 0; --shape.stages)
        if (shape.sharedBytes() <= limit && (warps == 4 || shape.stages == 2))
          return shape;
    }
  }
  shape.stages = 1;
  return op.emitOpError("GPU lowering: the linear-attention kernel needs ")
         << shape.sharedBytes() << " bytes of shared memory, more than " << chip
         << "'s " << limit;
}

FailureOr<GpuKernelShape> mlir::attn::chooseGpuKernelShape(AttentionOp op,
                                                           StringRef chip,
                                                           int64_t warps,
                                                           int64_t rowTiles,
                                                           bool pingPong) {
  if (warps < 0 || warps > 8)
    return op.emitOpError("GPU lowering: warps must be between 0 "
                          "(automatic) and 8, got ")
           << warps;
  if (rowTiles < 0 || rowTiles > 4)
    return op.emitOpError("GPU lowering: row-tiles must be between 0 "
                          "(automatic) and 4, got ")
           << rowTiles;
  RankedTensorType query = op.getQuery().getType();
  FailureOr<int64_t> capability =
      checkTensorCoreOperands(op, chip, query, op.getValue().getType());
  if (failed(capability))
    return failure();
  GpuKernelShape shape;
  // Decode-like shapes (a few query rows) would spend a 128-row tile's
  // products on one row: one warp of 16 rows per CTA instead.
  int64_t queryLength = query.getDimSize(2);
  bool fewRows = !ShapedType::isDynamic(queryLength) && queryLength <= 16;
  shape.warps = warps > 0 ? warps : (fewRows ? 1 : 4);
  shape.headDim = query.getDimSize(3);
  shape.valueDim = op.getValue().getType().getDimSize(3);
  for (Region *region : {&op.getScoreMod(), &op.getMaskMod()})
    if (Operation *user = capturesOuterValue(*region))
      return op.emitOpError("GPU lowering: a score_mod or mask_mod region "
                            "that reads values from outside it ('")
             << user->getName() << "') is not supported";
  RankedTensorType key = op.getKey().getType();
  bool dataDependent = llvm::any_of(op.getMask(), [](Attribute predicate) {
    return cast<MaskAttrInterface>(predicate).isDataDependent();
  });
  // sm_90a: the warp-specialised TMA + wgmma kernel for prefill with head
  // dims of one or two 64-column panels. Data-dependent masks need a tile
  // list (a static key length), and a selection needs blocks that nest with
  // the kernel's 128 x 128 tiles: finer ones keep the sm_80 kernel, whose
  // CTAs shrink to one query block. So do decode and shapes forced by
  // warps / row-tiles.
  // Paired (warps=4, or chosen below): one consumer warpgroup of 64 rows
  // per CTA and two CTAs per multiprocessor (half the shared memory and
  // registers each, key tiles of 64 at head dim 128), so that one CTA's
  // prologue and epilogue overlap the other's products. Chosen for
  // selections whose blocks nest with 64-row but not 128-row tiles (NSA's
  // 64 x 64: H200, 1.6x the sm_80 kernel) and for head dim 64 over at most
  // 2k keys (1.05-1.07x at 1k; level from 4k, slower at head dim 128).
  if (chip.ends_with("a") && *capability == 90 && (warps == 0 || warps == 4) &&
      rowTiles == 0 && !fewRows && shape.headDim == shape.valueDim &&
      (shape.headDim == 64 || shape.headDim == 128)) {
    int64_t keyLength = key.getDimSize(2);
    BlockIndicesAttr onlySelection = getOnlySelection(op);
    bool fineSelection = onlySelection &&
                         onlySelection.getBlockQ() % 128 != 0 &&
                         onlySelection.getBlockQ() % 64 == 0 &&
                         onlySelection.getBlockKv() % 64 == 0;
    bool shortKeys = shape.headDim == 64 && !ShapedType::isDynamic(keyLength) &&
                     keyLength <= 2048;
    bool paired = warps == 4 || fineSelection || shortKeys;
    GpuKernelShape warpgroup = shape;
    warpgroup.warpgroups = true;
    warpgroup.warps = paired ? 4 : 8;
    warpgroup.ctasPerMultiprocessor = paired ? 2 : 1;
    warpgroup.rowTiles = 1;
    warpgroup.blockKv =
        paired && (shape.headDim == 128 ||
                   (fineSelection && onlySelection.getBlockKv() % 128 != 0))
            ? 64
            : 128;
    warpgroup.pingPong = pingPong && !paired;
    bool listed = true;
    if (dataDependent) {
      BlockIndicesAttr selection = onlySelection;
      bool anySelection =
          llvm::any_of(op.getMask(), llvm::IsaPred<BlockIndicesAttr>);
      warpgroup.tileListEntries =
          ShapedType::isDynamic(keyLength)
              ? 0
              : llvm::divideCeil(keyLength, warpgroup.blockKv);
      warpgroup.selectionSlots = countSelectionSlots(op, selection, warpgroup);
      listed =
          warpgroup.tileListEntries > 0 &&
          (!anySelection || (warpgroup.selectionSlots > 0 &&
                             selection.getBlockQ() % warpgroup.blockQ() == 0));
    }
    // As many stages as shared memory holds, up to 4 (3 at head dim 128);
    // a list's temporary parts must fit in the tiles.
    auto fits = [&](const GpuKernelShape &candidate) {
      // Two CTAs share a multiprocessor's 228 KiB, 1 KiB each reserved.
      int64_t limit = candidate.ctasPerMultiprocessor == 2
                          ? 228 * 1024 / 2 - 1024
                          : sharedMemoryLimit(*capability);
      return candidate.sharedBytes() <= limit &&
             candidate.listLayout().temporaryEnd <=
                 candidate.warpgroupTileBytes();
    };
    for (warpgroup.stages = 4; warpgroup.stages > 2; --warpgroup.stages)
      if (fits(warpgroup))
        break;
    if (listed && fits(warpgroup))
      return warpgroup;
  }
  // Above a head dim of 128 the query fragments would not fit beside the
  // accumulators: reload them from shared memory per key tile.
  // Two 16-row tiles per warp (FlashAttention-2's 128 x 64 tiles with 4
  // warps) halve the shared-memory reads per product; above a head dim of
  // 128 the accumulators of two would not fit in registers.
  bool wide = std::max(shape.headDim, shape.valueDim) > 128;
  shape.rowTiles = rowTiles > 0 ? rowTiles : (wide || fewRows ? 1 : 2);
  if (wide)
    shape.blockKv = 32;
  shape.queryInRegisters = shape.headDim * shape.rowTiles <= 128;

  // Decode with grouped heads: the query heads of one K/V head are the
  // rows of one 16-row tile (K and V read once per group), and the warps
  // split the keys, merging at the end.
  if (fewRows && rowTiles == 0 && !dataDependent && !query.isDynamicDim(1) &&
      !key.isDynamicDim(1)) {
    int64_t group = query.getDimSize(1) / key.getDimSize(1);
    if (group * queryLength <= 16) {
      shape.splitKeys = true;
      shape.packedGroup = group;
      shape.warps = warps > 0 ? warps : 4;
      shape.rowTiles = 1;
      // Every warp has its own stages: smaller tiles as warps grow.
      shape.blockKv = shape.warps > 4 ? 16 : 32;
    }
  }
  // Smaller tiles until the chip's shared memory holds them: fewer row
  // tiles per warp (when chosen automatically), then fewer keys per tile.
  int64_t limit = sharedMemoryLimit(*capability);
  while (shape.sharedBytes() > limit) {
    if (rowTiles == 0 && shape.rowTiles > 1) {
      --shape.rowTiles;
      shape.queryInRegisters = shape.headDim * shape.rowTiles <= 128;
    } else if (shape.blockKv > 16) {
      shape.blockKv /= 2;
    } else {
      return op.emitOpError("GPU lowering: the kernel needs ")
             << shape.sharedBytes() << " bytes of shared memory, more than "
             << chip << "'s " << limit << " (fewer warps or row tiles)";
    }
  }

  // Tiles that data-dependent masks may skip are listed before the loop
  // (static key lengths; shared memory for the list permitting).
  int64_t keyLength = key.getDimSize(2);
  if (dataDependent && !shape.splitKeys && !ShapedType::isDynamic(keyLength)) {
    GpuKernelShape listed = shape;
    listed.tileListEntries = llvm::divideCeil(keyLength, shape.blockKv);
    // A CTA over several query blocks of a selection visits the union of
    // their selections; with few shared blocks (long sequences) that is
    // work for nothing: CTAs of one query block where the warps allow.
    BlockIndicesAttr selection = getOnlySelection(op);
    if (selection && rowTiles == 0)
      while (listed.rowTiles > 1 && listed.blockQ() > selection.getBlockQ()) {
        --listed.rowTiles;
        listed.queryInRegisters = listed.headDim * listed.rowTiles <= 128;
      }
    listed.selectionSlots = countSelectionSlots(op, selection, listed);
    if (listed.sharedBytes() <= limit)
      shape = listed;
  }
  return shape;
}

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

namespace {

/// The function's body is one attention (attn.attention or
/// attn.linear_attention) of its arguments whose results it returns: that
/// op, else null.
static Operation *matchKernelFunction(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return nullptr;
  Block &body = func.getBody().front();
  if (body.getOperations().size() != 2 ||
      !isa<AttentionOp, LinearAttentionOp>(body.front()))
    return nullptr;
  Operation *attention = &body.front();
  for (Value operand : attention->getOperands())
    if (!isa<BlockArgument>(operand))
      return nullptr;
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (ret.getOperands() != attention->getResults())
    return nullptr;
  return attention;
}

/// A program: a function of attn ops (attention, linear attention,
/// compress, merge) over its arguments and each other's results, with
/// static shapes, returning results of those ops. Each op becomes a kernel
/// and each result that is not returned a device buffer. Returns the ops
/// in order, or a diagnostic.
static FailureOr<SmallVector<Operation *>>
matchProgramFunction(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("GPU lowering: function '")
           << func.getName() << "' must have one block";
  SmallVector<Operation *> ops;
  for (Operation &nested : func.getBody().front().without_terminator()) {
    if (!isa<AttentionOp, LinearAttentionOp, CompressOp, MergeOp, BlockScoresOp,
             TopkOp, CausalConvOp>(&nested))
      return nested.emitOpError("GPU lowering: function '")
             << func.getName()
             << "' is a program of several kernels, which may hold "
                "attn.attention, attn.linear_attention, attn.compress, "
                "attn.causal_conv, attn.block_scores, attn.topk and "
                "attn.merge only";
    for (Type type : llvm::concat<Type>(nested.getOperandTypes(),
                                        nested.getResultTypes())) {
      auto shaped = dyn_cast<RankedTensorType>(type);
      if (!shaped || !shaped.hasStaticShape())
        return nested.emitOpError("GPU lowering: a program of several "
                                  "kernels needs static shapes, got ")
               << type;
    }
    ops.push_back(&nested);
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    if (isa<BlockArgument>(operand) ||
        llvm::is_contained(ret.getOperands().take_front(index), operand))
      return ret.emitOpError("GPU lowering: result #")
             << index
             << " of a program must be a result of one of its ops, returned "
                "once";
  }
  return ops;
}

/// Whether `value` is computed, through the ops of its block, from a result
/// of `op`.
static bool dependsOn(Value value, Operation *op) {
  Operation *producer = value.getDefiningOp();
  if (!producer)
    return false;
  if (producer == op)
    return true;
  return llvm::any_of(producer->getOperands(),
                      [&](Value operand) { return dependsOn(operand, op); });
}

/// An attention of `ops` over the query, keys and mask of `scores` whose
/// probabilities are theirs (softmax at the same scale, nothing else that
/// changes a score): its LSE gives each row's statistics, so the block
/// scores kernel skips its first pass. Null if none.
static AttentionOp findLseTwin(BlockScoresOp scores,
                               ArrayRef<Operation *> ops) {
  auto query = cast<RankedTensorType>(scores.getQuery().getType());
  double scale = scores.getScale()
                     ? scores.getScale()->convertToDouble()
                     : 1.0 / std::sqrt(double(query.getDimSize(3)));
  for (Operation *op : ops) {
    auto attention = dyn_cast<AttentionOp>(op);
    if (!attention || attention.getQuery() != scores.getQuery() ||
        attention.getKey() != scores.getKeys() ||
        attention.getMask() != scores.getMask() ||
        !attention.getScore().empty() || attention.getNormalizer() ||
        !attention.getScoreMod().empty() || !attention.getMaskMod().empty() ||
        attention.getBias() || attention.getQSegments() ||
        attention.getLayout() || attention.getIndices() ||
        attention.getSink() || attention.getScaleOrDefault() != scale)
      continue;
    // It must be able to run first.
    if (llvm::any_of(attention->getOperands(),
                     [&](Value operand) { return dependsOn(operand, scores); }))
      continue;
    return attention;
  }
  return {};
}

/// A copy of `op` that also returns its LSE, which replaces it.
static AttentionOp withLse(AttentionOp op) {
  OpBuilder b(op);
  auto output = cast<RankedTensorType>(op.getOutput().getType());
  auto lseType =
      RankedTensorType::get(output.getShape().drop_back(), b.getF32Type());
  OperationState state(op.getLoc(), op->getName());
  state.addOperands(op->getOperands());
  state.addTypes({output, lseType});
  state.propertiesAttr = op->getPropertiesAsAttribute();
  state.addAttributes(llvm::to_vector(op->getDiscardableAttrs()));
  for (Region &region : op->getRegions())
    state.addRegion()->takeBody(region);
  auto copy = cast<AttentionOp>(b.create(state));
  op.getOutput().replaceAllUsesWith(copy.getOutput());
  op.erase();
  return copy;
}

/// Moves `op`, after the ops of its block that define its operands, to
/// before `point` (programs are pure ops in one block).
static void hoistBefore(Operation *op, Operation *point) {
  if (op->isBeforeInBlock(point))
    return;
  for (Value operand : op->getOperands())
    if (Operation *producer = operand.getDefiningOp())
      hoistBefore(producer, point);
  op->moveBefore(point);
}

struct ConvertAttnToGpuPass
    : public attn::impl::ConvertAttnToGpuPassBase<ConvertAttnToGpuPass> {
  using Base::Base;

  /// The kernel(s) of one op and how they launch.
  struct OpKernels {
    explicit OpKernels(Operation *op) : op(op) {}
    Operation *op;
    GpuKernelShape shape;
    GpuLinearKernelShape linearShape;
    GpuBlockScoresShape blockScoresShape;
    /// Block scores: the LSE of an attention over the same probabilities.
    Value lse;
    gpu::GPUFuncOp kernel, statesKernel;
  };

  /// Chooses the kernel shape of an attention or linear attention.
  LogicalResult chooseShape(OpKernels &item) {
    if (auto linear = dyn_cast<LinearAttentionOp>(item.op)) {
      FailureOr<GpuLinearKernelShape> shape =
          chooseGpuLinearKernelShape(linear, chip);
      if (failed(shape))
        return failure();
      item.linearShape = *shape;
    } else if (auto attention = dyn_cast<AttentionOp>(item.op)) {
      FailureOr<GpuKernelShape> shape =
          chooseGpuKernelShape(attention, chip, warps, rowTiles, pingPong);
      if (failed(shape))
        return failure();
      item.shape = *shape;
    } else if (auto topk = dyn_cast<TopkOp>(item.op)) {
      std::optional<int64_t> capability = computeCapability(chip);
      int64_t limit = sharedMemoryLimit(capability.value_or(80));
      if (topkSharedBytes(topk) > limit)
        return topk.emitOpError("GPU lowering: rows of ")
               << cast<ShapedType>(topk.getScores().getType()).getShape().back()
               << " scores need " << topkSharedBytes(topk)
               << " bytes of shared memory, more than " << chip << "'s "
               << limit;
    } else if (auto scores = dyn_cast<BlockScoresOp>(item.op)) {
      auto query = cast<RankedTensorType>(scores.getQuery().getType());
      FailureOr<int64_t> capability =
          checkTensorCoreOperands(scores, chip, query, query);
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
      FailureOr<gpu::GPUFuncOp> kernel =
          buildFlashKernel(builder, kernels, attention, name, item.shape);
      if (failed(kernel))
        return failure();
      item.kernel = *kernel;
    } else if (auto compress = dyn_cast<CompressOp>(item.op)) {
      item.kernel = buildCompressKernel(builder, kernels, compress, name);
    } else if (auto conv = dyn_cast<CausalConvOp>(item.op)) {
      item.kernel = buildCausalConvKernel(builder, kernels, conv, name);
    } else if (auto scores = dyn_cast<BlockScoresOp>(item.op)) {
      item.kernel = buildBlockScoresKernel(builder, kernels, scores, name,
                                           item.blockScoresShape,
                                           static_cast<bool>(item.lse));
    } else if (auto topk = dyn_cast<TopkOp>(item.op)) {
      item.kernel = buildTopkKernel(builder, kernels, topk, name);
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
    };
    SmallVector<Work> work;
    bool anyFailed = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      bool anyAttn = false;
      func.walk([&](Operation *nested) {
        anyAttn |= isa<AttnDialect>(nested->getDialect());
      });
      if (!anyAttn)
        continue;
      if (Operation *attention = matchKernelFunction(func)) {
        work.push_back({func, {OpKernels(attention)}, false});
        continue;
      }
      FailureOr<SmallVector<Operation *>> ops = matchProgramFunction(func);
      if (failed(ops)) {
        anyFailed = true;
        continue;
      }
      Work item{func, {}, true};
      for (Operation *op : *ops)
        item.ops.push_back(OpKernels(op));
      work.push_back(std::move(item));
    }
    // Nothing is rewritten unless every function can be.
    for (Work &item : work)
      for (OpKernels &op : item.ops)
        anyFailed |= failed(chooseShape(op));
    if (anyFailed || work.empty())
      return anyFailed ? signalPassFailure() : void();
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

    OpBuilder builder(module.getContext());
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    builder.getUnitAttr());
    builder.setInsertionPointToEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(builder, module.getLoc(), "attn_kernels");
    for (Work &item : work) {
      std::string name = (item.func.getName() + "_kernel").str();
      if (!item.program) {
        OpKernels &only = item.ops.front();
        if (failed(buildKernels(builder, kernels, only, name)))
          return signalPassFailure();
        if (auto linear = dyn_cast<LinearAttentionOp>(only.op))
          rewriteLinearHostFunction(item.func, linear, only.statesKernel,
                                    only.kernel, only.linearShape);
        else
          rewriteHostFunction(item.func, cast<AttentionOp>(only.op),
                              only.kernel, only.shape);
        continue;
      }
      shareBlockScoresLse(item.ops);
      for (auto [index, op] : llvm::enumerate(item.ops))
        if (failed(buildKernels(builder, kernels, op,
                                name + "_" + std::to_string(index))))
          return signalPassFailure();
      rewriteProgramHostFunction(item.func, item.ops);
    }
  }

  /// The CUtensorMap of `buffer` (a [B, H, L, D] memref of 16-bit elements)
  /// for boxes of `boxRows` rows and 64 columns with the 128-byte swizzle,
  /// encoded by the CUDA runtime library's attnCudaEncodeTensorMap into a
  /// stack slot and loaded as the 128-byte value the kernel takes; with the
  /// call's status (0, or a negated CUDA error).
  std::pair<Value, Value> encodeTensorMap(OpBuilder &b, Location loc,
                                          Value buffer, int64_t boxRows) {
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
    auto mapType = LLVM::LLVMArrayType::get(i64, 16);
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
      auto type = kernelBufferType(cast<RankedTensorType>(argument.getType()),
                                   contiguous);
      argument.setType(type);
      inputs.push_back(type);
    }
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
      AttentionOp twin = findLseTwin(scores, all);
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
      hoistBefore(twin, scores);
      item.lse = twin.getLse();
    }
    llvm::stable_sort(ops, [](const OpKernels &x, const OpKernels &y) {
      return x.op->isBeforeInBlock(y.op);
    });
  }

  /// Launches `kernel` with `arguments`, each cast to the kernel's
  /// argument type where its layout differs (a program's intermediate
  /// buffers are row-major).
  void launch(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel,
              gpu::KernelDim3 grid, int64_t threads, int64_t sharedBytes,
              ValueRange arguments) {
    SmallVector<Value> cast;
    for (auto [value, type] :
         llvm::zip(arguments, kernel.getFunctionType().getInputs()))
      cast.push_back(value.getType() == type
                         ? value
                         : memref::CastOp::create(b, loc, type, value));
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    gpu::LaunchFuncOp::create(
        b, loc, kernel, grid,
        gpu::KernelDim3{index(threads), index(1), index(1)},
        arith::ConstantIntOp::create(b, loc, sharedBytes, 32), cast);
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
    Value heads = memref::DimOp::create(b, loc, op.getQuery(), 1);
    Value batch = memref::DimOp::create(b, loc, op.getQuery(), 0);
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
          gpu::AllocOp::create(b, loc, linearWorkspaceType(b.getContext()),
                               /*asyncToken=*/Type(), ValueRange{},
                               ValueRange{floats}, ValueRange{})
              .getMemref();
      arguments.push_back(workspace);
    }
    for (gpu::GPUFuncOp launched : {statesKernel, kernel})
      if (launched)
        launch(b, loc, launched, gpu::KernelDim3{gridX, heads, gridZ},
               shape.threads(), shape.sharedBytes(), arguments);
    if (workspace)
      gpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{},
                             workspace);
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

  /// An attention's launch at `b`'s point, writing `outputs`.
  void emitAttentionLaunch(OpBuilder &b, Location loc, AttentionOp op,
                           gpu::GPUFuncOp kernel, const GpuKernelShape &shape,
                           ValueRange outputs) {
    Value query = op.getQuery();
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    // Packed decode tiles cover a group's heads: one row per (head in
    // group, query) and a grid over K/V heads.
    Value rows =
        arith::MulIOp::create(b, loc, memref::DimOp::create(b, loc, query, 2),
                              index(shape.packedGroup));
    Value gridX = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rows, index(shape.blockQ() - 1)),
        index(shape.blockQ()));
    Value gridY =
        memref::DimOp::create(b, loc, shape.splitKeys ? op.getKey() : query, 1);
    Value gridZ = memref::DimOp::create(b, loc, query, 0);
    SmallVector<Value> arguments;
    // With tensor maps, the launch happens only if all three encode.
    Value encoded;
    if (shape.warpgroups) {
      for (auto [operand, rows] :
           {std::pair<Value, int64_t>{op.getQuery(), shape.blockQ()},
            {op.getKey(), shape.blockKv},
            {op.getValue(), shape.blockKv}}) {
        auto [map, status] = encodeTensorMap(b, loc, operand, rows);
        arguments.push_back(map);
        Value ok =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, status,
                                  arith::ConstantIntOp::create(b, loc, 0, 32));
        encoded = encoded ? arith::AndIOp::create(b, loc, encoded, ok) : ok;
      }
    }
    for (Value operand : {op.getQuery(), op.getKey(), op.getValue(),
                          op.getBias(), op.getQSegments(), op.getKvSegments(),
                          op.getLayout(), op.getIndices(), op.getSink()})
      if (operand)
        arguments.push_back(operand);
    arguments.append(outputs.begin(), outputs.end());
    OpBuilder::InsertionGuard guard(b);
    if (encoded)
      b.setInsertionPointToStart(
          scf::IfOp::create(b, loc, encoded, /*withElseRegion=*/false)
              .thenBlock());
    launch(b, loc, kernel, gpu::KernelDim3{gridX, gridY, gridZ},
           shape.threads(), shape.sharedBytes(), arguments);
  }

  /// func(tensors) -> tensors becomes func(buffers..., outputs...) that
  /// launches `kernel`.
  void rewriteHostFunction(func::FuncOp func, AttentionOp op,
                           gpu::GPUFuncOp kernel, const GpuKernelShape &shape) {
    SmallVector<Value> outputs = retypeHostFunction(func, op);
    OpBuilder b(op);
    emitAttentionLaunch(b, func.getLoc(), op, kernel, shape, outputs);
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
      bool contiguous = llvm::any_of(argument.getUses(), [&](OpOperand &use) {
        Operation *user = use.getOwner();
        if (isa<CompressOp, MergeOp, CausalConvOp>(user))
          return elementwiseWidth(user) > 1 &&
                 cast<ShapedType>(argument.getType()).getRank() == 4;
        unsigned copied = isa<LinearAttentionOp>(user) ? 4
                          : isa<AttentionOp>(user)     ? 3
                                                       : 0;
        return use.getOperandNumber() < copied;
      });
      auto type = kernelBufferType(cast<RankedTensorType>(argument.getType()),
                                   contiguous);
      argument.setType(type);
      inputs.push_back(type);
    }
    SmallVector<Value> returned(ret.getOperands());
    SmallVector<Value> outputs;
    for (Value result : returned) {
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
      for (Value result : op->getResults()) {
        auto *at = llvm::find(returned, result);
        if (at != returned.end()) {
          buffers.push_back(outputs[at - returned.begin()]);
          continue;
        }
        auto tensor = cast<RankedTensorType>(result.getType());
        auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
        buffers.push_back(gpu::AllocOp::create(b, loc, type,
                                               /*asyncToken=*/Type(),
                                               ValueRange{}, ValueRange{},
                                               ValueRange{})
                              .getMemref());
        temporaries.push_back(buffers.back());
      }
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        emitAttentionLaunch(b, loc, attention, item.kernel, item.shape,
                            buffers);
      } else if (auto linear = dyn_cast<LinearAttentionOp>(op)) {
        emitLinearLaunches(b, loc, linear, item.statesKernel, item.kernel,
                           item.linearShape, buffers);
      } else if (isa<BlockScoresOp, TopkOp>(op)) {
        // Block scores: a CTA per (query block, K/V head, batch); top-k: a
        // warp per row.
        auto index = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v).getResult();
        };
        SmallVector<Value> arguments(op->getOperands());
        if (item.lse)
          arguments.push_back(bufferOf.lookup(item.lse));
        arguments.append(buffers);
        if (auto scores = dyn_cast<BlockScoresOp>(op)) {
          const GpuBlockScoresShape &shape = item.blockScoresShape;
          auto keys = cast<ShapedType>(scores.getKeys().getType());
          launch(b, loc, item.kernel,
                 gpu::KernelDim3{index(shape.numBlocks()), index(shape.kvHeads),
                                 index(keys.getDimSize(0))},
                 shape.threads(), shape.sharedBytes(), arguments);
        } else {
          auto topk = cast<TopkOp>(op);
          launch(b, loc, item.kernel,
                 gpu::KernelDim3{
                     index(llvm::divideCeil(topkRows(topk), kTopkWarps)),
                     index(1), index(1)},
                 32 * kTopkWarps, topkSharedBytes(topk), arguments);
        }
      } else {
        auto grid = [&](int64_t v) {
          return arith::ConstantIndexOp::create(b, loc, v).getResult();
        };
        SmallVector<Value> arguments(op->getOperands());
        arguments.append(buffers);
        auto conv = dyn_cast<CausalConvOp>(op);
        int64_t gridX = conv ? causalConvGridX(conv) : elementwiseGridX(op);
        launch(b, loc, item.kernel,
               gpu::KernelDim3{grid(gridX), grid(1), grid(1)},
               kElementwiseThreads, /*sharedBytes=*/0, arguments);
      }
      for (auto [result, buffer] : llvm::zip(op->getResults(), buffers)) {
        bufferOf[result] = buffer;
        result.replaceAllUsesWith(buffer);
      }
    }
    OpBuilder b(ret);
    for (Value temporary : llvm::reverse(temporaries))
      gpu::DeallocOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{},
                             temporary);
    func::ReturnOp::create(b, loc);
    ret->erase();
    for (OpKernels &item : llvm::reverse(ops))
      item.op->erase();
    func->setAttr(kHostProgramAttr, b.getUnitAttr());
  }
};

} // namespace
