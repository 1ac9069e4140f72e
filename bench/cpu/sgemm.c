/* The sgemm ceiling: OpenBLAS's single-precision matrix product of a given
 * FLOP count, median of a few runs, on all threads.
 * usage: sgemm FLOPS RUNS  ->  prints "<gflops> <corename>" */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

char *openblas_get_corename(void);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  double flops = argc > 1 ? atof(argv[1]) : 2e10;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  /* A square product 2 n^3 = flops, capped at n = 4096 (time per run). */
  int n = (int)cbrt(flops / 2.0);
  if (n > 4096) n = 4096;
  if (n < 64) n = 64;
  float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
        *c = malloc(sizeof(float) * n * n);
  for (long i = 0; i < (long)n * n; ++i) {
    a[i] = (float)((i * 7) % 13) / 13.0f;
    b[i] = (float)((i * 5) % 11) / 11.0f;
  }
  double times[64];
  if (runs > 64) runs = 64;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n,
              b, n, 0.0f, c, n);
  for (int r = 0; r < runs; ++r) {
    double start = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a,
                n, b, n, 0.0f, c, n);
    times[r] = now() - start;
  }
  qsort(times, runs, sizeof(double), compare);
  printf("%.2f %s\n", 2.0 * n * n * (double)n / times[runs / 2] / 1e9,
         openblas_get_corename());
  return 0;
}
