/*===- AttnCudaRuntime.c - launching attn's kernels over the driver API ---===*/

#include "AttnCudaRuntime.h"

#include <dlfcn.h>
#include <pthread.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUstream;
typedef void *CUmemoryPool;

enum { kNotLoaded = 999 };

/* cuLaunchKernelEx's configuration (cuda.h, CUDA 12): one attribute,
 * CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION, whose value is an
 * int in a 64-byte union. */
enum { kProgrammaticStreamSerialization = 6 };
typedef struct {
  int id;
  char pad[4];
  union {
    char bytes[64];
    int programmaticStreamSerializationAllowed;
  } value;
} CUlaunchAttribute;
typedef struct {
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  CUstream hStream;
  CUlaunchAttribute *attrs;
  unsigned numAttrs;
} CUlaunchConfig;
/* CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES */
enum { kMaxDynamicSharedAttribute = 8 };

static struct {
  CUresult (*init)(unsigned);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*ctxGetCurrent)(CUcontext *);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*funcSetAttribute)(CUfunction, int, int);
  CUresult (*tensorMapEncodeTiled)(void *, int, unsigned, const void *,
                                   const unsigned long long *,
                                   const unsigned long long *,
                                   const unsigned *, const unsigned *, int,
                                   int, int, int);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*launchKernelEx)(const CUlaunchConfig *, CUfunction, void **,
                             void **);
  CUresult (*memAllocAsync)(unsigned long long *, size_t, CUstream);
  CUresult (*memFreeAsync)(unsigned long long, CUstream);
  CUresult (*memAlloc)(unsigned long long *, size_t);
  CUresult (*memFree)(unsigned long long);
  CUresult (*streamSynchronize)(CUstream);
  /* Only keepPoolMemory needs these (the pools': CUDA 11.2+ drivers). */
  CUresult (*ctxGetDevice)(CUdevice *);
  CUresult (*deviceGetMemPool)(CUmemoryPool *, CUdevice);
  CUresult (*deviceGetDefaultMemPool)(CUmemoryPool *, CUdevice);
  CUresult (*memPoolGetAttribute)(CUmemoryPool, int, void *);
  CUresult (*memPoolSetAttribute)(CUmemoryPool, int, void *);
  int loaded;
  CUresult initError;
} driver;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static CUresult loadDriver(void) {
  if (driver.loaded)
    return driver.initError;
  driver.loaded = 1;
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library)
    return driver.initError = kNotLoaded;
#define ATTN_BIND(field, symbol)                                               \
  *(void **)(&driver.field) = dlsym(library, symbol);                          \
  if (!driver.field)                                                           \
    return driver.initError = kNotLoaded;
  ATTN_BIND(init, "cuInit")
  ATTN_BIND(deviceGet, "cuDeviceGet")
  ATTN_BIND(ctxGetCurrent, "cuCtxGetCurrent")
  ATTN_BIND(ctxSetCurrent, "cuCtxSetCurrent")
  ATTN_BIND(primaryCtxRetain, "cuDevicePrimaryCtxRetain")
  ATTN_BIND(moduleLoadData, "cuModuleLoadData")
  ATTN_BIND(moduleGetFunction, "cuModuleGetFunction")
  ATTN_BIND(moduleUnload, "cuModuleUnload")
  ATTN_BIND(funcSetAttribute, "cuFuncSetAttribute")
  ATTN_BIND(launchKernel, "cuLaunchKernel")
  ATTN_BIND(memAlloc, "cuMemAlloc_v2")
  ATTN_BIND(memFree, "cuMemFree_v2")
  ATTN_BIND(streamSynchronize, "cuStreamSynchronize")
  /* CUDA 11.2+ drivers; only workspaces need them. */
  *(void **)(&driver.memAllocAsync) = dlsym(library, "cuMemAllocAsync");
  *(void **)(&driver.memFreeAsync) = dlsym(library, "cuMemFreeAsync");
  *(void **)(&driver.ctxGetDevice) = dlsym(library, "cuCtxGetDevice");
  *(void **)(&driver.deviceGetMemPool) = dlsym(library, "cuDeviceGetMemPool");
  *(void **)(&driver.deviceGetDefaultMemPool) =
      dlsym(library, "cuDeviceGetDefaultMemPool");
  *(void **)(&driver.memPoolGetAttribute) =
      dlsym(library, "cuMemPoolGetAttribute");
  *(void **)(&driver.memPoolSetAttribute) =
      dlsym(library, "cuMemPoolSetAttribute");
  /* CUDA 12+ drivers; without it dependent kernels launch as others do
   * (their wait is then a no-op). */
  *(void **)(&driver.launchKernelEx) = dlsym(library, "cuLaunchKernelEx");
  /* CUDA 12+ drivers; only tensor maps need it. */
  *(void **)(&driver.tensorMapEncodeTiled) =
      dlsym(library, "cuTensorMapEncodeTiled");
#undef ATTN_BIND
  return driver.initError = driver.init(0);
}

/* The current context, made the primary context of device 0 if none. */
static CUresult currentContext(CUcontext *context) {
  CUresult result = driver.ctxGetCurrent(context);
  if (result || *context)
    return result;
  CUdevice device;
  if ((result = driver.deviceGet(&device, 0)))
    return result;
  if ((result = driver.primaryCtxRetain(context, device)))
    return result;
  return driver.ctxSetCurrent(*context);
}

/* Loads the kernel's module in `context` (again when the context changed). */
static CUresult prepare(attn_cuda_kernel *kernel, CUcontext context) {
  if (kernel->function && kernel->context == context)
    return 0;
  CUmodule module;
  CUfunction function;
  CUresult result = driver.moduleLoadData(&module, kernel->image);
  if (result)
    return result;
  /* Above 48 KiB a kernel must opt in to its dynamic shared memory. */
  if ((result = driver.moduleGetFunction(&function, module, kernel->name)) ||
      (result = driver.funcSetAttribute(function, kMaxDynamicSharedAttribute,
                                        (int)kernel->sharedBytes))) {
    driver.moduleUnload(module);
    return result;
  }
  kernel->module = module;
  kernel->function = function;
  kernel->context = context;
  return 0;
}

int attnCudaLaunch(attn_cuda_kernel *kernel, unsigned gridX, unsigned gridY,
                   unsigned gridZ, unsigned threads, void *stream,
                   void **params) {
  return attnCudaLaunchShared(kernel, gridX, gridY, gridZ, threads,
                              kernel->sharedBytes, stream, params);
}

int attnCudaLaunchShared(attn_cuda_kernel *kernel, unsigned gridX,
                         unsigned gridY, unsigned gridZ, unsigned threads,
                         unsigned sharedBytes, void *stream, void **params) {
  pthread_mutex_lock(&lock);
  CUcontext context = 0;
  CUresult result = loadDriver();
  if (!result)
    result = currentContext(&context);
  if (!result)
    result = prepare(kernel, context);
  CUfunction function = kernel->function;
  pthread_mutex_unlock(&lock);
  if (result)
    return -result;
  if (kernel->dependent && driver.launchKernelEx) {
    CUlaunchAttribute attribute = {0};
    attribute.id = kProgrammaticStreamSerialization;
    attribute.value.programmaticStreamSerializationAllowed = 1;
    CUlaunchConfig config = {gridX,      gridY, gridZ,       threads,
                             1,          1,     sharedBytes, (CUstream)stream,
                             &attribute, 1};
    result = driver.launchKernelEx(&config, function, params, 0);
  } else {
    result = driver.launchKernel(function, gridX, gridY, gridZ, threads, 1, 1,
                                 sharedBytes, (CUstream)stream, params, 0);
  }
  return result ? -result : 0;
}

/* CU_MEMPOOL_ATTR_RELEASE_THRESHOLD (cuda.h): the bytes a pool keeps
 * reserved at a synchronisation, a cuuint64_t. */
enum { kReleaseThreshold = 4, kMaxSeenPools = 64 };
static CUmemoryPool seenPools[kMaxSeenPools];
static int seenPoolCount;

/* The default memory pool gives back all it holds at every synchronisation
 * (a release threshold of 0), so that a program's first call after one
 * mapped its workspaces afresh: NSA-style at 64k, whose workspaces hold
 * 280 MB, took 3.24 ms instead of 2.62 on an H100 after a synchronisation
 * (bench/results/gpu-workspace-pool-h100-2026-12-06.md). Where
 * cuMemAllocAsync takes the device's default pool (the application has not
 * made another one current) and that pool's threshold is 0 when first
 * seen, it keeps what it holds from then on, as PyTorch's caching allocator
 * keeps its memory. That holds for the whole process; an application that
 * wants the memory back sets the threshold after the first call, or trims
 * the pool (cuMemPoolTrimTo). Each pool is looked at once (a reset context
 * has new ones). Called under the lock; best effort. */
static void keepPoolMemory(void) {
  CUdevice device;
  CUmemoryPool current, fallback;
  if (!driver.ctxGetDevice || !driver.deviceGetMemPool ||
      !driver.deviceGetDefaultMemPool || !driver.memPoolGetAttribute ||
      !driver.memPoolSetAttribute || driver.ctxGetDevice(&device) ||
      driver.deviceGetMemPool(&current, device) ||
      driver.deviceGetDefaultMemPool(&fallback, device) || current != fallback)
    return;
  for (int i = 0; i < seenPoolCount; ++i)
    if (seenPools[i] == current)
      return;
  if (seenPoolCount == kMaxSeenPools)
    return;
  seenPools[seenPoolCount++] = current;
  unsigned long long threshold = 0;
  if (driver.memPoolGetAttribute(current, kReleaseThreshold, &threshold) ||
      threshold != 0)
    return;
  threshold = ~0ull;
  driver.memPoolSetAttribute(current, kReleaseThreshold, &threshold);
}

int attnCudaAlloc(void **pointer, unsigned long long bytes, void *stream,
                  int *ordered) {
  pthread_mutex_lock(&lock);
  CUcontext context = 0;
  CUresult result = loadDriver();
  if (!result)
    result = currentContext(&context);
  if (!result)
    keepPoolMemory();
  pthread_mutex_unlock(&lock);
  if (result)
    return -result;
  unsigned long long address = 0;
  *ordered = 0;
  /* CUDA_ERROR_NOT_SUPPORTED: a device without memory pools. */
  enum { kNotSupported = 801 };
  if (driver.memAllocAsync && driver.memFreeAsync) {
    result = driver.memAllocAsync(&address, (size_t)bytes, (CUstream)stream);
    if (!result)
      *ordered = 1;
  }
  if (!*ordered) {
    if (result && result != kNotSupported)
      return -result;
    result = driver.memAlloc(&address, (size_t)bytes);
  }
  *pointer = (void *)address;
  return result ? -result : 0;
}

int attnCudaFree(void *pointer, void *stream, int ordered) {
  CUresult result;
  if (ordered) {
    result = driver.memFreeAsync((unsigned long long)pointer, (CUstream)stream);
  } else {
    /* The kernels reading it may still run. */
    result = driver.streamSynchronize((CUstream)stream);
    CUresult freed = driver.memFree((unsigned long long)pointer);
    if (!result)
      result = freed;
  }
  return result ? -result : 0;
}

/* CUtensorMapDataType, CUtensorMapInterleave, CUtensorMapSwizzle,
 * CUtensorMapL2promotion and CUtensorMapFloatOOBfill values (cuda.h). */
enum {
  kTensorMapFloat16 = 6,
  kTensorMapBfloat16 = 9,
  kTensorMapInterleaveNone = 0,
  kTensorMapSwizzle128B = 3,
  kTensorMapL2Promotion256B = 3,
  kTensorMapOobFillZeros = 0,
};

int attnCudaEncodeTensorMap(attn_cuda_tensor_map *map, const void *base,
                            long long dim, long long rows, long long heads,
                            long long batch, long long rowStride,
                            long long headStride, long long batchStride,
                            long long boxRows, int bf16) {
  /* A tensor without elements is never read (its kernel has no tile to
   * load), and the driver refuses to encode it: an empty map. */
  if (dim <= 0 || rows <= 0 || heads <= 0 || batch <= 0) {
    for (int i = 0; i < 16; ++i)
      map->words[i] = 0;
    return 0;
  }
  /* Encoding needs a current context too: a program may encode a map
   * before its first launch or allocation makes one current. */
  pthread_mutex_lock(&lock);
  CUcontext context = 0;
  CUresult result = loadDriver();
  if (!result)
    result = currentContext(&context);
  pthread_mutex_unlock(&lock);
  if (result)
    return -result;
  if (!driver.tensorMapEncodeTiled)
    return -kNotLoaded;
  /* Innermost first: columns, rows, heads, batch; byte strides of all but
   * the first. */
  unsigned long long sizes[4] = {(unsigned long long)dim,
                                 (unsigned long long)rows,
                                 (unsigned long long)heads,
                                 (unsigned long long)batch};
  unsigned long long strides[3] = {(unsigned long long)rowStride * 2,
                                   (unsigned long long)headStride * 2,
                                   (unsigned long long)batchStride * 2};
  unsigned box[4] = {64, (unsigned)boxRows, 1, 1};
  unsigned elementStrides[4] = {1, 1, 1, 1};
  result = driver.tensorMapEncodeTiled(
      map, bf16 ? kTensorMapBfloat16 : kTensorMapFloat16, 4, base,
      sizes, strides, box, elementStrides, kTensorMapInterleaveNone,
      kTensorMapSwizzle128B, kTensorMapL2Promotion256B, kTensorMapOobFillZeros);
  return result ? -result : 0;
}
