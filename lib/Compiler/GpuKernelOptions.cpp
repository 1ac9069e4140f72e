//===- GpuKernelOptions.cpp - GPU kernel options from text ----------------===//
//
// The C API and Python take the GPU kernel options as text, as MLIR takes a
// pass's options, so that adding an option changes no C signature.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/GpuCompiler.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

LogicalResult mlir::attn::parseGpuKernelOptions(StringRef text,
                                                GpuCompileOptions &options,
                                                std::string &error) {
  auto fail = [&](const Twine &message) {
    error = ("GPU options: " + message).str();
    return failure();
  };
  static constexpr std::pair<StringLiteral, int64_t GpuCompileOptions::*>
      kIntegers[] = {{"warps", &GpuCompileOptions::warps},
                     {"row-tiles", &GpuCompileOptions::rowTiles},
                     {"key-splits", &GpuCompileOptions::keySplits}};
  static constexpr std::pair<StringLiteral, bool GpuCompileOptions::*>
      kFlags[] = {{"ping-pong", &GpuCompileOptions::pingPong},
                  {"fuse-merges", &GpuCompileOptions::fuseMerges},
                  {"fuse-topk", &GpuCompileOptions::fuseTopk},
                  {"clusters", &GpuCompileOptions::clusters}};
  SmallVector<StringRef> pairs;
  text.split(pairs, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  llvm::StringSet<> seen;
  for (StringRef pair : pairs) {
    auto [name, value] = pair.split('=');
    if (!pair.contains('=') || name.empty())
      return fail("'" + pair + "' is not name=value");
    if (!seen.insert(name).second)
      return fail("'" + name + "' is given twice");
    if (const auto *integer = llvm::find_if(
            kIntegers, [&](const auto &entry) { return entry.first == name; });
        integer != std::end(kIntegers)) {
      if (value.getAsInteger(10, options.*integer->second))
        return fail("'" + name + "' takes an integer, not '" + value + "'");
    } else if (const auto *flag = llvm::find_if(
                   kFlags,
                   [&](const auto &entry) { return entry.first == name; });
               flag != std::end(kFlags)) {
      if (value != "true" && value != "false")
        return fail("'" + name + "' takes true or false, not '" + value + "'");
      options.*flag->second = value == "true";
    } else if (name == "head-pairs") {
      if (value != "auto" && value != "on" && value != "off")
        return fail("'head-pairs' takes auto, on or off, not '" + value + "'");
      options.headPairs = value.str();
    } else {
      return fail("unknown option '" + name +
                  "' (warps, row-tiles, key-splits, ping-pong, fuse-merges, "
                  "fuse-topk, clusters, head-pairs)");
    }
  }
  return success();
}
