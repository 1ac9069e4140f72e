//===- RelocatableObject.cpp - .o outputs that export only entry points ---===//

#include "RelocatableObject.h"
#include "Toolchain.h"

#include "llvm/ObjCopy/ConfigManager.h"
#include "llvm/ObjCopy/ObjCopy.h"
#include "llvm/Object/Binary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

LogicalResult mlir::attn::linkRelocatableObject(StringRef compiler,
                                                ArrayRef<StringRef> inputs,
                                                StringRef scratchLinked,
                                                StringRef output,
                                                std::string &error) {
  SmallVector<StringRef> args = {"-r", "-nostdlib", "-o", scratchLinked};
  llvm::append_range(args, inputs);
  if (failed(runProgram(compiler, args, error)))
    return failure();

  // `ld -r` keeps hidden symbols global (hidden only limits what a shared
  // object exports), so a program that links two of our objects would see
  // both copies of a kernel or runtime function. objcopy's
  // --localize-hidden, in process: no binutils needed.
  auto buffer = llvm::MemoryBuffer::getFile(scratchLinked, /*IsText=*/false);
  if (!buffer) {
    error = "cannot read '" + scratchLinked.str() +
            "': " + buffer.getError().message();
    return failure();
  }
  auto binary = llvm::object::createBinary(**buffer);
  if (!binary) {
    error = "cannot read the linked object '" + scratchLinked.str() +
            "': " + llvm::toString(binary.takeError());
    return failure();
  }
  llvm::objcopy::ConfigManager config;
  config.Common.InputFilename = scratchLinked;
  config.Common.OutputFilename = output;
  config.ELF.LocalizeHidden = true;
  std::error_code ec;
  llvm::raw_fd_ostream os(output, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + output.str() + "': " + ec.message();
    return failure();
  }
  if (llvm::Error err =
          llvm::objcopy::executeObjcopyOnBinary(config, **binary, os)) {
    error = "cannot make the hidden symbols of '" + scratchLinked.str() +
            "' local: " + llvm::toString(std::move(err));
    return failure();
  }
  // (A write error, a full disk say, would abort in the stream's
  // destructor if left unchecked.)
  os.close();
  if (os.has_error()) {
    error = "cannot write '" + output.str() + "': " + os.error().message();
    os.clear_error();
    return failure();
  }
  return success();
}
