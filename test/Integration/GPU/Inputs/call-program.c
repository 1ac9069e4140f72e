/* Calls a program's entry point from attn-compile --target=sm_90 with
 * buffers its checks must refuse before anything reaches the GPU, then
 * with valid ones: without a GPU driver the first temporary's allocation
 * returns -999 (and nothing is left to free). */
#include "program.h"
#include "row-major.h"

#include <stdio.h>

int main(void) {
  static _Alignas(16) unsigned short q[2 * 128 * 64], k[2 * 128 * 64],
      v[2 * 128 * 64], o[2 * 128 * 64];
  static _Alignas(16) float g[2 * 128];
  static _Alignas(16) int sel[2 * 4 * 2];
  attn_strided_4d dq, dk, dv, dout, dsel;
  attn_strided_3d dg = {g, g, 0, {1, 2, 128}, {256, 128, 1}};
  fill4(&dq, q, 1, 2, 128, 64);
  fill4(&dk, k, 1, 2, 128, 64);
  fill4(&dv, v, 1, 2, 128, 64);
  fill4(&dout, o, 1, 2, 128, 64);
  fill4(&dsel, sel, 1, 2, 4, 2);
  dq.sizes[2] = 100; /* static shapes */
  printf("short queries: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dq.sizes[2] = 128;
  dg.strides[2] = 2; /* any strides: the kernels index through them */
  printf("strided gates: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dg.strides[2] = 1;
  dk.strides[3] = 2; /* rows of contiguous elements: copied by rows */
  printf("strided keys: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dk.strides[3] = 1;
  dout.aligned = (char *)o + 2; /* 16-bit rows start on 16 bytes */
  printf("misaligned output: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dout.aligned = o;
  dsel.aligned = (char *)sel + 2; /* i32 elements on 4 bytes */
  printf("misaligned selection: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dsel.aligned = sel;
  printf("valid, no driver: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  return 0;
}
