/* Calls attn-gpu-refined-shapes.mlir's program, whose key head dim and
 * selection sizes are declared dynamic but fixed by its ops: the launcher
 * refuses other sizes before anything reaches the GPU; without a GPU
 * driver, valid buffers get -999 from the first temporary's allocation. */
#include "program.h"
#include "row-major.h"

#include <stdio.h>

int main(void) {
  static _Alignas(16) unsigned short q[256 * 64], k[256 * 64], v[256 * 64],
      o[256 * 64];
  static _Alignas(16) int sel[4 * 3];
  attn_strided_4d dq, dk, dv, dout, dsel;
  fill4(&dq, q, 1, 1, 256, 64);
  fill4(&dk, k, 1, 1, 256, 64);
  fill4(&dv, v, 1, 1, 256, 64);
  fill4(&dout, o, 1, 1, 256, 64);
  fill4(&dsel, sel, 1, 1, 4, 3);
  printf("three picks per row: %d\n",
         attn_program(&dq, &dk, &dv, &dout, &dsel, 0));
  fill4(&dsel, sel, 1, 1, 4, 2);
  fill4(&dk, k, 1, 1, 256, 32);
  printf("head dim 32: %d\n", attn_program(&dq, &dk, &dv, &dout, &dsel, 0));
  fill4(&dk, k, 1, 1, 256, 64);
  printf("valid, no driver: %d\n",
         attn_program(&dq, &dk, &dv, &dout, &dsel, 0));
  return 0;
}
