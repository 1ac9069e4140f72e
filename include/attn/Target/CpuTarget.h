//===- CpuTarget.h - what the CPU tiling plan needs to know -----*- C++ -*-===//

#ifndef ATTN_TARGET_CPUTARGET_H
#define ATTN_TARGET_CPUTARGET_H

#include <cstdint>
#include <string>

namespace mlir::attn {

/// The facts about a CPU that tile sizes depend on.
struct CpuTarget {
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 1024 * 1024;
  int64_t vectorBits = 256;
  /// AVX-512 BF16 (vdpbf16ps): bf16 pair dot products into f32.
  bool hasBf16Dot = false;
  int64_t cores = 1;

  /// Reads the host: cache sizes from /sys/devices/system/cpu/cpu0/cache,
  /// the widest vector unit from the CPU features, the number of cores.
  static CpuTarget detectHost();
  std::string describe() const;
};

/// Whether `bits` is a vector width that the CPU passes and pipeline take:
/// 0 (the host's) or a multiple of 32 from 32 to 2048.
bool isValidVectorBitsOption(int64_t bits);
/// Why isValidVectorBitsOption refuses `bits`, for a message that names the
/// pass or pipeline before it.
std::string describeVectorBitsOptionError(int64_t bits);

} // namespace mlir::attn

#endif // ATTN_TARGET_CPUTARGET_H
