/* Links two objects from attn-compile's GPU targets into one program: each
 * holds its launchers and a copy of the CUDA runtime, whose symbols are
 * local, so they do not collide. Their checks refuse a bad buffer before
 * anything reaches the GPU; valid calls return -999 without a driver. */
#include "first.h"
#include "row-major.h"
#include "second.h"

#include <stdio.h>

int main(void) {
  attn_strided_4d dq, dk, dv, dout;
  fillGroupedShape(&dq, &dk, &dv, &dout);
  dv.sizes[2] = 99;
  printf("first, short value: %d\n", attn_first(&dq, &dk, &dv, &dout, NULL));
  printf("second, short value: %d\n", attn_second(&dq, &dk, &dv, &dout, NULL));
  dv.sizes[2] = 100;
  printf("first, valid: %d\n", attn_first(&dq, &dk, &dv, &dout, NULL));
  printf("second, valid: %d\n", attn_second(&dq, &dk, &dv, &dout, NULL));
  return 0;
}
