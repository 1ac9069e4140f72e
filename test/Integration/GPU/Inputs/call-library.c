/* Calls a library from attn-compile --target=sm_90 with host buffers that
 * its checks must refuse before anything reaches the GPU, then once with
 * valid descriptors: without a GPU driver that returns -999. */
#include "gqa.h"
#include "row-major.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  attn_strided_4d dq, dk, dv, dout;
  fillGroupedShape(&dq, &dk, &dv, &dout);
  dk.sizes[3] = 32; /* not the static head dim */
  printf("wrong size: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dk.sizes[3] = 64;
  dv.strides[3] = 2; /* rows not contiguous */
  printf("strided rows: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dv.strides[3] = 1;
  dq.offset = 3; /* not 16-byte aligned */
  printf("misaligned: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dq.offset = 0;
  dout.strides[3] = 2;
  printf("strided output: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dout.strides[3] = 1;
  dout.offset = 4; /* output rows not on 16 bytes */
  printf("misaligned output: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dout.offset = 0;
  dout.strides[1] = 100 * 64 + 4; /* a head stride not a multiple of 8 */
  printf("output head stride: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dout.strides[1] = 100 * 64;
  printf("valid: %d\n", attn_gqa(&dq, &dk, &dv, &dout, NULL));
  dq.offset = 3;
  printf("swapped, misaligned query: %d\n",
         attn_swapped(&dv, &dk, &dq, &dout, NULL));
  dq.offset = 0;
  printf("swapped, valid: %d\n", attn_swapped(&dv, &dk, &dq, &dout, NULL));
  dv.sizes[2] = 99;
  printf("dynamic, short value: %d\n",
         attn_dynamic(&dq, &dk, &dv, &dout, NULL));
  dv.sizes[2] = 100;
  dout.sizes[2] = 50;
  printf("dynamic, wrong output: %d\n",
         attn_dynamic(&dq, &dk, &dv, &dout, NULL));
  dout.sizes[2] = 100;
  printf("dynamic, valid: %d\n", attn_dynamic(&dq, &dk, &dv, &dout, NULL));
  /* No batch: nothing is read or written, so neither the rows' strides nor
   * their alignment matter (NumPy gives empty arrays zero strides). */
  dq.sizes[0] = dk.sizes[0] = dv.sizes[0] = dout.sizes[0] = 0;
  dq.aligned = (char *)dq.aligned + 2;
  dout.strides[3] = 0;
  printf("dynamic, empty: %d\n", attn_dynamic(&dq, &dk, &dv, &dout, NULL));
  return 0;
}
