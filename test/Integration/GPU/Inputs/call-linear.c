/* Calls linear-attention entry points from attn-compile --target=sm_90 with
 * buffers their checks must refuse before anything reaches the GPU, then
 * with valid ones: without a GPU driver that returns -999. */
#include "linear.h"
#include "row-major.h"

#include <stdio.h>

static void fill3(attn_strided_3d *d, void *data, long b, long h, long l) {
  d->allocated = d->aligned = data;
  d->offset = 0;
  long sizes[3] = {b, h, l};
  long strides[3] = {h * l, l, 1};
  for (int i = 0; i < 3; ++i) {
    d->sizes[i] = sizes[i];
    d->strides[i] = strides[i];
  }
}

int main(void) {
  static _Alignas(16) unsigned short q[4 * 100 * 64], k[2 * 100 * 64],
      v[2 * 100 * 64], o[4 * 100 * 64];
  static _Alignas(16) float a[4 * 100 * 2];
  static _Alignas(16) unsigned short e[4 * 1000 * 64], eo[4 * 1000 * 64];
  attn_strided_4d dq, dk, dv, dout;
  attn_strided_3d da;
  fill4(&dq, q, 1, 4, 100, 64);
  fill4(&dk, k, 1, 2, 100, 64);
  fill4(&dv, v, 1, 2, 100, 64);
  fill4(&dout, o, 1, 4, 100, 64);
  fill3(&da, a, 1, 4, 100);
  da.sizes[2] = 99; /* a gate per key */
  printf("short gates: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  da.sizes[2] = 100;
  da.sizes[1] = 2; /* per query head, not per K/V head */
  printf("gates of other heads: %d\n",
         attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  da.sizes[1] = 4;
  da.strides[2] = 2; /* gates copied 4 bytes at a time: contiguous rows */
  da.strides[1] = 200;
  da.strides[0] = 800;
  printf("strided gates: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  fill3(&da, a, 1, 4, 100);
  da.aligned = (char *)a + 2; /* gates not on 4 bytes */
  printf("misaligned gates: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  fill3(&da, a, 1, 4, 100);
  dk.offset = 2; /* not 16-byte aligned */
  printf("misaligned keys: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  dk.offset = 0;
  dout.sizes[2] = 50;
  printf("wrong output: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  dout.sizes[2] = 100;
  printf("valid: %d\n", attn_mamba(&dq, &dk, &dv, &da, &dout, NULL));
  attn_strided_4d de, deo;
  fill4(&de, e, 1, 4, 1000, 64);
  fill4(&deo, eo, 1, 4, 1000, 64);
  printf("elu, valid: %d\n", attn_elu(&de, &de, &de, &deo, NULL));
  return 0;
}
