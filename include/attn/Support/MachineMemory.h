//===- MachineMemory.h - the memory a process may use -----------*- C++ -*-===//
//
// attn-run refuses arrays, and its reference refuses results, that cannot
// fit before anything touches them (allocations succeed and fail only as
// their pages are touched).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_SUPPORT_MACHINEMEMORY_H
#define ATTN_SUPPORT_MACHINEMEMORY_H

namespace mlir::attn {

/// The memory this process may use in bytes: the machine's physical
/// memory, or its cgroup's limit where smaller; 0 where unknown.
double physicalMemoryBytes();

} // namespace mlir::attn

#endif // ATTN_SUPPORT_MACHINEMEMORY_H
