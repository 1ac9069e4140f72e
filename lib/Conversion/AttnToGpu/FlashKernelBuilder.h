//===- FlashKernelBuilder.h - the GPU flash kernel's builder -----*- C++
//-*-===//
//
// The builder of one attention kernel (FlashKernel.cpp: the loop;
// KernelTileSkipping.cpp: tile tests and lists for data-dependent masks;
// KernelEpilogue.cpp: normalisation, LSE and the split-key merge).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELBUILDER_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELBUILDER_H

#include "IndexArithmetic.h"
#include "WarpMatrix.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"
#include "attn/Dialect/Attn/IR/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <array>
#include <optional>

namespace mlir::attn::gpu_lowering {

inline constexpr int64_t kDyn = ShapedType::kDynamic;

/// An attn.merge gated or sum run as the kernel's rows are stored
/// (buildFlashKernel's `merge`): the branches' outputs (null for the
/// kernel's own rows) and, gated, every branch's gate.
struct MergeEpilogueBuffers {
  SmallVector<Value> outputs, gates;
  /// With KernelBuffers::separateBranches: the branch whose rows the kernel
  /// computed first and holds (its output is null too).
  std::optional<int64_t> heldBranch;
};

/// A key source of a union (buildFlashKernel's `merge` of kind lse): an
/// attention of the kernel's queries, its K and V buffers and its block
/// map's range table (null: every tile).
struct UnionSourceBuffers {
  AttentionOp op;
  Value key, value, rangeTable;
};

/// The kernel's buffers, in argument order (a union's sources' K and V
/// follow the query).
struct KernelBuffers {
  Value query, key, value, bias, qSegments, kvSegments, layout, indices, sink;
  /// GpuKernelShape::keyTileRanges: each key tile's kv segment-id min and
  /// max, [B, tiles, 2].
  Value keyTileRanges;
  std::optional<MergeEpilogueBuffers> merge;
  /// A union's sources, the first the kernel's op; empty otherwise. With
  /// `separateBranches`, two branches of the merge epilogue instead: each
  /// source its own softmax, the first's rows held for the merge
  /// (buildFlashKernel's laterBranch).
  SmallVector<UnionSourceBuffers> unionSources;
  bool separateBranches = false;
  /// The output (null when only `compressed` is written), its LSE, and an
  /// attn.compress mean of its 64-row segments (canCompressInEpilogue).
  Value output, lse, compressed;
  /// With GpuKernelShape::keySplits > 1, the split kernel writes these
  /// (keySplitAccumulatorsType, keySplitStatisticsType) instead of the
  /// output and LSE, and the combine kernel reads them.
  Value splitAccumulators, splitStatistics;
};

/// The rows of one consumer warpgroup of the warp-specialised kernel: a
/// segment of a compress in its epilogue.
inline constexpr int64_t kSegmentRows = 64;

class FlashKernelBuilder : IndexArithmetic {
public:
  FlashKernelBuilder(OpBuilder &builder, Location loc, AttentionOp op,
                     const GpuKernelShape &shape, Type elementType)
      : IndexArithmetic(builder, loc), op(op),
        shape(shape), w{builder, loc, elementType}, elementType(elementType) {
    // (A union's sources are all softmax: the lead's normaliser is every
    // source's.)
    if (auto sigmoid = dyn_cast<SigmoidAttr>(op.getNormalizerOrDefault()))
      sigmoidBias = sigmoid.getBias().convertToDouble();
  }

  void build(const KernelBuffers &buffers, Value rangeTable);
  /// The combine kernel of split keys (KeySplitCombine.cpp): reads
  /// buffers.splitAccumulators and splitStatistics (and the sink), writes
  /// the output and LSE.
  void buildKeySplitCombine(const KernelBuffers &buffers);
  /// sm_90a's warp-specialised kernel (WarpgroupKernel.cpp); `tensorMaps`
  /// are the kernel's CUtensorMap arguments of Q, K and V.
  void buildWarpSpecialized(const KernelBuffers &buffers, Value rangeTable,
                            ArrayRef<Value> tensorMaps);

private:
  /// scf.if (x == 0) without an else: a leader thread's work.
  scf::IfOp ifZero(Value x) {
    return scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(0)),
        /*withElseRegion=*/false);
  }
  Value dim(Value memref, int64_t index) {
    return memref::DimOp::create(b, loc, memref, index);
  }

  /// A [rows, pitch] view of the dynamic shared memory at `byteOffset`.
  Value sharedTile(Value byteOffset, int64_t rows, int64_t dim);
  /// cp.async of rows [firstRow, firstRow + rows) of buffer[batch, head]
  /// into `tile`, 16 bytes per copy; rows past `length` are zero-filled,
  /// and so are a padded tile's columns past the operand's `columns`.
  void copyTile(Value buffer, Value head, Value firstRow, Value length,
                Value tile, int64_t rows, int64_t dim, int64_t columns);
  /// The general form: tile row t reads buffer[batch, locate(t)] when
  /// `valid(t)`; `threadIndex` of `threadCount` threads share the copies.
  void copyRows(Value buffer, Value tile, int64_t rows, int64_t dim,
                int64_t columns, function_ref<Value(Value)> valid,
                function_ref<std::pair<Value, Value>(Value)> locate,
                Value threadIndex, int64_t threadCount);
  /// The (query head, query row) of tile row `r` (rowBase included).
  std::pair<Value, Value> queryOfRow(Value r);
  /// A CTA barrier, or a warp barrier when warps split the keys.
  void tileSync();
  /// The natural LSE of a row from its max `shift` (log2 units) and sum
  /// (-inf when the sum is 0).
  Value rowLse(Value shift, Value sum);
  /// 2^(sink[head] log2 e - shift): the sink's share of a denominator.
  Value sinkWeight(Value sinkHead, Value shift);
  /// Whether finishScores leaves scores unscaled (softmax without
  /// modifiers), and the factor that takes them to log2 units. The sm_80
  /// kernel folds only up to head dim 64: at 128 it is at 255 registers
  /// and the fold made ptxas spill (H200 A/B: D = 64 +4-5%, D = 128 -1 to
  /// -3.5%). The warp-specialised one does not spill with it, and gains
  /// (D = 128 at 64k: causal and window 0.96x the time, NSA-style 0.97x).
  /// (Masked scores are -inf before the factor: it must be positive.)
  /// (A union's sources share the scale; raw only if all are plain.)
  bool rawScores() {
    auto plain = [](AttentionOp source) {
      return source.getScore().empty() && source.getScoreMod().empty();
    };
    bool allPlain = keySources.empty()
                        ? plain(op)
                        : llvm::all_of(keySources, [&](const KeySource &s) {
                            return plain(s.op);
                          });
    return !sigmoidBias && allPlain &&
           (shape.headDim <= 64 || shape.warpgroups) &&
           *op.getScaleOrDefault() > 0;
  }
  Value scaleToLog2() { return w.f32(*op.getScaleOrDefault() * kLog2E); }
  /// Converts an f32 result to the output's element type.
  Value toOutput(Value x);
  /// Split keys: each warp leaves its rows' max, sum and accumulators in
  /// shared memory; the CTA combines them and stores the outputs (with
  /// keySplits > 1, its split's partial results).
  void mergeWarps(ValueRange state, int64_t accBase);
  /// One output element's partial results combined (a split-keys CTA's
  /// warps, or the CTAs of a key split): `part(k)` gives part k's row max
  /// (log2 units, -inf without keys), row sum and accumulator. The sum and
  /// numerator are relative to `shift`: the max, or 0 when no part has
  /// keys (then both are 0).
  struct CombinedParts {
    Value max, shift, sum, numerator;
  };
  CombinedParts combineParts(int64_t parts,
                             function_ref<std::array<Value, 3>(int64_t)> part);
  /// The normalised output of combined parts for a row of query head
  /// `rowHead`: numerator / (sum + the sink's weight), 0 where nothing
  /// weighs; the numerator with a sigmoid normaliser.
  Value combinedOutput(const CombinedParts &combined, Value rowHead);
  /// Stores element (batch, rowHead, queryRow, column) of the output from
  /// combined parts, and the row's LSE from column 0.
  void storeCombined(const CombinedParts &combined, Value rowHead,
                     Value queryRow, Value column);
  /// Sets batch, queryLength, keyLength and numQueryHeads (and keySplit)
  /// from the CTA's grid position and buffers; returns its query tile.
  Value locateCta();
  /// The key tiles a query tile visits, [first, end), and its run of tiles
  /// whose pairs the static mask allows, [fullFirst, fullEnd): from the
  /// range table's row `queryTileIndex`, else every tile.
  struct KeyTileBounds {
    Value first, end, fullFirst, fullEnd;
  };
  KeyTileBounds keyTileBounds(Value rangeTable, Value queryTileIndex);
  /// `bounds` cut to the CTA's split: the keySplit-th run of
  /// ceil((end - first) / keySplits) of its tiles.
  KeyTileBounds boundsOfSplit(const KeyTileBounds &bounds);

  /// A union's key source as the kernel sees it: the op (masks, score
  /// modifiers), K and V, their length and head for the CTA, the key tiles
  /// it visits, the number of its first visited tile among all sources',
  /// and (sm_90a) its tensor maps' addresses.
  struct KeySource {
    AttentionOp op;
    Value key, value, keyLength, kvHead, start, keyMap, valueMap;
    KeyTileBounds bounds;
    /// The lead source of documents (sm_90a): the list of its visited
    /// tiles within `bounds` and its length (listUnionLead).
    Value list, listLength;
  };
  SmallVector<KeySource> keySources;
  /// Lists the visited tiles of the union's lead source (its documents,
  /// within its static bounds) and numbers the other sources' tiles after
  /// them; returns the union's number of visited tiles.
  Value listUnionLead();
  /// While onKeySource runs its body for a listed source's tile: whether
  /// every pair of the tile passes the lead's documents (ListedTile).
  Value listedUniform;
  /// While onKeySource runs its body for a tile of paired key blocks
  /// (GpuKernelShape::keyBlocksPerTile): the tile's second block, whose
  /// keys are the tile's second half (blockPastKeys where it has none; its
  /// first block is the body's key tile).
  Value pairedBlock;
  /// The CTA's tiles of products over `blocks` visited key blocks.
  Value visitsOf(Value blocks);
  struct ListedTile;
  /// The `block`-th block a source visits: entry `block` of its `list` (of
  /// `length` entries), or without a list `first` + `block`.
  ListedTile sourceBlock(Value list, Value length, Value first, Value block);
  /// Tile `tile` of paired key blocks over a source's `blocks` visited
  /// blocks (sourceBlock's): blocks 2 tile and 2 tile + 1, the second
  /// blockPastKeys() where the source has no such block.
  ListedTile pairedTile(Value tile, Value list, Value first, Value blocks);
  /// The first key block past the current source's keys: a paired tile's
  /// second where it has none (TMA reads zeros there, and every key is
  /// past the key length).
  Value blockPastKeys();
  /// sm_90a: the tensor maps' addresses of the current source's K and V.
  Value keyMap, valueMap;
  /// Sets up keySources from buffers.unionSources for the CTA's query tile
  /// (after head and kvHead); `maps` are sm_90a's K and V tensor-map
  /// addresses, a pair per source. Returns the bounds of the loop over
  /// visited tiles: every source's in turn, numbered from 0.
  KeyTileBounds setUpKeySources(Value queryTileIndex, ArrayRef<Value> maps);
  /// Makes `source` the kernel's current one (op, K, V, key length, head).
  void useKeySource(const KeySource &source);
  /// `body` for visited tile `tile` (of the loop setUpKeySources bounds):
  /// with a union, under the tile's source made current (a branch per
  /// source) and given its own key tile and bounds; else given `tile` and
  /// `bounds`. Returns `body`'s results, of `types`.
  /// With paired key blocks, the body sees pairedBlock: `second` where
  /// there is no union, else the source's.
  SmallVector<Value> onKeySource(
      Value tile, TypeRange types, const KeyTileBounds &bounds,
      function_ref<SmallVector<Value>(Value, const KeyTileBounds &)> body,
      Value second = {});
  /// finishScores of key tile u, masked only when u is outside the run of
  /// full tiles, partial, or not `uniform()` (when given: every pair of the
  /// tile passes the data-dependent predicates, which a uniform tile then
  /// skips when it needs the others).
  SmallVector<Value> tileScores(ArrayRef<Value> raw, Value keyTile,
                                const KeyTileBounds &bounds,
                                function_ref<Value()> uniform = {});
  /// The online softmax (or sigmoid) step of one key tile: `x` are the
  /// tile's scores from finishScores and `carried` the loop state (per row
  /// slot the max and partial sum, then the accumulators). Returns the new
  /// state, accumulators rescaled, then P packed as A operands (four i32
  /// per 16 keys per row tile). With `deferredCorrections`, the
  /// accumulators are returned as carried and their factors (one per row
  /// slot) left there, for the caller to apply later.
  SmallVector<Value>
  softmaxUpdate(ArrayRef<Value> x, ArrayRef<Value> carried,
                SmallVectorImpl<Value> *deferredCorrections = nullptr);
  struct MergeRowInputs;
  /// Normalises the loop state's accumulators and stores the warp's rows of
  /// the output and LSE (and the compress epilogue's segment means), with
  /// the merge epilogue's inputs `loadedMerge` when the caller read them
  /// already (loadMergeRows).
  /// With separate branches, `heldWords` are the first branch's rows
  /// (heldRowWords; none: a branch without keys, zeros).
  void storeRows(ValueRange state, ArrayRef<MergeRowInputs> loadedMerge = {},
                 ArrayRef<Value> heldWords = {});
  /// The lane's output words of row slot `slot` of `state` (16-bit pairs,
  /// one per 8-column tile: columns 8 t + 2 quad and the next), each
  /// accumulator times `inverse`.
  SmallVector<Value> rowWords(ValueRange state, int64_t slot, Value inverse);
  /// The factor of row slot `slot`'s accumulators in its output, given the
  /// row's sum over the quad: 1 / (sum + the sink's weight), 0 where
  /// nothing weighs; 1 with a sigmoid normaliser.
  Value rowInverse(ValueRange state, int64_t slot, Value sum);
  /// Separate branches: the normalised, rounded rows of a softmax `state`
  /// (every row slot's words, quads transposed as storeRows stores them),
  /// for the merge epilogue of the branch after it.
  SmallVector<Value> heldRowWords(ValueRange state);
  /// Sets every row slot's columns of the held branch from `heldWords`
  /// (heldRowWords; none: zeros), as loadMergeRow reads a branch's.
  void holdBranchColumns(MutableArrayRef<MergeRowInputs> inputs,
                         ArrayRef<Value> heldWords);
  /// The query row of the lane's row slot `slot` (rowBase included).
  Value slotRow(int64_t slot);
  /// The compress epilogue: `columns` are the lane's sums over its valid
  /// rows of the rounded outputs of columns 8 t + 2 quad and the next;
  /// the consumer warpgroup reduces them and stores its segment's mean.
  void storeSegmentMean(ArrayRef<Value> columns);
  /// Set by buildConsumers for the compress epilogue: [4, valueDim] f32
  /// of shared memory (the consumer's rows of Q, read by its last product
  /// already), the consumer's named barrier and first row.
  Value segmentScratch, segmentBarrier, segmentFirstRow;
  /// The merge epilogue's reads for one row of output `words` (16-bit
  /// pairs as storeRowWords takes them, the first `grouped` through
  /// transposeQuads): every gate, and each other branch's columns of the
  /// lane's words (a vector per group of 4 words, then per word).
  struct MergeRowInputs {
    SmallVector<Value> gates;
    SmallVector<SmallVector<Value>> branchColumns;
  };
  MergeRowInputs loadMergeRow(Value row, Value quad, int64_t words,
                              int64_t grouped);
  /// loadMergeRow of the lane's row slot `slot`, and of all of them.
  MergeRowInputs loadSlotMergeRow(int64_t slot);
  SmallVector<MergeRowInputs> loadMergeRows();
  /// The merge epilogue of one row's output `words`: each pair of columns
  /// becomes the merge of the row's branches, summed in branch order in f32
  /// with this kernel's rounded output as its branch (as the merge kernel
  /// sums it), and rounded once.
  void mergeRowWords(MutableArrayRef<Value> words, int64_t grouped,
                     const MergeRowInputs &inputs);
  void commitGroup();
  void waitGroups(int64_t pending);
  void barrier() { gpu::BarrierOp::create(b, loc); }

  /// Whether the data-dependent predicates may allow a pair of key tile u.
  /// Document masks use `keyRange` (the tile's kv segment-id range) when
  /// given, else reduce it with the whole CTA.
  Value tileMayHaveKeys(Value keyTile, std::pair<Value, Value> keyRange = {});
  /// The visited tiles of [first, end) for data-dependent masks, tested by
  /// the CTA in parallel (a tile per thread) and compacted into a shared
  /// list; returns the list and its length.
  std::pair<Value, Value> buildTileList(Value first, Value end);
  /// The place of this thread among the CTA's threads whose `kept` holds
  /// (warp order, then lane order) and how many hold it: a ballot per
  /// warp, each warp's count through its slot of `counts` (shared i32s, a
  /// slot a warp), a barrier, then the sums. Every thread must call it.
  std::pair<Value, Value> rankAcrossCta(Value kept, Value counts);
  /// A selection's list sized by its slots (GpuKernelShape::slotSizedList),
  /// one query block per CTA: each of its tileListEntries candidates (tile k
  /// of slot s, from selectionSlotBlock and `tilesOf`) is a thread's, staged in
  /// `candidates`; the CTA keeps each tile once in candidate order. Returns
  /// `list` and its length.
  std::pair<Value, Value> buildCandidateList(
      Value list, Value candidates,
      function_ref<SmallVector<std::pair<Value, Value>>(Value)> tilesOf);
  /// Entry `index` of a tile list of `length` entries (clamped to the last
  /// one): the key tile and whether every pair of it passes the
  /// data-dependent predicates (documents, nested layouts; selections keep
  /// their flags).
  struct ListedTile {
    Value tile, uniform;
    /// With paired key blocks: the tile's second block (pairedBlock).
    Value second = {};
  };
  ListedTile listedTile(Value list, Value length, Value index);
  /// Whether list entries mark uniform tiles (documents and block layouts
  /// that nest the tiles the only data-dependent predicates).
  bool listMarksUniformTiles();
  /// Whether `predicate` is a block layout each of whose blocks holds whole
  /// tiles of one head's rows: a tile it lets in, it lets in whole.
  bool layoutNestsTiles(Attribute predicate);
  /// The min and max of segments[batch, first + t] over t < count (and
  /// first + t < length), reduced by the whole CTA through `scratchSlot`
  /// of the shared scratch area; every thread gets them.
  std::pair<Value, Value> cooperativeRange(Value segments, Value firstIndex,
                                           int64_t count, Value length,
                                           int64_t scratchSlot);
  /// Which predicates finishScores evaluates per element: none, all but
  /// the data-dependent ones (a tile whose pairs all pass those), or all.
  enum class Masking { None, StaticOnly, All };
  /// The scores of one key tile in log2 units, masked as `masking` says.
  SmallVector<Value> finishScores(ArrayRef<Value> raw, Value keyTile,
                                  Masking masking);
  AttentionPoint pointAt(Value row, Value column);

  AttentionOp op;
  const GpuKernelShape &shape;
  WarpMatrix w;
  Type elementType;

  // Set up by build().
  KernelBuffers buffers;
  Value smem, tid, lane, warp, batch, head, kvHead, queryLength, keyLength,
      numQueryHeads, rowBase, warpRow;
  /// With GpuKernelShape::keySplits > 1: the CTA's split, the index of its
  /// run of key tiles among its tile's.
  Value keySplit;
  bool dataDependent = false;
  /// The bias of a sigmoid normaliser (none: softmax).
  std::optional<double> sigmoidBias;
  /// The segment-id range of the query tile (document masks).
  std::pair<Value, Value> queryRange;
  /// While a tile list of documents is built: the kv segment-id min and
  /// max of every 32 keys, in shared memory.
  std::pair<Value, Value> documentChunks;
  /// The kv segment-id range of key tile u: from buffers.keyTileRanges, or
  /// documentChunks.
  std::pair<Value, Value> tileSegmentRange(Value keyTile);

  /// The list's length, after its `entries` entries: stored by the thread
  /// that built it, read by every thread after a barrier.
  void storeListLength(Value list, int64_t entries, Value length);
  Value loadListLength(Value list, int64_t entries);
  /// Selections (shape.selectionSlots): the list of the tiles in [first,
  /// end) that the CTA's query blocks selected, built from the selection's
  /// slots; selectionFlags[u] keeps bit r for query block r of the CTA.
  std::pair<Value, Value> buildSelectionList(Value first, Value end);
  /// Slot `slot`'s selected block (-1 for an unused slot and a query block
  /// past the end) and its query block among the CTA's.
  std::pair<Value, Value> selectionSlotBlock(Value slot);
  /// Whether warp 0 lists the selection, a slot per lane (up to 32 slots of
  /// one tile each).
  bool selectionListedByWarp();
  /// Whether the CTA holds several query blocks of the selection, so that
  /// the list keeps a flag per tile of which blocks selected it.
  bool selectionFlagsRead();
  /// The warp-specialised kernel's read of lane l's slot for that list,
  /// issued before the CTA's first barrier (prefetchSelectionSlot) so that
  /// its latency overlaps the range tables' reads instead of following
  /// them; null where the list reads its slots itself.
  void prefetchSelectionSlot();
  Value prefetchedSlotBlock;
  /// The selection's predicate for row `tileRow` (rowBase included) of the
  /// key tile whose selectionFlags entry is `flag`, and whether every query
  /// block of the CTA selected key tile u.
  Value rowSelected(Value flag, Value tileRow);
  Value tileSelectedByAll(Value keyTile);
  BlockIndicesAttr selection;

  /// The warp-specialised kernel's shared memory (WarpgroupKernel.cpp), and
  /// its two roles: the TMA producer (given Q's tensor-map address when it
  /// loads Q, null when the CTA's first thread did at the start; K's and
  /// V's are keyMap and valueMap) and the wgmma consumers.
  struct WarpgroupStorage;
  void buildProducer(WarpgroupStorage &storage, Value queryMap,
                     const KeyTileBounds &bounds);
  void buildConsumers(WarpgroupStorage &storage, Value warpgroup,
                      const KeyTileBounds &bounds);
  /// The producer's loads of the current work item's K and V tiles.
  void produceTiles(WarpgroupStorage &storage, const KeyTileBounds &bounds);
  /// Persistent CTAs (GpuKernelShape::persistentCtas): sets batch, head,
  /// kvHead and rowBase for work item `item` (the last query tiles of every
  /// head and batch first) and returns its query tile.
  Value locateWorkItem(Value item);
  /// Persistent CTAs: `body` for each of the CTA's work items in a loop,
  /// given the item's key-tile bounds and its number among the CTA's
  /// items, with the item located and storage's tile count, tile base and
  /// Q's parity set for it.
  void forEachWorkItem(WarpgroupStorage &storage,
                       function_ref<void(const KeyTileBounds &, Value)> body);
  Value selectionFlags;
  static constexpr int64_t kListedBit = 31;
  /// A tile list entry's bit for a uniform tile (the tile below it).
  static constexpr int64_t kUniformBit = 30;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FLASHKERNELBUILDER_H
