/* Dynamic sizes through the C wrapper: sizes the static shapes leave open
 * must still meet the ops' rules, else the call returns the position of the
 * offending buffer and runs nothing. */
#include "dynamic_sizes.h"

#include <stdio.h>

enum { HQ = 4, LQ = 9, D = 16, MAXL = 20 };
static float q[HQ * MAXL * D], k[HQ * MAXL * D], v[HQ * MAXL * D],
    out[HQ * MAXL * D];

static attn_strided_4d view(float *data, long heads, long length) {
  attn_strided_4d d = {data, data, 0, {1, heads, length, D},
                       {heads * length * D, length * D, D, 1}};
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
  /* A result with padded rows is not row-major. */
  attn_strided_4d padded = ov;
  padded.strides[2] = 2 * D;
  padded.strides[1] = 2 * D * LQ;
  printf("padded output: %d\n", attn_dyn(&qv, &kv, &vv, &padded));
  /* The same rules hold through a loop that carries the attention. */
  printf("looped consistent: %d\n", attn_looped(&qv, &kv, &vv, &ov));
  printf("looped value length differs: %d\n",
         attn_looped(&qv, &kv, &shortV, &ov));
  /* A compressed length must be ceil(L / stride): 11 keys give 3. */
  attn_strided_4d three = view(out, 2, 3), two = view(out, 2, 2);
  printf("compressed 3 of 11: %d\n", attn_compressed(&kv, &three));
  printf("compressed 2 of 11: %d\n", attn_compressed(&kv, &two));
  return 0;
}
