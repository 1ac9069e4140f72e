//===- ResidentMemory.cpp - peak resident memory of attn-run --------------===//

#include "ResidentMemory.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <sys/resource.h>

using namespace mlir::attn;

bool mlir::attn::resetPeakResidentMemory() {
  // "5" resets the VmHWM of /proc/self/status (Linux 4.0 on); getrusage's
  // maximum is never reset.
  std::error_code ec;
  llvm::raw_fd_ostream file("/proc/self/clear_refs", ec);
  if (ec)
    return false;
  file << "5";
  file.close();
  // A kernel that refuses the value (before 4.0) leaves an error that the
  // stream's destructor would turn into a fatal one.
  bool reset = !file.has_error();
  file.clear_error();
  return reset;
}

double mlir::attn::peakResidentMemoryMiB() {
  // /proc files report a size of 0: read them as a stream.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> status =
      llvm::MemoryBuffer::getFileAsStream("/proc/self/status");
  if (status) {
    llvm::StringRef text = (*status)->getBuffer();
    size_t at = text.find("VmHWM:");
    unsigned long long kib = 0;
    if (at != llvm::StringRef::npos &&
        !text.substr(at + 6).split('\n').first.trim().consumeInteger(10, kib))
      return kib / 1024.0;
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}
