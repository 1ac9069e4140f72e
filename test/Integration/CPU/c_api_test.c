/* Calls an attn-compile'd library through its generated header with
 * tensors stored [B, L, H, D] (as frameworks keep them), passed as
 * [B, H, L, D] strided views without a copy, and checks the results, in
 * row-major buffers and through other strides, against a direct
 * double-precision evaluation of the formula. */
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

static float q[B][L][HQ][D], k[B][L][HKV][D], v[B][L][HKV][DV];
/* The double-precision result: output and LSE. */
static double expected[B][HQ][L][DV], expected_lse[B][HQ][L];

static void evaluate(void) {
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
          expected[b][h][i][e] = o;
        }
        expected_lse[b][h][i] = m + log(sum);
      }
}

/* Runs the library with results through `out` and `lse` (any strides over
 * memory poisoned with NaN first) and compares them with the evaluation. */
static void run(const char *what, attn_strided_4d qv, attn_strided_4d kv,
                attn_strided_4d vv, attn_strided_4d out, attn_strided_3d lse,
                float *memory, size_t floats) {
  for (size_t n = 0; n < floats; ++n)
    memory[n] = NAN;
  int rc = attn_gqa_window(&qv, &kv, &vv, &out, &lse);
  const float *o = (const float *)out.aligned + out.offset;
  const float *l = (const float *)lse.aligned + lse.offset;
  double worst = 0, scale = 0, worst_lse = 0;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < HQ; ++h)
      for (int i = 0; i < L; ++i) {
        for (int e = 0; e < DV; ++e) {
          double got = o[b * out.strides[0] + h * out.strides[1] +
                         i * out.strides[2] + e * out.strides[3]];
          double err = fabs(expected[b][h][i][e] - got);
          if (!(err <= worst)) worst = isnan(err) ? INFINITY : err;
          if (fabs(expected[b][h][i][e]) > scale)
            scale = fabs(expected[b][h][i][e]);
        }
        double got =
            l[b * lse.strides[0] + h * lse.strides[1] + i * lse.strides[2]];
        double err = fabs(expected_lse[b][h][i] - got);
        if (!(err <= worst_lse)) worst_lse = isnan(err) ? INFINITY : err;
      }
  printf("%s: rc %d, max abs error %.3e (scale %.3e), lse %.3e %s\n", what, rc,
         worst, scale, worst_lse,
         worst <= 1e-4 * scale && worst_lse <= 1e-4 * 10 ? "PASS" : "FAIL");
}

int main(void) {
  state = (unsigned long long)time(NULL);
  printf("seed %llu\n", state);
  for (float *p = &q[0][0][0][0]; p != &q[0][0][0][0] + sizeof(q) / 4; ++p)
    *p = next_random();
  for (float *p = &k[0][0][0][0]; p != &k[0][0][0][0] + sizeof(k) / 4; ++p)
    *p = next_random();
  for (float *p = &v[0][0][0][0]; p != &v[0][0][0][0] + sizeof(v) / 4; ++p)
    *p = next_random();
  evaluate();

  attn_strided_4d qv = blhd_view(&q[0][0][0][0], HQ, D);
  attn_strided_4d kv = blhd_view(&k[0][0][0][0], HKV, D);
  attn_strided_4d vv = blhd_view(&v[0][0][0][0], HKV, DV);
  /* Row-major results: written in place. */
  static float memory[2 * B * HQ * L * DV + 2 * B * HQ * L + 8];
  float *out = memory, *lse = memory + B * HQ * L * DV;
  attn_strided_4d ov = {
      out, out, 0, {B, HQ, L, DV}, {HQ * L * DV, L * DV, DV, 1}};
  attn_strided_3d lv = {lse, lse, 0, {B, HQ, L}, {HQ * L, L, 1}};
  run("row-major", qv, kv, vv, ov, lv, memory, sizeof(memory) / 4);
  /* Results stored [B, L, H, X] as frameworks keep them, and every other
   * element of a buffer at an offset: through a temporary. */
  attn_strided_4d ov_blhd = blhd_view(out, HQ, DV);
  attn_strided_3d lv_blh = {lse, lse, 0, {B, HQ, L}, {L * HQ, 1, HQ}};
  run("[B, L, H, D] results", qv, kv, vv, ov_blhd, lv_blh, memory,
      sizeof(memory) / 4);
  attn_strided_4d ov_gaps = {memory,
                             memory,
                             3,
                             {B, HQ, L, DV},
                             {2 * HQ * L * DV, 2 * L * DV, 2 * DV, 2}};
  attn_strided_3d lv_gaps = {memory,
                             memory,
                             2 * B * HQ * L * DV + 5,
                             {B, HQ, L},
                             {2 * HQ * L, 2 * L, 2}};
  run("every other element", qv, kv, vv, ov_gaps, lv_gaps, memory,
      sizeof(memory) / 4);
  /* ... and nothing between them. */
  int stray = 0;
  for (size_t n = 0; n < sizeof(memory) / 4; ++n) {
    size_t lse0 = 2 * B * HQ * L * DV + 5;
    int used = (n >= 3 && n < 3 + 2 * B * HQ * L * DV && (n - 3) % 2 == 0) ||
               (n >= lse0 && n < lse0 + 2 * B * HQ * L && (n - lse0) % 2 == 0);
    stray += !used && !isnan(memory[n]);
  }
  printf("elements written between the strides: %d\n", stray);
  /* A result whose elements would share memory (a broadcast view) is
   * refused. */
  attn_strided_4d broadcast = ov;
  broadcast.strides[0] = 0;
  printf("zero stride rejected: %d\n",
         attn_gqa_window(&qv, &kv, &vv, &broadcast, &lv));

  /* A buffer of the wrong size is refused before anything runs. */
  attn_strided_4d wrong = kv;
  wrong.sizes[2] = L - 1;
  printf("bad shape rejected: %d\n",
         attn_gqa_window(&qv, &wrong, &vv, &ov, &lv));
  return 0;
}
