//===- Toolchain.cpp - external tools and scratch files of compilers ------===//

#include "Toolchain.h"

#include "attn/Compiler/CpuCompiler.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"

#include <cctype>
#include <cstring>

#include <unistd.h>

using namespace mlir;
using namespace mlir::attn;

/// Success for exit code 0, else `error` names the program and its exit.
static LogicalResult checkExit(StringRef program, int rc,
                               const std::string &message, std::string &error) {
  if (rc == 0)
    return success();
  error = (program + " failed (exit " + llvm::Twine(rc) + ")" +
           (message.empty() ? "" : ": " + message))
              .str();
  return failure();
}

LogicalResult mlir::attn::runProgram(StringRef program,
                                     ArrayRef<StringRef> args,
                                     std::string &error) {
  SmallVector<StringRef> argv = {program};
  llvm::append_range(argv, args);
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, {}, 0, 0,
                                     &message);
  return checkExit(program, rc, message, error);
}

std::string mlir::attn::findCCompiler() {
  for (StringRef candidate : {"clang-22", "clang", "cc", "gcc"})
    if (auto found = llvm::sys::findProgramByName(candidate))
      return *found;
  return "";
}

namespace {
/// With removeScratchOnInterrupt: the live scratch directory's path, which
/// the interrupt function removes once LLVM's handler has removed the files
/// registered in it (only async-signal-safe calls there).
bool removeOnInterrupt = false;
char interruptedScratch[4096];

void removeScratchAndExit() {
  if (interruptedScratch[0])
    rmdir(interruptedScratch);
  _exit(1);
}
} // namespace

void mlir::attn::removeScratchOnInterrupt() { removeOnInterrupt = true; }

LogicalResult ScratchDirectory::create(std::string &error) {
  llvm::SmallString<128> created;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("attn-compile", created)) {
    error = "cannot create a scratch directory: " + ec.message();
    return failure();
  }
  directory = std::string(created);
  if (removeOnInterrupt && directory.size() < sizeof(interruptedScratch)) {
    std::memcpy(interruptedScratch, directory.c_str(), directory.size() + 1);
    llvm::sys::SetInterruptFunction(removeScratchAndExit);
  }
  return success();
}

ScratchDirectory::~ScratchDirectory() {
  if (directory.empty())
    return;
  if (removeOnInterrupt && directory == interruptedScratch) {
    llvm::sys::SetInterruptFunction(nullptr);
    interruptedScratch[0] = 0;
    for (const std::string &file : registered)
      llvm::sys::DontRemoveFileOnSignal(file);
  }
  llvm::sys::fs::remove_directories(directory);
}

std::string ScratchDirectory::path(StringRef name) {
  llvm::SmallString<128> result(directory);
  llvm::sys::path::append(result, name);
  // (Files the tools and this process write there: LLVM's handler removes
  // them on an interrupt, before the directory goes.)
  if (removeOnInterrupt && directory == interruptedScratch) {
    llvm::sys::RemoveFileOnSignal(result);
    registered.push_back(std::string(result));
  }
  return std::string(result);
}

LogicalResult mlir::attn::writeFile(StringRef path, StringRef text,
                                    std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  os << text;
  return success();
}

LogicalResult mlir::attn::checkHeaderName(StringRef outputPath,
                                          std::string &error) {
  StringRef name = llvm::sys::path::filename(outputPath);
  if (name.find_first_of("\"\\\n") == StringRef::npos)
    return success();
  error = "output '" + outputPath.str() +
          "': its file name holds a character (\", \\ or a newline) that the "
          "generated code's #include of its header cannot";
  return failure();
}

std::string mlir::attn::headerPathFor(StringRef outputPath) {
  llvm::SmallString<128> headerPath(outputPath);
  llvm::sys::path::replace_extension(headerPath, ".h");
  return std::string(headerPath);
}

std::string mlir::attn::headerGuardFor(StringRef outputPath) {
  std::string guard = "ATTN_GENERATED_";
  for (char c : llvm::sys::path::stem(outputPath))
    guard += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::toupper(c))
                 : '_';
  return guard + "_H";
}

/// Copies `from` to a new file beside `to` (same directory, so that a
/// rename installs it at once); its path goes into `staged`.
static LogicalResult stageBeside(StringRef from, StringRef to,
                                 std::string &staged, std::string &error) {
  llvm::SmallString<128> model(to);
  model += ".tmp-%%%%%%";
  llvm::SmallString<128> path;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, path)) {
    error = "cannot write '" + to.str() + "': " + ec.message();
    return failure();
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::sys::RemoveFileOnSignal(path);
  if (std::error_code ec = llvm::sys::fs::copy_file(from, path)) {
    llvm::sys::fs::remove(path);
    error = "cannot write '" + to.str() + "': " + ec.message();
    return failure();
  }
  staged = std::string(path);
  return success();
}

LogicalResult mlir::attn::installOutputs(
    ArrayRef<std::pair<StringRef, StringRef>> scratchToDestination,
    std::string &error) {
  // Every file is copied beside its destination first; only then are they
  // renamed into place (a rename in one directory needs no space), so a
  // full disk or an unwritable directory leaves the destinations as they
  // were. A directory in a destination's place would fail its rename only
  // after others had been renamed: refuse it first.
  for (auto [scratch, destination] : scratchToDestination) {
    if (llvm::sys::fs::is_directory(destination)) {
      error = "cannot write '" + destination.str() + "': it is a directory";
      return failure();
    }
  }
  SmallVector<std::string> staged;
  auto removeStaged = [&] {
    for (const std::string &path : staged)
      llvm::sys::fs::remove(path);
  };
  for (auto [scratch, destination] : scratchToDestination) {
    if (failed(
            stageBeside(scratch, destination, staged.emplace_back(), error))) {
      staged.pop_back();
      removeStaged();
      return failure();
    }
  }
  for (auto [path, entry] : llvm::zip_equal(staged, scratchToDestination)) {
    if (std::error_code ec = llvm::sys::fs::rename(path, entry.second)) {
      removeStaged();
      error = "cannot write '" + entry.second.str() + "': " + ec.message();
      return failure();
    }
  }
  for (const std::string &path : staged)
    llvm::sys::DontRemoveFileOnSignal(path);
  return success();
}
