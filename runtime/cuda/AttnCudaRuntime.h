/*===- AttnCudaRuntime.h - launching attn's kernels over the driver API ---===*
 *
 * The launchers that attn-compile generates for GPU targets call this. It
 * loads libcuda.so.1 on first use (so a library links and loads on machines
 * without a GPU), uses the calling thread's current context or else the
 * primary context of device 0, loads the embedded cubin on first use and
 * launches on the caller's stream. One module is cached per kernel: calls
 * from a second context reload it there (the first context's module stays
 * loaded until that context is destroyed), so a process should drive one
 * context per library.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_RUNTIME_CUDA_ATTNCUDARUNTIME_H
#define ATTN_RUNTIME_CUDA_ATTNCUDARUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One kernel of one embedded image, with its cached handles. A `dependent`
 * kernel waits for the previous grid on its stream itself (griddepcontrol,
 * sm_90 and newer) and is launched with programmatic stream serialisation:
 * its CTAs may start while the previous kernel's last ones still run. */
typedef struct {
  const void *image;   /* cubin */
  const char *name;    /* kernel symbol */
  unsigned sharedBytes;
  int dependent;
  void *context;       /* the context the handles below belong to */
  void *module;
  void *function;
} attn_cuda_kernel;

/* Launches `kernel` with a grid (x, y, z), `threads` threads per CTA and its
 * dynamic shared memory on `stream`. Returns 0, or -N for CUDA driver error
 * N (-999 when libcuda.so.1 cannot be loaded). */
int attnCudaLaunch(attn_cuda_kernel *kernel, unsigned gridX, unsigned gridY,
                   unsigned gridZ, unsigned threads, void *stream,
                   void **params);
/* The same with the launch's dynamic shared memory given (at most the
 * kernel's sharedBytes, which it opts in to): a row sized per call. */
int attnCudaLaunchShared(attn_cuda_kernel *kernel, unsigned gridX,
                         unsigned gridY, unsigned gridZ, unsigned threads,
                         unsigned sharedBytes, void *stream, void **params);

/* A call's workspace: device memory ordered on `stream` (cuMemAllocAsync,
 * CUDA 11.2+ drivers; `*ordered` set to 1; where that allocates from the
 * device's default pool, the pool is made to keep its memory across
 * synchronisations if its release threshold is 0 when first seen, so that
 * a call after one does not map its workspaces again), else, where the
 * driver or device has no memory pools, cuMemAlloc (`*ordered` 0). attnCudaFree
 * frees it after the stream's work so far: cuMemFreeAsync, or a stream
 * synchronisation and cuMemFree. Return 0, or -N for CUDA driver error N
 * (-999 when libcuda.so.1 cannot be loaded). */
int attnCudaAlloc(void **pointer, unsigned long long bytes, void *stream,
                  int *ordered);
int attnCudaFree(void *pointer, void *stream, int ordered);

/* A CUtensorMap: 128 opaque bytes, 64-byte aligned. */
typedef struct {
  __attribute__((aligned(64))) unsigned long long words[16];
} attn_cuda_tensor_map;

/* Encodes in `map` the tensor map of a [batch, heads, rows, dim] tensor of
 * 16-bit elements (bf16 if `bf16`, else f16) at `base`, rows contiguous
 * (strides in elements), for boxes of `boxRows` rows by 64 columns with
 * the 128-byte swizzle; rows and columns past the tensor read as zeros. A
 * tensor without elements gets an all-zero map (its kernel never reads it).
 * Returns 0, or -N for CUDA driver error N (-999 when libcuda.so.1 or its
 * cuTensorMapEncodeTiled cannot be loaded). */
int attnCudaEncodeTensorMap(attn_cuda_tensor_map *map, const void *base,
                            long long dim, long long rows, long long heads,
                            long long batch, long long rowStride,
                            long long headStride, long long batchStride,
                            long long boxRows, int bf16);

#ifdef __cplusplus
}
#endif

#endif
