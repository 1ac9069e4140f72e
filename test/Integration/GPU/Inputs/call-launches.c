/* Calls the two entry points of attn-gpu-dependent-launches.mlir once each
 * with valid buffers, for the stand-in driver to print their launches. */
#include "launches.h"

/* (After the library header.) */
#include "nsa-buffers.h"

#include <stdio.h>

int main(void) {
  NsaBuffers d = nsaBuffers();
  printf("program: %d\n", attn_nsa(&d.q, &d.k, &d.v, &d.g, &d.out, &d.sel, 0));
  printf("single: %d\n", attn_single(&d.q, &d.k, &d.v, &d.out, 0));
  return 0;
}
