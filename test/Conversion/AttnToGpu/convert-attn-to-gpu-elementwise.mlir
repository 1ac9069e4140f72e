// Elementwise arith and math ops on tensors between a GPU program's attn
// ops. Where an attn op reads one or the function returns it (a root), a
// kernel of a thread per element recomputes it from the program values
// its chain of elementwise ops and splat constants reads; the ops only
// other elementwise ops read launch nothing. Each op keeps its element
// type.
// RUN: attn-opt %s --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s

// LAWCAT's log-gates from logits, -(0.05 x^2): one kernel for the chain
// into a temporary that the linear attention reads.
// CHECK-LABEL: func.func @gates(
// CHECK-SAME: %[[Q:[^:]*]]: memref<1x2x128x64xbf16, {{.*}}>, %[[X:[^:]*]]: memref<1x2x128xf32, {{.*}}>,
// CHECK: %[[GATES:.*]] = gpu.alloc () : memref<1x2x128xf32>
// CHECK: %[[CAST:.*]] = memref.cast %[[GATES]]
// CHECK: gpu.launch_func @attn_kernels::@gates_kernel_0 blocks in (%c1, %c1{{.*}}, %c1{{.*}}) threads in (%c256, {{.*}}) {{.*}} args(%[[X]] : {{.*}}, %[[CAST]] : {{.*}})
// The chain's other ops launch nothing: the linear attention's launch is
// the next one and the last.
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.launch_func @attn_kernels::@gates_kernel_1
// CHECK-NOT: gpu.launch_func
// CHECK: return

// @constant_gate_and_output: the splat gate that the merge reads is filled
// by a kernel of its own; tanh(m + q), returned beside m, loads m's output
// buffer and q.
// CHECK-LABEL: func.func @constant_gate_and_output(
// CHECK-SAME: %[[Q2:[^:]*]]: memref<1x2x128x64xbf16, {{.*}}>, %[[M:[^:]*]]: memref<1x2x128x64xbf16, {{.*}}>, %[[T:[^:]*]]: memref<1x2x128x64xbf16, {{.*}}>)
// CHECK: %[[GATE:.*]] = gpu.alloc () : memref<1x2x128xf32>
// CHECK: gpu.launch_func @attn_kernels::@constant_gate_and_output_kernel_0 {{.*}} args(%{{.*}} : memref<1x2x128xf32, {{.*}}>)
// CHECK: gpu.launch_func @attn_kernels::@constant_gate_and_output_kernel_1
// CHECK: %[[MC:.*]] = memref.cast %[[M]]
// CHECK: %[[QC:.*]] = memref.cast %[[Q2]]
// CHECK: %[[TC:.*]] = memref.cast %[[T]]
// CHECK: gpu.launch_func @attn_kernels::@constant_gate_and_output_kernel_2 blocks in (%c64{{.*}}, %c1{{.*}}, %c1{{.*}}) threads in (%c256{{.*}}) {{.*}} args(%[[MC]] : {{.*}}, %[[QC]] : {{.*}}, %[[TC]] : {{.*}})
// CHECK: gpu.dealloc %[[GATE]]

// A result without elements launches nothing (a grid of no CTAs would be a
// launch error): two launches, the gates' and the linear attention's.
// CHECK-LABEL: func.func @empty_result(
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return

// Segment ids from positions (document packing): the tensor.generate is a
// kernel of a thread per element that runs its body at the element's
// indices, the scalar constant its body reads cloned in; the attention
// reads its buffer. The constant launches nothing.
// CHECK-LABEL: func.func @segments_from_positions(
// CHECK: %[[IDS:.*]] = gpu.alloc () : memref<1x128xi32>
// CHECK: gpu.launch_func @attn_kernels::@segments_from_positions_kernel_0 blocks in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}}) threads in (%c256{{.*}}) {{.*}} args(%{{.*}} : memref<1x128xi32, {{.*}}>)
// CHECK: gpu.launch_func @attn_kernels::@segments_from_positions_kernel_1_ranges {{.*}} args(%{{.*}} : memref<1x128xi32, {{.*}}>
// CHECK: gpu.launch_func @attn_kernels::@segments_from_positions_kernel_1 {{.*}} args(
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[IDS]]

// A mask_mod that reads a constant of the function (SCOUT's segment
// length): the kernel's copy of the hook clones it, and the function stays
// one kernel's.
// CHECK-LABEL: func.func @captured_in_mask_mod(
// CHECK-SAME: attn.gpu_kernel = @attn_kernels::@captured_in_mask_mod_kernel
// CHECK-NOT: arith.constant 16
// CHECK: gpu.launch_func @attn_kernels::@captured_in_mask_mod_kernel
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: func.func @yields_captured(

// Over any batch and length (Mamba-2's decay -dt^2): the chain's
// temporary has its leaf's sizes, read from the leaf's buffer, and the
// grid is ceil(B x 8 x L / 256) CTAs, read from the temporary's.
// CHECK-LABEL: func.func @dynamic_chain(
// CHECK: %[[DB:.*]] = memref.dim %arg3, %c0
// CHECK: %[[DL:.*]] = memref.dim %arg3, %c2
// CHECK: %[[DECAY:.*]] = gpu.alloc (%[[DB]], %[[DL]]) : memref<?x8x?xf32>
// CHECK: memref.dim %[[DECAY]], %c0
// CHECK: %[[BH:.*]] = arith.muli %{{.*}}, %c8
// CHECK: %[[RL:.*]] = memref.dim %[[DECAY]], %c2
// CHECK: arith.muli %[[BH]], %[[RL]]
// CHECK: %[[SUM:.*]] = arith.addi %{{.*}}, %c255
// CHECK: %[[CTAS:.*]] = arith.divui %[[SUM]], %c256
// CHECK: gpu.launch_func @attn_kernels::@dynamic_chain_kernel_0 blocks in (%[[CTAS]], %c1{{[_0-9]*}}, %c1{{[_0-9]*}}) {{.*}} args(%arg3 : {{.*}}, %{{.*}} : memref<?x8x?xf32,
// CHECK: gpu.launch_func @attn_kernels::@dynamic_chain_kernel_1 {{.*}} args(%arg0 : {{.*}}, %arg1 : {{.*}}, %arg2 : {{.*}}, %{{.*}} : memref<?x8x?xf32,
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[DECAY]]

// RetNet's decay generated over the queries' batch and length, which
// tensor.dim asks for: the host sizes the buffer from the queries' buffer;
// the size queries and their constants launch nothing.
// CHECK-LABEL: func.func @dynamic_generate(
// CHECK: %[[GB:.*]] = memref.dim %arg0, %c0
// CHECK: %[[GL:.*]] = memref.dim %arg0, %c2
// CHECK: %[[GEN:.*]] = gpu.alloc (%[[GB]], %[[GL]]) : memref<?x8x?xf32>
// CHECK-NOT: tensor.dim
// CHECK: gpu.launch_func @attn_kernels::@dynamic_generate_kernel_0 {{.*}} args(%{{.*}} : memref<?x8x?xf32,
// CHECK: gpu.launch_func @attn_kernels::@dynamic_generate_kernel_1
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[GEN]]

// A splat bias [1, 1, Lq, Lc] whose sizes tensor.dim asks of the queries
// and of the compressed keys (a temporary by then: its buffer is read).
// CHECK-LABEL: func.func @dynamic_splat(
// CHECK: %[[KC:.*]] = gpu.alloc (%{{.*}}) : memref<1x2x?x64xbf16>
// CHECK: gpu.launch_func @attn_kernels::@dynamic_splat_kernel_0
// CHECK: %[[SL:.*]] = memref.dim %arg0, %c2
// CHECK: %[[SC:.*]] = memref.dim %[[KC]], %c2
// CHECK: %[[BIAS:.*]] = gpu.alloc (%[[SL]], %[[SC]]) : memref<1x1x?x?xf32>
// CHECK: gpu.launch_func @attn_kernels::@dynamic_splat_kernel_1 {{.*}} args(%{{.*}} : memref<1x1x?x?xf32,
// CHECK: gpu.launch_func @attn_kernels::@dynamic_splat_kernel_2
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[BIAS]]

// An op that only size queries read computes nothing: the generate's sizes
// come through it from its operand's buffer, and two kernels launch.
// CHECK-LABEL: func.func @size_of_chain(
// CHECK: %[[CB:.*]] = memref.dim %arg1, %c0
// CHECK: %[[CL:.*]] = memref.dim %arg1, %c2
// CHECK: gpu.alloc (%[[CB]], %[[CL]]) : memref<?x8x?xf32>
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// CHECK: return

// The tensor.casts that attn-refine-shapes leaves where elementwise ops
// (which keep their declared sizes) meet attn ops launch nothing: a cast's
// buffer is its source's. The chain's temporary takes its sizes from the
// logits' buffer through the cast; the linear attention writes the
// returned cast's output.
// CHECK-LABEL: func.func @shape_casts(
// CHECK-SAME: %[[CQ:[^:]*]]: memref<1x8x128x64xbf16, {{.*}}>, %[[CX:[^:]*]]: memref<1x8x128xf32, {{.*}}>, %[[CO:[^:]*]]: memref<?x8x?x64xbf16, {{.*}}>)
// CHECK-NOT: tensor.cast
// CHECK: %[[CB:.*]] = memref.dim %[[CX]], %c0
// CHECK: %[[CL:.*]] = memref.dim %[[CX]], %c2
// CHECK: %[[CA:.*]] = gpu.alloc (%[[CB]], %[[CL]]) : memref<?x8x?xf32>
// CHECK: %[[CXD:.*]] = memref.cast %[[CX]] : memref<1x8x128xf32, {{.*}}> to memref<?x8x?xf32,
// CHECK: gpu.launch_func @attn_kernels::@shape_casts_kernel_0 {{.*}} args(%[[CXD]] : {{.*}}, %{{.*}} : memref<?x8x?xf32,
// CHECK: %[[CAS:.*]] = memref.cast %[[CA]] : memref<?x8x?xf32> to memref<1x8x128xf32,
// CHECK: %[[COS:.*]] = memref.cast %[[CO]] : memref<?x8x?x64xbf16, {{.*}}> to memref<1x8x128x64xbf16,
// CHECK: gpu.launch_func @attn_kernels::@shape_casts_kernel_1 {{.*}} args(%[[CQ]] : {{.*}}, %[[CQ]] : {{.*}}, %[[CQ]] : {{.*}}, %[[CAS]] : {{.*}}, %[[COS]] : memref<1x8x128x64xbf16,
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc %[[CA]]
// CHECK-NOT: tensor.cast
// CHECK: return

// A top-k built for rows of any width, whose scores are a cast of static
// ones: its shared memory follows the rows' width read from the buffer (a
// kernel's sizes are its op's types, not its buffers').
// CHECK-LABEL: func.func @topk_through_cast(
// CHECK: %[[TKBYTES:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK: gpu.launch_func @attn_kernels::@topk_through_cast_kernel_0 {{.*}} dynamic_shared_memory_size %[[TKBYTES]]

// The kernels: the chain on scalars, in the ops' element types.
// CHECK-LABEL: gpu.func @gates_kernel_0(
// CHECK: %[[XV:.*]] = memref.load %arg0
// CHECK: %[[SQ:.*]] = arith.mulf %[[XV]], %[[XV]] : f32
// CHECK: %[[C:.*]] = arith.constant 5.000000e-02 : f32
// CHECK: %[[SC:.*]] = arith.mulf %[[SQ]], %[[C]] : f32
// CHECK: %[[A:.*]] = arith.negf %[[SC]] : f32
// CHECK: memref.store %[[A]], %arg1
// CHECK-LABEL: gpu.func @constant_gate_and_output_kernel_0(
// CHECK-NOT: memref.load
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: memref.store %[[HALF]], %arg0
// CHECK-LABEL: gpu.func @constant_gate_and_output_kernel_2(
// CHECK: %[[MV:.*]] = memref.load %arg0
// CHECK: %[[QV:.*]] = memref.load %arg1
// CHECK: %[[S:.*]] = arith.addf %[[MV]], %[[QV]] : bf16
// CHECK: %[[TV:.*]] = math.tanh %[[S]] : bf16
// CHECK: memref.store %[[TV]], %arg2
// CHECK-LABEL: gpu.func @segments_from_positions_kernel_0(
// CHECK-NOT: memref.load
// CHECK: %[[T:.*]] = arith.remui %{{.*}}, %c128
// CHECK: %[[C32:.*]] = arith.constant 32 : index
// CHECK: %[[DOC:.*]] = arith.divui %[[T]], %[[C32]] : index
// CHECK: %[[ID:.*]] = arith.index_cast %[[DOC]] : index to i32
// CHECK: memref.store %[[ID]], %arg0[%{{.*}}, %[[T]]]
// CHECK-LABEL: gpu.func @captured_in_mask_mod_kernel(
// (The constant's printed name, c16_N, says its value.)
// CHECK: %[[SI:.*]] = arith.divui %{{.*}}, %[[C16:c16_[0-9]+]] : index
// CHECK-NEXT: %[[SJ:.*]] = arith.divui %{{.*}}, %[[C16]] : index
// CHECK-NEXT: arith.cmpi eq, %[[SI]], %[[SJ]] : index
// A body that yields a constant of the function directly clones it too.
// CHECK-LABEL: gpu.func @yields_captured_kernel_0(
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: memref.store %[[ZERO]], %arg0
// Over open sizes, the thread's indices come from the result's buffer.
// CHECK-LABEL: gpu.func @dynamic_chain_kernel_0(
// CHECK: memref.dim %arg1, %c0
// CHECK: memref.dim %arg1, %c2
// CHECK: %[[DT:.*]] = memref.load %arg0
// CHECK: %[[DSQ:.*]] = arith.mulf %[[DT]], %[[DT]] : f32
// CHECK: %[[DNEG:.*]] = arith.negf %[[DSQ]] : f32
// CHECK: memref.store %[[DNEG]], %arg1
// CHECK-LABEL: gpu.func @dynamic_generate_kernel_0(
// CHECK-NOT: memref.load
// CHECK: math.exp2
// CHECK: math.log
// CHECK: memref.store
// The splat's scalar constant, cloned in.
// CHECK-LABEL: gpu.func @dynamic_splat_kernel_1(
// CHECK-NOT: memref.load
// CHECK: %[[LOG64:.*]] = arith.constant 4.15888309 : f32
// CHECK: memref.store %[[LOG64]], %arg0

func.func @gates(%q: tensor<1x2x128x64xbf16>, %x: tensor<1x2x128xf32>) -> tensor<1x2x128x64xbf16> {
  %c = arith.constant dense<0.05> : tensor<1x2x128xf32>
  %sq = arith.mulf %x, %x : tensor<1x2x128xf32>
  %sc = arith.mulf %sq, %c : tensor<1x2x128xf32>
  %a = arith.negf %sc : tensor<1x2x128xf32>
  %o = attn.linear_attention %q, %q, %q decay(%a) feature identity causal : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @constant_gate_and_output(%q: tensor<1x2x128x64xbf16>) -> (tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>) {
  %o = attn.attention %q, %q, %q mask [#attn.causal] : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16> -> tensor<1x2x128x64xbf16>
  %g = arith.constant dense<0.5> : tensor<1x2x128xf32>
  %m = attn.merge gated (%o, %g) : tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  %s = arith.addf %m, %q : tensor<1x2x128x64xbf16>
  %t = math.tanh %s : tensor<1x2x128x64xbf16>
  return %m, %t : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
}

func.func @empty_result(%q: tensor<1x2x128x64xbf16>, %x: tensor<1x2x128xf32>, %y: tensor<1x0x4xf32>) -> (tensor<1x2x128x64xbf16>, tensor<1x0x4xf32>) {
  %a = arith.negf %x : tensor<1x2x128xf32>
  %o = attn.linear_attention %q, %q, %q decay(%a) feature identity causal : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128xf32> -> tensor<1x2x128x64xbf16>
  %e = arith.negf %y : tensor<1x0x4xf32>
  return %o, %e : tensor<1x2x128x64xbf16>, tensor<1x0x4xf32>
}

func.func @segments_from_positions(%q: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %c32 = arith.constant 32 : index
  %ids = tensor.generate {
  ^bb0(%b: index, %t: index):
    %doc = arith.divui %t, %c32 : index
    %id = arith.index_cast %doc : index to i32
    tensor.yield %id : i32
  } : tensor<1x128xi32>
  %o = attn.attention %q, %q, %q segments(%ids, %ids) mask [#attn.document, #attn.causal]
      : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>,
        tensor<1x128xi32>, tensor<1x128xi32> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @captured_in_mask_mod(%q: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %c16 = arith.constant 16 : index
  %o = attn.attention %q, %q, %q mask [#attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    %si = arith.divui %i, %c16 : index
    %sj = arith.divui %j, %c16 : index
    %same = arith.cmpi eq, %si, %sj : index
    attn.yield %same : i1
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @yields_captured(%q: tensor<1x2x128x64xbf16>) -> tensor<1x2x128x64xbf16> {
  %c0 = arith.constant 0 : i32
  %true = arith.constant true
  %ids = tensor.generate {
  ^bb0(%b: index, %t: index):
    tensor.yield %c0 : i32
  } : tensor<1x128xi32>
  %o = attn.attention %q, %q, %q segments(%ids, %ids) mask [#attn.document, #attn.causal] mask_mod {
  ^bb0(%b: index, %h: index, %i: index, %j: index):
    attn.yield %true : i1
  } : tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>,
      tensor<1x128xi32>, tensor<1x128xi32> -> tensor<1x2x128x64xbf16>
  return %o : tensor<1x2x128x64xbf16>
}

func.func @dynamic_chain(%c: tensor<?x8x?x64xbf16>, %b: tensor<?x1x?x64xbf16>,
                         %x: tensor<?x1x?x64xbf16>, %dt: tensor<?x8x?xf32>)
    -> tensor<?x8x?x64xbf16> {
  %squared = arith.mulf %dt, %dt : tensor<?x8x?xf32>
  %decay = arith.negf %squared : tensor<?x8x?xf32>
  %y = attn.linear_attention %c, %b, %x decay(%decay) feature identity causal
      : tensor<?x8x?x64xbf16>, tensor<?x1x?x64xbf16>, tensor<?x1x?x64xbf16>,
        tensor<?x8x?xf32> -> tensor<?x8x?x64xbf16>
  return %y : tensor<?x8x?x64xbf16>
}

func.func @dynamic_generate(%q: tensor<?x8x?x64xbf16>) -> tensor<?x8x?x64xbf16> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %batch = tensor.dim %q, %c0 : tensor<?x8x?x64xbf16>
  %len = tensor.dim %q, %c2 : tensor<?x8x?x64xbf16>
  %decay = tensor.generate %batch, %len {
  ^bb0(%b: index, %h: index, %t: index):
    %hi = arith.index_cast %h : index to i32
    %hf = arith.sitofp %hi : i32 to f32
    %minus5 = arith.constant -5.0 : f32
    %e = arith.subf %minus5, %hf : f32
    %p = math.exp2 %e : f32
    %one = arith.constant 1.0 : f32
    %gamma = arith.subf %one, %p : f32
    %a = math.log %gamma : f32
    tensor.yield %a : f32
  } : tensor<?x8x?xf32>
  %o = attn.linear_attention %q, %q, %q decay(%decay) feature identity causal
      : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>,
        tensor<?x8x?xf32> -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

func.func @dynamic_splat(%q: tensor<1x2x?x64xbf16>) -> tensor<1x2x?x64xbf16> {
  %kc = attn.compress mean %q stride 64 : tensor<1x2x?x64xbf16> -> tensor<1x2x?x64xbf16>
  %c2 = arith.constant 2 : index
  %lq = tensor.dim %q, %c2 : tensor<1x2x?x64xbf16>
  %lc = tensor.dim %kc, %c2 : tensor<1x2x?x64xbf16>
  %log64 = arith.constant 4.15888309 : f32
  %bias = tensor.splat %log64[%lq, %lc] : tensor<1x1x?x?xf32>
  %o = attn.attention %q, %kc, %kc bias(%bias) score [#attn.bias]
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>,
        tensor<1x1x?x?xf32> -> tensor<1x2x?x64xbf16>
  return %o : tensor<1x2x?x64xbf16>
}

func.func @size_of_chain(%q: tensor<?x8x?x64xbf16>, %dt: tensor<?x8x?xf32>) -> tensor<?x8x?x64xbf16> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %sq = arith.mulf %dt, %dt : tensor<?x8x?xf32>
  %b = tensor.dim %sq, %c0 : tensor<?x8x?xf32>
  %l = tensor.dim %sq, %c2 : tensor<?x8x?xf32>
  %decay = tensor.generate %b, %l {
  ^bb0(%i: index, %h: index, %t: index):
    %a = arith.constant -0.01 : f32
    tensor.yield %a : f32
  } : tensor<?x8x?xf32>
  %o = attn.linear_attention %q, %q, %q decay(%decay) feature identity causal
      : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>,
        tensor<?x8x?xf32> -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

func.func @shape_casts(%q: tensor<1x8x128x64xbf16>, %x: tensor<1x8x128xf32>)
    -> tensor<?x8x?x64xbf16> {
  %xd = tensor.cast %x : tensor<1x8x128xf32> to tensor<?x8x?xf32>
  %sq = arith.mulf %xd, %xd : tensor<?x8x?xf32>
  %a = arith.negf %sq : tensor<?x8x?xf32>
  %as = tensor.cast %a : tensor<?x8x?xf32> to tensor<1x8x128xf32>
  %o = attn.linear_attention %q, %q, %q decay(%as) feature identity causal
      : tensor<1x8x128x64xbf16>, tensor<1x8x128x64xbf16>, tensor<1x8x128x64xbf16>,
        tensor<1x8x128xf32> -> tensor<1x8x128x64xbf16>
  %od = tensor.cast %o : tensor<1x8x128x64xbf16> to tensor<?x8x?x64xbf16>
  return %od : tensor<?x8x?x64xbf16>
}

func.func @topk_through_cast(%s: tensor<1x1x4x16xf32>) -> tensor<1x1x4x2xi32> {
  %sd = tensor.cast %s : tensor<1x1x4x16xf32> to tensor<1x1x4x?xf32>
  %i = attn.topk %sd k 2 : tensor<1x1x4x?xf32> -> tensor<1x1x4x2xi32>
  return %i : tensor<1x1x4x2xi32>
}
