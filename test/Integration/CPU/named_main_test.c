/* Calls kernels named `main`, `malloc` and `free` from a program with its
 * own main: the library must call its kernels, not the program's main or
 * the C runtime's malloc and free (which its kernels call too, for their
 * temporaries). Under a causal mask the
 * first query of each head sees one key, so its output is that key's
 * value row exactly. */
#include "named_main.h"

#include <stdio.h>
#include <stdlib.h>

enum { H = 2, L = 32, D = 16, N = H * L * D };

static attn_strided_4d view(float *data) {
  attn_strided_4d t = {data, data, 0, {1, H, L, D}, {N, L * D, D, 1}};
  return t;
}

int main(void) {
  static float q[N], k[N], v[N], out[N];
  srand(7);
  for (int i = 0; i < N; ++i) {
    q[i] = (float)rand() / RAND_MAX - 0.5f;
    k[i] = (float)rand() / RAND_MAX - 0.5f;
    v[i] = (float)rand() / RAND_MAX - 0.5f;
  }
  attn_strided_4d tq = view(q), tk = view(k), tv = view(v), to = view(out);
  int (*kernels[])(const attn_strided_4d *, const attn_strided_4d *,
                   const attn_strided_4d *,
                   attn_strided_4d *) = {attn_main, attn_malloc, attn_free};
  const char *names[] = {"main", "malloc", "free"};
  int failed = 0;
  for (int n = 0; n < 3; ++n) {
    for (int i = 0; i < N; ++i)
      out[i] = 0.0f;
    int rc = kernels[n](&tq, &tk, &tv, &to);
    int mismatches = 0;
    for (int h = 0; h < H; ++h)
      for (int d = 0; d < D; ++d)
        mismatches += out[h * L * D + d] != v[h * L * D + d];
    printf("%s: rc %d, first-row mismatches %d\n", names[n], rc, mismatches);
    failed |= rc != 0 || mismatches != 0;
  }
  return failed;
}
