// Throughput of ex2.approx in f32, f16x2 and bf16x2 on one GPU, against an
// FP32 subtraction: each thread runs 8 independent chains of N
// exponentials; results go to memory so that nothing is dead. Built and run
// on the GPU machine (or built here and carried):
//
//   nvcc -arch=sm_90a -O3 -o mufu_throughput mufu_throughput.cu && ./mufu_throughput
//
// Exponentials per clock and multiprocessor are the MUFU unit's rate; the
// FP32 line is the FMA pipe's (bench/results/gpu-fma-exponentials-*.md).
#include <cstdio>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <type_traits>
constexpr int N = 4096;
// The f32 chain: ex2 then subtract 1, or (WithExp2 false) the subtraction
// alone, to take out of the f32 figure.
template <bool WithExp2> __global__ void f32k(float *out, float seed) {
  float x[8];
  for (int i = 0; i < 8; ++i) x[i] = -seed * (threadIdx.x + i) * 1e-6f;
  for (int n = 0; n < N; ++n)
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      if constexpr (WithExp2)
        asm volatile("ex2.approx.ftz.f32 %0, %0;" : "+f"(x[i]));
      asm volatile("sub.rn.f32 %0, %0, 0f3F800000;" : "+f"(x[i]));
    }
  float s = 0; for (int i = 0; i < 8; ++i) s += x[i];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
// Pairs: T is __half2 or __nv_bfloat162.
template <typename T> __device__ T pair(float a, float b) {
  if constexpr (std::is_same_v<T, __half2>)
    return __floats2half2_rn(a, b);
  else
    return __floats2bfloat162_rn(a, b);
}
template <typename T> __global__ void packedk(float *out, float seed) {
  unsigned x[8];
  for (int i = 0; i < 8; ++i) {
    T h = pair<T>(-seed * i * 1e-3f, -seed * i * 2e-3f);
    x[i] = *(unsigned *)&h;
  }
  T oneHalves = pair<T>(1.f, 1.f);
  unsigned one = *(unsigned *)&oneHalves;
  for (int n = 0; n < N; ++n)
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      unsigned y;
      if constexpr (std::is_same_v<T, __half2>) {
        asm volatile("ex2.approx.f16x2 %0, %1;" : "=r"(y) : "r"(x[i]));
        asm volatile("sub.rn.f16x2 %0, %1, %2;" : "=r"(x[i]) : "r"(y), "r"(one));
      } else {
        asm volatile("ex2.approx.ftz.bf16x2 %0, %1;" : "=r"(y) : "r"(x[i]));
        asm volatile("sub.rn.bf16x2 %0, %1, %2;" : "=r"(x[i]) : "r"(y), "r"(one));
      }
    }
  float s = 0;
  for (int i = 0; i < 8; ++i) {
    T h = *(T *)&x[i];
    s += __low2float(h) + __high2float(h);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
template <typename K> float time(K kernel, float *out, int blocks, int threads) {
  cudaEvent_t a, b; cudaEventCreate(&a); cudaEventCreate(&b);
  kernel<<<blocks, threads>>>(out, 1.f);
  cudaEventRecord(a);
  for (int r = 0; r < 5; ++r) kernel<<<blocks, threads>>>(out, 1.f);
  cudaEventRecord(b); cudaEventSynchronize(b);
  float ms; cudaEventElapsedTime(&ms, a, b); return ms / 5;
}
int main() {
  int sms; cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  int clock; cudaDeviceGetAttribute(&clock, cudaDevAttrClockRate, 0);
  int blocks = sms * 8, threads = 256;
  float *out; cudaMalloc(&out, sizeof(float) * blocks * threads);
  double ops = double(blocks) * threads * N * 8;  // instructions (per lane)
  struct { const char *name; float ms; double results; } rows[] = {
      {"ex2.approx.ftz.f32 + sub.f32", time(f32k<true>, out, blocks, threads), ops},
      {"ex2.approx.f16x2 + sub.f16x2", time(packedk<__half2>, out, blocks, threads), 2 * ops},
      {"ex2.approx.ftz.bf16x2 + sub.bf16x2", time(packedk<__nv_bfloat162>, out, blocks, threads), 2 * ops},
      {"sub.f32 alone", time(f32k<false>, out, blocks, threads), ops}};
  printf("%d SMs, %d MHz max\n", sms, clock / 1000);
  for (auto &r : rows)
    printf("%-36s %8.3f ms  %7.1f instr/clk/SM  %7.1f exps/clk/SM\n", r.name, r.ms,
           ops / (r.ms * 1e-3) / (clock * 1e3) / sms,
           r.results / (r.ms * 1e-3) / (clock * 1e3) / sms);
  printf("%s\n", cudaGetErrorString(cudaGetLastError()));
}
