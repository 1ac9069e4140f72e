//===- MachineMemory.cpp - the memory a process may use -------------------===//

#include "attn/Support/MachineMemory.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <unistd.h>

/// A cgroup's memory limit (v2's memory.max, v1's memory.limit_in_bytes),
/// or 0 where there is none or it cannot be read.
static double cgroupMemoryLimit() {
  for (const char *path : {"/sys/fs/cgroup/memory.max",
                           "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
        llvm::MemoryBuffer::getFileAsStream(path);
    if (!file)
      continue;
    uint64_t limit = 0;
    // "max" (v2) or a huge number (v1) means no limit.
    if (!llvm::StringRef((*file)->getBuffer()).trim().getAsInteger(10, limit))
      return static_cast<double>(limit);
  }
  return 0;
}

double mlir::attn::physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  double physical =
      pages > 0 && pageSize > 0
          ? static_cast<double>(pages) * static_cast<double>(pageSize)
          : 0.0;
  double limit = cgroupMemoryLimit();
  if (limit > 0 && (physical == 0 || limit < physical))
    return limit;
  return physical;
}
