"""Compares the .npy results of two attn-run --output directories by the
DESIGN.md §5 f32 rule: max |a - b| <= 1e-4 * max |b|; prints `match` or the
error and exits non-zero."""
import os
import sys

import numpy as np

first, second = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(second))
if not names or sorted(os.listdir(first)) != names:
    sys.exit(f"different results: {sorted(os.listdir(first))} vs {names}")
for name in names:
    a = np.load(os.path.join(first, name)).astype(np.float64)
    b = np.load(os.path.join(second, name)).astype(np.float64)
    if a.shape != b.shape or not np.isfinite(a).all() or not np.isfinite(b).all():
        sys.exit(f"{name}: shapes {a.shape} vs {b.shape} or non-finite values")
    error = np.abs(a - b).max()
    bound = 1e-4 * max(np.abs(b).max(), 1e-30)
    if error > bound:
        sys.exit(f"{name}: max error {error:.3e} above {bound:.3e}")
print("match")
