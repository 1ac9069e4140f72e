/* Calls an attn-compile'd shared library through its generated header with
 * tensors stored [B, L, H, D] (as frameworks keep them), passed as
 * [B, H, L, D] strided views without a copy, and checks the result against
 * a direct double-precision evaluation of the formula. */
#include "libgqa_window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { B = 2, HQ = 4, HKV = 2, L = 37, D = 16, DV = 8, WINDOW = 5 };

static unsigned long long state;
static float next_random(void) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (float)((state >> 40) & 0xffffff) / (float)0x1000000 * 2.0f - 1.0f;
}

/* A [B, H, L, X] view of a [B, L, H, X] array. */
static attn_strided_4d blhd_view(float *data, int heads, int dim) {
  attn_strided_4d view = {data, data, 0, {B, heads, L, dim},
                          {(int64_t)L * heads * dim, dim, (int64_t)heads * dim, 1}};
  return view;
}

int main(void) {
  state = (unsigned long long)time(NULL);
  printf("seed %llu\n", state);
  static float q[B][L][HQ][D], k[B][L][HKV][D], v[B][L][HKV][DV];
  static float out[B][HQ][L][DV], lse[B][HQ][L];
  for (float *p = &q[0][0][0][0]; p != &q[0][0][0][0] + sizeof(q) / 4; ++p) *p = next_random();
  for (float *p = &k[0][0][0][0]; p != &k[0][0][0][0] + sizeof(k) / 4; ++p) *p = next_random();
  for (float *p = &v[0][0][0][0]; p != &v[0][0][0][0] + sizeof(v) / 4; ++p) *p = next_random();
  for (float *p = &out[0][0][0][0]; p != &out[0][0][0][0] + sizeof(out) / 4; ++p) *p = NAN;

  attn_strided_4d qv = blhd_view(&q[0][0][0][0], HQ, D);
  attn_strided_4d kv = blhd_view(&k[0][0][0][0], HKV, D);
  attn_strided_4d vv = blhd_view(&v[0][0][0][0], HKV, DV);
  attn_strided_4d ov = {out, out, 0, {B, HQ, L, DV}, {HQ * L * DV, L * DV, DV, 1}};
  attn_strided_3d lv = {lse, lse, 0, {B, HQ, L}, {HQ * L, L, 1}};
  int rc = attn_gqa_window(&qv, &kv, &vv, &ov, &lv);
  printf("rc %d\n", rc);

  double worst = 0, scale = 0, worst_lse = 0;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < HQ; ++h)
      for (int i = 0; i < L; ++i) {
        double s[L], m = -INFINITY, sum = 0;
        for (int j = 0; j < L; ++j) {
          s[j] = -INFINITY;
          if (j > i || j < i - WINDOW) continue;
          double dot = 0;
          for (int d = 0; d < D; ++d) dot += (double)q[b][i][h][d] * k[b][j][h / 2][d];
          s[j] = dot / sqrt((double)D);
          if (s[j] > m) m = s[j];
        }
        for (int j = 0; j < L; ++j) sum += exp(s[j] - m);
        for (int e = 0; e < DV; ++e) {
          double o = 0;
          for (int j = 0; j < L; ++j) o += exp(s[j] - m) / sum * v[b][j][h / 2][e];
          double err = fabs(o - out[b][h][i][e]);
          if (!(err <= worst)) worst = isnan(err) ? INFINITY : err;
          if (fabs(o) > scale) scale = fabs(o);
        }
        double err = fabs(m + log(sum) - lse[b][h][i]);
        if (!(err <= worst_lse)) worst_lse = isnan(err) ? INFINITY : err;
      }
  printf("max abs error %.3e (scale %.3e), lse %.3e %s\n", worst, scale, worst_lse,
         worst <= 1e-4 * scale && worst_lse <= 1e-4 * 10 ? "PASS" : "FAIL");

  /* A buffer of the wrong size is refused before anything runs. */
  attn_strided_4d wrong = kv;
  wrong.sizes[2] = L - 1;
  printf("bad shape rejected: %d\n", attn_gqa_window(&qv, &wrong, &vv, &ov, &lv));
  /* A non-contiguous result is refused too. */
  attn_strided_4d strided_out = ov;
  strided_out.strides[3] = 2;
  printf("strided result rejected: %d\n", attn_gqa_window(&qv, &kv, &vv, &strided_out, &lv));
  return 0;
}
