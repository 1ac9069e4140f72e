/* Calls a program compiled for any batch and length with buffers whose
 * sizes break its ops' rules, which its launcher must refuse before
 * anything reaches the GPU, then with valid ones of two shapes: without a
 * GPU driver the first temporary's allocation returns -999. */
#include "program.h"
#include "row-major.h"

#include <stdio.h>

static _Alignas(16) unsigned short q[2 * 2 * 300 * 64], k[2 * 2 * 300 * 64],
    v[2 * 2 * 300 * 64], o[2 * 2 * 300 * 64], og[2 * 2 * 300 * 64];
static _Alignas(16) float w[32], g[2 * 2 * 300];
static attn_strided_4d dq, dk, dv, dout, dog;
static attn_strided_1d dw = {w, w, 0, {32}, {1}};
static attn_strided_3d dg;

static void shape(long b, long l) {
  fill4(&dq, q, b, 2, l, 64);
  fill4(&dk, k, b, 2, l, 64);
  fill4(&dv, v, b, 2, l, 64);
  fill4(&dout, o, b, 2, l, 64);
  fill4(&dog, og, b, 2, l, 64);
  attn_strided_3d gates = {g, g, 0, {b, 2, l}, {2 * l, l, 1}};
  dg = gates;
}

static int call(void) {
  return attn_gated(&dq, &dk, &dv, &dw, &dg, &dout, &dog, 0);
}

int main(void) {
  shape(1, 300);
  dq.sizes[1] = 3; /* heads are static */
  printf("three heads: %d\n", call());
  shape(1, 300);
  dq.sizes[2] = -300; /* sizes are never negative */
  printf("negative length: %d\n", call());
  shape(1, 300);
  dv.sizes[2] = 299; /* K and V have one length */
  printf("values shorter than keys: %d\n", call());
  shape(1, 300);
  dg.sizes[2] = 200; /* a gate per query */
  printf("gates of another length: %d\n", call());
  shape(1, 300);
  dk.sizes[2] = dv.sizes[2] = 290; /* the generated addend has the keys' */
  printf("keys of another length than the queries: %d\n", call());
  shape(1, 300);
  dout.sizes[0] = 2; /* the results' batch is the queries' */
  printf("a result of another batch: %d\n", call());
  shape(1, 300);
  printf("valid, 300 tokens, no driver: %d\n", call());
  shape(2, 77);
  printf("valid, 2 x 77 tokens, no driver: %d\n", call());
  return 0;
}
