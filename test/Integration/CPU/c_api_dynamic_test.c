/* Dynamic sizes through the C wrapper: sizes the static shapes leave open
 * must still meet the ops' rules, else the call returns the position of the
 * offending buffer and runs nothing. */
#include "dynamic_sizes.h"

#include <stdio.h>

enum { HQ = 4, LQ = 9, D = 16, MAXL = 20 };
static float q[HQ * MAXL * D], k[HQ * MAXL * D], v[HQ * MAXL * D],
    out[HQ * MAXL * D], bias[2 * HQ * MAXL * MAXL];
static int chosen[2 * HQ * MAXL];
static _Bool layout[2 * HQ * MAXL * MAXL];

static attn_strided_4d view(float *data, int64_t heads, int64_t length) {
  attn_strided_4d d = {data, data, 0, {1, heads, length, D},
                       {heads * length * D, length * D, D, 1}};
  return d;
}

/* A row-major [b, h, rows, columns] view of a float, int or bool array. */
static attn_strided_4d rowMajor(void *data, long b, long h, long rows,
                                long columns) {
  attn_strided_4d d = {data, data, 0, {b, h, rows, columns},
                       {h * rows * columns, rows * columns, columns, 1}};
  return d;
}

int main(void) {
  for (int i = 0; i < HQ * MAXL * D; ++i)
    q[i] = k[i] = v[i] = (float)((i % 7) - 3) / 4.0f;
  attn_strided_4d qv = view(q, HQ, LQ), ov = view(out, HQ, LQ);
  attn_strided_4d kv = view(k, 2, 11), vv = view(v, 2, 11);
  printf("consistent: %d\n", attn_dyn(&qv, &kv, &vv, &ov));
  attn_strided_4d shortV = view(v, 2, 10);
  printf("value length differs: %d\n", attn_dyn(&qv, &kv, &shortV, &ov));
  attn_strided_4d k3 = view(k, 3, 11), v3 = view(v, 3, 11);
  printf("heads not a divisor: %d\n", attn_dyn(&qv, &k3, &v3, &ov));
  attn_strided_4d k0 = view(k, 0, 11), v0 = view(v, 0, 11);
  printf("no key heads: %d\n", attn_dyn(&qv, &k0, &v0, &ov));
  attn_strided_4d longOut = view(out, HQ, LQ + 1);
  printf("output length differs: %d\n", attn_dyn(&qv, &kv, &vv, &longOut));
  /* Open sizes are never negative: -3 keys (the kernels' loops would run
   * over them) name the keys, -9 query rows the queries. */
  attn_strided_4d negativeK = view(k, 2, -3), negativeV = view(v, 2, -3),
                  negativeQ = view(q, HQ, -9), negativeOut = view(out, HQ, -9);
  printf("negative lengths: %d %d\n",
         attn_dyn(&qv, &negativeK, &negativeV, &ov),
         attn_dyn(&negativeQ, &kv, &vv, &negativeOut));
  /* A result with padded rows is written through its strides: the same
   * values as the row-major one's. */
  static float paddedOut[2 * HQ * MAXL * D];
  attn_strided_4d padded = view(paddedOut, HQ, LQ);
  padded.strides[2] = 2 * D;
  padded.strides[1] = 2 * D * LQ;
  attn_dyn(&qv, &kv, &vv, &ov);
  int paddedRc = attn_dyn(&qv, &kv, &vv, &padded), mismatches = 0;
  for (int h = 0; h < HQ; ++h)
    for (int i = 0; i < LQ; ++i)
      for (int d = 0; d < D; ++d)
        mismatches += out[(h * LQ + i) * D + d] !=
                      paddedOut[h * 2 * D * LQ + i * 2 * D + d];
  printf("padded output: %d, mismatches %d\n", paddedRc, mismatches);
  /* Without memory for such a result's temporary (2^50 bytes: more than
   * the address space) the call returns -1 and reads no buffer. */
  int64_t huge = (int64_t)1 << 42;
  attn_strided_4d hugeQ = view(q, HQ, huge), hugeK = view(k, 2, huge),
                  hugeV = view(v, 2, huge), hugeOut = view(out, HQ, huge);
  hugeOut.strides[2] = 2 * D;
  hugeOut.strides[1] = 2 * D * huge;
  printf("no memory for a temporary: %d\n",
         attn_dyn(&hugeQ, &hugeK, &hugeV, &hugeOut));
  /* The same rules hold through a loop that carries the attention. */
  printf("looped consistent: %d\n", attn_looped(&qv, &kv, &vv, &ov));
  printf("looped value length differs: %d\n",
         attn_looped(&qv, &kv, &shortV, &ov));
  /* A compressed length must be ceil(L / stride): 11 keys give 3. */
  attn_strided_4d three = view(out, 2, 3), two = view(out, 2, 2);
  printf("compressed 3 of 11: %d\n", attn_compressed(&kv, &three));
  printf("compressed 2 of 11: %d\n", attn_compressed(&kv, &two));

  /* A bias is [B or 1, Hq or 1, Lq, Lkv]: batch 2, 9 queries, 11 keys. */
  attn_strided_4d q2 = rowMajor(q, 2, 2, LQ, D), k2 = rowMajor(k, 2, 2, 11, D),
                  v2 = rowMajor(v, 2, 2, 11, D),
                  o2 = rowMajor(out, 2, 2, LQ, D);
  attn_strided_4d full = rowMajor(bias, 2, 2, LQ, 11),
                  shared = rowMajor(bias, 1, 1, LQ, 11),
                  batch3 = rowMajor(bias, 3, 2, LQ, 11),
                  keys10 = rowMajor(bias, 2, 1, LQ, 10);
  printf("bias per batch and head: %d\n",
         attn_biased(&q2, &k2, &v2, &full, &o2));
  printf("bias broadcast: %d\n", attn_biased(&q2, &k2, &v2, &shared, &o2));
  printf("bias of 3 batches for 2: %d\n",
         attn_biased(&q2, &k2, &v2, &batch3, &o2));
  printf("bias of 10 keys for 11: %d\n",
         attn_biased(&q2, &k2, &v2, &keys10, &o2));

  /* Block indices [B, Hkv, ceil(Lq / 4), 2]: 9 queries give 3 rows. */
  attn_strided_4d q1 = view(q, 2, LQ), k1 = view(k, 2, 11), v1 = view(v, 2, 11),
                  o1 = view(out, 2, LQ);
  attn_strided_4d rows3 = rowMajor(chosen, 1, 2, 3, 2),
                  rows2 = rowMajor(chosen, 1, 2, 2, 2),
                  heads1 = rowMajor(chosen, 1, 1, 3, 2);
  printf("indices of 3 query blocks: %d\n",
         attn_selected(&q1, &k1, &v1, &rows3, &o1));
  printf("indices of 2 query blocks: %d\n",
         attn_selected(&q1, &k1, &v1, &rows2, &o1));
  printf("indices of 1 kv head for 2: %d\n",
         attn_selected(&q1, &k1, &v1, &heads1, &o1));

  /* A block layout [B or 1, Hq or 1, ceil(Lq / 4), ceil(Lkv / 8)]. */
  attn_strided_4d blocks = rowMajor(layout, 1, 1, 3, 2),
                  narrow = rowMajor(layout, 1, 2, 3, 1);
  printf("layout of 3 x 2 blocks: %d\n",
         attn_laid_out(&q1, &k1, &v1, &blocks, &o1));
  printf("layout of 3 x 1 blocks: %d\n",
         attn_laid_out(&q1, &k1, &v1, &narrow, &o1));

  /* A 3 x 4 neighbourhood grid: 12 queries and 12 keys. */
  attn_strided_4d q12 = view(q, 2, 12), k12 = view(k, 2, 12),
                  v12 = view(v, 2, 12), o12 = view(out, 2, 12);
  printf("grid of 12 cells, 12 tokens: %d\n",
         attn_neighbors(&q12, &k12, &v12, &o12));
  printf("grid of 12 cells, 11 keys: %d\n",
         attn_neighbors(&q12, &k1, &v1, &o12));

  /* Top-k's indices hold k = 2 per row; compress weights are [H, W]. */
  static float scores[2 * 4 * 6];
  static int picks[2 * 4 * 2];
  attn_strided_4d s6 = rowMajor(scores, 1, 2, 4, 6),
                  pair = rowMajor(picks, 1, 2, 4, 2),
                  one = rowMajor(picks, 1, 2, 4, 1);
  printf("top 2 in 2 slots: %d\n", attn_top(&s6, &pair));
  printf("top 2 in 1 slot: %d\n", attn_top(&s6, &one));
  attn_strided_2d w24 = {bias, bias, 0, {2, 4}, {4, 1}},
                  w11 = {bias, bias, 0, {1, 1}, {1, 1}};
  attn_strided_4d c3 = view(out, 2, 3);
  printf("weights 2 x 4: %d\n", attn_weighted(&kv, &w24, &c3));
  printf("weights 1 x 1: %d\n", attn_weighted(&kv, &w11, &c3));

  /* Sizes the program's casts fix: 11 keys; 3 compressed keys of stride 4
   * (9 to 12 tokens). */
  attn_strided_4d k10 = view(k, 2, 10), v10 = view(v, 2, 10),
                  k9 = view(k, 2, 9), k8 = view(k, 2, 8), k13 = view(k, 2, 13);
  printf("cast to 11 keys, 11 given: %d\n", attn_cast_keys(&q1, &k1, &v1, &o1));
  printf("cast to 11 keys, 10 given: %d\n",
         attn_cast_keys(&q1, &k10, &v10, &o1));
  printf("3 compressed keys of 9, 12, 8, 13: %d %d %d %d\n",
         attn_cast_compressed(&q1, &k9, &o1),
         attn_cast_compressed(&q1, &k12, &o1),
         attn_cast_compressed(&q1, &k8, &o1),
         attn_cast_compressed(&q1, &k13, &o1));
  /* Constant keys of 2 heads: 4 query heads, then 3. */
  attn_strided_4d q4 = view(q, 4, LQ), o4 = view(out, 4, LQ),
                  q3 = view(q, 3, LQ), o3 = view(out, 3, LQ);
  printf("4 query heads on 2 constant: %d\n", attn_constant_keys(&q4, &o4));
  printf("3 query heads on 2 constant: %d\n", attn_constant_keys(&q3, &o3));
  /* Constant queries of 4 heads: K/V of 2 heads, then 3, 0 and 8. */
  attn_strided_4d k2h = view(k, 2, 5), v2h = view(v, 2, 5), k3h = view(k, 3, 5),
                  v3h = view(v, 3, 5), k0h = view(k, 0, 5), v0h = view(v, 0, 5),
                  k8h = view(k, 8, 5), v8h = view(v, 8, 5),
                  o42 = view(out, 4, 2);
  printf("K/V heads 2, 3, 0, 8 on 4 constant: %d %d %d %d\n",
         attn_constant_queries(&k2h, &v2h, &o42),
         attn_constant_queries(&k3h, &v3h, &o42),
         attn_constant_queries(&k0h, &v0h, &o42),
         attn_constant_queries(&k8h, &v8h, &o42));
  attn_strided_4d c2h = view(k, 2, 2), c3h = view(k, 3, 2), c0h = view(k, 0, 2),
                  s2h = rowMajor(out, 1, 2, 2, 2),
                  s3h = rowMajor(out, 1, 3, 2, 2),
                  s0h = rowMajor(out, 1, 0, 2, 2);
  printf("compressed heads 2, 3, 0 under 4 constant: %d %d %d\n",
         attn_constant_query_scores(&c2h, &s2h),
         attn_constant_query_scores(&c3h, &s3h),
         attn_constant_query_scores(&c0h, &s0h));
  /* A cast in one branch of an scf.if binds only the calls that take it. */
  printf("cast in a branch, 8 and 11 keys: %d %d\n",
         attn_cast_in_branch(&q1, &k8, &o1),
         attn_cast_in_branch(&q1, &k1, &o1));
  printf("3 keys compressed twice by 2 of 9, 12, 8, 13: %d %d %d %d\n",
         attn_cast_compressed_twice(&q1, &k9, &o1),
         attn_cast_compressed_twice(&q1, &k12, &o1),
         attn_cast_compressed_twice(&q1, &k8, &o1),
         attn_cast_compressed_twice(&q1, &k13, &o1));
  /* A head dim of 2^40 (views of one element, every stride 0): the kernels'
   * query tiles would take 2 x 2^40 floats, allocated inside their loop,
   * where a failed malloc cannot be reported. The wrapper asks the tiles'
   * size first and returns -1 without running. A head dim of 16 runs. */
  int64_t wide = (int64_t)1 << 40;
  attn_strided_4d wideQ = {q, q, 0, {1, 1, 2, wide}, {0, 0, 0, 0}},
                  wideK = {k, k, 0, {1, 1, 8, wide}, {0, 0, 0, 0}},
                  narrowQ = rowMajor(q, 1, 1, 2, D),
                  narrowK = rowMajor(k, 1, 1, 8, D),
                  values = rowMajor(v, 1, 1, 8, 4),
                  result = rowMajor(out, 1, 1, 2, 4);
  printf("head dim 2^40, 16: %d %d\n",
         attn_open_head_dim(&wideQ, &wideK, &values, &result),
         attn_open_head_dim(&narrowQ, &narrowK, &values, &result));
  /* Block scores folded to -inf over ceil(9 / 4) = 3 query blocks. */
  static float folded[3 * 5];
  attn_strided_4d blocks3 = rowMajor(folded, 1, 1, 3, 5),
                  blocks2 = rowMajor(folded, 1, 1, 2, 5);
  int foldedRc = attn_folded_scores(&q1, &blocks3), minusInf = 0;
  for (int i = 0; i < 3 * 5; ++i)
    minusInf += folded[i] < -1e38f;
  printf("folded scores of 3, 2 query blocks: %d (%d of 15 -inf) %d\n",
         foldedRc, minusInf, attn_folded_scores(&q1, &blocks2));
  /* 11 keys compressed by 4 then by 2: ceil(ceil(11 / 4) / 2) = 2. */
  attn_strided_4d twice1 = view(out, 2, 1), twice2 = view(out, 2, 2),
                  twice3 = view(out, 2, 3);
  printf("11 keys compressed by 4 then 2 into 1, 2, 3: %d %d %d\n",
         attn_compressed_twice(&kv, &twice1),
         attn_compressed_twice(&kv, &twice2),
         attn_compressed_twice(&kv, &twice3));
  return 0;
}
