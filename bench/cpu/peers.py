"""Times PyTorch's CPU attention on the benchmark cases, in the same process
layout as attn-run: scaled_dot_product_attention and FlexAttention.

usage: peers.py CASES.json  ->  one JSON line per (case, peer)
"""
import json
import sys

import torch
import torch.nn.functional as F

from common import allowed, timed

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads())
try:
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
except ImportError:  # pragma: no cover
    flex_attention = None

cases = json.load(open(sys.argv[1]))


for case in cases:
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    q = torch.randn(b, hq, lq, d)
    k = torch.randn(b, hkv, lkv, d)
    v = torch.randn(b, hkv, lkv, d)
    kind, runs = case["kind"], case["runs"]

    def mask_mod(bi, hi, qi, ki):
        return allowed(case, qi, ki)

    results = {}
    # SDPA: is_causal for plain causal, an explicit boolean mask otherwise.
    try:
        if kind in ("dense", "decode"):
            fn = lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=hq != hkv)
        elif kind == "causal":
            fn = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=hq != hkv)
        else:
            qi = torch.arange(lq)[:, None]
            ki = torch.arange(lkv)[None, :]
            dense_mask = mask_mod(None, None, qi, ki)
            fn = lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=dense_mask, enable_gqa=hq != hkv)
        # (SDPA takes no score modifier.)
        results["torch_sdpa"] = "no softcap" if case.get("softcap") else timed(fn, runs)
    except Exception as error:  # a peer that cannot run the case
        results["torch_sdpa"] = f"error: {type(error).__name__}"
    if flex_attention is not None and kind != "decode":
        try:
            block_mask = None
            if kind != "dense":
                block_mask = create_block_mask(mask_mod, None, None, lq, lkv, device="cpu")
            compiled = torch.compile(flex_attention)
            score_mod = None
            if case.get("softcap") is not None:
                cap = case["softcap"]

                def score_mod(score, bi, hi, qi, ki):
                    return cap * torch.tanh(score / cap)
            fn = lambda: compiled(q, k, v, score_mod=score_mod, block_mask=block_mask,
                                  enable_gqa=hq != hkv)
            results["flex_attention"] = timed(fn, runs)
        except Exception as error:
            results["flex_attention"] = f"error: {type(error).__name__}"
    print(json.dumps({"case": case["name"], **results}), flush=True)
