"""Runs on the GPU machine (PyTorch, CUDA; no LLVM/MLIR): loads the
libraries that build.py compiled, checks them against an fp32 torch
reference by the rule of attn-run --check (docs/Tools.md), and times them beside torch SDPA
(flash and cuDNN backends) and compiled FlexAttention on the same bf16
inputs. Prints a table (the scaling cases also with their peak device
memory: inputs, outputs and workspace); --markdown writes it too. --baseline NAME=DIR checks
and times a second build (another --chip, say) beside the first on the same
inputs; --sass counts HGMMA / HMMA / UTMALDG / USETMAXREG in each cubin."""
import argparse
import ctypes
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as case_list  # noqa: E402
from clocks import ClockSampler  # noqa: E402


def strided_type(rank):
    """attn_strided_<rank>d of the generated headers."""
    class Strided(ctypes.Structure):
        _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                    ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * rank),
                    ("strides", ctypes.c_int64 * rank)]
    return Strided


def descriptor(t):
    d = strided_type(t.dim())()
    d.allocated = d.aligned = t.data_ptr()
    d.offset = 0
    for i in range(t.dim()):
        d.sizes[i] = t.shape[i]
        d.strides[i] = t.stride(i)
    return d


def selection_table(case, indices):
    """[B, Hkv, query blocks, key blocks] bool: the blocks each query block
    selected (indices -1 select nothing)."""
    b, hkv, blocks, _ = indices.shape
    key_blocks = -(-case["lkv"] // case["select"]["block_kv"])
    table = torch.zeros(b, hkv, blocks, key_blocks + 1, dtype=torch.bool,
                        device=indices.device)
    table.scatter_(3, torch.where(indices < 0, key_blocks, indices).long(), True)
    return table[..., :key_blocks]


def mask_of(case, device, rows, segments=None, indices=None, layout=None):
    """Allowed (row, key) pairs for the query rows `rows`: [rows, Lkv], or
    [Hq, rows, Lkv] with a per-head block selection or layout (batch 0)."""
    lq, lkv = case["lq"], case["lkv"]
    qi = rows[:, None]
    ki = torch.arange(lkv, device=device)[None, :]
    allowed = torch.ones(len(rows), lkv, dtype=torch.bool, device=device)
    if case["kind"] == "causal":
        allowed &= ki <= qi + (lkv - lq)
    if case.get("window") is not None:
        allowed &= qi + (lkv - lq) - ki <= case["window"]
    if case.get("chunk"):
        pos, size = qi + (lkv - lq), case["chunk"]
        allowed &= (pos >= 0) & (torch.div(pos, size, rounding_mode="floor") == ki // size)
    if case.get("docs"):
        if segments is not None:  # batch 0's ids (the checks use one batch)
            allowed &= segments[0][0][rows][:, None] == segments[1][0][None, :]
        else:
            docs = case["docs"]
            allowed &= (qi * docs) // lq == (ki * docs) // lkv
    if indices is not None:
        bq, bkv = case["select"]["block_q"], case["select"]["block_kv"]
        table = selection_table(case, indices)[0]
        group = case["hq"] // case["hkv"]
        chosen = table[:, rows // bq][:, :, ki[0] // bkv]
        allowed = allowed[None] & chosen.repeat_interleave(group, dim=0)
    if layout is not None:
        bq, bkv = case["layout"]["block_q"], case["layout"]["block_kv"]
        allowed = allowed[None] & layout[0][:, rows // bq][:, :, ki[0] // bkv]
    return allowed


def reference(case, q, k, v, rows, dtype=None, sink=None, segments=None,
              indices=None, layout=None, rel_bias=None, prefix=None):
    """Attention of the query rows `rows` in fp32 (dtype None) or the naive
    low-precision computation (inputs, scores, probabilities rounded to
    `dtype`, fp32 accumulation)."""
    group = case["hq"] // case["hkv"]
    if k.shape[2] == 0:
        # No keys: every row is empty (zeros, and an LSE of -inf).
        b, h, _, dv = v.shape[0], q.shape[1], 0, v.shape[3]
        out = torch.zeros(b, h, len(rows), dv, device=q.device)
        return out, torch.full((b, h, len(rows)), float("-inf"), device=q.device)
    kf = k.float().repeat_interleave(group, dim=1)
    vf = v.float().repeat_interleave(group, dim=1)
    qf = q.float()[:, :, rows]
    scale = 1.0 / math.sqrt(case["d"])
    s = torch.einsum("bhid,bhjd->bhij", qf, kf)
    if dtype is not None:
        s = s.to(dtype).float()
    s = s * scale
    if case.get("softcap"):
        cap = case["softcap"]
        s = torch.tanh(s / cap) * cap
    lq, lkv = q.shape[2], k.shape[2]
    qi = rows.to(q.device)[:, None]
    ki = torch.arange(lkv, device=q.device)[None, :]
    if case.get("alibi_slopes"):
        slopes = torch.tensor(case["alibi_slopes"], device=q.device).view(1, -1, 1, 1)
        s = s + slopes * (ki - (qi + lkv - lq)).float()
    if rel_bias is not None:
        n = case["rel_bias"]
        s = s + rel_bias[:, (qi - ki).clamp(-n, n) + n][None]
    allowed = mask_of(case, q.device, rows, segments, indices, layout)
    if prefix is not None:
        allowed = allowed & ((ki <= qi) | (ki < prefix.view(-1, 1, 1, 1)))
    if case.get("sigmoid") is not None:
        p = torch.sigmoid(s + case["sigmoid"]) * allowed
        if dtype is not None:
            p = p.to(dtype).float()
        out = torch.einsum("bhij,bhjd->bhid", p, vf)
        if dtype is not None:
            out = out.to(dtype).float()
        return out, None
    s = s.masked_fill(~allowed, float("-inf"))
    m = s.amax(-1, keepdim=True)
    m = torch.where(torch.isinf(m), torch.zeros_like(m), m)
    p = torch.exp(s - m)
    l = p.sum(-1, keepdim=True)
    denominator = l
    if sink is not None:
        denominator = l + torch.exp(sink.view(1, -1, 1, 1) - m)
    if dtype is not None:
        p = p.to(dtype).float()
    out = torch.einsum("bhij,bhjd->bhid", p, vf) / torch.where(
        denominator > 0, denominator, torch.ones_like(denominator))
    out = torch.where(denominator > 0, out, torch.zeros_like(out))
    lse = torch.where(l[..., 0] > 0, (m + torch.log(l))[..., 0],
                      torch.full_like(l[..., 0], float("-inf")))
    if dtype is not None:
        out = out.to(dtype).float()
    return out, lse


FEATURES = {
    "identity": lambda x: x,
    "relu": torch.relu,
    "elu_plus_one": lambda x: F.elu(x) + 1.0,
    "exp": torch.exp,
    "sigmoid": torch.sigmoid,
}


def linear_inputs(case, device):
    """Q, K, V as [B, L, H, D] storage viewed as [B, H, L, D]; with decay the
    log-gates [B, Hq, Lkv] (f32, <= 0; Mamba-2-like magnitudes)."""
    dtype = torch.float16 if case.get("dtype") == "f16" else torch.bfloat16
    b, hq, hkv, lq, lkv, d, dv = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d", "dv"))
    q = torch.randn(b, lq, hq, d, device=device, dtype=dtype).transpose(1, 2)
    k = torch.randn(b, lkv, hkv, d, device=device, dtype=dtype).transpose(1, 2)
    v = torch.randn(b, lkv, hkv, dv, device=device, dtype=dtype).transpose(1, 2)
    extra = []
    if case["decay"]:
        extra.append(-0.2 * F.softplus(torch.randn(b, hq, lkv, device=device)))
    return q, k, v, extra


def linear_reference(case, q, k, v, rows, gates=None, dtype=None):
    """attn.linear_attention of the query rows `rows` as its definition
    (quadratic, fp32; float64 gate sums), or with the features and weights
    rounded to `dtype` (the naive low-precision computation)."""
    lq, lkv = case["lq"], case["lkv"]
    group = case["hq"] // case["hkv"]
    phi = FEATURES[case["feature"]]
    pq = phi(q.float()[:, :, rows])
    pk = phi(k.float().repeat_interleave(group, dim=1))
    vf = v.float().repeat_interleave(group, dim=1)
    if dtype is not None:
        pq, pk = pq.to(dtype).float(), pk.to(dtype).float()
    w = torch.einsum("bhid,bhjd->bhij", pq, pk)
    ki = torch.arange(lkv, device=q.device)
    pos = rows + (lkv - lq)
    allowed = (ki[None, :] <= pos[:, None]) if case["causal"] else \
        torch.ones(len(rows), lkv, dtype=torch.bool, device=q.device)
    if gates is not None:
        cum = gates.double().cumsum(-1)
        at_row = cum[..., pos.clamp(min=0)]
        diff = (at_row[..., :, None] - cum[..., None, :]).clamp(max=0)
        w = w * torch.where(allowed, torch.exp(diff), torch.zeros_like(diff)).float()
    w = w * allowed
    if dtype is not None:
        w = w.to(dtype).float()
    out = torch.einsum("bhij,bhjd->bhid", w, vf)
    if case["normalize"]:
        out = out / (w.sum(-1, keepdim=True) + 1e-6)
    if dtype is not None:
        out = out.to(dtype).float()
    return out


def torch_chunked(case, q, k, v, gates, chunk=64):
    """A chunked linear attention in eager PyTorch (Mamba-2's ssd_minimal
    form): intra-chunk products in the inputs' type, chunk states in fp32,
    combined across chunks by a prefix sum (or, with decay, the chunks'
    decay matrix)."""
    b, hq, lq, d = q.shape
    lkv, dv = k.shape[2], v.shape[3]
    assert lq == lkv and case["causal"]
    group = hq // k.shape[1]
    phi = FEATURES[case["feature"]]
    n = -(-lq // chunk)
    pad = n * chunk - lq
    pq = F.pad(phi(q), (0, 0, 0, pad)).view(b, hq, n, chunk, d)
    pk = F.pad(phi(k.repeat_interleave(group, dim=1)), (0, 0, 0, pad)).view(b, hq, n, chunk, d)
    vv = F.pad(v.repeat_interleave(group, dim=1), (0, 0, 0, pad)).view(b, hq, n, chunk, dv)
    if case["normalize"]:
        vv = torch.cat([vv, torch.ones_like(vv[..., :1])], dim=-1)
    tril = torch.ones(chunk, chunk, device=q.device, dtype=torch.bool).tril()
    w = pq @ pk.transpose(-1, -2)
    if gates is not None:
        a = F.pad(gates, (0, pad)).view(b, hq, n, chunk).cumsum(-1)
        w = w * torch.where(tril, torch.exp((a[..., :, None] - a[..., None, :]).clamp(max=0)),
                            0.0).to(w.dtype)
        kw = pk * torch.exp(a[..., -1:] - a)[..., None].to(pk.dtype)
    else:
        w = w.masked_fill(~tril, 0)
        kw = pk
    out = (w @ vv).float()
    states = kw.float().transpose(-1, -2) @ vv.float()  # [b, h, n, d, dv(+1)]
    if gates is None:
        before = states.cumsum(2) - states
        out = out + pq.float() @ before
    else:
        last = a[..., -1]  # each chunk's total log-decay
        total = last.cumsum(-1)
        # decay from the end of chunk c' to the start of chunk c (c' < c)
        seg = (total[..., :, None] - last[..., :, None]) - total[..., None, :]
        lower = torch.ones(n, n, device=q.device, dtype=torch.bool).tril(-1)
        mix = torch.where(lower, torch.exp(seg.clamp(max=0)), 0.0)
        before = torch.einsum("bhcz,bhzde->bhcde", mix, states)
        out = out + (pq.float() * torch.exp(a)[..., None]) @ before
    if case["normalize"]:
        out = out[..., :dv] / (out[..., dv:] + 1e-6)
    return out.reshape(b, hq, n * chunk, dv)[:, :, :lq].to(q.dtype)


PROGRAMS = ("scout", "gated", "nsa", "sla", "lawcat")


def attend(q, k, v, allowed, dtype=None):
    """Softmax attention of every query row under `allowed` ([Lq, Lkv]):
    fp32 (dtype None) or the naive low-precision computation; (out, lse)."""
    group = q.shape[1] // k.shape[1]
    kf = k.float().repeat_interleave(group, dim=1)
    vf = v.float().repeat_interleave(group, dim=1)
    s = torch.einsum("bhid,bhjd->bhij", q.float(), kf)
    if dtype is not None:
        s = s.to(dtype).float()
    s = (s / math.sqrt(q.shape[-1])).masked_fill(~allowed, float("-inf"))
    m = s.amax(-1, keepdim=True)
    m = torch.where(torch.isinf(m), torch.zeros_like(m), m)
    p = torch.exp(s - m)
    l = p.sum(-1, keepdim=True)
    if dtype is not None:
        p = p.to(dtype).float()
    out = torch.einsum("bhij,bhjd->bhid", p, vf) / torch.where(l > 0, l, torch.ones_like(l))
    lse = torch.where(l[..., 0] > 0, (m + torch.log(l))[..., 0],
                      torch.full_like(l[..., 0], float("-inf")))
    return out, lse


def compress(x, stride, span, reduce, weights=None):
    """attn.compress over [B, H, L, D] in fp32: token c reduces rows
    [c stride, min(c stride + span, L))."""
    length = x.shape[2]
    tokens = []
    for c in range(-(-length // stride)):
        rows = x.float()[:, :, c * stride:min(c * stride + span, length)]
        if weights is not None:  # [H, span]
            rows = rows * weights[None, :, :rows.shape[2], None]
        tokens.append(rows.amax(2) if reduce == "max" else
                      rows.sum(2) if reduce == "sum" else rows.mean(2))
    return torch.stack(tokens, dim=2)


def block_scores(q, kc, allowed, block):
    """attn.block_scores in fp32: each row's softmax over the compressed
    keys it may attend to, averaged over the block's rows and the group's
    query heads; -inf where no row of the block may attend."""
    b, hq, length, d = q.shape
    hkv, n = kc.shape[1], kc.shape[2]
    group = hq // hkv
    s = torch.einsum("bhid,bhjd->bhij", q.float(),
                     kc.float().repeat_interleave(group, dim=1)) / math.sqrt(d)
    s = s.masked_fill(~allowed, float("-inf"))
    m = s.amax(-1, keepdim=True)
    m = torch.where(torch.isinf(m), torch.zeros_like(m), m)
    p = torch.exp(s - m)
    l = p.sum(-1, keepdim=True)
    p = p / torch.where(l > 0, l, torch.ones_like(l))
    blocks = -(-length // block)
    pad = blocks * block - length
    p = F.pad(p, (0, 0, 0, pad)).view(b, hkv, group, blocks, block, n)
    rows = torch.clamp(length - torch.arange(blocks, device=q.device) * block, max=block)
    mean = p.sum((2, 4)) / (rows * group)[:, None].float()
    seen = F.pad(allowed, (0, 0, 0, pad)).view(blocks, block, n).any(1)
    return torch.where(seen, mean, torch.full_like(mean, float("-inf")))


def topk_reference(scores, k):
    """attn.topk: the k largest entries' indices ascending, ties to the
    lower index, -inf and NaN never chosen, -1 after the picks."""
    candidate = scores > float("-inf")
    keyed = torch.where(candidate, scores, torch.full_like(scores, float("-inf")))
    order = torch.sort(-keyed, dim=-1, stable=True).indices[..., :k]
    valid = torch.gather(candidate, -1, order)
    big = scores.shape[-1]
    chosen = torch.where(valid, order, torch.full_like(order, big)).sort(-1).values
    chosen = torch.where(chosen == big, torch.full_like(chosen, -1), chosen)
    if chosen.shape[-1] < k:
        chosen = F.pad(chosen, (0, k - chosen.shape[-1]), value=-1)
    return chosen.to(torch.int32)


def causal_conv(x, weight):
    """attn.causal_conv in fp32: out[t] = sum_k w[h, d, k] x[t - K + 1 + k],
    zeros before the sequence."""
    taps = weight.shape[-1]
    padded = F.pad(x.float(), (0, 0, taps - 1, 0))
    length = x.shape[2]
    return sum(padded[:, :, k:k + length] * weight.float()[None, :, None, :, k]
               for k in range(taps))


def program_reference(case, q, k, v, extra, dtype=None):
    """A program's results, op by op in fp32 (or the naive low-precision
    attention), each op's result rounded to the inputs' type as the
    program's tensors are."""
    low = q.dtype
    length = case["lq"]
    if case["kind"] == "lawcat":
        wq, wk, gates = extra
        if case.get("gate_logits"):
            # The program's elementwise ops, in its order and f32.
            gates = -(gates * gates * 0.05)
        qc = causal_conv(q, wq).to(low)
        kc = causal_conv(k, wk).to(low)
        sub = dict(case, kind="linear", feature=case.get("feature", "elu_plus_one"),
                   causal=True, normalize=case.get("normalize", True), decay=True)
        rows = torch.arange(length, device=q.device)
        out = linear_reference(sub, qc, kc, v, rows, gates, dtype=dtype).to(low)
        if case.get("residual"):
            out = out + v
        return [out.float()]
    i = torch.arange(length, device=q.device)[:, None]
    j = torch.arange(length, device=q.device)[None, :]
    causal = j <= i
    window = causal & (i - j <= case["window"])
    stride = case["stride"]
    count = -(-length // stride)
    jc = torch.arange(count, device=q.device)[None, :]
    # causal<stride>: (j + 1) S - 1 <= pos_S(i) = i + count S - L.
    checkpoints = (jc + 1) * stride - 1 <= i + count * stride - length
    if case["kind"] == "scout":
        mixed, _ = attend(q, k, v, window, dtype)
        ck = compress(mixed.to(low), stride, stride, "mean").to(low)
        o_ck, l_ck = attend(q, ck, ck, checkpoints, dtype)
        seg = torch.arange(length, device=q.device) // stride
        o_seg, l_seg = attend(q, k, v, causal & (seg[:, None] == seg[None, :]), dtype)
        o_seg, o_ck = o_seg.to(low).float(), o_ck.to(low).float()
        top = torch.maximum(l_seg, l_ck)
        shift = torch.where(torch.isinf(top), torch.zeros_like(top), top)
        w1, w2 = torch.exp(l_seg - shift)[..., None], torch.exp(l_ck - shift)[..., None]
        den = w1 + w2
        out = torch.where(den > 0, (w1 * o_seg + w2 * o_ck) / torch.where(
            den > 0, den, torch.ones_like(den)), torch.zeros_like(o_seg))
        if case.get("mixed_result"):
            return [out.to(low).float(), mixed.to(low).float()]
        return [out.to(low).float()]
    if case["kind"] in ("nsa", "sla"):
        # The selection is the kernel's (extra's last): the scores and the
        # selection are checked on their own.
        selection = extra[-1]
        kc = compress(k, stride, stride, "mean").to(low)
        group = case["hq"] // case["hkv"]
        block = torch.arange(length, device=q.device) // stride
        table = torch.zeros(*selection.shape[:3], count + 1, dtype=torch.bool,
                            device=q.device)
        table.scatter_(3, torch.where(selection < 0, count, selection).long(), True)
        chosen = table[..., :count][:, :, block][..., block]  # [B, Hkv, L, L]
        masked = case.get("causal", True)
        allowed = chosen.repeat_interleave(group, dim=1)
        if masked:
            allowed = causal & allowed
        o_sel, _ = attend(q, k, v, allowed, dtype)
        o_sel = o_sel.to(low).float()
        if case["kind"] == "sla":
            sub = dict(case, kind="linear", feature="elu_plus_one", causal=masked,
                       normalize=True)
            rows = torch.arange(length, device=q.device)
            o_lin = linear_reference(sub, q, k, v, rows, dtype=dtype).to(low).float()
            return [(o_sel + o_lin).to(low).float()]
        g1, g2, g3 = extra[:3]
        vc = compress(v, stride, stride, "mean").to(low)
        o_cmp, _ = attend(q, kc, vc, checkpoints, dtype)
        o_win, _ = attend(q, k, v, window, dtype)
        o_cmp, o_win = o_cmp.to(low).float(), o_win.to(low).float()
        out = g1[..., None] * o_cmp + g2[..., None] * o_sel + g3[..., None] * o_win
        return [out.to(low).float()]
    weights, g1, g2 = extra
    span = case["span"]
    kc = compress(k, stride, span, "max").to(low)
    vc = compress(v, stride, span, "sum", weights).to(low)
    o_c, _ = attend(q, kc, vc, checkpoints, dtype)
    o_w, _ = attend(q, k, v, window, dtype)
    o_c, o_w = o_c.to(low).float(), o_w.to(low).float()
    o_g = (g1[..., None] * o_c + g2[..., None] * o_w).to(low).float()
    return [(o_g + o_w).to(low).float(), o_g]


def program_inputs(case, device):
    dtype = torch.float16 if case.get("dtype") == "f16" else torch.bfloat16
    b, h, length, d = case["b"], case["hq"], case["lq"], case["d"]
    q, k, v = (torch.randn(b, length, h, d, device=device, dtype=dtype).transpose(1, 2)
               for _ in range(3))
    if case["kind"] in ("scout", "nsa", "sla"):
        # (GQA: K and V have hkv heads.)
        k, v = (torch.randn(b, length, case["hkv"], d, device=device,
                            dtype=dtype).transpose(1, 2) for _ in range(2))
    if case["kind"] == "scout":
        if not case.get("segment_ids"):
            return q, k, v, []
        seg = (torch.arange(length, device=device) // case["stride"]).to(torch.int32)
        return q, k, v, [seg.expand(b, length).contiguous()]
    if case["kind"] == "lawcat":
        taps = case.get("taps", 4)
        weights = [(0.5 * torch.randn(h, d, taps, device=device)).to(dtype)
                   for _ in range(2)]
        if case.get("gate_logits"):
            # x: the program computes its log-gates -(0.05 x^2).
            return q, k, v, weights + [torch.randn(b, h, length, device=device)]
        return q, k, v, weights + [-0.2 * F.softplus(torch.randn(b, h, length, device=device))]
    if case["kind"] in ("nsa", "sla"):
        if case["kind"] == "sla":
            return q, k, v, []
        return q, k, v, [torch.sigmoid(torch.randn(b, h, length, device=device))
                         for _ in range(3)]
    weights = torch.rand(h, case["span"], device=device) / case["span"]
    gates = [torch.sigmoid(torch.randn(b, h, length, device=device)) for _ in range(2)]
    return q, k, v, [weights] + gates


def make_inputs(case, device):
    if case["kind"] == "linear":
        return linear_inputs(case, device)
    if case["kind"] in PROGRAMS:
        return program_inputs(case, device)

    dtype = torch.float16 if case.get("dtype") == "f16" else torch.bfloat16
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    # [B, L, H, D] storage viewed as [B, H, L, D]: strided, no copies.
    q = torch.randn(b, lq, hq, d, device=device, dtype=dtype).transpose(1, 2)
    k = torch.randn(b, lkv, hkv, d, device=device, dtype=dtype).transpose(1, 2)
    v = torch.randn(b, lkv, hkv, case.get("dv", d), device=device,
                    dtype=dtype).transpose(1, 2)
    extra = []
    if case.get("docs"):
        docs = case["docs"]
        qs = (torch.arange(lq, device=device) * docs // lq).to(torch.int32)
        ks = (torch.arange(lkv, device=device) * docs // lkv).to(torch.int32)
        extra = [qs.expand(b, lq).contiguous(), ks.expand(b, lkv).contiguous()]
        if case.get("random_docs"):
            # Unsorted ids in runs of random lengths, the same for q and k
            # positions (bottom-right aligned).
            # With "batch_docs", each batch has its own.
            def random_ids():
                runs = torch.randint(1, 97, (lkv,), device=device).cumsum(0)
                return torch.searchsorted(runs, torch.arange(lkv, device=device)) % 5
            rows = b if case.get("batch_docs") else 1
            ks = torch.stack([random_ids() for _ in range(rows)]).to(torch.int32)
            ks = ks.expand(b, lkv).contiguous()
            qs = ks[:, lkv - lq:].contiguous()
            extra = [qs, ks]
        if case.get("misaligned_ids"):
            # Rows one id past a 16-byte boundary (row pitches of a multiple
            # of 4 ids): the kernels' scan of 4 ids a load must not apply.
            def shifted(ids):
                storage = torch.zeros(ids.shape[0], ids.shape[1] + 4, device=device,
                                      dtype=ids.dtype)
                storage[:, 1:ids.shape[1] + 1] = ids
                return storage[:, 1:ids.shape[1] + 1]
            extra = [shifted(t) for t in extra]
    prefix = (torch.randint(0, lkv + 1, (b,), device=device, dtype=torch.int32)
              if case.get("prefix") else None)
    if case.get("layout"):
        # A random block-sparse layout per (batch, query head): i1 elements
        # are bytes, as torch.bool's. Or, "from_prefix", the blocks where the
        # prefix-LM mask_mod allows a pair (FlexAttention's block mask).
        lay = case["layout"]
        bq, bkv = lay["block_q"], lay["block_kv"]
        blocks = (-(-lq // bq), -(-lkv // bkv))
        if lay.get("from_prefix"):
            first_key = torch.arange(blocks[1], device=device)[None, None, :] * bkv
            last_row = torch.clamp((torch.arange(blocks[0], device=device) + 1) * bq,
                                   max=lq)[None, :, None] - 1
            some = (first_key <= last_row) | (first_key < prefix.view(-1, 1, 1))
            extra.append(some[:, None].expand(b, hq, *blocks).contiguous())
        else:
            extra.append((torch.rand(b, hq, *blocks, device=device) < lay["density"])
                         .contiguous())
    if case.get("select"):
        # Per (batch, kv head, query block t): the key block of t's last row
        # and random earlier blocks, k in all, ascending, -1 after them
        # (attn.topk's form); "messy": slots shuffled, a repeat, -1 between.
        sel = case["select"]
        bq, bkv, count = sel["block_q"], sel["block_kv"], sel["k"]
        blocks, key_blocks = -(-lq // bq), -(-lkv // bkv)
        t = torch.arange(blocks, device=device)[:, None]
        last_key = (torch.clamp((t + 1) * bq, max=lq) - 1) + (lkv - lq)
        j = torch.arange(key_blocks, device=device)[None, :]
        own = last_key // bkv
        weight = torch.rand(b, hkv, blocks, key_blocks, device=device)
        weight = torch.where(j < own, weight, torch.where(j == own, 2.0, -1.0))
        top, index = weight.topk(min(count, key_blocks), dim=-1)
        big = torch.iinfo(torch.int32).max
        index = torch.where(top < 0, big, index).sort(dim=-1).values
        index = torch.where(index == big, -1, index)
        if index.shape[-1] < count:
            pad = torch.full((b, hkv, blocks, count - index.shape[-1]), -1, device=device)
            index = torch.cat([index, pad], dim=-1)
        if sel.get("messy"):
            index = index[..., torch.randperm(count, device=device)]
            index[..., -1] = index[..., 0]
            index[..., 1] = -1
        extra.append(index.to(torch.int32).contiguous())
    if case.get("sink"):
        extra.append(torch.randn(hq, device=device, dtype=torch.float32) + 2.0)
    # The tables that the regions read (build.py's last arguments).
    if case.get("rel_bias"):
        extra.append(torch.randn(hq, 2 * case["rel_bias"] + 1, device=device))
    if prefix is not None:
        extra.append(prefix)
    return q, k, v, extra


class Ours:
    def __init__(self, case, artifacts):
        self.lib = ctypes.CDLL(os.path.join(artifacts, case["name"] + ".so"))
        self.fn = self.lib.attn_attn
        self.fn.restype = ctypes.c_int

    def bind(self, inputs, outputs, stream):
        # The tensors too: another build can be bound to the same ones
        # (interleaved_ab.py), and they outlive the descriptors.
        self.inputs, self.outputs = inputs, outputs
        self.descs = [descriptor(t) for t in inputs + outputs]
        self.args = [ctypes.byref(x) for x in self.descs] + [ctypes.c_void_p(stream)]

    def __call__(self):
        rc = self.fn(*self.args)
        if rc:
            raise RuntimeError(f"attn entry point returned {rc}")


class WorkspacePool:
    """The device's default memory pool, where a program's workspaces come
    from (the runtime's attnCudaAlloc: cuMemAllocAsync); PyTorch's caching
    allocator does not use it, so its high-water mark over one call is our
    workspace's peak."""
    USED_MEM_HIGH = 8  # CU_MEMPOOL_ATTR_USED_MEM_HIGH (cuda.h)

    def __init__(self):
        self.cuda = ctypes.CDLL("libcuda.so.1")
        device = ctypes.c_int()
        self.pool = ctypes.c_void_p()
        if (self.cuda.cuDeviceGet(ctypes.byref(device), torch.cuda.current_device())
                or self.cuda.cuDeviceGetDefaultMemPool(ctypes.byref(self.pool), device)):
            raise RuntimeError("no default memory pool")

    def peak_during(self, fn):
        """Bytes of the pool in use at the peak of one call of `fn`."""
        torch.cuda.synchronize()
        zero = ctypes.c_uint64(0)
        self.cuda.cuMemPoolSetAttribute(self.pool, self.USED_MEM_HIGH, ctypes.byref(zero))
        fn()
        torch.cuda.synchronize()
        high = ctypes.c_uint64()
        self.cuda.cuMemPoolGetAttribute(self.pool, self.USED_MEM_HIGH, ctypes.byref(high))
        return high.value


def tensor_bytes(tensors):
    return sum(t.untyped_storage().nbytes() for t in tensors)


def peak_memory(pool, ours, peer_fns, inputs, outputs):
    """Peak device memory (MB) of one call: the inputs, plus for ours the
    outputs it is given and its workspace's peak, for a peer what PyTorch's
    allocator holds at the peak beyond what it held before (its outputs and
    temporaries). Precomputed state (FlexAttention's block mask, our
    constant range tables) is not counted."""
    peaks = {"attn": (tensor_bytes(inputs + outputs) + pool.peak_during(ours)) / 2**20}
    for name, fn in peer_fns.items():
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        result = fn()
        torch.cuda.synchronize()
        grown = torch.cuda.max_memory_allocated() - before
        del result
        peaks[name] = (tensor_bytes(inputs) + grown) / 2**20
    return peaks


def load_case(artifacts, name):
    """The case `name` of a build's cases.json, bound to fresh inputs:
    (case, ours) with `ours` ready to call."""
    with open(os.path.join(artifacts, "cases.json")) as f:
        matching = [c for c in json.load(f) if c["name"] == name]
    if not matching:
        sys.exit(f"no case '{name}' in {artifacts}/cases.json")
    case = matching[0]
    q, k, v, extra = make_inputs(case, "cuda")
    b, hq, lq, dv = case["b"], case["hq"], case["lq"], case.get("dv", case["d"])
    out = torch.empty((b, lq, hq, dv), device="cuda", dtype=q.dtype).transpose(1, 2)
    outputs = [out]
    if case["kind"] == "gated":
        outputs.append(torch.empty_like(out))
    if case.get("lse"):
        outputs.append(torch.empty((b, hq, lq), device="cuda"))
    ours = Ours(case, artifacts)
    inputs = [v, k, q] if case.get("swapped") else [q, k, v]
    ours.bind(inputs + extra, outputs, torch.cuda.current_stream().cuda_stream)
    return case, ours


def check_topk(case, artifacts, device):
    """attn.topk on scores with many ties (a few distinct values), -inf,
    NaN and rows with fewer candidates than k, against topk_reference."""
    b, h, rows, width, k = (case[n] for n in ("b", "hq", "lq", "width", "k"))
    scores = torch.randint(0, 6, (b, h, rows, width), device=device).float() / 4
    scores[torch.rand_like(scores) < 0.2] = float("-inf")
    scores[torch.rand_like(scores) < 0.05] = float("nan")
    # Rows with at most 2 candidates, and a row with none.
    few = torch.rand(b, h, rows, 1, device=device) < 0.1
    keep = torch.rand_like(scores).argsort(-1) < 2
    scores = torch.where(few & ~keep, torch.full_like(scores, float("-inf")), scores)
    scores[0, 0, 0] = float("-inf")
    picks = torch.full((b, h, rows, k), -7, device=device, dtype=torch.int32)
    ours = Ours(case, artifacts)
    ours.bind([scores], [picks], torch.cuda.current_stream().cuda_stream)
    ours()
    torch.cuda.synchronize()
    wrong = (picks != topk_reference(scores, k)).any(-1).sum().item()
    return wrong == 0, float(wrong), 0.0


def check(case, artifacts, device):
    if case["kind"] == "topk":
        return check_topk(case, artifacts, device)
    if case["kind"] in PROGRAMS and case["lq"] > 8192:
        # The programs' reference materialises every op's scores.
        return None, 0.0, 0.0
    if case["kind"] in ("nsa", "sla") and not case.get("intermediates"):
        # Checked where the selection is a result (chk-nsa, chk-sla).
        return None, 0.0, 0.0
    torch.manual_seed(int(time.time() * 1e6) % (2**31))
    q, k, v, extra = make_inputs(case, device)
    b, hq, lq, dv = case["b"], case["hq"], case["lq"], case.get("dv", case["d"])
    # Value dims of 8 (mod 16) compute with a padded tile: 8 columns of
    # slack after each row's, poisoned, must stay as they were.
    slack = 8 if dv % 16 else 0
    storages = []

    def poisoned_output():
        storages.append(torch.full((b, lq, hq, dv + slack), float("nan"), device=device,
                                   dtype=q.dtype))
        return storages[-1][..., :dv].transpose(1, 2)

    out = poisoned_output()
    outputs = [out]
    if case["kind"] == "gated" or case.get("mixed_result"):
        outputs.append(poisoned_output())
    if case.get("intermediates"):
        blocks = -(-lq // case["stride"])
        outputs.append(torch.full((b, case["hkv"], blocks, blocks), float("nan"),
                                  device=device))
        outputs.append(torch.full((b, case["hkv"], blocks, case["k"]), -7,
                                  device=device, dtype=torch.int32))
    lse = None
    if case.get("lse"):
        lse = torch.full((b, hq, lq), float("nan"), device=device)
        outputs.append(lse)
    ours = Ours(case, artifacts)
    inputs = [v, k, q] if case.get("swapped") else [q, k, v]
    ours.bind(inputs + extra, outputs, torch.cuda.current_stream().cuda_stream)
    ours()
    torch.cuda.synchronize()
    if slack and not all(torch.isnan(s[..., dv:]).all().item() for s in storages):
        print("  columns past the value dim were written")
        return False, float("nan"), float("nan")
    # The regions' tables come last.
    prefix = extra.pop() if case.get("prefix") else None
    rel_bias = extra.pop() if case.get("rel_bias") else None
    sink = extra[-1] if case.get("sink") else None
    rows = torch.arange(lq, device=device)
    if lq > 512:
        rows = torch.cat([rows[:64], rows[torch.randperm(lq, device=device)[:384]], rows[-64:]]).unique()
    if case["kind"] in PROGRAMS:
        ok = True
        if case["kind"] in ("nsa", "sla"):
            scores, selection = outputs[1], outputs[2]
            outputs = outputs[:1]
            # The scores against the reference's (same -inf entries), and the
            # selection exactly a top-k of the kernel's own scores.
            length, stride = case["lq"], case["stride"]
            count = -(-length // stride)
            i = torch.arange(length, device=device)[:, None]
            jc = torch.arange(count, device=device)[None, :]
            allowed = (jc + 1) * stride - 1 <= i + count * stride - length
            if not case.get("causal", True):
                allowed = torch.ones_like(allowed)
            kc = compress(k, stride, stride, "mean").to(q.dtype)
            ref_scores = block_scores(q, kc, allowed, stride)
            finite = torch.isfinite(ref_scores)
            same = torch.equal(finite, torch.isfinite(scores))
            score_err = ((scores[finite] - ref_scores[finite]).norm()
                         / ref_scores[finite].norm().clamp_min(1e-30)).item()
            picks = torch.equal(selection, topk_reference(scores, case["k"]))
            ok = same and score_err < 1e-4 and picks
            print(f"  scores err {score_err:.1e}, -inf entries "
                  f"{'same' if same else 'DIFFER'}, selection "
                  f"{'= top-k of the scores' if picks else 'WRONG'}")
            extra = extra + [selection]
        refs = program_reference(case, q, k, v, extra)
        naives = program_reference(case, q, k, v, extra, dtype=q.dtype)
        errs, naive_errs = [], []
        for got, ref, naive in zip(outputs, refs, naives):
            err = ((got.float() - ref).norm() / ref.norm().clamp_min(1e-30)).item()
            naive_err = ((naive - ref).norm() / ref.norm().clamp_min(1e-30)).item()
            ok &= not torch.isnan(got).any().item() and err <= 2 * naive_err + 1e-5
            errs.append(err)
            naive_errs.append(naive_err)
        return ok, max(errs), min(naive_errs)
    if case["kind"] == "linear":
        gates = extra[0] if case["decay"] else None
        ref = linear_reference(case, q, k, v, rows, gates)
        naive = linear_reference(case, q, k, v, rows, gates, dtype=q.dtype)
        got = out.float()[:, :, rows]
        err = ((got - ref).norm() / ref.norm().clamp_min(1e-30)).item()
        naive_err = ((naive - ref).norm() / ref.norm().clamp_min(1e-30)).item()
        return not torch.isnan(out).any().item() and err <= 2 * naive_err + 1e-5, err, naive_err
    segments = extra[:2] if case.get("docs") else None
    layout = extra[2 if segments else 0] if case.get("layout") else None
    if layout is not None and case["layout"].get("from_prefix"):
        # (It allows every pair the prefix mask_mod does: the reference
        # needs only the mask_mod.)
        layout = None
    indices = extra[0] if case.get("select") else None
    if (indices is not None or layout is not None) and case["b"] != 1:
        raise RuntimeError("layout and selection checks use batch 1")
    if layout is not None and indices is not None:
        raise RuntimeError("a check has a layout or a selection, not both")

    def batched(**kwargs):
        # Documents: each batch's own ids, a batch at a time.
        if segments is None or case["b"] == 1:
            return reference(case, q, k, v, rows, sink=sink, segments=segments,
                             indices=indices, layout=layout, rel_bias=rel_bias,
                             prefix=prefix, **kwargs)
        parts = [reference(case, q[i:i + 1], k[i:i + 1], v[i:i + 1], rows, sink=sink,
                           segments=[ids[i:i + 1] for ids in segments], **kwargs)
                 for i in range(case["b"])]
        lses = [part[1] for part in parts]
        return (torch.cat([part[0] for part in parts]),
                None if lses[0] is None else torch.cat(lses))

    ref, ref_lse = batched()
    naive, _ = batched(dtype=q.dtype)
    got = out.float()[:, :, rows]
    err = ((got - ref).norm() / ref.norm().clamp_min(1e-30)).item()
    naive_err = ((naive - ref).norm() / ref.norm().clamp_min(1e-30)).item()
    ok = not torch.isnan(out).any().item() and err <= 2 * naive_err + 1e-5
    if not ok and os.environ.get("ATTN_BENCH_DEBUG"):
        ratio = (got.norm(dim=-1) / ref.norm(dim=-1).clamp_min(1e-30))
        print(f"  got/ref row norms, first rows: {ratio[0, 0, :6].tolist()}")
        print(f"  last rows: {ratio[0, 0, -4:].tolist()}; heads: {ratio[0, :, -1].tolist()}")
        print(f"  got[0,0,-1,:4]={got[0, 0, -1, :4].tolist()} ref={ref[0, 0, -1, :4].tolist()}")
    if lse is not None:
        finite = torch.isfinite(ref_lse)
        lse_err = (lse[:, :, rows] - ref_lse)[finite].abs().max().item() if finite.any() else 0.0
        same_inf = torch.equal(torch.isinf(lse[:, :, rows]), ~finite)
        ok = ok and lse_err < 1e-2 and same_inf
    return ok, err, naive_err


def bench(fn, warmup=25, rep=100):
    import triton.testing
    return triton.testing.do_bench(fn, warmup=warmup, rep=rep, return_mode="median")


NO_FLEX = False


def peers(case, q, k, v, extra):
    """name -> callable, on the same inputs (SDPA takes [B, H, L, D])."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    result = {}
    if case["kind"] == "lawcat":
        # Eager PyTorch: the convs in the inputs' type, then the chunked
        # linear attention with decay.
        wq, wk, gates = extra
        sub = dict(case, feature="elu_plus_one", causal=True, normalize=True)
        result["torch-eager"] = lambda: torch_chunked(
            sub, causal_conv(q, wq).to(q.dtype), causal_conv(k, wk).to(q.dtype), v, gates)
        return result
    if case["kind"] in PROGRAMS:
        return result
    if case["kind"] == "linear":
        gates = extra[0] if case["decay"] else None
        result["torch-chunked"] = lambda: torch_chunked(case, q, k, v, gates)
        return result
    gqa = case["hq"] != case["hkv"]
    is_causal = case["kind"] == "causal"
    plain = not any(case.get(key) for key in ("window", "docs", "softcap", "select",
                                              "alibi_slopes", "rel_bias", "prefix",
                                              "chunk", "as_region"))
    if plain:
        for name, backend in (("sdpa-flash", SDPBackend.FLASH_ATTENTION),
                              ("cudnn", SDPBackend.CUDNN_ATTENTION)):
            def run(backend=backend):
                with sdpa_kernel(backend):
                    return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal,
                                                          enable_gqa=gqa)
            try:
                run()
                result[name] = run
            except Exception as e:  # a backend that does not take the case
                print(f"  {name}: unavailable ({str(e).splitlines()[0][:80]})")
    flex_cases = not NO_FLEX and (not plain or case["name"] in ("dense-L4096-D128", "causal-L4096-D128") \
        or case["kind"] == "decode")
    if flex_cases:
        from torch.nn.attention.flex_attention import create_block_mask, flex_attention
        lq, lkv = case["lq"], case["lkv"]
        offset = lkv - lq
        window, docs, cap = case.get("window"), case.get("docs"), case.get("softcap")
        # The tables that our regions read are captured tensors here too.
        tables = list(extra)
        prefix = tables.pop() if case.get("prefix") else None
        rel_bias = tables.pop() if case.get("rel_bias") else None
        slopes = (torch.tensor(case["alibi_slopes"], device=q.device)
                  if case.get("alibi_slopes") else None)
        modified = cap or rel_bias is not None or slopes is not None

        def mask_mod(b, h, qi, ki):
            ok = ki <= qi + offset if case["kind"] == "causal" else ki >= 0
            if window is not None:
                ok = ok & (qi + offset - ki <= window)
            if case.get("chunk"):
                size = case["chunk"]
                ok = ok & (qi + offset >= 0) & ((qi + offset) // size == ki // size)
            if docs:
                ok = ok & ((qi * docs) // lq == (ki * docs) // lkv)
            if prefix is not None:
                ok = ok & ((ki <= qi) | (ki < prefix[b]))
            return ok

        def score_mod(s, b, h, qi, ki):
            if cap:
                s = torch.tanh(s / cap) * cap
            if slopes is not None:
                s = s + slopes[h] * (ki - qi - offset)
            if rel_bias is not None:
                n = case["rel_bias"]
                s = s + rel_bias[h, torch.clamp(qi - ki, -n, n) + n]
            return s

        options = None
        if case.get("select"):
            # NSA's selected branch as a BlockMask of 64 x 64 blocks, built
            # by a compiled create_block_mask (no Lq x Lkv mask in memory).
            block = case["select"]["block_q"]
            table = selection_table(case, extra[0])
            group = case["hq"] // case["hkv"]

            def mask_mod(b, h, qi, ki):
                return (ki <= qi) & table[b, h // group, qi // block, ki // block]
            make_mask = torch.compile(create_block_mask)
            block_mask = make_mask(mask_mod, case["b"], case["hq"], lq, lkv,
                                   device=q.device, BLOCK_SIZE=block)
            options = {"BLOCK_M": block, "BLOCK_N": block}
        elif lq * lkv > 2 ** 32:
            # (128k: the eager one's Lq x Lkv mask would not fit.)
            block_mask = torch.compile(create_block_mask)(mask_mod, None, None, lq, lkv,
                                                          device=q.device)
        else:
            # (A prefix per batch: a mask per batch.)
            batch = case["b"] if prefix is not None else None
            block_mask = create_block_mask(mask_mod, batch, None, lq, lkv, device=q.device)
        compiled = torch.compile(flex_attention)

        def run():
            return compiled(q, k, v, score_mod=score_mod if modified else None,
                            block_mask=block_mask, enable_gqa=gqa,
                            kernel_options=options)
        try:
            run()
            result["flex"] = run
        except Exception as e:
            print(f"  flex: unavailable ({str(e).splitlines()[0][:80]})")
    return result


def scaling_runs(cases, values):
    """The scaling cases' `values` (by case name) as variant -> {L: value},
    and the lengths among them, in order."""
    import re
    runs = {}
    for case in cases:
        match = re.fullmatch(r"scale-(.+)-L(\d+)", case["name"])
        if match and case["name"] in values:
            runs.setdefault(match.group(1), {})[int(match.group(2))] = values[case["name"]]
    return runs, sorted({n for r in runs.values() for n in r})


def causal_baseline(runs, variant):
    """Full causal with the variant's own K/V heads: `causal-gqa4` for
    `nsa-gqa4` (fewer K/V heads make full causal faster too), else
    `causal`. A grouped variant has no baseline at a length where its
    grouped full causal did not run."""
    import re
    group = re.search(r"-(gqa\d+)$", variant)
    return runs.get(f"causal-{group.group(1)}" if group else "causal", {})


def scaling_table(cases, timings):
    """The scaling cases' growth: time(L) / time(4k), time(64k) / time(8k),
    and the speed-up over full causal at the same L."""
    runs, lengths = scaling_runs(cases, timings)
    if not runs:
        return []
    lines = ["", "| variant | " + " | ".join(f"L={n // 1024}k ms" for n in lengths)
             + " | growth 8k->64k | x causal at 64k | peer at 64k (ms, ratio) |",
             "|---" * (len(lengths) + 4) + "|"]
    for name, run in runs.items():
        cells = [f"{run[n]['attn']:.3f}" if n in run else "-" for n in lengths]
        growth = (f"{run[65536]['attn'] / run[8192]['attn']:.2f}x"
                  if 65536 in run and 8192 in run else "-")
        causal = causal_baseline(runs, name).get(65536)
        speedup = f"{causal['attn'] / run[65536]['attn']:.1f}x" if causal and 65536 in run else "-"
        peer = "-"
        if 65536 in run:
            others = [(n, t) for n, t in run[65536].items() if n != "attn"]
            peer = ", ".join(f"{n} {t:.3f} ({t / run[65536]['attn']:.2f}x)" for n, t in others)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {growth} | {speedup} | {peer} |")
    # Each variant's growth time(L) / time(4k) and speed-up over full causal
    # at every L (x causal / growth per cell).
    def speedup_and_growth(name, run, n):
        causal = causal_baseline(runs, name)
        speedup = f"{causal[n]['attn'] / run[n]['attn']:.1f}x" if n in causal else "-"
        growth = f"{run[n]['attn'] / run[4096]['attn']:.1f}x" if 4096 in run else "-"
        return f"{speedup} / {growth}"
    return lines + [""] + per_length_table(runs, lengths, "x causal / growth",
                                           speedup_and_growth)


def per_length_table(runs, lengths, heading, cell):
    """A table of a row per variant and a column per L: `cell(name, run, L)`
    where the variant ran at L, else "-"."""
    lines = ["| variant | " + " | ".join(f"L={n // 1024}k{' ' + heading if heading else ''}"
                                        for n in lengths) + " |",
             "|---" * (len(lengths) + 1) + "|"]
    for name, run in runs.items():
        cells = [cell(name, run, n) if n in run else "-" for n in lengths]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def memory_table(cases, memory):
    """The scaling cases' peak device memory (peak_memory) at every L: ours,
    then each peer's."""
    runs, lengths = scaling_runs(cases, memory)
    if not runs:
        return []
    def peaks(_, run, n):
        return ", ".join(f"{peer} {mb:.0f}" if peer != "attn" else f"{mb:.0f}"
                         for peer, mb in run[n].items())
    return (["", "Peak device memory of one call, MB (inputs, outputs, workspace):", ""]
            + per_length_table(runs, lengths, "", peaks))


def sass_counts(artifacts):
    """Per cubin: HGMMA (wgmma), HMMA (mma.sync), UTMALDG (TMA loads) and
    USETMAXREG (setmaxnreg) instructions in its SASS."""
    import glob
    import subprocess
    kinds = ("HGMMA", "HMMA", "UTMALDG", "USETMAXREG")
    print("| cubin | " + " | ".join(kinds) + " |")
    print("|---" * (len(kinds) + 1) + "|")
    for cubin in sorted(glob.glob(os.path.join(artifacts, "*.cubin"))):
        sass = subprocess.run(["cuobjdump", "--dump-sass", cubin], capture_output=True,
                              text=True, check=True).stdout
        words = [line.split(";")[0].split() for line in sass.splitlines() if "/*" in line]
        opcodes = [w for ws in words for w in ws if w.isupper() or "." in w]
        counts = [sum(1 for o in opcodes if o.split(".")[0] == k) for k in kinds]
        print(f"| {os.path.basename(cubin)} | " + " | ".join(map(str, counts)) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", default=os.path.join(HERE, "artifacts"))
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--only", default=None, help="comma-separated name prefixes")
    parser.add_argument("--no-flex", action="store_true", help="skip FlexAttention (A/B runs)")
    parser.add_argument("--baseline", default=None,
                        help="NAME=DIR: a second artifact set (another --chip) checked and "
                             "timed beside the first on the same inputs, as column NAME")
    parser.add_argument("--sass", action="store_true",
                        help="count the tensor-core, TMA and setmaxnreg instructions in "
                             "each case's cubin (cuobjdump --dump-sass) and stop")
    args = parser.parse_args()
    if args.sass:
        sass_counts(args.artifacts)
        return
    baseline = args.baseline.split("=", 1) if args.baseline else None
    if baseline and (len(baseline) != 2 or not all(baseline)):
        parser.error(f"--baseline takes NAME=DIR, got '{args.baseline}'")
    global NO_FLEX
    NO_FLEX = args.no_flex
    device = "cuda"
    with open(os.path.join(args.artifacts, "cases.json")) as f:
        cases = json.load(f)
    if args.only:
        prefixes = tuple(args.only.split(","))
        cases = [c for c in cases if c["name"].startswith(prefixes)]
    lines = []
    timings = {}
    # Peak device memory of the scaling cases (bench/scaling's other half).
    memory = {}
    pool = WorkspacePool() if any(c["name"].startswith("scale-") for c in cases) else None
    checks_ok = True
    # Our measurement's SM clock and power, a column of its own (clocks.py).
    sampler = ClockSampler()
    for case in cases:
        ok, err, naive = check(case, args.artifacts, device)
        verdict = "SKIP" if ok is None else "PASS" if ok else "FAIL"
        checks_ok &= ok is not False
        line = f"check {case['name']:28s} {verdict} err={err:.2e} naive={naive:.2e}"
        print(line, flush=True)
        if baseline:
            ok, err, naive = check(case, baseline[1], device)
            checks_ok &= ok is not False
            verdict = "SKIP" if ok is None else "PASS" if ok else "FAIL"
            print(f"check {case['name']:28s} {verdict} err={err:.2e} "
                  f"naive={naive:.2e} ({baseline[0]})", flush=True)
        if case["name"].startswith("chk-"):
            continue
        q, k, v, extra = make_inputs(case, device)
        out = torch.empty(case["b"], case["lq"], case["hq"], case.get("dv", case["d"]),
                          device=device, dtype=q.dtype).transpose(1, 2)
        outputs = [out] + ([torch.empty_like(out)] if case["kind"] == "gated" else [])
        ours = Ours(case, args.artifacts)
        ours.bind([q, k, v] + extra, outputs, torch.cuda.current_stream().cuda_stream)
        start = time.perf_counter()
        times = {"attn": bench(ours)}
        our_clock = sampler.describe([(start, time.perf_counter())])
        if baseline:
            other = Ours(case, baseline[1])
            other.bind([q, k, v] + extra, outputs, torch.cuda.current_stream().cuda_stream)
            times[baseline[0]] = bench(other)
        peer_fns = peers(case, q, k, v, extra)
        for name, fn in peer_fns.items():
            times[name] = bench(fn)
            if case["kind"] in ("linear", "lawcat"):
                # The peer computes the same thing: how far apart the two are.
                ours()
                gap = (fn().float() - out.float()).norm() / out.float().norm()
                print(f"  {name} vs attn: relative difference {gap.item():.2e}")
        if case["kind"] in ("linear",) + PROGRAMS:
            unit, scale = "Mtok/s", case["b"] * case["lq"] / 1e6
        elif case["kind"] == "decode":
            d, dv = case["d"], case.get("dv", case["d"])
            nbytes = case["b"] * case["hkv"] * case["lkv"] * (d + dv) * q.element_size()
            unit, scale = "GB/s", nbytes / 1e9
        else:
            flops = (2.0 * case["b"] * case["hq"] * (case["d"] + case.get("dv", case["d"]))
                     * case_list.pairs(case))
            unit, scale = "TFLOP/s", flops / 1e12
        rates = {n: scale / (t / 1e3) for n, t in times.items()}
        cells = " | ".join(f"{n} {times[n]:.3f} ms {rates[n]:.0f}" for n in times)
        ratios = " | ".join(f"x{n} {times[n] / times['attn']:.2f}" for n in times if n != "attn")
        timings[case["name"]] = times
        if case["name"].startswith("scale-"):
            memory[case["name"]] = peak_memory(pool, ours, peer_fns, [q, k, v] + extra,
                                               outputs)
        row = f"| {case['name']} | {unit} | {cells} | {ratios} | attn at {our_clock} |"
        print(row, flush=True)
        lines.append(row)
    lines += scaling_table(cases, timings)
    lines += memory_table(cases, memory)
    print("\nall checks passed" if checks_ok else "\nSOME CHECKS FAILED")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
