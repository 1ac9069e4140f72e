//===- KernelShapes.cpp - which kernel shape each attention gets ---------===//
//
// What the GPU kernels need of an op (chip, operand types, head dims) and
// the shape each attention or linear attention gets: tiles, warps, stages,
// the sm_90a warp-specialised or paired forms, tile lists, segments.
//
//===----------------------------------------------------------------------===//

#include "KernelShapes.h"
#include "KernelCaptures.h"

#include "attn/Analysis/BlockMap.h"
#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

std::optional<int64_t> gpu_lowering::computeCapability(StringRef chip) {
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  chip.consume_back("a");
  int64_t value;
  if (chip.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

LogicalResult gpu_lowering::checkSupportedChip(Operation *op, StringRef chip) {
  // The chips of PTX ISA 8.0, which the NVVM pipeline emits.
  if (llvm::is_contained(
          {"sm_80", "sm_86", "sm_87", "sm_89", "sm_90", "sm_90a"}, chip))
    return success();
  return op->emitOpError("GPU lowering: chip must be one of sm_80, sm_86, "
                         "sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got '")
         << chip << "'";
}

int64_t gpu_lowering::sharedMemoryLimit(int64_t capability) {
  if (capability >= 90)
    return 232448; // 227 KiB: H100, H200
  if (capability == 80 || capability == 87)
    return 167936; // 163 KiB: A100, Orin
  return 101376;   // 99 KiB: sm_86, sm_89
}

/// The block map of `op`'s mask over lengths `shape` for `blockQ` x
/// `blockKv` tiles, or none for a dynamic length, no mask or mask_mod, or
/// more than 2^24 tiles (beyond 256k tokens at 64 x 64 the map would take
/// long: the shape choices that read it keep their defaults there).
static std::optional<BlockMap> blockMapOver(AttentionOp op, MaskShape shape,
                                            int64_t blockQ, int64_t blockKv) {
  SmallVector<Attribute> mask = op.getTileClassificationMask();
  if ((mask.empty() && op.getMaskMod().empty()) ||
      !BlockMap::isTractable(shape, blockQ, blockKv))
    return std::nullopt;
  return BlockMap::compute(mask, &op.getMaskMod(), shape, blockQ, blockKv);
}

/// The same over `op`'s own lengths.
static std::optional<BlockMap> staticBlockMap(AttentionOp op, int64_t blockQ,
                                              int64_t blockKv) {
  return blockMapOver(op, op.getMaskShape(), blockQ, blockKv);
}

/// The block map that chooses between the kernel's forms for `op`'s mask:
/// its own over static lengths; over dynamic ones a proxy's of
/// kFormChoiceLength queries (what the choice weighs, how much of a band
/// the tiles' edges waste, hardly depends on the length once it is long).
/// Dynamic lengths are taken to be equal, or the keys to summarise
/// `stride` tokens each under causal<stride>. Never the map of the
/// kernel's tables: those need the real lengths.
static constexpr int64_t kFormChoiceLength = 8192;
static std::optional<BlockMap> formChoiceMap(AttentionOp op, int64_t blockQ,
                                             int64_t blockKv) {
  MaskShape shape = op.getMaskShape();
  if (shape.isStatic())
    return staticBlockMap(op, blockQ, blockKv);
  int64_t stride = 1;
  for (Attribute predicate : op.getMask())
    if (auto causal = dyn_cast<CausalAttr>(predicate))
      stride = std::max(stride, causal.getStride());
  MaskShape proxy = shape;
  if (ShapedType::isDynamic(proxy.queryLength))
    proxy.queryLength = ShapedType::isDynamic(proxy.keyLength)
                            ? kFormChoiceLength
                            : proxy.keyLength * stride;
  if (ShapedType::isDynamic(proxy.keyLength))
    proxy.keyLength = llvm::divideCeil(proxy.queryLength, stride);
  return blockMapOver(op, proxy, blockQ, blockKv);
}

/// Whether the 128 x 128 tiles of `wide` visit at least 8% more of a mask
/// than the paired form's 64-row tiles of `narrow`: the key tiles a banded
/// mask (a short window, a segment's diagonal) visits are mostly masked at
/// the band's edges, less so with narrower tiles, and a CTA of few key
/// tiles gains most from a second CTA overlapping its prologue and
/// epilogue. H200, D = 128, paired against 128-row: window 511 (11% more
/// visited by 128-row tiles) 1.18x, SCOUT's union of checkpoints and a
/// 64-token segment 1.30x; causal at 1k and window 1023 (6% more) 0.98x,
/// dense (as much) 0.85x.
static bool narrowTilesSaveWork(const BlockMap &wide, const BlockMap &narrow) {
  auto visited = [](const BlockMap &map) {
    return map.countVisited() * map.getBlockQ() * map.getBlockKv();
  };
  return visited(wide) * 100 >= visited(narrow) * 108;
}

/// How many query heads' CTAs the warp-specialised kernel interleaves
/// (GpuKernelShape::interleavedHeads), given the block map of its tiles.
/// Under a static mask whose query tiles visit different numbers of key
/// tiles (causal: 1 to all), a head's CTAs in a row put the longest ones of
/// the last head near the end of the launch; interleaved, the last CTAs to
/// start are short ones (the shortest of all heads when one group holds
/// them all). The largest divisor of Hq that covers whole K/V heads' groups
/// (or divides one) whose K/V heads hold at most 16 MB (a third of an
/// H200's L2), which the CTAs running at once read. H200, same run: causal
/// 1k / 4k (batch 16 / 4) 1.02 / 1.03-1.04x, 8k 1.04-1.06x, 16k level;
/// interleaving dense measured 0.97x at 4k, so CTAs of equal length keep a
/// head's order.
static int64_t chooseInterleavedHeads(AttentionOp op, const BlockMap &map) {
  auto query = op.getQuery().getType(), key = op.getKey().getType();
  auto value = op.getValue().getType();
  if (query.isDynamicDim(1) || key.isDynamicDim(1))
    return 1;
  int64_t shortest = std::numeric_limits<int64_t>::max(), longest = 0;
  for (int64_t tile = 0; tile < map.getNumQueryTiles(); ++tile) {
    auto [first, end] = map.getKeyTileRange(tile);
    shortest = std::min(shortest, end - first);
    longest = std::max(longest, end - first);
  }
  if (longest == shortest)
    return 1;
  int64_t queryHeads = query.getDimSize(1), kvHeads = key.getDimSize(1);
  if (kvHeads <= 0 || queryHeads % kvHeads)
    return 1;
  int64_t bytesPerKvHead = key.getDimSize(2) *
                           (key.getDimSize(3) + value.getDimSize(3)) *
                           (key.getElementTypeBitWidth() / 8);
  constexpr int64_t kSharedL2Bytes = int64_t(16) << 20;
  int64_t kvHeadsThatFit =
      kSharedL2Bytes / std::max<int64_t>(bytesPerKvHead, 1);
  int64_t group = queryHeads / kvHeads;
  int64_t most = kvHeadsThatFit * group;
  for (int64_t heads = std::min(most, queryHeads); heads > 1; --heads)
    if (queryHeads % heads == 0 && (heads % group == 0 || group % heads == 0))
      return heads;
  return 1;
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

/// The entries of a tile list sized by the slots (over a key length known
/// only at run time, or a static one too long for a flag and an entry a key
/// tile), or 0: a selection where the CTA holds one query block (every
/// listed tile serves all its rows) and its slots' tiles are at most a
/// thread each. Such a list is built from the slots alone (no per-tile
/// flags: FlashKernelBuilder's warp list for up to 32 slots of one tile,
/// else its candidate list), so it holds at most a tile per slot and tile
/// of a block.
static int64_t slotListEntries(AttentionOp op, BlockIndicesAttr selection,
                               const GpuKernelShape &shape) {
  int64_t slots = countSelectionSlots(op, selection, shape);
  if (!slots || selection.getBlockQ() % shape.blockQ() != 0)
    return 0;
  int64_t candidates = slots * (selection.getBlockKv() / shape.blockKv);
  return candidates <= shape.threads() ? candidates : 0;
}

/// Whether every operand and result of `op` has a static shape: then a
/// launch may have temporaries of its own (a program's, whose sizes and
/// grids are constants).
static bool hasStaticShapes(AttentionOp op) {
  auto isStatic = [](Type type) {
    return cast<ShapedType>(type).hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

/// Whether a kernel of `shape` for `op` takes its key tiles' kv segment-id
/// ranges from the launch's first kernel (GpuKernelShape::keyTileRanges): a
/// tile list of a document mask, and static shapes (the ranges are a
/// temporary of the launch).
static bool takesKeyTileRanges(AttentionOp op, const GpuKernelShape &shape) {
  return shape.tileListEntries &&
         llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>) &&
         hasStaticShapes(op);
}

FailureOr<int64_t> gpu_lowering::checkTensorCoreOperands(
    Operation *op, StringRef chip, RankedTensorType query,
    RankedTensorType value, int64_t headDimMultiple) {
  if (failed(checkSupportedChip(op, chip)))
    return failure();
  std::optional<int64_t> capability = computeCapability(chip);
  Type element = query.getElementType();
  if (!element.isBF16() && !element.isF16())
    return op->emitOpError("GPU lowering: query must be bf16 or f16 (tensor "
                           "cores), got ")
           << element;
  for (auto [name, size] :
       {std::pair<StringRef, int64_t>{"query", query.getDimSize(3)},
        {"value", value.getDimSize(3)}})
    if (ShapedType::isDynamic(size) || size % headDimMultiple != 0 ||
        size > 256)
      return op->emitOpError("GPU lowering: the ")
             << name << " head dim must be static, a multiple of "
             << headDimMultiple << " and at most 256, got "
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

/// The CTAs that split each tile's keys in a decode kernel (static shapes,
/// else 1): `requested` if not 0; else none if the CTAs fill the chip
/// already, otherwise the fewest whose CTAs fill its multiprocessors in
/// waves at least 90% full (the fullest if none does), as long as every
/// warp keeps at least kKeySplitTilesPerWarp key tiles of each split.
static int64_t chooseKeySplits(AttentionOp op, const GpuKernelShape &shape,
                               int64_t capability, int64_t requested) {
  // (The splits' workspaces are temporaries of the launch.)
  if (!hasStaticShapes(op))
    return 1;
  if (requested > 0)
    return requested;
  ArrayRef<int64_t> query = op.getQuery().getType().getShape();
  ArrayRef<int64_t> key = op.getKey().getType().getShape();
  // Four key tiles per warp (512 keys per split with 4 warps of 32-key
  // tiles): shorter splits spend more on their prologue and on the
  // combine's reads than they save.
  constexpr int64_t kKeySplitTilesPerWarp = 4;
  constexpr int64_t kMaxKeySplits = 16;
  // The multiprocessors of the chips' largest parts (A100 108, H100 and
  // H200 132, L40S 142; the rest 84): the grid is fixed when the kernel is
  // compiled. The CTAs each holds at a time by shared memory (a
  // multiprocessor has 1 KB more than a CTA may take, and each CTA takes
  // 1 KB besides its own): one at head dim 128, more at 64, where the
  // registers may allow fewer.
  int64_t multiprocessors = capability == 90   ? 132
                            : capability == 89 ? 142
                            : capability == 80 ? 108
                                               : 84;
  int64_t resident = std::max<int64_t>(
      (sharedMemoryLimit(capability) + 1024) / (shape.sharedBytes() + 1024), 1);
  int64_t capacity = multiprocessors * resident;
  int64_t rowTiles =
      llvm::divideCeil(shape.packedGroup * query[2], shape.blockQ());
  int64_t ctas = std::max<int64_t>(rowTiles * key[1] * query[0], 1);
  if (ctas >= capacity)
    return 1;
  int64_t keyTiles = llvm::divideCeil(key[2], shape.blockKv);
  int64_t longest =
      std::min(kMaxKeySplits, keyTiles / (shape.warps * kKeySplitTilesPerWarp));
  // Wave fill as total / (waves x capacity), compared by cross-multiplying.
  int64_t best = 1, bestTotal = ctas, bestSlots = capacity;
  for (int64_t splits = 1; splits <= longest; ++splits) {
    int64_t total = ctas * splits;
    int64_t slots = llvm::divideCeil(total, capacity) * capacity;
    if (10 * total >= 9 * slots)
      return splits;
    if (total * bestSlots > bestTotal * slots) {
      best = splits;
      bestTotal = total;
      bestSlots = slots;
    }
  }
  return best;
}

std::string mlir::attn::describeGpuKernelOptionRangeError(
    int64_t warps, int64_t rowTiles, int64_t keySplits, StringRef namePrefix) {
  for (auto [name, value, largest] :
       {std::tuple<StringRef, int64_t, int64_t>{"warps", warps, 8},
        {"row-tiles", rowTiles, 4},
        {"key-splits", keySplits, 64}})
    if (value < 0 || value > largest)
      return (namePrefix + name + " must be between 0 (automatic) and " +
              Twine(largest) + ", got " + Twine(value))
          .str();
  return "";
}

std::optional<KernelChoice> mlir::attn::parseKernelChoice(StringRef text) {
  return llvm::StringSwitch<std::optional<KernelChoice>>(text)
      .Case("auto", KernelChoice::Auto)
      .Case("on", KernelChoice::Always)
      .Case("off", KernelChoice::Never)
      .Default(std::nullopt);
}

/// K and V together from this many bytes up, a branch of a gated or sum
/// merge takes head pairs (KernelChoice::Auto). NSA-style with 16 query
/// heads over 4 K/V heads, D = 128, bf16, its selected blocks and window in
/// one kernel, the program timed in alternation on an H100
/// (bench/results/gpu-head-pairs-h100-2026-12-05.md): pairs 1.02x / 1.01x
/// / 1.01x / 1.02x the time at 4k / 8k / 16k / 32k keys (K and V 8-64 MiB),
/// 0.97x and 0.95x at 64k (128 MiB), 0.95x at 128k (256 MiB): once K and V
/// outgrow the L2 (50 MiB) well, each tile loaded once for two heads pays;
/// before, two CTAs a multiprocessor overlapping their prologues and
/// epilogues win. A selection alone (no merged branch) gained nothing at
/// 64k on the H100 (1.00x) and lost on an H200 (1.07x,
/// gpu-head-pairs-h200-2026-12-03.md): its CTAs' loops are short.
constexpr int64_t kHeadPairsFromKeyValueBytes = int64_t(96) << 20;

/// The persistent kernel's grid: an H100's or H200's multiprocessors (on
/// a GPU with fewer, the CTAs past them wait for a free one).
constexpr int64_t kHopperMultiprocessors = 132;
/// Where persistent CTAs are chosen automatically: query tiles that visit
/// at most this many key tiles on average, ...
constexpr int64_t kPersistentMostTilesPerItem = 5;
/// ... more than this many waves of items (causal over 1k keys: 1024 items
/// 0.91x the time on an H200; 512 1.03x and 256 1.07x on an H100), ...
constexpr int64_t kPersistentLeastWaves = 7;
/// ... and K and V of at most this many bytes. A wave of a persistent grid
/// takes the same query tile of 132 heads and batches at once, where CTAs
/// an item take the query tiles of a few heads: K and V beyond the L2
/// (50 MiB) are then read again for each wave (H100, causal over 1k keys,
/// 2048 items: 128 MiB 1.38x the time, 32 MiB 0.92x).
constexpr int64_t kPersistentMostKeyValueBytes = int64_t(32) << 20;

/// The bytes of `op`'s K and V where their shapes are static.
static std::optional<int64_t> staticKeyValueBytes(AttentionOp op) {
  RankedTensorType key = op.getKey().getType();
  RankedTensorType value = op.getValue().getType();
  if (!key.hasStaticShape() || !value.hasStaticShape())
    return std::nullopt;
  return (key.getNumElements() * key.getElementTypeBitWidth() +
          value.getNumElements() * value.getElementTypeBitWidth()) /
         8;
}

/// Decode's key tile for `warps` warps that split the keys: every warp has
/// its own stages, so smaller tiles as warps grow.
static int64_t splitKeysBlockKv(int64_t warps) { return warps > 4 ? 16 : 32; }

FailureOr<GpuKernelShape> mlir::attn::chooseGpuKernelShape(
    AttentionOp op, StringRef chip, int64_t warps, int64_t rowTiles,
    bool pingPong, int64_t keySplits, bool clusters, KernelChoice headPairs,
    KernelChoice persistent, bool pairKeyBlocks) {
  if (std::string range =
          describeGpuKernelOptionRangeError(warps, rowTiles, keySplits);
      !range.empty())
    return op.emitOpError("GPU lowering: ") << range;
  RankedTensorType query = op.getQuery().getType();
  FailureOr<int64_t> capability = checkTensorCoreOperands(
      op, chip, query, op.getValue().getType(), /*headDimMultiple=*/8);
  if (failed(capability))
    return failure();
  GpuKernelShape shape;
  shape.documentMask = llvm::any_of(op.getMask(), llvm::IsaPred<DocumentAttr>);
  // Decode-like shapes (a few query rows) would spend a 128-row tile's
  // products on one row: one warp of 16 rows per CTA instead.
  int64_t queryLength = query.getDimSize(2);
  bool fewRows = !ShapedType::isDynamic(queryLength) && queryLength <= 16;
  shape.warps = warps > 0 ? warps : (fewRows ? 1 : 4);
  // Head dims of 8 (mod 16) compute with a zero column tile more: the
  // sm_80 kernel's copies fill it, its stores leave it out.
  shape.queryColumns = query.getDimSize(3);
  shape.valueColumns = op.getValue().getType().getDimSize(3);
  shape.headDim = paddedHeadDim(shape.queryColumns);
  shape.valueDim = paddedHeadDim(shape.valueColumns);
  bool padded = shape.headDim != shape.queryColumns ||
                shape.valueDim != shape.valueColumns;
  if (failed(gpu_lowering::checkCapturedValues(op)))
    return failure();
  RankedTensorType key = op.getKey().getType();
  bool dataDependent = llvm::any_of(op.getMask(), [](Attribute predicate) {
    return cast<MaskAttrInterface>(predicate).isDataDependent();
  });
  // sm_90a: the warp-specialised TMA + wgmma kernel for prefill with head
  // dims of one or two 64-column panels (not padded). Data-dependent masks need
  // a tile list (a static key length), and a selection needs blocks that nest
  // with the kernel's 128 x 128 tiles: finer ones keep the sm_80 kernel, whose
  // CTAs shrink to one query block. So do decode and shapes forced by
  // warps / row-tiles.
  // Paired (warps=4, or chosen below): one consumer warpgroup of 64 rows
  // per CTA and two CTAs per multiprocessor (half the shared memory and
  // registers each, key tiles of 64 at head dim 128), so that one CTA's
  // prologue and epilogue overlap the other's products. Chosen for
  // selections whose blocks nest with 64-row but not 128-row tiles (NSA's
  // 64 x 64: H200, 1.6x the sm_80 kernel), for head dim 64 over at most
  // 2k keys (1.05-1.07x at 1k; level from 4k, slower at head dim 128) and
  // for masks that narrower tiles visit markedly less of (short windows).
  if (chip.ends_with("a") && *capability == 90 && (warps == 0 || warps == 4) &&
      rowTiles == 0 && !fewRows && !padded && shape.headDim == shape.valueDim &&
      (shape.headDim == 64 || shape.headDim == 128)) {
    int64_t keyLength = key.getDimSize(2);
    BlockIndicesAttr onlySelection = getOnlySelection(op);
    bool fineSelection = onlySelection &&
                         onlySelection.getBlockQ() % 128 != 0 &&
                         onlySelection.getBlockQ() % 64 == 0 &&
                         onlySelection.getBlockKv() % 64 == 0;
    bool shortKeys = shape.headDim == 64 && !ShapedType::isDynamic(keyLength) &&
                     keyLength <= 2048;
    // The static block maps of the two tilings, each computed once: they
    // choose the form and then whether to interleave heads.
    int64_t pairedBlockKv = shape.headDim == 128 ? 64 : 128;
    std::optional<BlockMap> wideMap = staticBlockMap(op, 128, 128);
    std::optional<BlockMap> narrowMap;
    bool paired = warps == 4 || fineSelection || shortKeys;
    if (!paired && !dataDependent) {
      if (!op.getMaskShape().isStatic()) {
        // (Lengths known at run time: the forms are weighed on a proxy.)
        std::optional<BlockMap> wide = formChoiceMap(op, 128, 128);
        std::optional<BlockMap> narrow = formChoiceMap(op, 64, pairedBlockKv);
        paired = wide && narrow && narrowTilesSaveWork(*wide, *narrow);
      } else if (wideMap) {
        narrowMap = staticBlockMap(op, 64, pairedBlockKv);
        paired = narrowMap && narrowTilesSaveWork(*wideMap, *narrowMap);
      }
    }
    // Two heads a CTA (`headPairs`): for a fine selection (the group's)
    // over grouped heads (an even number a K/V head), one CTA takes the
    // same 64 rows of two heads of a group, a consumer each, and each K/V
    // tile leaves L2 once for both: the paired form's traffic per score
    // halves while the two consumers still share a multiprocessor. But one
    // CTA a multiprocessor overlaps no other's prologue and epilogue, so it
    // is off by default (H200, 4 query heads a K/V head: NSA's selected
    // blocks and window in one kernel 0.94-0.97x the time at 64k, 1.02x at
    // 8k, the program 0.97x / 1.01x; a selection alone 1.07x / 1.05x).
    // Static masks never pair: NSA's compressed branch took 1.01x at 64k
    // and 1.1x at 8k.
    int64_t group = query.isDynamicDim(1) || key.isDynamicDim(1)
                        ? 1
                        : query.getDimSize(1) / key.getDimSize(1);
    bool pairsHeads = false;
    if (headPairs == KernelChoice::Always) {
      pairsHeads = true;
    } else if (headPairs == KernelChoice::Auto) {
      // K and V's bytes, where every size is known, for a branch of a
      // gated or sum merge (whose kernel takes the merge's later branch
      // too: NSA's window, a longer loop over the same CTA).
      bool mergedBranch =
          llvm::any_of(op->getResult(0).getUsers(), [](Operation *user) {
            auto merge = dyn_cast<MergeOp>(user);
            return merge && merge.getKind() != MergeKind::Lse;
          });
      std::optional<int64_t> bytes = staticKeyValueBytes(op);
      if (mergedBranch && bytes)
        pairsHeads = *bytes >= kHeadPairsFromKeyValueBytes;
    }
    pairsHeads = pairsHeads && !clusters && fineSelection && warps == 0 &&
                 group % 2 == 0;
    GpuKernelShape warpgroup = shape;
    warpgroup.warpgroups = true;
    warpgroup.warps = paired && !pairsHeads ? 4 : 8;
    warpgroup.ctasPerMultiprocessor = paired && !pairsHeads ? 2 : 1;
    warpgroup.consumerHeads = pairsHeads ? 2 : 1;
    warpgroup.rowTiles = 1;
    warpgroup.blockKv =
        paired && (shape.headDim == 128 ||
                   (fineSelection && onlySelection.getBlockKv() % 128 != 0))
            ? 64
            : 128;
    // Head pairs over 64-key blocks (NSA's selection, at head dim 128 in
    // 64-key tiles): products of 128 keys from two blocks halve the
    // per-tile costs (waits, turns, the softmax's reductions and rescales).
    // H200, NSA-style at 64k in alternation: the program 1.014-1.020x with
    // three stages, whose branches kernel took 1.675 ms against 1.715, and
    // two stages 1.007-1.010x faster than three; level at 8k.
    if (pairKeyBlocks && pairsHeads && warpgroup.blockKv == 64 &&
        shape.headDim == 128)
      warpgroup.keyBlocksPerTile = 2;
    warpgroup.pingPong = pingPong && (!paired || pairsHeads);
    std::optional<BlockMap> &tiles = paired ? narrowMap : wideMap;
    if (!tiles || tiles->getBlockQ() != warpgroup.blockQ() ||
        tiles->getBlockKv() != warpgroup.blockKv)
      tiles = staticBlockMap(op, warpgroup.blockQ(), warpgroup.blockKv);
    // (Interleaved in units of grid y: pairs of heads.)
    if (tiles) {
      int64_t heads = chooseInterleavedHeads(op, *tiles);
      warpgroup.interleavedHeads = heads % warpgroup.consumerHeads == 0
                                       ? heads / warpgroup.consumerHeads
                                       : 1;
    }
    // NSA's group-centric loading (`clusters`): with grouped heads and a
    // selection (the group's) as the only data-dependent predicate, the
    // group's CTAs visit the same tiles, so they can form a cluster whose
    // tiles come once by multicast (a cluster has at most 8 CTAs
    // portably). Its CTAs are a run of grid y, so heads are not
    // interleaved. Off by default: with two stages the cluster's CTAs
    // advance in lockstep and lose more than the L2 traffic saves (H200,
    // NSA-style at 64k with 4 query heads a K/V head: its branches kernel
    // 1.97 ms in clusters of 4, 1.79 in clusters of 2, 1.72 without).
    if (clusters && paired && fineSelection && !query.isDynamicDim(1) &&
        !key.isDynamicDim(1)) {
      if (group == 2 || group == 4 || group == 8) {
        warpgroup.clusterHeads = group;
        warpgroup.interleavedHeads = 1;
      }
    }
    // Persistent CTAs (`persistent`) in the 128-row form without a tile
    // list or cluster, where query tiles visit few key tiles: a CTA's fixed
    // costs (Q's load, the first tile's wait, the stores) then weigh about
    // as much as its loop (H200, Nsight Compute, NSA's compressed branch at
    // 64k: 3.5 tiles a CTA on average, 38% of the stall samples outside
    // the loop), and with one CTA a multiprocessor nothing overlaps them.
    // Only with several waves of items (fewer leave little to overlap) and
    // K and V that the L2 holds (the constants say why).
    bool persistentForm = !paired && !dataDependent &&
                          warpgroup.clusterHeads == 1 &&
                          warpgroup.consumerHeads == 1;
    if (persistentForm && persistent != KernelChoice::Never) {
      bool take = persistent == KernelChoice::Always;
      std::optional<int64_t> bytes = staticKeyValueBytes(op);
      if (!take && tiles && !query.isDynamicDim(0) && !query.isDynamicDim(1) &&
          bytes) {
        int64_t items = tiles->getNumQueryTiles() * query.getDimSize(0) *
                        query.getDimSize(1);
        take = items > kPersistentLeastWaves * kHopperMultiprocessors &&
               *bytes <= kPersistentMostKeyValueBytes &&
               tiles->countVisited() <=
                   kPersistentMostTilesPerItem * tiles->getNumQueryTiles();
      }
      if (take)
        warpgroup.persistentCtas = kHopperMultiprocessors;
    }
    bool listed = true;
    if (dataDependent) {
      BlockIndicesAttr selection = onlySelection;
      bool anySelection =
          llvm::any_of(op.getMask(), llvm::IsaPred<BlockIndicesAttr>);
      warpgroup.slotSizedList = ShapedType::isDynamic(keyLength);
      warpgroup.tileListEntries =
          warpgroup.slotSizedList
              ? slotListEntries(op, selection, warpgroup)
              : llvm::divideCeil(keyLength, warpgroup.blockKv);
      warpgroup.selectionSlots = countSelectionSlots(op, selection, warpgroup);
      listed =
          warpgroup.tileListEntries > 0 &&
          (!anySelection || (warpgroup.selectionSlots > 0 &&
                             selection.getBlockQ() % warpgroup.blockQ() == 0));
    }
    // As many stages as shared memory holds, at least 2 and at most 4 (2
    // with paired key blocks); a list's temporary parts must fit in the
    // tiles.
    auto fits = [&](const GpuKernelShape &candidate) {
      int64_t limit = candidate.ctasPerMultiprocessor == 2
                          ? hopperSharedPerCta(2)
                          : sharedMemoryLimit(*capability);
      return candidate.sharedBytes() <= limit &&
             candidate.listLayout().temporaryEnd <=
                 candidate.warpgroupTileBytes();
    };
    // Paired key blocks keep two stages of 128 keys (as many keys in flight
    // as four of 64): H200, NSA-style at 64k, a third (with the selection's
    // list sized by its slots to make room) took 1.007-1.010x the time.
    auto chooseStages = [&]() {
      int64_t mostStages = warpgroup.keyBlocksPerTile > 1 ? 2 : 4;
      for (warpgroup.stages = mostStages; warpgroup.stages > 2;
           --warpgroup.stages)
        if (fits(warpgroup))
          break;
    };
    chooseStages();
    // A static key length's list of a selection takes 8 bytes a key tile;
    // where that leaves no room (past about 260k keys in the paired form,
    // 540k with paired key blocks), a list sized by the slots, as over
    // run-time lengths, rather than the sm_80 kernel.
    if (listed && !fits(warpgroup) && !warpgroup.slotSizedList) {
      if (int64_t entries = slotListEntries(op, onlySelection, warpgroup)) {
        warpgroup.slotSizedList = true;
        warpgroup.tileListEntries = entries;
        chooseStages();
      }
    }
    // Two stages of 128 keys take 32 KiB more than two of 64: where the
    // list still leaves no room, tiles of one block.
    if (warpgroup.keyBlocksPerTile > 1 && !fits(warpgroup)) {
      warpgroup.keyBlocksPerTile = 1;
      chooseStages();
    }
    if (listed && fits(warpgroup)) {
      warpgroup.keyTileRanges = takesKeyTileRanges(op, warpgroup);
      return warpgroup;
    }
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
      shape.blockKv = splitKeysBlockKv(shape.warps);
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
    } else if (warps == 0 && shape.splitKeys && shape.warps > 1) {
      // Decode: every warp has its own stages (head dim 256 on sm_86 and
      // sm_89), so fewer warps, with the tiles that many take.
      shape.warps /= 2;
      shape.blockKv = splitKeysBlockKv(shape.warps);
    } else {
      return op.emitOpError("GPU lowering: the kernel needs ")
             << shape.sharedBytes() << " bytes of shared memory, more than "
             << chip << "'s " << limit << " (fewer warps or row tiles)";
    }
  }

  // Decode over few K/V heads and batches: CTAs per tile of rows that
  // split the keys, so that the launch fills the GPU (FlashDecoding).
  if (shape.splitKeys)
    shape.keySplits = chooseKeySplits(op, shape, *capability, keySplits);

  // Tiles that data-dependent masks may skip are listed before the loop
  // (static key lengths, or a selection's slot list; shared memory for the
  // list permitting).
  int64_t keyLength = key.getDimSize(2);
  if (dataDependent && !shape.splitKeys) {
    GpuKernelShape listed = shape;
    listed.tileListEntries = ShapedType::isDynamic(keyLength)
                                 ? 0
                                 : llvm::divideCeil(keyLength, shape.blockKv);
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
    // Over run-time lengths, and static ones whose list of a flag and an
    // entry a key tile leaves the tiles no room: a list sized by the slots.
    if (ShapedType::isDynamic(keyLength) || listed.sharedBytes() > limit) {
      listed.slotSizedList = true;
      listed.tileListEntries = slotListEntries(op, selection, listed);
    }
    if (listed.tileListEntries && listed.sharedBytes() <= limit)
      shape = listed;
  }
  shape.keyTileRanges = takesKeyTileRanges(op, shape);
  return shape;
}
