//===- WarpgroupMatrix.h - Hopper warpgroup products ------------*- C++ -*-===//
//
// Builders for sm_90a's warpgroup products (wgmma) that MLIR's NVVM ops do
// not cover: shared-memory descriptors of 128-byte-swizzled tiles, the
// product with its A operand in registers, and pinning accumulators after
// a wait; and the TMA pieces the kernels that load such tiles share (tensor
// maps by address, a panel's box, mbarrier waits). The tiles are panels of
// 64 columns of 16-bit elements whose 128-byte rows TMA swizzles in its
// 128B mode.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUPMATRIX_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUPMATRIX_H

#include "mlir/IR/Builders.h"

namespace mlir::attn::gpu_lowering {

/// The columns of one swizzled panel: 128 bytes of 16-bit elements.
inline constexpr int64_t kPanelColumns = 64;
inline constexpr int64_t kPanelRowBytes = 128;
/// Eight rows of 128 bytes: the swizzle's period (tiles start at multiples
/// of it) and a descriptor's stride between 8-row core-matrix groups.
inline constexpr int64_t kSwizzleAtomBytes = 1024;

/// The wgmma descriptor (i64) of the 128B-swizzled operand at shared
/// address `address` (i64): bits 0-13 the address / 16, 16-29 the
/// leading-dimension byte offset / 16, 32-45 the stride byte offset / 16,
/// 62-63 the swizzle mode (PTX ISA, "matrix descriptor").
Value swizzledDescriptor(OpBuilder &b, Location loc, Value address,
                         int64_t leadingBytes, int64_t strideBytes);

/// acc += A B on a warpgroup (m64 x n x k16, f32 accumulators, n = 2 x
/// acc.size()) with A (f16 or bf16: `elementType`) from registers, four i32
/// per thread in mma.sync's A-fragment layout, and B from `descriptorB`:
/// MN-major (`mnMajorB`, as V in P V) or K-major (as K in Q K^T). Without
/// `accumulate` the product overwrites acc (whose values are then unread).
/// NVVM's wgmma op takes A only from shared memory, so this is inline PTX.
SmallVector<Value> multiplyRegisterA(OpBuilder &b, Location loc,
                                     Type elementType, ArrayRef<Value> a,
                                     Value descriptorB, ArrayRef<Value> acc,
                                     bool mnMajorB = true,
                                     bool accumulate = true);

/// f32 `values` through an empty asm statement with side effects, so that
/// their uses cannot move above an earlier wgmma wait (CUTLASS's
/// warpgroup_fence_operand).
SmallVector<Value> pinRegisters(OpBuilder &b, Location loc,
                                ArrayRef<Value> values);

/// A CUtensorMap passed by value: 128 bytes, !llvm.array<16 x i64>.
Type tensorMapType(MLIRContext *context);

/// The shared-memory pointer (address space 3) of shared address
/// `address` (i64).
Value sharedPointer(OpBuilder &b, Location loc, Value address);

/// Tensor map `map` (a kernel argument, !llvm.array<16 x i64>) stored to a
/// stack slot, whose address TMA takes: attn-convert-tensor-map-args replaces
/// the slot by the parameter itself (grid-constant, so TMA reads it in the
/// parameter space).
Value tensorMapSlot(OpBuilder &b, Location loc, Value map);

/// The shared::cluster pointer (address space 7) of shared address
/// `address` (i64): a TMA load's destination.
Value clusterPointer(OpBuilder &b, Location loc, Value address);

/// TMA of one box of `map` (its slot) at `coordinates` (i32, innermost
/// first) to `destination` (clusterPointer), completing on mbarrier `bar`.
/// With `multicastMask` (i16, a bit per CTA rank of the cluster), the box
/// lands at the same offset of every such CTA's shared memory and completes
/// on each one's barrier at `bar`'s offset.
void loadTensorBox(OpBuilder &b, Location loc, Value map, Value destination,
                   ValueRange coordinates, Value bar, Value multicastMask = {});

/// Arrives on the mbarrier at shared pointer `bar`'s offset in the shared
/// memory of the cluster's CTA `rank` (i32; release at CTA scope).
void arriveInCluster(OpBuilder &b, Location loc, Value bar, Value rank);

/// A barrier of every thread of the cluster (arrive with release, wait
/// with acquire): shared memory and mbarriers of the cluster's CTAs are
/// ready, or no longer used, beyond it.
void clusterBarrier(OpBuilder &b, Location loc);

/// Waits until mbarrier `bar` completes the phase of parity `phase` (i32).
void waitParity(OpBuilder &b, Location loc, Value bar, Value phase);

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_WARPGROUPMATRIX_H
