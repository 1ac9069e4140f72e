// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | FileCheck %s
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu | attn-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: attn-opt %s --split-input-file --convert-attn-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=HOPPER
// RUN: attn-opt %s --split-input-file --attn-gpu-pipeline="chip=sm_90 format=isa" | FileCheck %s --check-prefix=PTX

// Tensors that score_mod and mask_mod regions read from outside them, and
// the constant tables hooks build, in GPU kernels.

// The table that a score_mod reads: the kernel's argument after the
// operands (any strides), read by loads; the launch passes the buffer.
// CHECK-LABEL: func.func @score_mod_table(
// CHECK-SAME: %arg1: memref<2x9xf32, strided<[?, ?], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@score_mod_table_kernel
// CHECK-SAME: %arg1 : memref<2x9xf32, strided<[?, ?], offset: ?>>, %arg2
// CHECK: gpu.func @score_mod_table_kernel(
// CHECK-SAME: %arg3: memref<2x9xf32, strided<[?, ?], offset: ?>>, %arg4
// CHECK-SAME: attn.narrow_indices
// CHECK-NOT: tensor.
// CHECK: memref.load %arg3[%block_id_y, %{{.*}}] : memref<2x9xf32, strided<[?, ?], offset: ?>>
// CHECK-NOT: tensor.
// CHECK: gpu.return
// ROUNDTRIP-LABEL: func.func @score_mod_table(
// ROUNDTRIP: gpu.func @score_mod_table_kernel(
func.func @score_mod_table(%q: tensor<1x2x64x64xbf16>, %t: tensor<2x9xf32>) -> tensor<1x2x64x64xbf16> {
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c8 = arith.constant 8 : index
        %r = arith.remui %j, %c8 : index
        %x = tensor.extract %t[%h, %r] : tensor<2x9xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

// ALiBi's given slopes: a constant global of the kernels' module, read at
// the query head.
// CHECK-LABEL: func.func @alibi_slopes(
// CHECK: gpu.func @alibi_slopes_kernel(
// CHECK-NOT: attn.narrow_indices
// CHECK-NOT: arith.constant dense
// CHECK: %[[SLOPES:.*]] = memref.get_global @alibi_slopes_kernel_table0 : memref<2xf32>
// CHECK-NEXT: memref.load %[[SLOPES]][%block_id_y] : memref<2xf32>
// CHECK-NOT: arith.constant dense
// CHECK: gpu.return
// CHECK: memref.global "private" constant @alibi_slopes_kernel_table0 : memref<2xf32> = dense<[5.000000e-01, 2.500000e-01]>
// PTX: .global .align 4 .b8 alibi_slopes_kernel_table0[8] = {0, 0, 0, 63, 0, 0, 128, 62};
func.func @alibi_slopes(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %o = attn.attention %q, %q, %q mask [#attn.causal] score [#attn.alibi<slopes = [0.5, 0.25]>]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}


// -----

// A mask_mod that reads a length per batch, in the sm_90a kernel too
// (after its tensor maps and operands).
// CHECK-LABEL: func.func @prefix_lengths(
// CHECK: gpu.func @prefix_lengths_kernel(
// CHECK-SAME: %arg3: memref<2xi32, strided<[?], offset: ?>>
// CHECK: memref.load %arg3[%block_id_z] : memref<2xi32, strided<[?], offset: ?>>
// HOPPER-LABEL: func.func @prefix_lengths(
// HOPPER: gpu.launch_func @attn_kernels::@prefix_lengths_kernel
// HOPPER-SAME: %arg3 : memref<2xi32, strided<[?], offset: ?>>, %arg4
// HOPPER: gpu.func @prefix_lengths_kernel(%arg0: !llvm.array<16 x i64>
// HOPPER-SAME: %arg6: memref<2xi32, strided<[?], offset: ?>>
// HOPPER: memref.load %arg6[%block_id_z] : memref<2xi32, strided<[?], offset: ?>>
func.func @prefix_lengths(%q: tensor<2x2x128x128xbf16>, %k: tensor<2x2x128x128xbf16>,
                          %v: tensor<2x2x128x128xbf16>, %pl: tensor<2xi32>)
    -> tensor<2x2x128x128xbf16> {
  %o = attn.attention %q, %k, %v
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %p = tensor.extract %pl[%b] : tensor<2xi32>
        %pi = arith.index_cast %p : i32 to index
        %c = arith.cmpi sle, %j, %i : index
        %f = arith.cmpi slt, %j, %pi : index
        %a = arith.ori %c, %f : i1
        attn.yield %a : i1
      }
      : tensor<2x2x128x128xbf16>, tensor<2x2x128x128xbf16>, tensor<2x2x128x128xbf16>
      -> tensor<2x2x128x128xbf16>
  return %o : tensor<2x2x128x128xbf16>
}


// -----

// In a program, a table that another op computes: its kernel writes a
// temporary that the attention's kernel reads.
// CHECK-LABEL: func.func @computed_table(
// CHECK: %[[TEMP:.*]] = gpu.alloc () : memref<2x3xf32>
// CHECK: %[[WRITTEN:.*]] = memref.cast %[[TEMP]] : memref<2x3xf32> to memref<2x3xf32, strided<[?, ?], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@computed_table_kernel_0
// CHECK-SAME: args(%arg1 : memref<2x3xf32, strided<[?, ?], offset: ?>>, %[[WRITTEN]] :
// CHECK: %[[READ:.*]] = memref.cast %[[TEMP]] : memref<2x3xf32> to memref<2x3xf32, strided<[?, ?], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@computed_table_kernel_1
// CHECK-SAME: %[[READ]] : memref<2x3xf32, strided<[?, ?], offset: ?>>, %arg2
// CHECK: gpu.dealloc %[[TEMP]]
// CHECK: gpu.func @computed_table_kernel_1(
// CHECK: memref.load %arg3[%block_id_y, %{{.*}}] : memref<2x3xf32, strided<[?, ?], offset: ?>>
func.func @computed_table(%q: tensor<1x2x64x64xbf16>, %t: tensor<2x3xf32>) -> tensor<1x2x64x64xbf16> {
  %t2 = arith.mulf %t, %t : tensor<2x3xf32>
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c2 = arith.constant 2 : index
        %r = arith.remui %j, %c2 : index
        %x = tensor.extract %t2[%h, %r] : tensor<2x3xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}


// -----

// A table constant of the function that only the region reads launches
// nothing: the kernel's copy is a constant global.
// CHECK-LABEL: func.func @constant_table(
// CHECK-NOT: arith.constant dense
// CHECK: gpu.launch_func @attn_kernels::@constant_table_kernel
// CHECK: gpu.func @constant_table_kernel(
// CHECK-NOT: arith.constant dense
// CHECK: memref.get_global @constant_table_kernel_table0 : memref<2x2xf32>
// CHECK: memref.global "private" constant @constant_table_kernel_table0 : memref<2x2xf32> = dense<{{\[\[}}5.000000e-01, -1.000000e+00], [2.000000e+00, 0.000000e+00]]>
// PTX: .global .align 4 .b8 constant_table_kernel_table0[16] = {0, 0, 0, 63, 0, 0, 128, 191, 0, 0, 0, 64};
func.func @constant_table(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %t = arith.constant dense<[[0.5, -1.0], [2.0, 0.0]]> : tensor<2x2xf32>
  %o = attn.attention %q, %q, %q
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c2 = arith.constant 2 : index
        %r = arith.remui %j, %c2 : index
        %x = tensor.extract %t[%h, %r] : tensor<2x2xf32>
        %z = arith.constant 0.0 : f32
        %a = arith.cmpf oge, %x, %z : f32
        attn.yield %a : i1
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}


// -----

// A union whose source reads a table stays two attentions and a merge
// (the union's kernel takes no source's tables).
// CHECK-LABEL: func.func @union_with_table(
// CHECK: gpu.launch_func @attn_kernels::@union_with_table_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@union_with_table_kernel_1
// CHECK-SAME: %arg5 : memref<2xf32, strided<[?], offset: ?>>
// CHECK: gpu.launch_func @attn_kernels::@union_with_table_kernel_2
// ROUNDTRIP-LABEL: func.func @union_with_table(
// ROUNDTRIP: gpu.func @union_with_table_kernel_2(
func.func @union_with_table(%q: tensor<1x2x64x64xbf16>, %k1: tensor<1x2x64x64xbf16>,
                            %v1: tensor<1x2x64x64xbf16>, %k2: tensor<1x2x32x64xbf16>,
                            %v2: tensor<1x2x32x64xbf16>, %t: tensor<2xf32>)
    -> tensor<1x2x64x64xbf16> {
  %o1, %l1 = attn.attention %q, %k1, %v1 mask [#attn.causal]
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o2, %l2 = attn.attention %q, %k2, %v2
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%h] : tensor<2xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x32x64xbf16>, tensor<1x2x32x64xbf16>
      -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  %o, %l = attn.merge lse (%o1, %l1), (%o2, %l2)
      : tensor<1x2x64x64xbf16>, tensor<1x2x64xf32> -> tensor<1x2x64x64xbf16>, tensor<1x2x64xf32>
  return %o : tensor<1x2x64x64xbf16>
}

// -----

// A splat constant that a region reads and an elementwise op uses: the
// kernel clones it (no argument), and the launch still passes exactly the
// kernel's buffers, the output last.
// CHECK-LABEL: func.func @splat_read_and_used(
// CHECK: gpu.launch_func @attn_kernels::@splat_read_and_used_kernel_2
// CHECK-SAME: args(%arg0 : memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %arg0 : memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %arg0 : memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %arg1 : memref<1x2x64x64xbf16, strided<[?, ?, ?, 1], offset: ?>>)
func.func @splat_read_and_used(%q: tensor<1x2x64x64xbf16>)
    -> (tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>) {
  %t = arith.constant dense<0.5> : tensor<1x2x64x64xbf16>
  %u = arith.addf %t, %t : tensor<1x2x64x64xbf16>
  %o = attn.attention %q, %q, %q score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%b, %h, %i, %j] : tensor<1x2x64x64xbf16>
        %xf = arith.extf %x : bf16 to f32
        %y = arith.addf %s, %xf : f32
        attn.yield %y : f32
      } : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
        -> tensor<1x2x64x64xbf16>
  return %o, %u : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
}

// -----

// Block scores share the LSE of the attention over their probabilities,
// which then runs first with what it reads: the attention giving its
// values, and the table that attention's region reads.
// CHECK-LABEL: func.func @hoisted_table_reader(
// CHECK: gpu.launch_func @attn_kernels::@hoisted_table_reader_kernel_0
// CHECK: gpu.launch_func @attn_kernels::@hoisted_table_reader_kernel_1
// CHECK: gpu.launch_func @attn_kernels::@hoisted_table_reader_kernel_2
// CHECK: gpu.launch_func @attn_kernels::@hoisted_table_reader_kernel_3
// CHECK: gpu.func @hoisted_table_reader_kernel_0(%arg0: memref<2xf32
// CHECK: gpu.func @hoisted_table_reader_kernel_1(%arg0: memref<1x2x4x64xbf16
// CHECK: gpu.func @hoisted_table_reader_kernel_2(%arg0: memref<1x2x128x64xbf16
// CHECK: gpu.func @hoisted_table_reader_kernel_3(
// CHECK-SAME: %arg2: memref<1x2x128xf32
func.func @hoisted_table_reader(%q: tensor<1x2x128x64xbf16>, %kc: tensor<1x2x4x64xbf16>,
                                %q4: tensor<1x2x4x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                                %v: tensor<1x2x128x64xbf16>, %tab: tensor<2xf32>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x4x4xf32>) {
  %s = attn.block_scores %q, %kc block_q 32
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %t = arith.mulf %tab, %tab : tensor<2xf32>
  %vc = attn.attention %q4, %k, %v
      score_mod {
      ^bb0(%sc: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%h] : tensor<2xf32>
        %y = arith.addf %sc, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x4x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x4x64xbf16>
  %o = attn.attention %q, %kc, %vc
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>
  return %o, %s : tensor<1x2x128x64xbf16>, tensor<1x2x4x4xf32>
}

// -----

// No LSE sharing where the attention would have to run before what it
// reads: a region of the attention giving its values reads the scores.
// CHECK-LABEL: func.func @region_reads_scores(
// CHECK: gpu.launch_func @attn_kernels::@region_reads_scores_kernel_0
// CHECK-SAME: args(%arg0 : memref<1x2x128x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %arg1 : memref<1x2x4x64xbf16, strided<[?, ?, ?, 1], offset: ?>>, %{{[a-z0-9_]+}} : memref<1x2x4x4xf32, strided<[?, ?, ?, ?], offset: ?>>)
// CHECK: gpu.launch_func @attn_kernels::@region_reads_scores_kernel_1
// CHECK: gpu.launch_func @attn_kernels::@region_reads_scores_kernel_2
func.func @region_reads_scores(%q: tensor<1x2x128x64xbf16>, %kc: tensor<1x2x4x64xbf16>,
                               %q4: tensor<1x2x4x64xbf16>, %k: tensor<1x2x128x64xbf16>,
                               %v: tensor<1x2x128x64xbf16>)
    -> (tensor<1x2x128x64xbf16>, tensor<1x2x4x4xf32>) {
  %s = attn.block_scores %q, %kc block_q 32
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16> -> tensor<1x2x4x4xf32>
  %vc = attn.attention %q4, %k, %v
      score_mod {
      ^bb0(%sc: f32, %b: index, %h: index, %i: index, %j: index):
        %c0 = arith.constant 0 : index
        %x = tensor.extract %s[%b, %h, %i, %c0] : tensor<1x2x4x4xf32>
        %y = arith.addf %sc, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x4x64xbf16>, tensor<1x2x128x64xbf16>, tensor<1x2x128x64xbf16>
      -> tensor<1x2x4x64xbf16>
  %o = attn.attention %q, %kc, %vc
      : tensor<1x2x128x64xbf16>, tensor<1x2x4x64xbf16>, tensor<1x2x4x64xbf16>
      -> tensor<1x2x128x64xbf16>
  return %o, %s : tensor<1x2x128x64xbf16>, tensor<1x2x4x4xf32>
}

// -----

// A constant table before a single attention keeps it one kernel (dynamic
// lengths allowed); the host keeps no copy of the constant.
// CHECK-LABEL: func.func @constant_table_dynamic(
// CHECK-SAME: attn.gpu_kernel = @attn_kernels::@constant_table_dynamic_kernel
// CHECK-NOT: arith.constant dense
// CHECK: gpu.launch_func @attn_kernels::@constant_table_dynamic_kernel
// CHECK: gpu.func @constant_table_dynamic_kernel(
// CHECK: memref.get_global @constant_table_dynamic_kernel_table0 : memref<2xf32>
func.func @constant_table_dynamic(%q: tensor<1x2x?x64xbf16>) -> tensor<1x2x?x64xbf16> {
  %t = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%h] : tensor<2xf32>
        %y = arith.addf %s, %x : f32
        attn.yield %y : f32
      }
      : tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>, tensor<1x2x?x64xbf16>
      -> tensor<1x2x?x64xbf16>
  return %o : tensor<1x2x?x64xbf16>
}

// -----

// A table held in a resource blob (torch-mlir's module parameters: a
// per-head temperature) becomes the same constant global as a dense one;
// i1 blobs hold a byte per element.
// CHECK-LABEL: func.func @resource_table(
// CHECK: gpu.func @resource_table_kernel(
// CHECK: memref.get_global @resource_table_kernel_table0 : memref<2xf32>
// CHECK: memref.get_global @resource_table_kernel_table1 : memref<4xi1>
// CHECK-DAG: memref.global "private" constant @resource_table_kernel_table0 : memref<2xf32> = dense<[5.000000e-01, 1.500000e+00]>
// CHECK-DAG: memref.global "private" constant @resource_table_kernel_table1 : memref<4xi1> = dense<[true, false, true, true]>
func.func @resource_table(%q: tensor<1x2x64x64xbf16>) -> tensor<1x2x64x64xbf16> {
  %t = arith.constant dense_resource<temperatures> : tensor<2xf32>
  %m = arith.constant dense_resource<keep> : tensor<4xi1>
  %o = attn.attention %q, %q, %q
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = tensor.extract %t[%h] : tensor<2xf32>
        %y = arith.mulf %s, %x : f32
        attn.yield %y : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %r = arith.remui %j, %c4 : index
        %k = tensor.extract %m[%r] : tensor<4xi1>
        attn.yield %k : i1
      }
      : tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>
      -> tensor<1x2x64x64xbf16>
  return %o : tensor<1x2x64x64xbf16>
}
{-#
  dialect_resources: {
    builtin: {
      temperatures: "0x040000000000003F0000C03F",
      keep: "0x0100000001000101"
    }
  }
#-}
