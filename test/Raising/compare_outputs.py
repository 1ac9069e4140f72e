"""Compares the .npy results of two attn-run --output directories by the
f32 rule of attn-run --check (docs/Tools.md): max |a - b| <= 1e-4 * max |b|; prints `match` or the
error and exits non-zero.

With `--bf16-ulps N` (bf16 programs, whose results attn-run writes as f32):
max |a - b| at most N units in the last place of max |b| in bf16 (2^-7 of
its power of two), the same norm-wise form at bf16's precision. Two bf16
computations of one program may differ there by where they round."""
import os
import sys

import numpy as np

args = sys.argv[1:]
ulps = None
if args[:1] == ["--bf16-ulps"]:
    ulps, args = float(args[1]), args[2:]
first, second = args
names = sorted(os.listdir(second))
if not names or sorted(os.listdir(first)) != names:
    sys.exit(f"different results: {sorted(os.listdir(first))} vs {names}")
for name in names:
    a = np.load(os.path.join(first, name)).astype(np.float64)
    b = np.load(os.path.join(second, name)).astype(np.float64)
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all():
        sys.exit(f"{name}: shapes {a.shape} vs {b.shape} or non-finite values")
    # (An empty result, of a zero-length sequence or batch, matches itself.)
    if a.size == 0:
        continue
    if ulps is not None:
        bound = ulps * np.exp2(np.floor(np.log2(max(np.abs(b).max(), 1e-30))) - 7)
        error = np.abs(a - b).max()
        if error > bound:
            sys.exit(f"{name}: max error {error:.3e} above {ulps:g} bf16 ulps of max |b| ({bound:.3e})")
        continue
    error = np.abs(a - b).max()
    bound = 1e-4 * max(np.abs(b).max(), 1e-30)
    if error > bound:
        sys.exit(f"{name}: max error {error:.3e} above {bound:.3e}")
print("match")
