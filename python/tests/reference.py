"""An independent NumPy reference of attention (float64), for the tests."""
import numpy as np


def attention(q, k, v, allowed=None, scale=None, score_fn=None):
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    b, hq, lq, d = q.shape
    hkv = k.shape[1]
    k = np.repeat(k, hq // hkv, axis=1)
    v = np.repeat(v, hq // hkv, axis=1)
    scale = 1.0 / np.sqrt(d) if scale is None else scale
    s = np.einsum("bhqd,bhkd->bhqk", q, k) * scale
    if score_fn is not None:
        s = score_fn(s)
    if allowed is not None:
        s = np.where(allowed, s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    p = np.exp(s - m)
    denom = p.sum(axis=-1, keepdims=True)
    out = np.einsum("bhqk,bhkd->bhqd", p, v) / np.where(denom > 0, denom, 1.0)
    return np.where(denom > 0, out, 0.0)


def positions(lq, lkv):
    i = np.arange(lq)[:, None] + (lkv - lq)
    j = np.arange(lkv)[None, :]
    return i, j
