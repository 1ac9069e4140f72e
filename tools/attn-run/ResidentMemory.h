//===- ResidentMemory.h - peak resident memory of attn-run ------*- C++ -*-===//
//
// --bench reports the peak resident memory of the run it times. The
// reference that attn-run evaluates before compiling (double precision, for
// the results' shapes or the allowed-pair count) is not part of that run, so
// its high-water mark is reset after the reference where the kernel lets us
// (Linux's /proc/self/clear_refs); elsewhere the whole process's peak is
// reported.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_RUN_RESIDENTMEMORY_H
#define ATTN_TOOLS_ATTN_RUN_RESIDENTMEMORY_H

namespace mlir::attn {

/// Starts the peak count afresh from what is resident now; false where the
/// system does not allow it (the peak then counts from the process's start).
bool resetPeakResidentMemory();

/// The peak resident memory in MiB since the last successful reset (or since
/// the process started).
double peakResidentMemoryMiB();

} // namespace mlir::attn

#endif // ATTN_TOOLS_ATTN_RUN_RESIDENTMEMORY_H
