//===- Passes.td - attn conversion passes ------------------*- tablegen -*-===//

#ifndef ATTN_CONVERSION_PASSES_TD
#define ATTN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAttnToLinalgPass : Pass<"convert-attn-to-linalg"> {
  let summary = "Lower every attn op to linalg on tensors, materialising "
                "scores: the reference lowering";
  let description = [{
    Rewrites attn ops into `linalg.generic` ops on tensors that compute the
    exact semantics of docs/Semantics.md directly: attention materialises the
    `[B, Hq, Lq, Lkv]` scores (slow and simple on purpose: it is the oracle
    that the fast paths are tested against). Grouped-query attention reads
    the shared key/value heads through indexing maps, never a copy; products
    and sums accumulate in f32; a row with no allowed key gives 0 and an LSE
    of -inf.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertAttnToGpuPass : Pass<"convert-attn-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower functions of attn ops to NVIDIA GPU kernels and a "
                "host function that launches them";
  let description = [{
    For every function whose body is one `attn.attention` of its arguments
    returning its results (programs of several ops: below), builds a kernel
    in the `gpu.module` `@attn_kernels`: one CTA per (query tile, head,
    batch) of 4 warps (128 query rows, 32 per warp; 64 above head dim 128;
    one warp of 16 rows for at most 16 query rows; decode packs a K/V head's
    query heads into one tile and splits its keys over 4 warps, merged in
    shared memory, and over static shapes that leave the GPU idle over
    several CTAs per tile, combined by a second kernel: `key-splits`); K/V
    tiles of 64 keys (32 above head dim 128) double-buffered in shared
    memory by `cp.async` (`nvgpu.device_async_copy`); QK^T and PV on tensor
    cores (`nvgpu.ldmatrix`, `mma.sync` m16n8k16 with f32 accumulation); the
    online softmax on the accumulator fragments, in log2 units. Static
    sequence lengths give a per-query-tile range table from the block map
    (empty tiles are never loaded, masks are evaluated only outside the run
    of full tiles); data-dependent masks (documents, block layouts) skip
    tiles at run time before loading them.

    The function becomes a host function on device buffers: its tensor
    arguments become strided memrefs (any strides, the innermost 1 for Q,
    K, V and the output), its results become trailing output memrefs, and
    its body a `gpu.launch_func` of grid (ceil(Lq / block_q), Hq, B).

    A function of several attn ops (attention, linear attention, compress,
    causal_conv, block_scores, topk, merge) over its arguments and each
    other's results, with elementwise arith and math ops, splat constants,
    `tensor.splat`s of scalar constants and `tensor.generate`s between them
    (their open sizes `tensor.dim`s of the program's tensors, or their
    `arith.ceildivui` by a constant), and the
    `tensor.cast`s that attn-refine-shapes leaves where they meet attn ops
    (a cast's buffer is its source's; it launches nothing), is a
    program: a kernel per op (a chain of elementwise ops one), launched in
    order, with a `gpu.alloc`'d buffer (freed at the end) for every result
    that is not returned; the host function is marked `attn.gpu_program`.
    A function without attn ops whose results are all splats (what
    canonicalisation leaves where every attn op's mask never holds; a splat
    returned twice gets a copy per output) is a program too; other
    functions without attn ops are left alone.
    Batch sizes and lengths may be dynamic: the host computes each
    temporary's sizes and each grid from the buffers; head counts and head
    dims stay static. Block
    scores over the query, keys and mask of one of its attentions take that
    attention's LSE (added if it had none) instead of a first pass.

    With `fuse-merges` (the default), merges launch nothing where their
    branches allow: an `attn.merge lse` of attentions of the same queries
    (`MergeOp::getUnionSources`; Q, K, V and static masks) is one kernel
    whose online softmax visits each source's key tiles in turn under its
    own mask, writing the merged output and LSE; an `attn.merge gated` or
    `sum` with a branch that an attention's kernel stores whole (an output
    read by nothing else, no LSE result, no split keys; the last such
    branch) runs in that kernel's epilogue, which reads the other branches'
    rows and the gates as it stores its own. Either kernel moves to the
    merge's place and writes the merge's results.

    With `fuse-compress` (the default), an `attn.compress mean` of
    non-overlapping 64-token segments of the output of an attention that
    gets the warp-specialised kernel (below; no merge in its epilogue) runs
    in that kernel's epilogue: each consumer warpgroup's 64 rows are one
    segment, whose rounded outputs it sums across lanes and warps (through
    the shared memory of its Q rows) and divides by the segment's length.
    The kernel takes the compressed tokens as its last argument and stores
    its output only if something else reads it.

    With `fuse-topk` (off by default), an `attn.topk` of block scores that
    nothing else reads runs in the block-scores kernel: each CTA keeps its
    row of scores in shared memory, and after its last key tile its first
    warp picks the row's top k (the top-k kernel's selection) and stores
    them; the scores are never stored. Only where the row fits without
    fewer CTAs resident per multiprocessor. It saves the scores' memory,
    not time: one warp's picks at the end of each CTA cost more than the
    top-k kernel they replace (H200, NSA at 8k / 64k: 2% / 1% slower).

    Supported: f16 and bf16 Q/K/V, head dims that are multiples of 16 up to
    256, softmax and sigmoid, sinks, every mask atom and score modifier
    whose hook builds scalar code, GQA. Anything else gets a diagnostic
    naming it.

    With `chip=sm_90a` (Hopper's architecture-specific features), prefill
    shapes with head dims 64 or 128 get the warp-specialised kernel instead
    (data-dependent masks where a static tile list applies: documents,
    block layouts, selections): 3 warpgroups per 128 query rows, a
    producer that loads Q, K and V by TMA (`cp.async.bulk.tensor`, 128-byte
    swizzle) into 3 stages (4 at head dim 64) completing on mbarriers, and
    two consumers of 64 rows that multiply with `wgmma` (P from registers;
    FlashAttention-3's pipeline, taking turns when `ping-pong`) after
    `setmaxnreg` moves registers from producer to consumers; `warps` and
    `row-tiles` must be 0 (automatic) for it. Its first three arguments
    are the CUtensorMaps of Q, K and V (`!llvm.array<16 x i64>`), which the
    host function encodes by calling `attnCudaEncodeTensorMap` (the CUDA
    runtime library's) and `attn-convert-tensor-map-args` turns into
    grid-constant parameters (the launch is skipped if one does not
    encode). Other shapes get the sm_80 kernel.
  }];
  let options = [
    Option<"chip", "chip", "std::string", "\"sm_80\"",
           "The target: sm_80 or newer (sm_90, sm_90a)">,
    Option<"warps", "warps", "int64_t", "0",
           "Warps per CTA (0: 4, or 1 for at most 16 query rows); on "
           "sm_90a, 4 asks for the paired warp-specialised form">,
    Option<"rowTiles", "row-tiles", "int64_t", "0",
           "16-row query tiles per warp (0: 2 up to head dim 128, else 1)">,
    Option<"keySplits", "key-splits", "int64_t", "0",
           "Decode kernels over static shapes (at most 16 query rows per "
           "K/V head): CTAs per tile of rows that split its keys, combined "
           "by a second kernel (0: enough to fill the chip, 1: none)">,
    Option<"pingPong", "ping-pong", "bool", "true",
           "sm_90a's warp-specialised kernel: the two consumer warpgroups "
           "take turns on the tensor cores">,
    Option<"fuseMerges", "fuse-merges", "bool", "true",
           "Programs: LSE merges of attentions run as one kernel over the "
           "union of their keys, gated and sum merges in an attention "
           "kernel's epilogue, where the branches allow it">,
    Option<"fuseCompress", "fuse-compress", "bool", "true",
           "Programs: an attn.compress mean of 64-token segments of an "
           "attention's output runs in the epilogue of the warp-specialised "
           "kernel, which stores the output only if something else reads "
           "it">,
    Option<"fuseTopk", "fuse-topk", "bool", "false",
           "Programs: an attn.topk of block scores that nothing else reads "
           "runs in the block-scores kernel, which keeps its row of scores "
           "in shared memory and stores only the picks, where the row fits "
           "without fewer CTAs resident per multiprocessor (saves the "
           "scores' memory; 1-2% slower on an H200)">,
    Option<"clusters", "clusters", "bool", "false",
           "sm_90a's paired form with grouped heads (2, 4 or 8 query heads "
           "a K/V head) and a selection as its only data-dependent "
           "predicate: the CTAs of a group's heads form a thread-block "
           "cluster and each K/V tile comes once by TMA multicast (L2 "
           "traffic divided by the group; slower on an H200 with two "
           "stages, so off by default)">,
    Option<"headPairs", "head-pairs", "std::string", "\"auto\"",
           "sm_90a: where the paired form runs a selection with 64-row "
           "blocks over grouped heads (an even number a K/V head), a CTA "
           "takes two heads of a group over the same 64 query rows, a "
           "consumer warpgroup each, so each K/V tile serves both: 'auto' "
           "(where K and V hold 96 MiB or more), 'on' or 'off'">,
    Option<"pairKeyBlocks", "pair-key-blocks", "bool", "true",
           "sm_90a: where a CTA takes two heads (head-pairs) of 64-key "
           "blocks at head dim 128, each tile of its products holds two of "
           "its visited blocks (128 keys, two TMA boxes)">,
    Option<"persistent", "persistent", "std::string", "\"auto\"",
           "sm_90a's 128-row form without a tile list: a grid of one CTA a "
           "multiprocessor, each taking work items (query tile, head, "
           "batch) in turn, so that the next item's Q and K/V tiles load "
           "while this one's last products and stores run: 'auto' (where "
           "query tiles visit at most 5 key tiles on average, over more "
           "than 7 waves of items, and K and V hold at most 32 MiB), 'on' "
           "or 'off'">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    // Hooks may build tensor code, which the lowering then reports.
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def AttnConvertTensorMapArgsPass
    : Pass<"attn-convert-tensor-map-args", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Pass warp-specialised kernels' tensor maps as grid-constant "
                "parameters";
  let description = [{
    Runs on a `gpu.module` after `convert-gpu-to-nvvm`. A kernel that
    convert-attn-to-gpu marked `attn.tensor_maps = N` takes N CUtensorMaps
    by value (`!llvm.array<16 x i64>`) and stores each to a stack slot
    whose address TMA reads. TMA cannot read local memory, so the slot and
    the store go and the argument becomes a pointer parameter with
    `llvm.byval`, 64-byte alignment and `nvvm.grid_constant`: PTX then
    declares a `.param .align 64 .b8 [128]` that TMA reads in place (as
    CUDA's `__grid_constant__ const CUtensorMap`). The launch is unchanged:
    it still copies 128 bytes per map into the parameter buffer. The kernel
    also gets `nvvm.minctasm` (ptxas's `.minnctapersm`, without which it
    ignores `setmaxnreg`): `attn.ctas_per_sm` when set (2 for the paired
    form), else 1.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
  ];
}

def AttnExternDynamicSharedPass
    : Pass<"attn-extern-dynamic-shared", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Declare the kernels' dynamic shared memory as PTX's extern "
                "array";
  let description = [{
    Runs on a `gpu.module` after `convert-gpu-to-nvvm`, which lowers
    `gpu.dynamic_shared_memory` to an internal `llvm.mlir.global` of
    `!llvm.array<0 x i8>` in address space 3. NVPTX prints that as a
    one-byte static variable (`.shared .align 16 .b8 __dynamic_shmem__0;`):
    the kernel then takes a byte of static shared memory, its dynamic
    shared memory starts after it, and ptxas reports each access past that
    byte as a "Potential out of bound access". This pass gives every such
    global (address space 3, zero elements, no initializer) external
    linkage, which NVPTX prints as CUDA's `extern __shared__` array,
    `.extern .shared .align 16 .b8 __dynamic_shmem__0[];`: the symbol is
    then the start of the dynamic shared memory itself, and a kernel has
    no static shared memory. Other globals are left alone.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AttnGridDependencyControlPass
    : Pass<"attn-grid-dependency-control", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Let each kernel overlap its launch with the previous "
                "kernel's last CTAs (programmatic dependent launch)";
  let description = [{
    Runs on a `gpu.module` of sm_90 or newer kernels, before their
    conversion to NVVM. Each kernel (`gpu.kernel`) starts with
    `nvvm.griddepcontrol wait` and then `nvvm.griddepcontrol
    launch_dependents`. A launch with programmatic stream serialisation (the
    launchers attn-compile writes for sm_90 and newer) may then start the
    kernel's CTAs while the previous kernel on the stream still runs its
    last ones: they are scheduled as multiprocessors free up and sit at the
    wait until that kernel has completed and its writes are visible. What
    it saves is the device's idle time between two kernels of a program
    (about 2 us each on an H200) and the CTAs' launch. The wait comes
    before anything else, so no kernel reads or writes global memory while
    the previous one may still run: a program's buffers and a caller's
    (the previous call's output as this call's input) need no further
    thought. `launch_dependents` right after it lets the next kernel's CTAs
    launch once every CTA of this one has started (they take only
    multiprocessors this kernel has left). Launched without the attribute,
    both are no-ops. A module whose NVVM target is older than sm_90 (where
    PTX has no `griddepcontrol`) is an error.
  }];
  let dependentDialects = ["::mlir::NVVM::NVVMDialect"];
}

def AttnCheckKernelsLoweredPass
    : Pass<"attn-check-kernels-lowered", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Refuse an op that the conversion to NVVM left in a kernel";
  let description = [{
    Runs on a `gpu.module` after its kernels' conversion to NVVM (the GPU
    pipeline runs it before serialisation). Every op inside must then be of
    the LLVM or NVVM dialect; the first that is not (an op of a score_mod
    or mask_mod region, or of a program's elementwise ops, with no NVVM
    lowering: upstream's conversion has none for `math.ipowi`, which
    attn-expand-math rewrites beforehand in the pipeline) is an error at its
    own location, naming it. Serialisation failed on such an op with "Failed creating the
    llvm::Module", naming neither the op nor where it came from.
  }];
}

def AttnNarrowKernelIndicesPass
    : Pass<"attn-narrow-kernel-indices", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Run score_mod regions' index arithmetic in kernels on i32";
  let description = [{
    Runs on a `gpu.module` before its kernels' conversion to NVVM. In each
    kernel that convert-attn-to-gpu marked `attn.narrow_indices` (it
    inlines a `score_mod` region), integer range analysis bounds the index
    values, and adds, subtractions, products, bitwise ops and signed extrema
    and compares whose operands and results lie in the signed i32 range,
    and unsigned extrema and compares of values in [0, 2^31), run on i32
    (each exact there; divisions, remainders and shifts stay index, as do
    ops whose values the analysis cannot bound): index is 64-bit on NVPTX,
    where an add, a min or a compare is two instructions, and a region's
    table lookup (`bias[h, clamp(i - j)]`) pays them on every score.
    Upstream's narrowing patterns are not used: in MLIR 22 they narrow an
    unsigned remainder of a negative difference, signed ops on values that
    fit only unsigned, and shifts by 32 or more. Other kernels keep their
    arithmetic: the kernels' own positions are already i32 where they
    matter, and narrowing op by op adds conversions between the ops it
    narrows and those it cannot.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// The CPU pipeline's steps between bufferisation and LLVM
//===----------------------------------------------------------------------===//

def AttnScratchBytesPass : Pass<"attn-scratch-bytes", "::mlir::ModuleOp"> {
  let summary = "Add a function that says how large a public function's "
                "largest temporary can be for its arguments";
  let description = [{
    Runs on buffers (after `buffer-results-to-out-params`, while the loops
    are still `scf`). Compiled code allocates its temporaries with
    `malloc` and cannot report a failure from inside its loops, where a
    NULL would be written through. So the caller asks first: for each
    public function `F` with `memref.alloc`s, a public function
    `F.scratch_bytes` takes `F`'s arguments and returns, as `i64`, the
    largest number of bytes one of those allocations can take for them
    (`INT64_MAX` when the product overflows). Each allocation's sizes are
    bounded from above in terms of values that `F`'s entry block computes
    from its arguments without touching memory (`memref.dim`s and
    arithmetic): by upstream's value-bounds analysis (sums, differences,
    products, floor divisions, selects, loop ranges), and by hand for the
    mins that size the tile loops' last tiles, maxes, and divisions by a
    constant (unsigned ones only where their operands cannot be
    negative), so an allocation in a tile loop counts with its largest
    tile. attn-compile's C wrappers and attn-run call it and refuse the
    call (the wrappers return -1) when that many bytes cannot be
    allocated.

    Left out: allocations whose sizes have no such bound (a size loaded
    from memory, as the selection kernels' task tables give; a size a loop
    carries) and the allocations of the functions `F` calls, both counted
    in the function's `attn.unbounded_allocations`; and functions of more
    than one block. The bound is of one allocation: several that together
    exceed the memory, or index arithmetic inside a size expression that
    wraps, are not caught. A symbol named `F.scratch_bytes` already is an
    error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
  ];
}

def AttnSeparateResultsPass
    : Pass<"attn-separate-results", "::mlir::ModuleOp"> {
  let summary = "Give each tensor a function returns a buffer of its own, "
                "apart from the caller's inputs";
  let description = [{
    Runs on tensors before one-shot bufferisation. A public function's
    tensor arguments are marked `bufferization.writable = false`: they are
    the caller's inputs, which the C header declares `const` and attn-run
    passes to every timed call, so an op that would write into one in place
    (an elementwise op whose init became its operand) writes into a copy.
    (A `bufferization.materialize_in_destination` into such an argument is
    then refused by bufferisation; nothing in the project makes one.)
    A function that returns
    one tensor twice would have one buffer for two results, which
    `buffer-results-to-out-params` cannot hoist into two output buffers (it
    crashes): each repeat returns a `linalg.copy` into a `tensor.empty`
    instead. A returned `tensor.empty` can share a buffer too: CSE may have
    made it the init of an op whose result is also returned, and
    bufferisation writes that result into it in place (its contents are
    undefined, so it sees no conflict). It is returned as a
    `bufferization.alloc_tensor` instead, which neither CSE nor in-place
    writes merge. An empty returned through a cast or a region's yield is
    not looked for.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def AttnLowerCopiesPass : Pass<"attn-lower-copies", "::mlir::ModuleOp"> {
  let summary = "Lower buffer copies to loops and drop allocation-free "
                "alloca scopes";
  let description = [{
    Runs on buffers before their loops become branches. A `memref.copy`
    between buffers of arbitrary strides lowers to a call into MLIR's C
    runner library; as a `linalg.copy` it becomes plain loops, so compiled
    code needs no runtime library. The OpenMP conversion wraps each
    parallel body in a `memref.alloca_scope`, which must stay a single block
    while the loops inside it become branches; a scope that holds no
    `memref.alloca` (the bodies here allocate on the heap) is inlined. One
    that does (hand-written input) becomes what MemRefToLLVM would make of
    it, its body inlined between `llvm.intr.stacksave` and
    `llvm.intr.stackrestore`, so that its allocations are still freed on
    leaving it.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def AttnDecomposeAggregatesPass : Pass<"attn-decompose-aggregates"> {
  let summary = "Decompose linalg's aggregate ops (linalg.softmax) into "
                "structured ops";
  let description = [{
    The CPU pipeline lowers linalg's structured ops to loops; an op with
    `linalg::AggregatedOpInterface` (`linalg.softmax`, which StableHLO and
    IREE front ends emit) is none, so it reached the LLVM translation
    unlowered and attn-run failed on a program that kept one (an attention
    that attn-raise-from-linalg left alone, or a softmax of its own). This
    pass replaces each by what its `decomposeOperation` builds (for
    softmax: the max, the exponentials of the differences, their sum and
    the division, as generics), which lower as any other linalg. The CPU
    pipeline runs it before bufferisation.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def AttnCheckResourcesPass : Pass<"attn-check-resources"> {
  let summary = "Fail on resource constants that the compiled code cannot "
                "read, naming the resource";
  let description = [{
    A `dense_resource` constant (torch-mlir holds a module's parameters and
    buffers in them) whose blob the module does not hold, whose blob's size
    is not exactly its type's (the reference evaluator's rule), or whose
    elements have no byte layout (tf32, i4) failed at the translation to
    LLVM IR, with messages that name neither the resource nor the sizes
    ("resource does not exist", "raw data size does not match element type
    size", "no known conversion for innermost element type" for a short i1
    blob), and so did elements that the translation does not take (any
    width but 1, 8, 16, 32 and 64 bits: i24, i128, f80). This pass reports
    each such resource as an error on the op that holds it: the resource's
    key and what is wrong, in the reference evaluator's words
    (`attn/Support/ResourceElements.h`). It looks at the values that the
    translation reads (`arith.constant`, `memref.global`,
    `llvm.mlir.global`, `llvm.mlir.constant`), not at other attributes;
    refuses a resource of dynamic type; and passes an op whose results
    nothing uses (it goes before the translation) and, in `arith.constant`
    and `memref.global`, a resource of no elements whatever its blob holds
    and i1 elements (attn-inline-bool-resources writes those as dense
    elements; in the LLVM dialect's ops they are refused). The CPU pipeline
    runs it right after attn-check-nested-functions, before any function is
    inlined; it copies no blob.
  }];
}

def AttnInlineBoolResourcesPass : Pass<"attn-inline-bool-resources"> {
  let summary = "Write i1 resource constants as dense constants";
  let description = [{
    MLIR's translation to LLVM IR reads a `dense_resource` global's bytes
    for every element type but i1 ("no known conversion for innermost
    element type"), so a program with a boolean buffer held in a resource
    (a registered torch buffer that stays a mask_mod's table) did not
    compile on the CPU. This pass rewrites each `arith.constant` of an i1
    `dense_resource` (and each `memref.global` initialised with one) as the
    dense elements of the same values (a byte each in the blob,
    `attn/Support/ResourceElements.h`); a blob that cannot be read stays
    (attn-check-resources has reported it). Rank-0 resources of any element
    type go the same way: upstream's lowering of a rank-0 global reads its
    value's single element, which a resource does not provide (the pipeline
    aborted on a torch-mlir scalar buffer). A resource of no elements, of
    any element type, becomes the empty dense elements too: the translation
    divides its blob's size by the element count (SIGFPE in attn-run where
    such a blob held bytes). Other resources keep their blobs.
  }];
}

def AttnExpandMathPass : Pass<"attn-expand-math"> {
  let summary = "Rewrite the math ops that upstream's LLVM lowering gets "
                "wrong or lacks, on scalars and vectors";
  let description = [{
    Upstream's math-to-LLVM conversion (MLIR 22) lowers `math.expm1` as
    `exp(x) - 1` and `math.log1p` as `log(1 + x)`, which lose every digit
    near 0 (`expm1(1e-7)` came out as 1.19e-7, `expm1(-0)` as +0); it has no
    pattern for `math.isinf`; and `math.fpowi` becomes LLVM's `powi`, which
    multiplies by repeated squaring (a power of 2^20 off by 3%), drops the
    high half of an i64 exponent and fails to compile with an i8 or i16 one
    on x86. The CPU pipeline runs this pass before those conversions:
    - `expm1(x)` and `log1p(x)` as Kahan's forms, `(u - 1) x / log u` with
      `u = exp x` and `log(u) x / (u - 1)` with `u = 1 + x` (x itself where
      u is 1; the infinities and -1 kept), within a few ulp; f16 and bf16
      in f32, rounded once (each step would round in the narrow type);
    - `isinf(x)` as `|x| == inf`;
    - `fpowi(x, n)` as `pow(|x|, n)` with x's sign where n is odd, except
      a constant exponent of at most 16 in magnitude, which stays LLVM's
      `powi` (a few multiplications) on an i32;
    - `ipowi(b, n)`, which upstream lowers neither to LLVM nor to NVVM, by
      squaring and multiplying over n's bits without branches (a constant n:
      only the products it needs), wrapping at the width; a negative n
      gives 1 for b = 1, -1 or 1 for b = -1, else 0 (b = 0 included, as the
      pipelines' integer division by 0 gives 0); index on i64;
    - `clampf(x, lo, hi)` as `maximumf(minimumf(x, hi), lo)`, the semantics
      of llvm-project#175012 (CUDA's and SPIR-V's clamp: lo where lo > hi,
      NaN in, NaN out); MLIR 22's own expansion bounds the other way round
      and gives hi for every x in range, and neither lowering takes it;
    - `isnormal(x)` as `smallest normal <= |x| <= largest finite` in x's
      type (no lowering upstream);
    - `arith.truncf` in a rounding mode as the default truncf (nearest
      even) and one step of its bits where the mode rounds the other way,
      decided in the source type, where the rounded value is exact. The
      lowering's constrained fptrunc only asserts the environment's mode:
      the CPU rounded to nearest whatever the mode, NVPTX emitted `cvt.rn`,
      and to bf16 the CPU called compiler-rt's `__truncsfbf2`, which
      nothing links. To bf16 from a type wider than f32, in any mode or
      none, the value first goes to f32 rounded to odd, so that the
      rounding to bf16 is its only one (the CPU called `__truncdfbf2`; the
      GPU before sm_90 rounded to nearest twice). A mode to f80, whose
      explicit leading bit the step does not take, is an error.
    The GPU pipeline runs it on the kernels too: libdevice's `__nv_powif`
    also squares repeatedly and takes an i32 exponent. There, with
    `libdevice-remainders`, a scalar `arith.remf` becomes a call to
    libdevice's `__nv_fmodf` (`__nv_fmod` for f64; f16 and bf16 through
    f32, where fmod is exact): NVPTX has no `frem`, and the kernels'
    conversion refused the `llvm.frem` that arith-to-LLVM makes.
  }];
  let options = [
    Option<"libdeviceRemainders", "libdevice-remainders", "bool",
           /*default=*/"false",
           "Scalar arith.remf as calls to libdevice's fmod (GPU kernels)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect",
  ];
}

def AttnApproximateMathPass
    : Pass<"attn-approximate-math", "::mlir::ModuleOp"> {
  let summary = "Replace math.exp and math.tanh by MLIR's polynomial "
                "approximations";
  let description = [{
    `exp` is on every score of the flash loop, and `tanh` on every score of
    a soft-capped attention (`#attn.softcap`, Gemma 2's; a score_mod's
    tanh). As calls into libm they keep LLVM from vectorising the loop
    around them: each lane calls `expf` or `tanhf` in turn. As MLIR's
    polynomials (FMAs and an exponent bit-shift for `exp`, within 2 ulp
    over f32; a clamped rational function for `tanh`, within a few ulp)
    they vectorise with the rest. Other math ops are left to the
    math-to-LLVM and math-to-libm conversions. Tensor-typed ops are left
    unchanged (the pipeline runs this after bufferisation, where none are
    left).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def AttnExpandBf16ConversionsPass
    : Pass<"attn-expand-bf16-conversions", "::mlir::ModuleOp"> {
  let summary = "Expand bf16 extensions and truncations to integer "
                "arithmetic";
  let description = [{
    On x86 hosts without AVX-512 BF16, LLVM keeps a bfloat value in a
    register as f32 and narrows it back by a call to compiler-rt's
    `__truncsfbf2`, which neither the JIT nor a plain link provides. This
    pass rewrites `arith.extf` from and `arith.truncf` to bf16 (scalars and
    vectors) into integer shifts and rounding (upstream's
    `populateExpandBFloat16Patterns`); with attn-access-bf16-as-bits no
    bfloat value is left in a register.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def AttnAccessBf16AsBitsPass
    : Pass<"attn-access-bf16-as-bits", "::mlir::ModuleOp"> {
  let summary = "Load and store bf16 values in LLVM as 16-bit integers";
  let description = [{
    Runs on the LLVM dialect. Each `llvm.load` of a bf16 scalar or vector
    becomes a load of the same-shaped i16 value and a bitcast to bf16; each
    `llvm.store` of one, a bitcast to i16 and an integer store. The bitcast
    pairs cancel as they form, so after attn-expand-bf16-conversions no
    bfloat value stays in a register (see that pass for why).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AttnCheckNestedFunctionsPass
    : Pass<"attn-check-nested-functions", "::mlir::ModuleOp"> {
  let summary = "Refuse functions in nested modules, which the pipelines "
                "would leave unlowered";
  let description = [{
    The pipelines' passes run on the module they are given and lower its
    own functions; a `func.func` with a body inside a nested
    `builtin.module` stayed on tensors while the pipeline succeeded, and
    failed only later, in the translation to LLVM IR or not at all. Both
    pipelines run this check first: it names the first such function and
    fails. (Run the pipeline on the nested module itself:
    `builtin.module(builtin.module(attn-cpu-pipeline))`.)
  }];
}

def AttnInlineDynamicResultsPass
    : Pass<"attn-inline-dynamic-results", "::mlir::ModuleOp"> {
  let summary = "Inline calls to functions that return tensors of dynamic "
                "shape";
  let description = [{
    Bufferization turns a function's results into buffers its caller
    allocates (buffer-results-to-out-params), which needs their sizes
    before the call: a called function returning `tensor<?xf32>` failed
    the CPU pipeline ("cannot create out param for dynamically shaped
    result") even when the program's own signature was static. This pass
    inlines every call to a defined function with such a result, on
    tensors, before anything is lowered, and erases the private ones it
    leaves without calls. A recursive one cannot be inlined: the pass
    names it and fails. Public functions keep their dynamic results (the
    callers of the compiled library pass buffers of the sizes they know).
  }];
}

def AttnCheckIntegerWidthsPass : Pass<"attn-check-integer-widths"> {
  let summary = "Refuse integers that the LLVM backends crash on: i0, and "
                "with `max-width` the wider ones";
  let description = [{
    MLIR's builtin types admit `i0`, arith computes on it and the LLVM
    dialect's conversions pass it on, but LLVM's own passes then divide by
    its width: a region with `arith.index_cast %i : index to i0` crashed
    attn-run in InstCombine with SIGFPE. NVPTX has no library calls for
    integers past 64 bits: an `arith.fptosi` to `i128` in a kernel ended
    in "LLVM ERROR: unsupported library call operation". Both pipelines
    run this check first (the GPU pipeline with `max-width=64`); it names
    the first op that computes on such an integer (a scalar or the
    elements of a vector or tensor) and fails, so the tools exit with that
    line instead.
  }];
  let options = [
    Option<"maxWidth", "max-width", "unsigned", /*default=*/"0",
           "Refuse integers wider than this too (0: any width but 0)">,
  ];
}

def AttnCheckFloatTypesPass : Pass<"attn-check-float-types"> {
  let summary = "Refuse float arithmetic on types that LLVM has no "
                "arithmetic for (f8, f6, f4 and tf32 variants)";
  let description = [{
    LLVM's float types are half, bfloat, float, double, x86_fp80 and fp128.
    MLIR's LLVM type conversion stores the other builtin floats (the f8, f6
    and f4 families, tf32) as integers of their width, so that constants,
    selects and bitcasts of them compile, but arith's and math's arithmetic
    on them has no lowering: an `arith.extf` from f8E4M3FN ended in "LLVM
    Translation failed for operation: builtin.unrealized_conversion_cast",
    naming neither the op nor the type. The CPU pipeline runs this check
    after its first canonicalizer (which folds such arithmetic on constants
    and drops it where unused): it names the first op that computes on such
    a type (a scalar or the elements of a vector or tensor): an arith or math
    op other than `arith.constant`, `arith.select` and `arith.bitcast`,
    which only move bits, or a vector reduction, contraction, fma, outer
    product or scan. tf32, which the type conversion maps to nothing, is
    refused on any op. A named linalg op's body ops have no location: the
    report goes to the linalg op. Then it fails. attn's element types
    are f32, f16 and bf16; the tools run f64 too. The GPU pipeline runs it
    (`gpu`) on the kernels before their conversion to NVVM, which has no
    lowering for such arithmetic either (an `arith.truncf` to f8E4M3FN in a
    score_mod was reported as an op without a lowering, an f4 scaling
    extension as an anonymous `builtin.unrealized_conversion_cast`); there
    f80 and f128 are refused too (NVPTX's instruction selection aborted on
    their arithmetic: "unsupported library call operation").
  }];
  let options = [
    Option<"gpu", "gpu", "bool", /*default=*/"false",
           "GPU kernels: refuse f80 and f128 arithmetic too">,
  ];
}

def AttnGuardIntegerDivisionPass : Pass<"attn-guard-integer-division"> {
  let summary = "Make integer division and remainder total: by 0 they give "
                "0, and INT_MIN / -1 wraps";
  let description = [{
    arith leaves a quotient or remainder by zero, and a signed division's
    overflow (INT_MIN / -1), undefined; x86's `idiv` traps on both, so a
    `mask_mod` computing `i / j` killed attn-run with SIGFPE at `j = 0`. The
    CPU pipeline runs this pass first: each `divsi`, `divui`, `remsi`,
    `remui`, `floordivsi`, `ceildivsi` and `ceildivui` (on scalars, vectors
    or tensors of integers or indices) whose divisor is not a constant known
    to be safe divides by 1 instead where the divisor is 0 (or, signed, -1),
    and selects the result the reference gives there: 0 for a divisor of 0;
    `0 - x` (wrapping, so INT_MIN stays INT_MIN) for a signed quotient by
    -1, and 0 for its remainder. Divisions by other constants (a chunk
    size, say) stay as they are, so the masks' analyses see them unchanged.
    On i1, where 1 is -1, a quotient becomes `andi` and a remainder 0.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnExpandIndexTruncationsPass
    : Pass<"attn-expand-index-truncations"> {
  let summary = "Write truncating index casts as a cast to i64 and a trunci";
  let description = [{
    Upstream's arith canonicalization (MLIR 22, `IndexCastOfIndexCast` and
    `IndexCastUIOfIndexCastUI`) folds `index_cast(index_cast(x))` to `x`
    whenever the outer cast gives back x's type, also where the inner one
    truncates: `index -> i32 -> index` became the identity, so a `mask_mod`
    or `score_mod` that wraps an index to 32 bits and widens it again
    computed with the unwrapped value in both pipelines (found by the random
    regions of test/Integration/CPU/random-mask-mods.test against the
    reference). This pass rewrites every `arith.index_cast` and
    `arith.index_castui` from index to an integer narrower than 64 bits
    (scalars or vectors) as the same cast to i64 followed by `arith.trunci`:
    the same bits where index is 64 bits wide, as on both of our targets,
    and no longer a cast of a cast. Both pipelines run it first.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def AttnLowerIndexExtendedArithPass
    : Pass<"attn-lower-index-extended-arith"> {
  let summary = "Compute index-typed addui_extended, mulsi_extended and "
                "mului_extended on i64";
  let description = [{
    Upstream (MLIR 22) mishandles the extended ops on index twice, each
    time with IR that does not verify: arith-to-llvm lowers an
    `arith.addui_extended` of indices into an `llvm.intr.uadd.with.overflow`
    whose struct keeps the index type, and the canonicalization of
    `arith.mulsi_extended %x, 1` builds an `arith.extsi` to index. So a
    `mask_mod` or `score_mod` that adds with a carry or takes a product's
    high half on indices failed both pipelines (found by the random regions
    of test/Integration/CPU/random-mask-mods.test). This pass rewrites the
    three ops on index (scalars or vectors) as the same ops on i64 between
    `arith.index_cast`s: the same values where index is 64 bits wide, as on
    both of our targets. Both pipelines run it first, before anything
    canonicalizes.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // ATTN_CONVERSION_PASSES_TD
