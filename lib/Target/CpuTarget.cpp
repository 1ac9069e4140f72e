//===- CpuTarget.cpp - what the CPU tiling plan needs to know -------------===//

#include "attn/Target/CpuTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"

#include <thread>

using namespace mlir::attn;

/// "48K" -> 49152, "2048K" -> 2097152, "1M" -> 1048576.
static int64_t parseCacheSize(llvm::StringRef text) {
  text = text.trim();
  int64_t multiplier = 1;
  if (text.consume_back("K"))
    multiplier = 1024;
  else if (text.consume_back("M"))
    multiplier = 1024 * 1024;
  int64_t value = 0;
  if (text.getAsInteger(10, value))
    return 0;
  return value * multiplier;
}

static std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return "";
  return (*buffer)->getBuffer().trim().str();
}

CpuTarget CpuTarget::detectHost() {
  CpuTarget target;
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    std::string level = readFile(dir + "/level");
    if (level.empty())
      break;
    std::string type = readFile(dir + "/type");
    int64_t size = parseCacheSize(readFile(dir + "/size"));
    if (size <= 0)
      continue;
    if (level == "1" && type != "Instruction")
      target.l1Bytes = size;
    else if (level == "2")
      target.l2Bytes = size;
  }
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    target.vectorBits = 512;
  else if (features.lookup("avx2") || features.lookup("avx"))
    target.vectorBits = 256;
  else
    target.vectorBits = 128;
  target.hasBf16Dot = features.lookup("avx512bf16");
  unsigned threads = std::thread::hardware_concurrency();
  target.cores = threads ? threads : 1;
  return target;
}

std::string CpuTarget::describe() const {
  return "l1=" + std::to_string(l1Bytes) + " l2=" + std::to_string(l2Bytes) +
         " vector-bits=" + std::to_string(vectorBits) +
         " cores=" + std::to_string(cores);
}

bool mlir::attn::isValidVectorBitsOption(int64_t bits) {
  return bits == 0 || (bits % 32 == 0 && bits >= 32 && bits <= 2048);
}

std::string mlir::attn::describeVectorBitsOptionError(int64_t bits) {
  return "vector-bits must be 0 or a multiple of 32 from 32 to 2048, but is " +
         std::to_string(bits);
}
