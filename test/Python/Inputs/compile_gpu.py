"""Compiles a small program for sm_90a with the attn package on sys.path and
prints which libAttnC.so the package loaded (installed-package.test)."""
import sys

import attn
from attn import _capi

p = attn.Program("causal")
q = p.input("q", (1, 2, 128, 64), "bf16")
k = p.input("k", (1, 2, 128, 64), "bf16")
v = p.input("v", (1, 2, 128, 64), "bf16")
p.output(p.attention(q, k, v, mask=attn.causal()))
attn.compile(p, target="sm_90a")
print(f"compiled for sm_90a from {_capi._lib._name}")
