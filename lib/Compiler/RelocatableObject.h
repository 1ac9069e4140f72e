//===- RelocatableObject.h - .o outputs that export only entry points -*- C++
//-*-//

#ifndef ATTN_LIB_COMPILER_RELOCATABLEOBJECT_H
#define ATTN_LIB_COMPILER_RELOCATABLEOBJECT_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::attn {

/// Links `inputs` (objects and archives, whose members are pulled in as the
/// objects need them) into the relocatable object `output` with the host C
/// compiler, going through `scratchLinked`, and makes every hidden symbol
/// local. Only what the inputs mark with default visibility (the `attn_*`
/// entry points) stays global, so two objects from attn-compile link into
/// one program without colliding on the kernels' or the runtime's names.
LogicalResult linkRelocatableObject(StringRef compiler,
                                    ArrayRef<StringRef> inputs,
                                    StringRef scratchLinked, StringRef output,
                                    std::string &error);

} // namespace mlir::attn

#endif // ATTN_LIB_COMPILER_RELOCATABLEOBJECT_H
