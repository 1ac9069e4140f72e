/* Row-major descriptors for the GPU libraries' test callers: include after
 * the library's header (which defines attn_strided_3d / _4d). */
#ifndef ATTN_TEST_ROW_MAJOR_H
#define ATTN_TEST_ROW_MAJOR_H

static void fill4(attn_strided_4d *d, void *data, long b, long h, long l,
                  long dim) {
  d->allocated = d->aligned = data;
  d->offset = 0;
  long sizes[4] = {b, h, l, dim};
  long strides[4] = {h * l * dim, l * dim, dim, 1};
  for (int i = 0; i < 4; ++i) {
    d->sizes[i] = sizes[i];
    d->strides[i] = strides[i];
  }
}

/* Q, K, V and the output of the callers' grouped shape (4 query heads on 2
 * K/V heads, 100 tokens, head dim 64), row-major over static buffers. */
static inline void fillGroupedShape(attn_strided_4d *q, attn_strided_4d *k,
                                    attn_strided_4d *v, attn_strided_4d *out) {
  static _Alignas(16) unsigned short qData[1 * 4 * 100 * 64],
      kData[1 * 2 * 100 * 64], vData[1 * 2 * 100 * 64],
      outData[1 * 4 * 100 * 64];
  fill4(q, qData, 1, 4, 100, 64);
  fill4(k, kData, 1, 2, 100, 64);
  fill4(v, vData, 1, 2, 100, 64);
  fill4(out, outData, 1, 4, 100, 64);
}

#endif
