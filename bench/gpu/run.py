"""Runs on the GPU machine (PyTorch, CUDA; no LLVM/MLIR): loads the
libraries that build.py compiled, checks them against an fp32 torch
reference by DESIGN.md section 5's rule, and times them beside torch SDPA
(flash and cuDNN backends) and compiled FlexAttention on the same bf16
inputs. Prints a table; --markdown writes it too."""
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


def mask_of(case, device, segments=None):
    lq, lkv = case["lq"], case["lkv"]
    qi = torch.arange(lq, device=device)[:, None]
    ki = torch.arange(lkv, device=device)[None, :]
    allowed = torch.ones(lq, lkv, dtype=torch.bool, device=device)
    if case["kind"] == "causal":
        allowed &= ki <= qi + (lkv - lq)
    if case.get("window") is not None:
        allowed &= qi + (lkv - lq) - ki <= case["window"]
    if case.get("docs"):
        if segments is not None:  # batch 0's ids (the checks use one batch)
            allowed &= segments[0][0][:, None] == segments[1][0][None, :]
        else:
            docs = case["docs"]
            allowed &= (qi * docs) // lq == (ki * docs) // lkv
    return allowed


def reference(case, q, k, v, rows, dtype=None, sink=None, segments=None):
    """Attention of the query rows `rows` in fp32 (dtype None) or the naive
    low-precision computation (inputs, scores, probabilities rounded to
    `dtype`, fp32 accumulation)."""
    group = case["hq"] // case["hkv"]
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
    allowed = mask_of(case, q.device, segments)[rows]
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


def make_inputs(case, device):
    dtype = torch.float16 if case.get("dtype") == "f16" else torch.bfloat16
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    # [B, L, H, D] storage viewed as [B, H, L, D]: strided, no copies.
    q = torch.randn(b, lq, hq, d, device=device, dtype=dtype).transpose(1, 2)
    k = torch.randn(b, lkv, hkv, d, device=device, dtype=dtype).transpose(1, 2)
    v = torch.randn(b, lkv, hkv, d, device=device, dtype=dtype).transpose(1, 2)
    extra = []
    if case.get("docs"):
        docs = case["docs"]
        qs = (torch.arange(lq, device=device) * docs // lq).to(torch.int32)
        ks = (torch.arange(lkv, device=device) * docs // lkv).to(torch.int32)
        extra = [qs.expand(b, lq).contiguous(), ks.expand(b, lkv).contiguous()]
        if case.get("random_docs"):
            # Unsorted ids in runs of random lengths, the same for q and k
            # positions (bottom-right aligned).
            runs = torch.randint(1, 97, (lkv,), device=device).cumsum(0)
            ids = torch.searchsorted(runs, torch.arange(lkv, device=device)) % 5
            ks = ids.to(torch.int32)
            qs = ks[lkv - lq:]
            extra = [qs.expand(b, lq).contiguous(), ks.expand(b, lkv).contiguous()]
    if case.get("sink"):
        extra.append(torch.randn(hq, device=device, dtype=torch.float32) + 2.0)
    return q, k, v, extra


class Ours:
    def __init__(self, case, artifacts):
        self.lib = ctypes.CDLL(os.path.join(artifacts, case["name"] + ".so"))
        self.fn = self.lib.attn_attn
        self.fn.restype = ctypes.c_int

    def bind(self, inputs, outputs, stream):
        self.descs = [descriptor(t) for t in inputs + outputs]
        self.args = [ctypes.byref(x) for x in self.descs] + [ctypes.c_void_p(stream)]

    def __call__(self):
        rc = self.fn(*self.args)
        if rc:
            raise RuntimeError(f"attn entry point returned {rc}")


def check(case, artifacts, device):
    torch.manual_seed(int(time.time() * 1e6) % (2**31))
    q, k, v, extra = make_inputs(case, device)
    b, hq, lq, dv = case["b"], case["hq"], case["lq"], case["d"]
    out = torch.full((b, lq, hq, dv), float("nan"), device=device, dtype=q.dtype).transpose(1, 2)
    outputs = [out]
    lse = None
    if case.get("lse"):
        lse = torch.full((b, hq, lq), float("nan"), device=device)
        outputs.append(lse)
    ours = Ours(case, artifacts)
    inputs = [v, k, q] if case.get("swapped") else [q, k, v]
    ours.bind(inputs + extra, outputs, torch.cuda.current_stream().cuda_stream)
    ours()
    torch.cuda.synchronize()
    sink = extra[-1] if case.get("sink") else None
    rows = torch.arange(lq, device=device)
    if lq > 512:
        rows = torch.cat([rows[:64], rows[torch.randperm(lq, device=device)[:384]], rows[-64:]]).unique()
    segments = extra[:2] if case.get("docs") else None
    if segments is not None and case["b"] != 1:
        raise RuntimeError("document checks use batch 1")
    ref, ref_lse = reference(case, q, k, v, rows, sink=sink, segments=segments)
    naive, _ = reference(case, q, k, v, rows, dtype=q.dtype, sink=sink, segments=segments)
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
    gqa = case["hq"] != case["hkv"]
    is_causal = case["kind"] == "causal"
    plain = not case.get("window") and not case.get("docs") and not case.get("softcap")
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

        def mask_mod(b, h, qi, ki):
            ok = ki <= qi + offset if case["kind"] == "causal" else ki >= 0
            if window is not None:
                ok = ok & (qi + offset - ki <= window)
            if docs:
                ok = ok & ((qi * docs) // lq == (ki * docs) // lkv)
            return ok

        def score_mod(s, b, h, qi, ki):
            return torch.tanh(s / cap) * cap

        block_mask = create_block_mask(mask_mod, None, None, lq, lkv, device=q.device)
        compiled = torch.compile(flex_attention)

        def run():
            return compiled(q, k, v, score_mod=score_mod if cap else None,
                            block_mask=block_mask, enable_gqa=gqa)
        try:
            run()
            result["flex"] = run
        except Exception as e:
            print(f"  flex: unavailable ({str(e).splitlines()[0][:80]})")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", default=os.path.join(HERE, "artifacts"))
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--only", default=None)
    parser.add_argument("--no-flex", action="store_true", help="skip FlexAttention (A/B runs)")
    args = parser.parse_args()
    global NO_FLEX
    NO_FLEX = args.no_flex
    device = "cuda"
    with open(os.path.join(args.artifacts, "cases.json")) as f:
        cases = json.load(f)
    if args.only:
        cases = [c for c in cases if c["name"].startswith(args.only)]
    lines = []
    checks_ok = True
    for case in cases:
        ok, err, naive = check(case, args.artifacts, device)
        checks_ok &= ok
        line = f"check {case['name']:28s} {'PASS' if ok else 'FAIL'} err={err:.2e} naive={naive:.2e}"
        print(line, flush=True)
        if case["name"].startswith("chk-"):
            continue
        q, k, v, extra = make_inputs(case, device)
        out = torch.empty(case["b"], case["lq"], case["hq"], case["d"], device=device,
                          dtype=q.dtype).transpose(1, 2)
        ours = Ours(case, args.artifacts)
        ours.bind([q, k, v] + extra, [out], torch.cuda.current_stream().cuda_stream)
        times = {"attn": bench(ours)}
        for name, fn in peers(case, q, k, v, extra).items():
            times[name] = bench(fn)
        if case["kind"] == "decode":
            nbytes = 2 * case["b"] * case["hkv"] * case["lkv"] * case["d"] * q.element_size()
            unit, scale = "GB/s", nbytes / 1e9
        else:
            flops = 4.0 * case["b"] * case["hq"] * case["d"] * case_list.pairs(case)
            unit, scale = "TFLOP/s", flops / 1e12
        rates = {n: scale / (t / 1e3) for n, t in times.items()}
        cells = " | ".join(f"{n} {times[n]:.3f} ms {rates[n]:.0f}" for n in times)
        ratios = " | ".join(f"x{n} {times[n] / times['attn']:.2f}" for n in times if n != "attn")
        row = f"| {case['name']} | {unit} | {cells} | {ratios} |"
        print(row, flush=True)
        lines.append(row)
    print("\nall checks passed" if checks_ok else "\nSOME CHECKS FAILED")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
