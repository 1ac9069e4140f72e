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

#endif
