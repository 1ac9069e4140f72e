/*===- attn-c/Attn.h - the C API of attn --------------------------*- C -*-===*\
|*                                                                            *|
|* Registers the attn dialect, its passes and pipelines with MLIR's C API,    *|
|* parses and transforms attn programs, and compiles them to host libraries.  *|
|* Failures are returned, never aborts: every diagnostic is handed to the     *|
|* caller's callback as one line ("LOC: error: MESSAGE"). A null context or  *|
|* module (a failed parse's) is such a failure; a (NULL, 0) string is empty.  *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef ATTN_C_ATTN_H
#define ATTN_C_ATTN_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The attn dialect alone: mlirDialectHandleInsertDialect(
 * mlirGetDialectHandle__attn__(), registry). */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Attn, attn);

/* The attn dialect and everything attn programs and the attn pipelines use:
 * func, arith, math, tensor, linalg, scf, vector, bufferization, memref,
 * LLVM, OpenMP, gpu, NVVM, nvgpu, their bufferisation models and LLVM IR
 * translations. */
MLIR_CAPI_EXPORTED void attnRegisterDialects(MlirDialectRegistry registry);

/* Makes the attn passes (attn-plan-tiles, attn-tile-attention, ...) and
 * pipelines (attn-cpu-pipeline) known to textual pass pipelines. Idempotent. */
MLIR_CAPI_EXPORTED void attnRegisterPasses(void);

/* A context with attnRegisterDialects' dialects loaded. */
MLIR_CAPI_EXPORTED MlirContext attnContextCreate(void);

/* Parses `source` as a module; on failure returns a null module (check with
 * mlirModuleIsNull) after handing every diagnostic to `onDiagnostic`. */
MLIR_CAPI_EXPORTED MlirModule attnParseModule(MlirContext context,
                                              MlirStringRef source,
                                              MlirStringCallback onDiagnostic,
                                              void *userData);

/* Runs a textual pass pipeline on the module, e.g.
 * "builtin.module(canonicalize, attn-plan-tiles)" or
 * "builtin.module(attn-cpu-pipeline{flash=false})". A pipeline that does not
 * parse and a pass that fails both return failure with diagnostics. */
MLIR_CAPI_EXPORTED MlirLogicalResult
attnRunPassPipeline(MlirModule module, MlirStringRef pipeline,
                    MlirStringCallback onDiagnostic, void *userData);

/* Compiles the module's public functions for the host CPU into a shared
 * library (a path ending in .so) or a relocatable object (.o), with a C
 * header beside it (same stem, .h) declaring int attn_<name>(...) per
 * function. The module is lowered in place. `flash` picks the tiled flash
 * lowering of attention (else the reference lowering), `threads` its OpenMP
 * parallel loop. Nothing is written on failure. */
MLIR_CAPI_EXPORTED MlirLogicalResult
attnCompileForCpu(MlirModule module, MlirStringRef outputPath, bool flash,
                  bool threads, MlirStringCallback onDiagnostic,
                  void *userData);

/* Compiles each public function of the module (one attention of its
 * arguments, or a program of attn ops; sizes may be dynamic) for the NVIDIA GPU
 * `chip` ("sm_80", "sm_90", ...): a shared library (.so) or relocatable
 * object (.o) embedding the cubin, with a header beside it whose
 * int attn_<name>(..., void *stream) entry points take device buffers and
 * a CUstream; or the kernels' PTX
 * (.ptx) or cubin (.cubin). Needs ptxas (ATTN_PTXAS, the CUDA toolkit, or
 * PATH) except for .ptx. The module is lowered in place; nothing is
 * written on failure. */
MLIR_CAPI_EXPORTED MlirLogicalResult
attnCompileForGpu(MlirModule module, MlirStringRef outputPath,
                  MlirStringRef chip, MlirStringCallback onDiagnostic,
                  void *userData);

/* attnCompileForGpu with kernel options as text: whitespace-separated
 * name=value pairs named as attn-compile's --gpu-* flags without the prefix
 * ("warps=4 head-pairs=on"; warps, row-tiles, key-splits, ping-pong,
 * pair-key-blocks, fuse-merges, fuse-topk, clusters, head-pairs, persistent,
 * dependent-launches), their values read as attn-compile reads them. An empty
 * text gives the defaults; an unknown name, a bad or out-of-range value or a
 * name given twice is an error before anything is lowered. */
MLIR_CAPI_EXPORTED MlirLogicalResult attnCompileForGpuWithOptions(
    MlirModule module, MlirStringRef outputPath, MlirStringRef chip,
    MlirStringRef options, MlirStringCallback onDiagnostic, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_C_ATTN_H */
