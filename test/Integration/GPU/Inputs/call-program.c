/* Calls a program's entry point from attn-compile --target=sm_90 with
 * buffers its checks must refuse before anything reaches the GPU, then
 * with valid ones: without a GPU driver the first temporary's allocation
 * returns -999 (and nothing is left to free). */
#include "program.h"

/* (After the library header.) */
#include "nsa-buffers.h"

#include <stdio.h>

int main(void) {
  NsaBuffers d = nsaBuffers();
  attn_strided_4d dq = d.q, dk = d.k, dv = d.v, dout = d.out, dsel = d.sel;
  attn_strided_3d dg = d.g;
  dq.sizes[2] = 100; /* static shapes */
  printf("short queries: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dq.sizes[2] = 128;
  dg.strides[2] = 2; /* any strides: the kernels index through them */
  printf("strided gates: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dg.strides[2] = 1;
  dk.strides[3] = 2; /* rows of contiguous elements: copied by rows */
  printf("strided keys: %d\n", attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dk.strides[3] = 1;
  dout.aligned = (char *)d.out.aligned + 2; /* 16-bit rows start on 16 bytes */
  printf("misaligned output: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dout.aligned = d.out.aligned;
  dsel.aligned = (char *)d.sel.aligned + 2; /* i32 elements on 4 bytes */
  printf("misaligned selection: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  dsel.aligned = d.sel.aligned;
  printf("valid, no driver: %d\n",
         attn_nsa(&dq, &dk, &dv, &dg, &dout, &dsel, 0));
  return 0;
}
