/* Calls the NSA program of attn-gpu-dependent-launches.mlir twice with
 * valid buffers, for the stand-in driver to print what the runtime asks of
 * it. */
#include "launches.h"

/* (After the library header.) */
#include "nsa-buffers.h"

#include <stdio.h>

int main(void) {
  NsaBuffers d = nsaBuffers();
  printf("first: %d\n", attn_nsa(&d.q, &d.k, &d.v, &d.g, &d.out, &d.sel, 0));
  printf("second: %d\n", attn_nsa(&d.q, &d.k, &d.v, &d.g, &d.out, &d.sel, 0));
  return 0;
}
