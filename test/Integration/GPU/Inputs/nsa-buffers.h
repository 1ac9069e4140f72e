/* Valid buffers for the NSA program of attn-gpu-program.mlir and
 * attn-gpu-dependent-launches.mlir (2 heads of 128 tokens at head dim 64,
 * gates, a selection of 2 blocks for each of 4 query blocks), row-major
 * over static memory: include after the library's header (which defines
 * attn_strided_3d / _4d), in an include block of its own. */
#ifndef ATTN_TEST_NSA_BUFFERS_H
#define ATTN_TEST_NSA_BUFFERS_H

#include "row-major.h"

typedef struct {
  attn_strided_4d q, k, v, out, sel;
  attn_strided_3d g;
} NsaBuffers;

static NsaBuffers nsaBuffers(void) {
  static _Alignas(16) unsigned short q[2 * 128 * 64], k[2 * 128 * 64],
      v[2 * 128 * 64], o[2 * 128 * 64];
  static _Alignas(16) float g[2 * 128];
  static _Alignas(16) int sel[2 * 4 * 2];
  NsaBuffers d = {.g = {g, g, 0, {1, 2, 128}, {256, 128, 1}}};
  fill4(&d.q, q, 1, 2, 128, 64);
  fill4(&d.k, k, 1, 2, 128, 64);
  fill4(&d.v, v, 1, 2, 128, 64);
  fill4(&d.out, o, 1, 2, 128, 64);
  fill4(&d.sel, sel, 1, 2, 4, 2);
  return d;
}

#endif
