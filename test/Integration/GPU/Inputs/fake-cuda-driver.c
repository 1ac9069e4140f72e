/* A stand-in for libcuda.so.1 that prints each launch instead of running
 * it: the launchers' tests see which kernels a call launches, in which
 * order and how, on a machine without a GPU. Only what AttnCudaRuntime.c
 * binds is defined; allocations are host memory that nothing reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;

CUresult cuInit(unsigned flags) { return (void)flags, 0; }
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}
static int context;
CUresult cuCtxGetCurrent(void **current) {
  *current = &context;
  return 0;
}
CUresult cuCtxSetCurrent(void *current) { return (void)current, 0; }
CUresult cuDevicePrimaryCtxRetain(void **primary, int device) {
  (void)device;
  *primary = &context;
  return 0;
}
CUresult cuModuleLoadData(void **module, const void *image) {
  *module = (void *)image;
  return 0;
}
/* The function handle is the kernel's name, for the launches to print. */
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  (void)module;
  *function = strdup(name);
  return 0;
}
CUresult cuModuleUnload(void *module) { return (void)module, 0; }
CUresult cuFuncSetAttribute(void *function, int attribute, int value) {
  return (void)function, (void)attribute, (void)value, 0;
}
CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        void *stream, void **params, void **extra) {
  (void)by, (void)bz, (void)shared, (void)stream, (void)params, (void)extra;
  printf("cuLaunchKernel %s grid %u %u %u threads %u\n", (const char *)function,
         gx, gy, gz, bx);
  return 0;
}

/* cuda.h's CUlaunchAttribute and CUlaunchConfig. */
typedef struct {
  int id;
  char pad[4];
  union {
    char bytes[64];
    int value;
  } value;
} LaunchAttribute;
typedef struct {
  unsigned gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  void *hStream;
  LaunchAttribute *attrs;
  unsigned numAttrs;
} LaunchConfig;

CUresult cuLaunchKernelEx(const LaunchConfig *config, void *function,
                          void **params, void **extra) {
  (void)params, (void)extra;
  printf("cuLaunchKernelEx %s grid %u %u %u threads %u", (const char *)function,
         config->gridDimX, config->gridDimY, config->gridDimZ,
         config->blockDimX);
  for (unsigned i = 0; i < config->numAttrs; ++i)
    printf(" attribute %d = %d", config->attrs[i].id,
           config->attrs[i].value.value);
  printf("\n");
  return 0;
}

static CUresult allocate(unsigned long long *address, size_t bytes) {
  *address = (unsigned long long)malloc(bytes ? bytes : 1);
  return 0;
}
CUresult cuMemAlloc_v2(unsigned long long *address, size_t bytes) {
  return allocate(address, bytes);
}
CUresult cuMemAllocAsync(unsigned long long *address, size_t bytes,
                         void *stream) {
  (void)stream;
  return allocate(address, bytes);
}
CUresult cuMemFree_v2(unsigned long long address) {
  free((void *)address);
  return 0;
}
CUresult cuMemFreeAsync(unsigned long long address, void *stream) {
  (void)stream;
  free((void *)address);
  return 0;
}
CUresult cuStreamSynchronize(void *stream) { return (void)stream, 0; }

/* Memory pools: the device's default one, whose release threshold starts
 * at FAKE_CUDA_RELEASE_THRESHOLD (0 if unset); with FAKE_CUDA_OWN_POOL set,
 * the current pool is another one. Setting an attribute prints it. */
static char defaultPool, ownPool;
static unsigned long long releaseThreshold;
static int thresholdRead;
CUresult cuCtxGetDevice(int *device) {
  *device = 0;
  return 0;
}
CUresult cuDeviceGetDefaultMemPool(void **pool, int device) {
  (void)device;
  *pool = &defaultPool;
  return 0;
}
CUresult cuDeviceGetMemPool(void **pool, int device) {
  (void)device;
  *pool = getenv("FAKE_CUDA_OWN_POOL") ? (void *)&ownPool : &defaultPool;
  return 0;
}
CUresult cuMemPoolGetAttribute(void *pool, int attribute, void *value) {
  (void)pool, (void)attribute;
  if (!thresholdRead) {
    const char *start = getenv("FAKE_CUDA_RELEASE_THRESHOLD");
    releaseThreshold = start ? strtoull(start, 0, 10) : 0;
    thresholdRead = 1;
  }
  *(unsigned long long *)value = releaseThreshold;
  return 0;
}
CUresult cuMemPoolSetAttribute(void *pool, int attribute, void *value) {
  releaseThreshold = *(unsigned long long *)value;
  printf("cuMemPoolSetAttribute %s pool attribute %d = %llu\n",
         pool == &defaultPool ? "default" : "own", attribute, releaseThreshold);
  return 0;
}
CUresult cuTensorMapEncodeTiled(void *map, int type, unsigned rank,
                                const void *base, const void *sizes,
                                const void *strides, const void *box,
                                const void *elementStrides, int interleave,
                                int swizzle, int promotion, int fill) {
  (void)type, (void)rank, (void)base, (void)sizes, (void)strides, (void)box,
      (void)elementStrides, (void)interleave, (void)swizzle, (void)promotion,
      (void)fill;
  memset(map, 0, 128);
  return 0;
}
