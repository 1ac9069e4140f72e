//===- AttnToGpu.h - attention as NVIDIA GPU kernels ------------*- C++ -*-===//
//
// The GPU lowering of attn.attention: a flash kernel (one CTA per query tile,
// head and batch; K/V tiles staged in shared memory by cp.async; QK^T and PV
// on tensor cores; the online softmax on register fragments) in a gpu.module,
// launched from a host function that takes device buffers.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_ATTNTOGPU_ATTNTOGPU_H
#define ATTN_CONVERSION_ATTNTOGPU_ATTNTOGPU_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

#include <algorithm>
#include <string>

namespace mlir::attn {

class AttentionOp;
class BlockScoresOp;
class CausalConvOp;
class CompressOp;
class LinearAttentionOp;
class MergeOp;
class TopkOp;

/// Whether `chip` (sm_NN or sm_NNa) has PTX's griddepcontrol (sm_90 and
/// newer), so that its kernels can be launched with programmatic stream
/// serialisation (attn-grid-dependency-control).
bool supportsGridDependencyControl(StringRef chip);

/// The shape of one attention kernel: `warps` warps of `rowTiles` x 16
/// query rows each, key tiles of `blockKv` rows, `stages` shared-memory
/// buffers per K and V.
struct GpuKernelShape {
  int64_t warps = 4;
  /// 16-row tiles per warp: each K/V fragment loaded from shared memory
  /// feeds this many products.
  int64_t rowTiles = 1;
  int64_t blockKv = 64;
  int64_t stages = 2;
  /// The head dims the products take: the operands' (queryColumns,
  /// valueColumns) padded to multiples of 16 (paddedHeadDim). Copies fill
  /// the padding with zeros; stores leave it out.
  int64_t headDim = 0, valueDim = 0;
  int64_t queryColumns = 0, valueColumns = 0;
  /// Keep the query tile's fragments in registers across the key loop
  /// (else reload them from shared memory per key tile).
  bool queryInRegisters = true;
  /// Decode: every warp takes the same 16 query rows and every warps-th key
  /// tile through its own shared-memory stages (no CTA barrier per tile);
  /// the warps' partial results merge through shared memory at the end.
  bool splitKeys = false;
  /// With splitKeys: the query heads sharing a K/V head are rows of one
  /// tile, (head in group, query row) head-major, and the grid's y is the
  /// K/V head (K and V are read once per group). 1: not packed.
  int64_t packedGroup = 1;
  /// With splitKeys: CTAs per tile of rows, each over a contiguous share of
  /// the key tiles (the grid's x is query tiles x keySplits), so that few
  /// K/V heads and batches still fill the GPU (FlashDecoding). Each stores
  /// its rows' max, sum and unnormalised accumulators in f32 workspaces and
  /// a second kernel (buildKeySplitCombineKernel) combines them into the
  /// outputs. Only with static shapes; 1: one CTA takes every key tile.
  int64_t keySplits = 1;

  /// Data-dependent masks over a static key length: the key tiles (their
  /// flags and the list of visited ones live in shared memory). With
  /// slotSizedList (a dynamic key length, or a static one too long for
  /// that list), a selection's slots' tiles per CTA of one query block
  /// (its list is built from them alone, a tile per slot and tile of a
  /// block at most). 0: none.
  int64_t tileListEntries = 0;
  /// With a tile list and a block-index selection as the only
  /// data-dependent predicate: the selection's slots read per CTA (its
  /// query blocks x K). The list is then built from the selected blocks, not
  /// by testing every tile, and each listed tile keeps a bit per query block
  /// of the CTA that selected it. 0: not this form.
  int64_t selectionSlots = 0;
  /// sm_90a's warp-specialised form (WarpgroupKernel.cpp): a producer
  /// warpgroup loads Q, K and V by TMA into 128-byte-swizzled panels of 64
  /// columns, completing on mbarriers, and `warps` / 4 consumer warpgroups
  /// of 64 query rows each multiply with wgmma. Head dims 64 or 128.
  bool warpgroups = false;
  /// With a tile list of documents over static shapes: the launch's first
  /// kernel (buildSegmentRangesKernel) stores each key tile's kv segment-id
  /// min and max, which the kernel takes after the kv segment ids and its
  /// list reads instead of scanning every key's id in every CTA.
  bool keyTileRanges = false;
  /// With warpgroups: the consumers take turns issuing their products
  /// (named barriers), so that one's softmax overlaps the other's products.
  bool pingPong = true;
  /// With warpgroups: CTAs that share a multiprocessor (2: one consumer
  /// each, half the registers and shared memory).
  int64_t ctasPerMultiprocessor = 1;
  /// With warpgroups: query heads (a divisor of Hq) whose CTAs interleave in
  /// launch order, the last query tiles of all of them first, so that the
  /// last CTAs to start are short ones of several heads, not the whole
  /// range of one head's; only as many as keep their K and V within a third
  /// of L2. 1: a head's query tiles in a row.
  int64_t interleavedHeads = 1;
  /// With warpgroups: the query heads of one K/V head's group (a grid-y
  /// run of that many CTAs of the same query tile) form a thread-block
  /// cluster: they visit the same key tiles (a selection is the group's),
  /// so each CTA's producer waits for every consumer of the cluster to free
  /// a stage and loads its share of the tile's panels into all of them by
  /// TMA multicast, and each tile leaves L2 once per group. 1: no cluster.
  int64_t clusterHeads = 1;
  /// With warpgroups and two consumers: each consumer takes the same 64
  /// query rows of its own query head, two heads of one K/V head's group
  /// (grid y runs over pairs of heads), so every K/V tile the producer
  /// loads serves both (NSA's group-centric loading inside a CTA). The
  /// CTA's query tile is then 64 rows. 1: the consumers share one head.
  int64_t consumerHeads = 1;
  /// With warpgroups, the 128-row form (one CTA a multiprocessor, one head
  /// a CTA) and no tile list: the grid is at most this many CTAs (one per
  /// multiprocessor), each taking the work items (query tile, head, batch)
  /// i, i + grid, ... in turn, the last query tiles of every head first.
  /// Stages and barrier phases run on across items, and Q's tile has a
  /// barrier of its own that the consumers free after their last score
  /// product, so the next item's Q and first K/V tiles load while this
  /// item's last P V and stores run. For short loops, where a CTA's fixed
  /// costs weigh as much as its tiles (NSA's compressed branch). 0: a CTA
  /// per item.
  int64_t persistentCtas = 0;
  /// With warpgroups: the key blocks of blockKv keys that one tile of the
  /// products holds. Range tables, tile lists and masks stay in blocks;
  /// with 2, the CTA's i-th tile is its visited blocks 2i and 2i + 1 (of
  /// the same key source; the second past the keys, zeros and masked, where
  /// a source visits an odd number), each its own TMA box, so that a
  /// selection of 64-key blocks runs 128-key products. 1: a tile is a
  /// block.
  int64_t keyBlocksPerTile = 1;
  /// Whether a selection's tile list is sized by its slots (at most a tile
  /// per slot and tile of a block, as KernelShapes' slotListEntries counts)
  /// rather than by the key length's tiles: over key lengths known only at
  /// run time, and over static ones whose per-tile list (8 bytes a key
  /// tile) would leave no room for two stages of tiles. It is then built
  /// from the slots alone, without per-tile flags.
  bool slotSizedList = false;
  /// Whether the mask has a document predicate, whose tile tests read the
  /// kv segment ids (see documentChunkCount).
  bool documentMask = false;

  /// The keys of one tile of the products.
  int64_t tileKeys() const { return blockKv * keyBlocksPerTile; }
  int64_t blockQ() const {
    return 16 * rowTiles * (splitKeys ? 1 : warps) / consumerHeads;
  }
  int64_t threads() const { return 32 * warps + (warpgroups ? 128 : 0); }
  /// Shared-memory rows are padded by 16 bytes so that the eight rows an
  /// ldmatrix reads fall into different banks.
  int64_t rowPitch(int64_t dim) const { return dim + 8; }
  /// The sm_80 kernel's room for CTA-wide reductions after its tiles (two
  /// slots of a min and a max per warp; see scratchBytes()).
  static constexpr int64_t kScratchBytes = 2 * 2 * 8 * 4;
  int64_t tileBytes() const {
    return 2 * (blockQ() * rowPitch(headDim) +
                (splitKeys ? warps : 1) * stages * blockKv *
                    (rowPitch(headDim) + rowPitch(valueDim)));
  }
  /// The split-keys merge: each warp's row maxima, sums and accumulators.
  int64_t mergeBytes() const {
    return splitKeys ? 4 * warps * blockQ() * (valueDim + 2) : 0;
  }
  /// Documents over a tile list: the chunks of 32 keys whose kv
  /// segment-id min and max the list's tests read (a tile of fewer keys
  /// takes its chunk's). None without a document mask: a list of a long
  /// selection would otherwise reserve 8 bytes every 32 keys for nothing.
  int64_t documentChunkCount() const {
    return documentMask ? (tileListEntries * blockKv + 31) / 32 : 0;
  }
  /// The list, its flags, (documents) the kv segment-id min and max of
  /// every 32 keys and (selections) the selected blocks of the CTA.
  int64_t listBytes() const {
    return tileListEntries ? 4 * (2 * tileListEntries + 1) +
                                 8 * documentChunkCount() + 4 * selectionSlots
                           : 0;
  }
  /// The warp-specialised form's tiles: panels of 64 columns of 128-byte
  /// rows, 1024-byte aligned (the swizzle's period) from a base rounded up
  /// inside the allocation.
  int64_t warpgroupTileBytes() const {
    return warpgroupQueryBytes() +
           2 * stages * tileKeys() * (headDim + valueDim);
  }
  /// Its mbarriers: Q's, then per stage K full, V full, K empty, V empty,
  /// then (persistentCtas) Q's empty.
  int64_t warpgroupBarrierBytes() const {
    return 8 * (1 + 4 * stages + (persistentCtas ? 1 : 0));
  }
  /// The CTA-wide reductions' room: a min and a max per warp, two slots.
  int64_t scratchBytes() const {
    return warpgroups ? 2 * 2 * (threads() / 32) * 4 : kScratchBytes;
  }

  /// Where a tile list's parts live, as byte offsets into the dynamic
  /// shared memory: the per-tile flags, the list (its length last), the kv
  /// segment-id min and max of every 32 keys (documents), a selection's
  /// slots, and the reductions' scratch. The sm_80 kernel keeps them after
  /// its tiles. The warp-specialised one keeps only what its loop reads
  /// (the list; a selection's flags) after its barriers and builds the rest
  /// in its tile area: TMA fills that only once the list is built, and the
  /// tiles start at most 1023 bytes in (the base is rounded up), so the
  /// area from byte 1024 on is inside them; from past Q's tile where they
  /// fit there, so that Q's load need not wait for them.
  struct ListLayout {
    int64_t flags, list, chunks, selected, scratch;
    /// The warp-specialised kernel: where what it builds in its tiles
    /// begins and ends, and the end of what it keeps after its barriers.
    int64_t temporaryBegin, temporaryEnd, persistentEnd;
  };
  ListLayout listLayout() const {
    int64_t entries = tileListEntries;
    int64_t chunkBytes = 8 * documentChunkCount();
    ListLayout layout;
    if (!warpgroups) {
      layout.flags = tileBytes();
      layout.list = layout.flags + 4 * entries;
      layout.chunks = layout.selected = layout.list + 4 * (entries + 1);
      layout.scratch = sharedBytes() - kScratchBytes;
      layout.temporaryBegin = layout.temporaryEnd = layout.persistentEnd = 0;
      return layout;
    }
    layout.list = 1024 + warpgroupTileBytes() + warpgroupBarrierBytes();
    layout.persistentEnd = layout.list + (entries ? 4 * (entries + 1) : 0);
    if (selectionSlots) {
      layout.flags = layout.persistentEnd;
      layout.persistentEnd += 4 * entries;
    }
    // Past Q's tile where the temporaries still fit in the tiles, so that
    // Q may load while they are built (queryLoadsFirst).
    auto placeTemporaries = [&](int64_t begin) {
      layout.temporaryBegin = begin;
      int64_t temporary = begin;
      if (!selectionSlots) {
        layout.flags = temporary;
        temporary += 4 * entries;
      }
      layout.chunks = layout.selected = temporary;
      layout.scratch = temporary + std::max(chunkBytes, 4 * selectionSlots);
      layout.temporaryEnd = layout.scratch + scratchBytes();
    };
    placeTemporaries(1024 + warpgroupQueryBytes());
    if (layout.temporaryEnd > warpgroupTileBytes())
      placeTemporaries(1024);
    return layout;
  }
  /// The warp-specialised form's Q tile, the first of its tiles (a tile
  /// per head with consumerHeads).
  int64_t warpgroupQueryBytes() const {
    return 2 * consumerHeads * blockQ() * headDim;
  }
  /// Whether Q's load may start before the CTA builds its tile list (none,
  /// or its temporaries are past Q's tile).
  bool queryLoadsFirst() const {
    return !tileListEntries ||
           listLayout().temporaryBegin >= 1024 + warpgroupQueryBytes();
  }
  int64_t sharedBytes() const {
    if (warpgroups)
      return listLayout().persistentEnd;
    return std::max(tileBytes() + listBytes(), mergeBytes()) + kScratchBytes;
  }
};

/// The shape of one chunked linear-attention kernel
/// (LinearAttentionKernel.cpp): a CTA of `warps` warps per (value slice,
/// query head, batch) walks the sequence in chunks of `chunk` tokens,
/// carrying a headDim x valueSlice state (plus the normaliser's column
/// block) in registers and, as the products' operand, in shared memory.
struct GpuLinearKernelShape {
  int64_t warps = 4;
  int64_t chunk = 64;
  /// Value columns per CTA: the grid's x is valueDim / valueSlice.
  int64_t valueSlice = 32;
  /// Shared-memory buffers of each chunk's Q, K, V (and gates): 2 loads the
  /// next chunk while this one is multiplied.
  int64_t stages = 2;
  int64_t headDim = 0, valueDim = 0;
  bool causal = false, decay = false, normalize = false;
  /// Sequence segments (the grid's z is batch x segments): with more than
  /// one, a first kernel builds each segment's state alone into a
  /// workspace and the second starts each segment from the combination of
  /// the ones before it (without `causal`: of all), so that few heads still
  /// fill the GPU without narrow value slices.
  int64_t segments = 1;

  int64_t threads() const { return 32 * warps; }
  int64_t slices() const { return valueDim / valueSlice; }
  /// The workspace per (batch, query head): per segment and slice a
  /// headDim x stateColumns f32 state, then per segment its log-decay and
  /// decayed key count.
  int64_t workspaceFloatsPerHead() const {
    return segments * (slices() * headDim * stateColumns() + 2);
  }
  /// Rows padded by 16 bytes so that an ldmatrix's eight rows fall into
  /// different banks.
  int64_t rowPitch(int64_t dim) const { return dim + 8; }
  /// The state's columns: the slice, then (normalize) a block of 16 whose
  /// first 8 hold the normaliser z (a product with a column of ones).
  int64_t stateColumns() const { return valueSlice + (normalize ? 16 : 0); }
  /// One stage: Q, K (chunk x headDim), V (chunk x valueSlice), 16-bit;
  /// then (decay) the chunk's f32 log-gates.
  int64_t queryBytes() const { return 2 * chunk * rowPitch(headDim); }
  int64_t valueBytes() const { return 2 * chunk * rowPitch(valueSlice); }
  int64_t stageBytes() const {
    return 2 * queryBytes() + valueBytes() + (decay ? 4 * chunk : 0);
  }
  /// After the stages: (decay) the keys weighted by their decay to the end
  /// of the chunk, and the gates' prefix sums; then two state buffers (the
  /// previous chunk's, read, and this chunk's, written).
  int64_t weightedKeysOffset() const { return stages * stageBytes(); }
  int64_t prefixOffset() const {
    return weightedKeysOffset() + (decay ? queryBytes() : 0);
  }
  int64_t stateOffset() const {
    return prefixOffset() + (decay ? 4 * chunk : 0);
  }
  int64_t stateBytes() const { return 2 * headDim * rowPitch(stateColumns()); }
  /// f16 with decay: the decayed count of the keys each state buffer sums
  /// (two f32, in a 16-byte slot).
  int64_t countsOffset() const { return stateOffset() + 2 * stateBytes(); }
  int64_t sharedBytes() const { return countsOffset() + 16; }
};

/// Attributes the lowering puts on each generated kernel, read by
/// attn-compile's host launcher: the query tile (grid x = ceil(Lq / it),
/// y = Hq, z = B), the threads per CTA and the dynamic shared memory.
inline constexpr StringLiteral kKernelBlockQAttr = "attn.block_q";
inline constexpr StringLiteral kKernelThreadsAttr = "attn.threads";
inline constexpr StringLiteral kKernelSharedBytesAttr = "attn.shared_bytes";
/// On kernels whose tile rows are the query heads of one K/V head: the
/// group size (the grid is then (ceil(group x Lq / block_q), Hkv, B)).
inline constexpr StringLiteral kKernelPackedGroupAttr = "attn.packed_group";
/// On warp-specialised kernels whose CTAs take two query heads each
/// (GpuKernelShape::consumerHeads): that number (the grid is then
/// (ceil(Lq / block_q), Hq / 2, B)).
inline constexpr StringLiteral kKernelConsumerHeadsAttr = "attn.consumer_heads";
/// On warp-specialised kernels whose tiles are pairs of key blocks
/// (GpuKernelShape::keyBlocksPerTile): that number (attn.block_kv stays the
/// block's keys, the rows of a TMA box).
inline constexpr StringLiteral kKernelKeyBlocksPerTileAttr =
    "attn.key_blocks_per_tile";
/// On warp-specialised kernels with persistent CTAs
/// (GpuKernelShape::persistentCtas): the most CTAs of the grid, which is
/// then (min(ceil(Lq / block_q) x Hq x B, that), 1, 1).
inline constexpr StringLiteral kKernelPersistentCtasAttr =
    "attn.persistent_ctas";
/// On kernels loading by TMA (the warp-specialised flash kernel, sm_90a
/// block scores): their first N arguments are CUtensorMaps (128 bytes by
/// value, !llvm.array<16 x i64>) of their first N buffer arguments (Q, K, V;
/// block scores' query and keys), which attn-convert-tensor-map-args makes
/// grid-constant parameters.
inline constexpr StringLiteral kKernelTensorMapsAttr = "attn.tensor_maps";
/// On kernels with tensor maps: the rows of the boxes of all maps but the
/// first (the key tile; the first, Q's, has attn.block_q); their columns
/// are 64 (one 128-byte swizzle span).
inline constexpr StringLiteral kKernelBlockKvAttr = "attn.block_kv";
/// On kernels with tensor maps: the CTAs per multiprocessor to give ptxas
/// as .minnctapersm (the warp-specialised kernel's register split and
/// setmaxnreg need it).
inline constexpr StringLiteral kKernelCtasPerMultiprocessorAttr =
    "attn.ctas_per_sm";
/// On kernels whose grid's x does not follow the query length (linear
/// attention: one CTA per value slice): that x.
inline constexpr StringLiteral kKernelGridXAttr = "attn.grid_x";
/// On linear-attention kernels with a decay operand: its kernel argument
/// (a [B, Hq, Lkv] f32 buffer the launcher checks against Q and K).
inline constexpr StringLiteral kKernelDecayArgumentAttr = "attn.decay_argument";
/// On segmented linear-attention kernels: the segments (the grid's z is
/// batch x segments) and the workspace's f32 elements per (batch, query
/// head) that the launcher allocates for the call.
inline constexpr StringLiteral kKernelSegmentsAttr = "attn.segments";
inline constexpr StringLiteral kKernelWorkspacePerHeadAttr =
    "attn.workspace_per_head";
/// On kernels that inline a score_mod region: attn-narrow-kernel-indices runs
/// their index arithmetic on i32 where integer range analysis allows.
inline constexpr StringLiteral kKernelNarrowIndicesAttr = "attn.narrow_indices";
/// The gpu.module that convert-attn-to-gpu puts the kernels in.
inline constexpr StringLiteral kKernelModuleName = "attn_kernels";
/// On a host function: the kernel it launches (the last one).
inline constexpr StringLiteral kHostKernelAttr = "attn.gpu_kernel";
/// On the host function of a program of several kernels (attn-compile
/// generates its launcher from the function's allocations and launches).
inline constexpr StringLiteral kHostProgramAttr = "attn.gpu_program";

/// A kernel form that the lowering chooses by the op's shapes (`Auto`),
/// takes wherever the kernel allows it, or never takes: whether grouped
/// heads with a fine selection run two to a CTA
/// (GpuKernelShape::consumerHeads), whether CTAs are persistent
/// (GpuKernelShape::persistentCtas).
enum class KernelChoice { Auto, Always, Never };

/// "auto", "on" or "off" (the head-pairs and persistent options), or none.
std::optional<KernelChoice> parseKernelChoice(StringRef text);

/// Why the kernel-shape options are out of range (warps 0 to 8, row-tiles
/// 0 to 4, key-splits 0 to 64; 0 is the automatic choice), naming the first
/// such option as `namePrefix` + its option name; empty where all are in
/// range.
std::string describeGpuKernelOptionRangeError(int64_t warps, int64_t rowTiles,
                                              int64_t keySplits,
                                              StringRef namePrefix = "");

/// The kernel shape for `op` on `chip` (sm_80, sm_90, ...), or a diagnostic
/// on `op` that names what the GPU lowering does not support.
/// `rowTiles` 0 chooses the 16-row tiles per warp from the head dims;
/// `keySplits` 0 chooses decode's key splits from the grid (1: none).
/// `clusters` lets grouped heads with a selection run as clusters
/// (GpuKernelShape::clusterHeads); `headPairs` says when grouped heads run
/// two to a CTA (GpuKernelShape::consumerHeads), `persistent` when CTAs
/// take work items in turn (GpuKernelShape::persistentCtas);
/// `pairKeyBlocks` lets head pairs' tiles hold two key blocks
/// (GpuKernelShape::keyBlocksPerTile).
FailureOr<GpuKernelShape> chooseGpuKernelShape(
    AttentionOp op, StringRef chip, int64_t warps = 4, int64_t rowTiles = 0,
    bool pingPong = true, int64_t keySplits = 0, bool clusters = false,
    KernelChoice headPairs = KernelChoice::Auto,
    KernelChoice persistent = KernelChoice::Auto, bool pairKeyBlocks = true);

/// Builds the kernel of `op` as `name` in `module`. Its arguments are the
/// op's operands then its results, as strided memrefs.
///
/// With `merge`, the kernel writes the merge's results instead of `op`'s:
/// - gated or sum (one of its branches `op`'s output, which nothing else
///   reads): as each output row is stored it is weighted and summed with
///   the other branches' rows, so the branch is never materialised and the
///   merge launches nothing. The merge's other operands (branches, then
///   gates, in its order) come between `op`'s operands and the output.
/// - lse (`op` the first of its union sources): one online softmax visits
///   every source's key tiles in turn with `op`'s query tile, each under
///   its own mask and score modifiers, so neither branch is materialised.
///   The arguments are Q, then K and V of each source, the output and the
///   merged LSE (if the merge has one); sm_90a kernels take Q's tensor map
///   and then K's and V's of each source.
/// - gated or sum with `laterBranch` (canRunAsBranches): the kernel computes
///   two of the merge's branches, `op`'s and then `laterBranch`'s, each its
///   own softmax over its own key tiles, in one loop (sm_90a): `op`'s rows
///   are kept in registers, rounded as its output would be, and merged with
///   `laterBranch`'s as the rows are stored. Neither branch is
///   materialised, and the query tile is loaded once. The arguments are
///   those of a union (K and V of both), then the merge's other operands.
///
/// With `compress` (an attn.compress mean of `op`'s output, see
/// canCompressInEpilogue), the kernel also writes the compressed tokens,
/// the mean of each 64-row segment of its rounded output, as its last
/// argument; without `storesOutput` it writes only them (the compress is
/// the output's one reader), and the output is not an argument.
FailureOr<gpu::GPUFuncOp>
buildFlashKernel(OpBuilder &builder, gpu::GPUModuleOp module, AttentionOp op,
                 StringRef name, const GpuKernelShape &shape, MergeOp merge,
                 CompressOp compress, bool storesOutput,
                 AttentionOp laterBranch);

/// Whether the kernel of `op` in `shape` can compute `compress` of its
/// output as it stores its rows: a mean over non-overlapping segments of
/// 64 tokens (one consumer warpgroup's rows of the warp-specialised
/// kernel), no weights, and no merge in the same epilogue.
bool canCompressInEpilogue(CompressOp compress, AttentionOp op,
                           const GpuKernelShape &shape);

/// Whether the kernel of `op` in `shape` can run the merge epilogue of
/// buildFlashKernel: its rows are stored whole, by query position (no
/// split keys), and it has no LSE result.
bool canMergeInEpilogue(AttentionOp op, const GpuKernelShape &shape);

/// Whether a kernel of `shape` can compute the lse `merge` as the union of
/// its sources (MergeOp::getUnionSources) in buildFlashKernel: no split
/// keys, and sources of Q, K, V and static masks (no bias, segment ids,
/// layouts, indices or data-dependent predicates), except that on sm_90a
/// the first source may have documents (its shape's tile list is then its
/// own; the kernel lists its tiles before the others').
bool canRunAsUnion(MergeOp merge, const GpuKernelShape &shape);

/// Whether the kernel of `first` in `shape` can compute the gated or sum
/// `merge`'s branches `first` and then `later` (buildFlashKernel's
/// `laterBranch`): both outputs read by the merge alone, the same Q and
/// scale, K and V of the same shapes, softmax without a sink, LSE, bias,
/// segment ids, layout, score modifiers or captured tensors; `first` may
/// select blocks (its tile list), `later`'s mask is static; `shape` is the
/// warp-specialised kernel's (sm_90a), without split keys.
bool canRunAsBranches(MergeOp merge, AttentionOp first, AttentionOp later,
                      const GpuKernelShape &shape);

/// The linear-attention kernel shape for `op` on `chip`, or a diagnostic.
FailureOr<GpuLinearKernelShape> chooseGpuLinearKernelShape(LinearAttentionOp op,
                                                           StringRef chip);

/// The two kernels of a segmented linear attention (one, the outputs,
/// without segments).
enum class LinearKernelPart { SegmentStates, Outputs };

/// The workspace a segmented linear attention's kernels share.
inline MemRefType linearWorkspaceType(MLIRContext *context) {
  return MemRefType::get({ShapedType::kDynamic}, Float32Type::get(context));
}

/// Builds the chunked linear-attention kernel of `op` as `name` in
/// `module`; its arguments are Q, K, V, (decay,) then the output.
/// With segments the workspace follows the output.
gpu::GPUFuncOp buildLinearAttentionKernel(OpBuilder &builder,
                                          gpu::GPUModuleOp module,
                                          LinearAttentionOp op, StringRef name,
                                          const GpuLinearKernelShape &shape,
                                          LinearKernelPart part);

/// The token ops between a program's attention kernels (attn.compress,
/// attn.merge, attn.causal_conv) run a thread per `elementwiseWidth(op)`
/// consecutive elements of a result row (8 where every 4-D buffer is 16-bit
/// with rows a multiple of 8 long, else 1), in CTAs of kElementwiseThreads.
inline constexpr int64_t kElementwiseThreads = 256;
int64_t elementwiseWidth(Operation *op);
/// The grid's x of a kernel of a thread per `width` consecutive elements
/// of its result's buffer `result` (whose sizes may be dynamic), computed
/// at `b`: elementwiseWidth(op) for those ops, 1 for an elementwise op's.
Value elementwiseGridX(OpBuilder &b, Location loc, Value result, int64_t width);
/// The kernel of attn.compress: arguments input, (weights,) result.
gpu::GPUFuncOp buildCompressKernel(OpBuilder &builder, gpu::GPUModuleOp module,
                                   CompressOp op, StringRef name);
/// attn.causal_conv's threads each take this many rows (of elementwiseWidth
/// columns); the grid's x of its kernel, computed at `b` from the result's
/// buffer `result`.
inline constexpr int64_t kConvRowsPerThread = 8;
/// The most taps a causal conv's kernel takes: it unrolls them, each
/// lane's weights in registers (models use 4; 2000 took minutes to
/// compile).
inline constexpr int64_t kMaxConvTaps = 64;
Value causalConvGridX(OpBuilder &b, Location loc, CausalConvOp op,
                      Value result);
/// The kernel of attn.causal_conv: arguments input, weight, result.
gpu::GPUFuncOp buildCausalConvKernel(OpBuilder &builder,
                                     gpu::GPUModuleOp module, CausalConvOp op,
                                     StringRef name);
/// The kernel of attn.merge: arguments the op's operands (branch outputs,
/// then their LSEs or gates), then its results.
gpu::GPUFuncOp buildMergeKernel(OpBuilder &builder, gpu::GPUModuleOp module,
                                MergeOp op, StringRef name);

/// The kernel of an elementwise arith or math op on tensors between a
/// program's attn ops (ProgramMatching's isElementwiseTensorOp): a thread
/// per element recomputes `root` from `leaves` (elementwiseLeaves) through
/// the elementwise ops and splat constants between them, in their own
/// element types. Arguments: the leaves, then the result.
gpu::GPUFuncOp buildElementwiseKernel(OpBuilder &builder,
                                      gpu::GPUModuleOp module, Operation *root,
                                      ArrayRef<Value> leaves, StringRef name);

/// The shape of an attn.block_scores kernel (BlockScoresKernel.cpp): a
/// CTA of kWarps warps per (query block, K/V head, batch) whose rows (the
/// block's queries of each query head of the group) are staged in shared
/// memory, and key tiles of kKeyTile compressed keys.
struct GpuBlockScoresShape {
  static constexpr int64_t kKeyTile = 64, kWarps = 4;
  /// The products' head dim: the operands' (queryColumns) padded to a
  /// multiple of 16, the padding copied in as zeros.
  int64_t headDim = 0, blockQ = 0, group = 1, kvHeads = 0;
  int64_t queryColumns = 0;
  int64_t queryLength = 0, keyLength = 0;
  double scale = 1.0;
  /// sm_90a with rows and head dim in multiples of 64: the products are
  /// wgmma's, on tiles in TMA's 128-byte swizzle (panels of 64 columns)
  /// instead of padded rows read by ldmatrix.
  bool warpgroup = false;
  /// Warpgroup kernels whose query blocks are whole 8-row groups: Q (a box
  /// per head) and the key tiles arrive by TMA on mbarriers instead of
  /// per-thread cp.async, the kernel's first two arguments their tensor
  /// maps.
  bool tma = false;
  /// The constant table of each query block's key-tile range.
  std::string tableName;
  /// fuse-topk: the k of the attn.topk that is the scores' only reader, or
  /// 0. The CTA then keeps its row of scores (f32) in shared memory and its
  /// first warp stores the row's picks [B, Hkv, blocks, k] instead.
  int64_t topk = 0;
  int64_t rows() const { return blockQ * group; }
  int64_t threads() const { return 32 * kWarps; }
  int64_t numBlocks() const { return llvm::divideCeil(queryLength, blockQ); }
  /// Bytes of a tile of `tileRows` rows: padded by 16 bytes per row for
  /// ldmatrix without bank conflicts; swizzled ones need no padding.
  int64_t tileBytes(int64_t tileRows) const {
    return 2 * tileRows * (warpgroup ? headDim : headDim + 8);
  }
  /// The rows, then two key tiles (one is copied while the other is used),
  /// then each row's shift (f32) for the second pass; swizzled
  /// tiles start at 1024-byte multiples, so those kernels ask for 1024
  /// bytes of slack to align the base.
  int64_t keyTileOffset() const { return tileBytes(rows()); }
  int64_t keyTileBytes() const { return tileBytes(kKeyTile); }
  int64_t statsOffset() const { return keyTileOffset() + 2 * keyTileBytes(); }
  /// TMA's mbarriers (Q's, then each pass's two key stages), 8-byte
  /// aligned after the shifts.
  int64_t barrierOffset() const { return statsOffset() + 4 * rows(); }
  static constexpr int64_t kBarriers = 5;
  /// With topk: the row of scores, then its picks (i32).
  int64_t topkRowOffset() const {
    return barrierOffset() + (tma ? 8 * kBarriers : 0);
  }
  int64_t topkPicksOffset() const { return topkRowOffset() + 4 * keyLength; }
  int64_t sharedBytes() const {
    return (topk ? topkPicksOffset() + 4 * topk : topkRowOffset()) +
           (warpgroup ? 1024 : 0);
  }
};
/// The block-scores kernel shape for `op` (static shapes, tensor-core
/// operands) on `chip`, whose CTAs may have `sharedMemoryLimit` bytes, or a
/// diagnostic.
FailureOr<GpuBlockScoresShape>
chooseGpuBlockScoresShape(BlockScoresOp op, StringRef chip,
                          int64_t sharedMemoryLimit);
/// The kernel of attn.block_scores: arguments (with `shape.tma`: the
/// tensor maps of the query and the keys,) query, keys, (with `sharedLse`:
/// the LSE [B, Hq, Lq] of an attention over the same probabilities, which
/// replaces the kernel's first pass,) result (with `topk`, fused as
/// `shape.topk` says: the picks); grid (query blocks, K/V heads, batch).
gpu::GPUFuncOp buildBlockScoresKernel(OpBuilder &builder,
                                      gpu::GPUModuleOp module, BlockScoresOp op,
                                      StringRef name, GpuBlockScoresShape shape,
                                      bool sharedLse, TopkOp topk);
/// Whether the block-scores kernel of `shape` can run `topk` (the scores'
/// only reader) itself: its row and picks fit in shared memory beside the
/// rest without fewer CTAs resident per multiprocessor (of
/// `sharedMemoryLimit` + 1 KiB, up to four), so that the scores are never
/// stored. Sets `shape.topk` if so.
bool fuseTopkIntoBlockScores(GpuBlockScoresShape &shape, TopkOp topk,
                             int64_t sharedMemoryLimit);
/// The key tiles' kv segment-id ranges of a document mask
/// (GpuKernelShape::keyTileRanges): [B, ceil(Lkv / blockKv), 2] i32, each
/// tile's min and max id. Their kernel's arguments are the kv segment ids
/// and the ranges; a warp per tile, kSegmentRangeWarps a CTA, grid
/// (keyTileRangesGridX, B).
inline constexpr int64_t kSegmentRangeWarps = 4;
MemRefType keyTileRangesType(AttentionOp op, int64_t blockKv);
int64_t keyTileRangesGridX(AttentionOp op, int64_t blockKv);
gpu::GPUFuncOp buildSegmentRangesKernel(OpBuilder &builder,
                                        gpu::GPUModuleOp module, AttentionOp op,
                                        StringRef name, int64_t blockKv);
/// The workspaces of a decode kernel whose CTAs split the keys
/// (GpuKernelShape::keySplits), f32: per split the unnormalised
/// accumulators [splits, B, Hq, Lq, Dv] (relative to the row's max in
/// their split), and each row's max (log2 units, -inf for a split without
/// keys of the row) and sum [splits, B, Hq, Lq, 2].
MemRefType keySplitAccumulatorsType(AttentionOp op,
                                    const GpuKernelShape &shape);
MemRefType keySplitStatisticsType(AttentionOp op, const GpuKernelShape &shape);
/// The kernel that combines those splits into the outputs, as the CTA's
/// warps are combined (and adds a sink once): arguments the two
/// workspaces, (the sink,) the output and (if `op` has one) the LSE; a
/// thread per output element, kElementwiseThreads a CTA, grid
/// keySplitCombineGridX.
gpu::GPUFuncOp buildKeySplitCombineKernel(OpBuilder &builder,
                                          gpu::GPUModuleOp module,
                                          AttentionOp op, StringRef name,
                                          const GpuKernelShape &shape);
/// The combine kernel's CTAs: ceil(output elements / kElementwiseThreads).
int64_t keySplitCombineGridX(AttentionOp op);
/// attn.topk: a warp per row of scores, kTopkWarps rows per CTA, each
/// row's copy and its k picks in shared memory.
inline constexpr int64_t kTopkWarps = 4;
/// Its shared memory: kTopkWarps x 4 x (width + k) bytes, or kDynamic for
/// rows whose width is dynamic; the same computed at `b` from the scores'
/// buffer `scores`.
int64_t topkSharedBytes(TopkOp op);
Value topkSharedBytes(OpBuilder &b, Location loc, TopkOp op, Value scores);
/// The most shared memory a top-k kernel opts in to on a chip of
/// `sharedMemoryLimit` bytes a CTA: 1 KiB less. (Chosen when the PTX
/// declared the dynamic shared memory's symbol with a byte of static
/// shared memory, which counted against the limit and made an opt-in of
/// the whole limit fail; since attn-extern-dynamic-shared there is none,
/// but the whole limit has not been tried on a GPU.)
int64_t topkSharedLimit(int64_t sharedMemoryLimit);
/// Rows of the scores' buffer `scores` (all but the last dimension).
Value topkRows(OpBuilder &b, Location loc, Value scores);
/// The kernel of attn.topk: arguments scores, indices; grid
/// ceil(rows / kTopkWarps). Rows of a dynamic width may use shared memory
/// up to `sharedMemoryLimit` bytes (the launch gives the row's).
gpu::GPUFuncOp buildTopkKernel(OpBuilder &builder, gpu::GPUModuleOp module,
                               TopkOp op, StringRef name,
                               int64_t sharedMemoryLimit);

/// A kernel `name` with `arguments` at the builder's point, with the launch
/// attributes every attn kernel carries (threads, query tile, dynamic
/// shared memory).
gpu::GPUFuncOp createKernelFunction(OpBuilder &builder, Location loc,
                                    StringRef name, TypeRange arguments,
                                    int64_t threads, int64_t blockQ,
                                    int64_t sharedBytes);

/// The memref type a kernel takes for a tensor operand or result: the same
/// shape, any strides (the innermost one 1 if `contiguousRows`).
MemRefType kernelBufferType(RankedTensorType type, bool contiguousRows);

} // namespace mlir::attn

#endif // ATTN_CONVERSION_ATTNTOGPU_ATTNTOGPU_H
