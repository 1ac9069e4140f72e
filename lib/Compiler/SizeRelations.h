//===- SizeRelations.h - size rules between buffers ------------*- C++ -*-===//

#ifndef ATTN_LIB_COMPILER_SIZERELATIONS_H
#define ATTN_LIB_COMPILER_SIZERELATIONS_H

#include "CInterface.h"

namespace mlir::attn {

/// The size rules between `func`'s buffers (its arguments, then its
/// results, as `buffers` lists them) that its attn ops impose and its types
/// leave open: a rule only where a size on either side is dynamic.
std::vector<CSizeRule> collectSizeRules(func::FuncOp func,
                                        ArrayRef<CBuffer> buffers);

} // namespace mlir::attn

#endif // ATTN_LIB_COMPILER_SIZERELATIONS_H
