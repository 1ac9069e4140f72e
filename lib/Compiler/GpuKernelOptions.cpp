//===- GpuKernelOptions.cpp - GPU kernel options from text ----------------===//
//
// The C API and Python take the GPU kernel options as text, as MLIR takes a
// pass's options, so that adding an option changes no C signature.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/GpuCompiler.h"

#include "attn/Conversion/AttnToGpu/AttnToGpu.h"

#include "llvm/ADT/StringExtras.h"
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
      kFlags[] = {
          {"ping-pong", &GpuCompileOptions::pingPong},
          {"pair-key-blocks", &GpuCompileOptions::pairKeyBlocks},
          {"fuse-merges", &GpuCompileOptions::fuseMerges},
          {"fuse-topk", &GpuCompileOptions::fuseTopk},
          {"clusters", &GpuCompileOptions::clusters},
          {"dependent-launches", &GpuCompileOptions::dependentLaunches}};
  SmallVector<StringRef> pairs;
  llvm::SplitString(text, pairs);
  llvm::StringSet<> seen;
  for (StringRef pair : pairs) {
    // (Not a structured binding: C++17 lambdas cannot capture one.)
    std::pair<StringRef, StringRef> nameAndValue = pair.split('=');
    StringRef name = nameAndValue.first, value = nameAndValue.second;
    if (!pair.contains('=') || name.empty())
      return fail("'" + pair + "' is not name=value");
    if (!seen.insert(name).second)
      return fail("'" + name + "' is given twice");
    if (const auto *integer = llvm::find_if(
            kIntegers, [&](const auto &entry) { return entry.first == name; });
        integer != std::end(kIntegers)) {
      // (Radix as llvm::cl reads attn-compile's flags: 0x10, 010.)
      if (value.getAsInteger(0, options.*integer->second))
        return fail("'" + name + "' takes an integer, not '" + value + "'");
    } else if (const auto *flag = llvm::find_if(
                   kFlags,
                   [&](const auto &entry) { return entry.first == name; });
               flag != std::end(kFlags)) {
      // (The spellings llvm::cl takes for attn-compile's flags.)
      if (llvm::is_contained({"true", "True", "TRUE", "1"}, value))
        options.*flag->second = true;
      else if (llvm::is_contained({"false", "False", "FALSE", "0"}, value))
        options.*flag->second = false;
      else
        return fail("'" + name + "' takes true or false, not '" + value + "'");
    } else if (name == "head-pairs") {
      if (!parseKernelChoice(value))
        return fail("'head-pairs' takes auto, on or off, not '" + value + "'");
      options.headPairs = value.str();
    } else if (name == "persistent") {
      if (!parseKernelChoice(value))
        return fail("'persistent' takes auto, on or off, not '" + value + "'");
      options.persistent = value.str();
    } else {
      return fail("unknown option '" + name +
                  "' (warps, row-tiles, key-splits, ping-pong, "
                  "pair-key-blocks, fuse-merges, fuse-topk, clusters, "
                  "head-pairs, persistent, dependent-launches)");
    }
  }
  if (std::string range = describeGpuKernelOptionRangeError(
          options.warps, options.rowTiles, options.keySplits);
      !range.empty())
    return fail(range);
  return success();
}
