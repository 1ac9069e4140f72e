// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu --verify-diagnostics
// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_75" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_100a" 2>&1 | FileCheck %s --check-prefix=NEWCHIP
// NEWCHIP: GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_100a'
// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="warps=9" 2>&1 | FileCheck %s --check-prefix=WARPS

// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="row-tiles=5" 2>&1 | FileCheck %s --check-prefix=ROWS
// ROWS: error: convert-attn-to-gpu: row-tiles must be between 0 (automatic) and 4, got 5

// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="key-splits=65" 2>&1 | FileCheck %s --check-prefix=SPLITS
// SPLITS: error: convert-attn-to-gpu: key-splits must be between 0 (automatic) and 64, got 65

// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90 warps=8 row-tiles=4" 2>&1 | FileCheck %s --check-prefix=SMEM
// SMEM: GPU lowering: the kernel needs {{[0-9]+}} bytes of shared memory, more than sm_90's 232448 (fewer warps or row tiles)

// RUN: not attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_86" 2>&1 | FileCheck %s --check-prefix=LINSMEM
// LINSMEM: GPU lowering: the linear-attention kernel needs {{[0-9]+}} bytes of shared memory, more than sm_86's 101376

// CHIP: GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_75'
// Each split's first attn op says it, in the file's order (a linear
// attention among them); so do chips newer than PTX 8.0 knows.
// CHIP: 'attn.linear_attention' op GPU lowering: chip must be one of sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a (PTX 8.0), got 'sm_75'
// WARPS: error: convert-attn-to-gpu: warps must be between 0 (automatic) and 8, got 9

func.func @f32(%q: tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32> {
  // expected-error @+1 {{GPU lowering: query must be bf16 or f16 (tensor cores), got 'f32'}}
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>
      -> tensor<1x1x64x64xf32>
  return %o : tensor<1x1x64x64xf32>
}

// -----

func.func @odd_dim(%q: tensor<1x1x64x36xbf16>) -> tensor<1x1x64x36xbf16> {
  // expected-error @+1 {{GPU lowering: the query head dim must be static, a multiple of 8 and at most 256, got 36}}
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x36xbf16>, tensor<1x1x64x36xbf16>, tensor<1x1x64x36xbf16>
      -> tensor<1x1x64x36xbf16>
  return %o : tensor<1x1x64x36xbf16>
}

// -----

func.func private @double(%x: f32) -> f32 {
  %c = arith.constant 2.0 : f32
  %y = arith.mulf %x, %c : f32
  return %y : f32
}

func.func @region_call(%q: tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: a score_mod or mask_mod region calls @double ('func.call'); kernels cannot call host functions: inline the callee first}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %y = func.call @double(%s) : (f32) -> f32
        attn.yield %y : f32
      }
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

func.func @captured_scalar(%q: tensor<1x1x64x64xbf16>, %w: f32) -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: a score_mod or mask_mod region reads a value of type 'f32' from outside it ('arith.addf'); a kernel receives the function's ranked tensors of integers, indices, f16, bf16, f32 or f64 and constants only}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %y = arith.addf %s, %w : f32
        attn.yield %y : f32
      }
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

func.func @captured_f8(%q: tensor<1x1x64x64xbf16>, %t: tensor<64xf8E4M3FN>) -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: a score_mod or mask_mod region reads a value of type 'tensor<64xf8E4M3FN>' from outside it ('tensor.extract'); a kernel receives the function's ranked tensors of integers, indices, f16, bf16, f32 or f64 and constants only}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%j] : tensor<64xf8E4M3FN>
        %xf = arith.extf %x : f8E4M3FN to f32
        %y = arith.addf %s, %xf : f32
        attn.yield %y : f32
      }
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

func.func @captured_slice(%q: tensor<1x1x64x64xbf16>, %t: tensor<64xf32>) -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: a score_mod or mask_mod region passes a tensor from outside it to 'tensor.extract_slice'; a kernel reads such tensors by tensor.extract and tensor.dim only}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %half = tensor.extract_slice %t[0] [32] [1] : tensor<64xf32> to tensor<32xf32>
        %c31 = arith.constant 31 : index
        %r = arith.andi %j, %c31 : index
        %x = tensor.extract %half[%r] : tensor<32xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

// A program of several kernels holds attention, linear attention,
// compress, causal conv, block-scores, top-k and merge ops, elementwise
// arith and math ops on tensors, splat tensor constants, tensor.generate of
// scalar ops and the scalar constants that regions read only.
func.func @program_tensor_op(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: function 'program_tensor_op' is not one attention of its arguments, so it lowers as a program (a kernel per op), which may hold attn.attention, attn.linear_attention, attn.compress, attn.causal_conv, attn.block_scores, attn.topk, attn.merge, elementwise arith and math ops on ranked tensors (at least one dimension, elements of 8 bits or more), splat tensor constants, tensor.splat of scalar constants, tensor.generate of scalar arith and math ops, tensor.dim of the sizes those two leave open (or its arith.ceildivui by a constant), tensor.cast between ranked tensors, and scalar constants that only regions, tensor.dim and tensor.splat read}}
  %e = tensor.empty() : tensor<1x1x64x64xbf16>
  return %o, %e : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
}

// -----

// A tensor.generate whose body reads a value of the function other than a
// constant (here a tensor element) is not a kernel of its own.
func.func @generate_reads_tensor(%q: tensor<1x1x64x64xbf16>, %t: tensor<64xi32>)
    -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: function 'generate_reads_tensor' is not one attention of its arguments, so it lowers as a program (a kernel per op)}}
  %ids = tensor.generate {
  ^bb0(%b: index, %i: index):
    %x = tensor.extract %t[%i] : tensor<64xi32>
    tensor.yield %x : i32
  } : tensor<1x64xi32>
  %o = attn.attention %q, %q, %q segments(%ids, %ids) mask [#attn.document]
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>,
        tensor<1x64xi32>, tensor<1x64xi32> -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

// A scalar that a top-level op reads is neither a constant nor captured by
// a region: no kernel can clone it.
func.func @scalar_operand(%q: tensor<1x1x64x64xbf16>, %c: bf16) -> tensor<1x1x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: function 'scalar_operand' is not one attention of its arguments, so it lowers as a program (a kernel per op)}}
  %s = tensor.splat %c : tensor<1x1x64x64xbf16>
  %o = attn.attention %q, %s, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  return %o : tensor<1x1x64x64xbf16>
}

// -----

// A size that tensor.dim asks for is taken only as a splat's or generate's
// open size: the program has no kernel for other index arithmetic.
func.func @size_query_elsewhere(%q: tensor<1x1x?x64xbf16>, %c1: index) -> tensor<1x1x?x64xbf16> {
  %c2 = arith.constant 2 : index
  // expected-error @+1 {{GPU lowering: function 'size_query_elsewhere' is not one attention of its arguments, so it lowers as a program (a kernel per op)}}
  %l = tensor.dim %q, %c2 : tensor<1x1x?x64xbf16>
  %half = arith.shrui %l, %c1 : index
  %s = tensor.generate %half {
  ^bb0(%b: index, %t: index):
    %z = arith.constant 0 : i32
    tensor.yield %z : i32
  } : tensor<1x?xi32>
  %o = attn.attention %q, %q, %q segments(%s, %s) mask [#attn.document]
      : tensor<1x1x?x64xbf16>, tensor<1x1x?x64xbf16>, tensor<1x1x?x64xbf16>,
        tensor<1x?xi32>, tensor<1x?xi32> -> tensor<1x1x?x64xbf16>
  return %o : tensor<1x1x?x64xbf16>
}

// -----

func.func @block_scores_f32(%q: tensor<1x1x64x64xf32>, %k: tensor<1x1x4x64xf32>)
    -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{GPU lowering: query must be bf16 or f16 (tensor cores), got 'f32'}}
  %s = attn.block_scores %q, %k block_q 16
      : tensor<1x1x64x64xf32>, tensor<1x1x4x64xf32> -> tensor<1x1x4x4xf32>
  return %s : tensor<1x1x4x4xf32>
}

// -----

func.func @topk_f64(%s: tensor<1x1x1x64xf64>) -> tensor<1x1x1x4xi32> {
  // expected-error @+1 {{GPU lowering: the scores must be f16, bf16 or f32, got 'f64'}}
  %i = attn.topk %s k 4 : tensor<1x1x1x64xf64> -> tensor<1x1x1x4xi32>
  return %i : tensor<1x1x1x4xi32>
}

// -----

func.func @topk_wide(%s: tensor<1x1x1x12000xf32>) -> tensor<1x1x1x4xi32> {
  // expected-error @+1 {{GPU lowering: rows of 12000 scores need 192064 bytes of shared memory, more than the 166912 that sm_80 gives a kernel}}
  %i = attn.topk %s k 4 : tensor<1x1x1x12000xf32> -> tensor<1x1x1x4xi32>
  return %i : tensor<1x1x1x4xi32>
}

// -----

// The picks alone must fit too (a row of any width is checked at the
// launch).
func.func @topk_many_picks(%s: tensor<1x1x1x?xf32>) -> tensor<1x1x1x20000xi32> {
  // expected-error @+1 {{GPU lowering: k = 20000 picks need 320000 bytes of shared memory, more than the 166912 that sm_80 gives a kernel}}
  %i = attn.topk %s k 20000 : tensor<1x1x1x?xf32> -> tensor<1x1x1x20000xi32>
  return %i : tensor<1x1x1x20000xi32>
}

// -----

func.func @block_scores_rows(%q: tensor<1x1x64x64xbf16>, %k: tensor<1x1x4x64xbf16>)
    -> tensor<1x1x8x4xf32> {
  // expected-error @+1 {{GPU lowering: block_q x the query heads per K/V head must be a multiple of 16, got 8}}
  %s = attn.block_scores %q, %k block_q 8
      : tensor<1x1x64x64xbf16>, tensor<1x1x4x64xbf16> -> tensor<1x1x8x4xf32>
  return %s : tensor<1x1x8x4xf32>
}

// -----

func.func @block_scores_head_dim(%q: tensor<1x1x64x44xbf16>, %k: tensor<1x1x4x44xbf16>)
    -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{GPU lowering: the query head dim must be static, a multiple of 8 and at most 256, got 44}}
  %s = attn.block_scores %q, %k block_q 16
      : tensor<1x1x64x44xbf16>, tensor<1x1x4x44xbf16> -> tensor<1x1x4x4xf32>
  return %s : tensor<1x1x4x4xf32>
}

// -----

func.func @block_scores_smem(%q: tensor<1x8x512x256xbf16>, %k: tensor<1x1x8x256xbf16>)
    -> tensor<1x1x1x8xf32> {
  // expected-error @+1 {{GPU lowering: the block's rows need 2246656 bytes of shared memory, more than sm_80's 167936 (smaller block_q or groups)}}
  %s = attn.block_scores %q, %k block_q 512
      : tensor<1x8x512x256xbf16>, tensor<1x1x8x256xbf16> -> tensor<1x1x1x8xf32>
  return %s : tensor<1x1x1x8xf32>
}

// -----

// expected-error @+1 {{GPU lowering: function 'two_blocks' must have one block}}
func.func @two_blocks(%q: tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  cf.br ^next
^next:
  return %o : tensor<1x1x64x64xbf16>
}

// -----

// Programs take dynamic batch sizes and lengths, not head counts or head
// dims (they pick the kernels' shapes).
func.func @program_dynamic_heads(%q: tensor<1x?x64x64xbf16>) -> tensor<1x?x64x64xbf16> {
  // expected-error @+1 {{GPU lowering: a program of several kernels takes dynamic batch sizes and lengths, but its head counts and head dims must be static, got 'tensor<1x?x64x64xbf16>'}}
  %o = attn.attention %q, %q, %q
      : tensor<1x?x64x64xbf16>, tensor<1x?x64x64xbf16>, tensor<1x?x64x64xbf16>
      -> tensor<1x?x64x64xbf16>
  %p = attn.merge sum (%o), (%q) : tensor<1x?x64x64xbf16> -> tensor<1x?x64x64xbf16>
  return %p : tensor<1x?x64x64xbf16>
}

// -----

func.func @program_dynamic_head_dim(%q: tensor<1x1x64x64xbf16>, %x: tensor<1x1x64x?xbf16>)
    -> tensor<1x1x4x?xbf16> {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: a program of several kernels takes dynamic batch sizes and lengths, but its head counts and head dims must be static, got 'tensor<1x1x64x?xbf16>'}}
  %c = attn.compress mean %x stride 16 : tensor<1x1x64x?xbf16> -> tensor<1x1x4x?xbf16>
  return %c : tensor<1x1x4x?xbf16>
}

// -----

// Over dynamic lengths the picks' rows are ceil(Lq / 64) and the selection
// would read ceil(Lq / 32).
func.func @program_dynamic_selection_blocks(%q: tensor<1x2x?x64xbf16>, %k: tensor<1x2x?x64xbf16>)
    -> tensor<1x2x?x64xbf16> {
  %kc = attn.compress mean %k stride 32
      : tensor<1x2x?x64xbf16> -> tensor<1x2x?x64xbf16>
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 32>]
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16> -> tensor<1x2x?x?xf32>
  %sel = attn.topk %s k 2 : tensor<1x2x?x?xf32> -> tensor<1x2x?x2xi32>
  // expected-error @+1 {{GPU lowering: over dynamic lengths, a selection's indices computed in the program must be the top-k of block scores of the same queries with the same block_q (32), so that they have a row per query block}}
  %o = attn.attention %q, %k, %k indices(%sel)
      mask [#attn.causal, #attn.block_indices<block_q = 32, block_kv = 32>]
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>,
        tensor<1x2x?x2xi32> -> tensor<1x2x?x64xbf16>
  return %o : tensor<1x2x?x64xbf16>
}

// -----

func.func @program_dynamic_conv_weights(%x: tensor<1x2x?x64xbf16>, %w: tensor<2x64x?xbf16>)
    -> tensor<1x2x?x64xbf16> {
  // expected-error @+1 {{GPU lowering: in a program of several kernels, this op needs static shapes, got 'tensor<2x64x?xbf16>'}}
  %c = attn.causal_conv %x, %w : tensor<1x2x?x64xbf16>, tensor<2x64x?xbf16> -> tensor<1x2x?x64xbf16>
  %o = attn.attention %c, %c, %c
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>
      -> tensor<1x2x?x64xbf16>
  return %o : tensor<1x2x?x64xbf16>
}

// -----

// The kernel unrolls the taps: 2000 took minutes to compile.
func.func @program_conv_many_taps(%x: tensor<1x2x?x64xbf16>, %w: tensor<2x64x65xbf16>)
    -> tensor<1x2x?x64xbf16> {
  // expected-error @+1 {{GPU lowering: a causal conv's kernel unrolls its taps, at most 64, got 65}}
  %c = attn.causal_conv %x, %w : tensor<1x2x?x64xbf16>, tensor<2x64x65xbf16> -> tensor<1x2x?x64xbf16>
  %o = attn.attention %c, %c, %c
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>
      -> tensor<1x2x?x64xbf16>
  return %o : tensor<1x2x?x64xbf16>
}

// -----

func.func @program_returns_argument(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: result #1 of a program must be a result of one of its ops (or a tensor.cast of one), returned once}}
  return %o, %q : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
}

// -----

func.func @program_returns_twice(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<1x1x4x64xbf16>, tensor<1x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  %c = attn.compress mean %o stride 16
      : tensor<1x1x64x64xbf16> -> tensor<1x1x4x64xbf16>
  // expected-error @+1 {{GPU lowering: result #2 of a program must be a result of one of its ops (or a tensor.cast of one), returned once}}
  return %o, %c, %o : tensor<1x1x64x64xbf16>, tensor<1x1x4x64xbf16>, tensor<1x1x64x64xbf16>
}

// -----

// A cast of an argument is the argument: no kernel writes it.
func.func @program_returns_cast_of_argument(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<?x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  %c = tensor.cast %q : tensor<1x1x64x64xbf16> to tensor<?x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: result #1 of a program must be a result of one of its ops (or a tensor.cast of one), returned once}}
  return %o, %c : tensor<1x1x64x64xbf16>, tensor<?x1x64x64xbf16>
}

// -----

// A result and a cast of it: one buffer, two outputs.
func.func @program_returns_result_and_its_cast(%q: tensor<1x1x64x64xbf16>)
    -> (tensor<1x1x64x64xbf16>, tensor<?x1x64x64xbf16>) {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  %c = tensor.cast %o : tensor<1x1x64x64xbf16> to tensor<?x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: result #1 of a program must be a result of one of its ops (or a tensor.cast of one), returned once}}
  return %o, %c : tensor<1x1x64x64xbf16>, tensor<?x1x64x64xbf16>
}

// -----

func.func @constant_slice(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %t = arith.constant dense<[0.5, 0.25, 0.125, 1.0]> : tensor<4xf32>
  // expected-error @+1 {{cannot be lowered to a GPU kernel: its score modifiers or mask build tensor values ('tensor.extract_slice'), which the GPU lowering does not support}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %half = tensor.extract_slice %t[2] [2] [1] : tensor<4xf32> to tensor<2xf32>
        %x = tensor.extract %half[%h] : tensor<2xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

// Valid: converts with the default options, and with warps=8 row-tiles=4 at
// head dim 256 needs more shared memory than any chip has (the SMEM line).
func.func @wide(%q: tensor<1x1x64x256xbf16>) -> tensor<1x1x64x256xbf16> {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x64x256xbf16>, tensor<1x1x64x256xbf16>, tensor<1x1x64x256xbf16>
      -> tensor<1x1x64x256xbf16>
  return %o : tensor<1x1x64x256xbf16>
}

// -----

// Linear attention: the same operand rules as the attention kernel.
func.func @linear_f32(%q: tensor<1x1x64x64xf32>) -> tensor<1x1x64x64xf32> {
  // expected-error @+1 {{GPU lowering: query must be bf16 or f16 (tensor cores), got 'f32'}}
  %o = attn.linear_attention %q, %q, %q feature relu causal
      : tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>, tensor<1x1x64x64xf32>
      -> tensor<1x1x64x64xf32>
  return %o : tensor<1x1x64x64xf32>
}

// -----

func.func @linear_value_dim(%q: tensor<1x1x64x64xbf16>, %v: tensor<1x1x64x40xbf16>)
    -> tensor<1x1x64x40xbf16> {
  // expected-error @+1 {{GPU lowering: the value head dim must be static, a multiple of 16 and at most 256, got 40}}
  %o = attn.linear_attention %q, %q, %v feature relu causal
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x40xbf16>
      -> tensor<1x1x64x40xbf16>
  return %o : tensor<1x1x64x40xbf16>
}

// -----

func.func @linear_dynamic_dim(%q: tensor<1x1x64x?xbf16>) -> tensor<1x1x64x?xbf16> {
  // expected-error @+1 {{GPU lowering: the query head dim must be static, a multiple of 16 and at most 256, got ?}}
  %o = attn.linear_attention %q, %q, %q feature relu causal
      : tensor<1x1x64x?xbf16>, tensor<1x1x64x?xbf16>, tensor<1x1x64x?xbf16>
      -> tensor<1x1x64x?xbf16>
  return %o : tensor<1x1x64x?xbf16>
}

// -----

func.func @linear_then_add(%q: tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  %o = attn.linear_attention %q, %q, %q feature relu causal
      : tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>
      -> tensor<1x1x64x64xbf16>
  // expected-error @+1 {{GPU lowering: function 'linear_then_add' is not one attention of its arguments, so it lowers as a program (a kernel per op), which may hold attn.attention, attn.linear_attention, attn.compress, attn.causal_conv, attn.block_scores, attn.topk, attn.merge, elementwise arith and math ops on ranked tensors (at least one dimension, elements of 8 bits or more), splat tensor constants, tensor.splat of scalar constants, tensor.generate of scalar arith and math ops, tensor.dim of the sizes those two leave open (or its arith.ceildivui by a constant), tensor.cast between ranked tensors, and scalar constants that only regions, tensor.dim and tensor.splat read}}
  %s = arith.cmpf olt, %o, %q : tensor<1x1x64x64xbf16>
  %m = arith.select %s, %o, %q : tensor<1x1x64x64xi1>, tensor<1x1x64x64xbf16>
  return %m : tensor<1x1x64x64xbf16>
}

// -----

// Only splat constants: a dense one would need its elements in device
// memory.
func.func @program_dense_constant(%q: tensor<1x1x2x64xbf16>) -> tensor<1x1x2x64xbf16> {
  %o = attn.attention %q, %q, %q
      : tensor<1x1x2x64xbf16>, tensor<1x1x2x64xbf16>, tensor<1x1x2x64xbf16>
      -> tensor<1x1x2x64xbf16>
  // expected-error @+1 {{GPU lowering: function 'program_dense_constant' is not one attention of its arguments, so it lowers as a program (a kernel per op), which may hold attn.attention, attn.linear_attention, attn.compress, attn.causal_conv, attn.block_scores, attn.topk, attn.merge, elementwise arith and math ops on ranked tensors (at least one dimension, elements of 8 bits or more), splat tensor constants, tensor.splat of scalar constants, tensor.generate of scalar arith and math ops, tensor.dim of the sizes those two leave open (or its arith.ceildivui by a constant), tensor.cast between ranked tensors, and scalar constants that only regions, tensor.dim and tensor.splat read}}
  %g = arith.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %m = attn.merge gated (%o, %g) : tensor<1x1x2x64xbf16>, tensor<1x1x2xf32> -> tensor<1x1x2x64xbf16>
  return %m : tensor<1x1x2x64xbf16>
}

// -----

// Valid with the default chip; on sm_86 (99 KiB) even one stage of 64
// tokens at head dim 256 with decay does not fit (the LINSMEM line).
func.func @linear_wide(%q: tensor<1x1x64x256xbf16>, %a: tensor<1x1x64xf32>)
    -> tensor<1x1x64x256xbf16> {
  %o = attn.linear_attention %q, %q, %q decay(%a) feature identity causal
      : tensor<1x1x64x256xbf16>, tensor<1x1x64x256xbf16>, tensor<1x1x64x256xbf16>,
        tensor<1x1x64xf32> -> tensor<1x1x64x256xbf16>
  return %o : tensor<1x1x64x256xbf16>
}

// -----

// The kernels' module is named attn_kernels: a symbol of that name is
// refused by name (the launches referred to it, and lowering failed later
// with an undefined kernel module or a redefinition without a location).
// expected-error @+1 {{GPU lowering: 'attn_kernels' names the module that the kernels go in; rename this 'func.func'}}
func.func @attn_kernels(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

// A resource blob whose bytes do not hold the table's type (4 bytes for
// two f32s).
func.func @short_resource(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %t = arith.constant dense_resource<short_blob> : tensor<2xf32>
  // expected-error @+1 {{cannot be lowered to a GPU kernel: its score modifiers or mask read a table that cannot be read: resource 'short_blob' holds 4 bytes, not the 8 of its type}}
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%h] : tensor<2xf32>
        %y = arith.mulf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}
{-#
  dialect_resources: {
    builtin: {
      short_blob: "0x040000000000003F"
    }
  }
#-}
