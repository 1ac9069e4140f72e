#!/usr/bin/env python3
"""bench/scaling: how time and peak memory grow with the sequence length.

For L = 4k ... 64k (128k with --max-length 131072; B = 1, H = 4, D = 128,
f32, all cores) it times, with
attn-run on the flash path: full causal attention, sliding window 1024,
SCOUT (window-512 mixer, stride-64 checkpoints, the current segment by a
document mask, merged by LSE), elu+1 linear attention and Mamba-2-style
decayed linear attention (identity features, per-token log-gates), and the
NSA- and SLA-style programs (compressed-key block scores, top-16 of 64-token
blocks; see program()). It prints
each one's time, peak RSS, growth time(L)/time(4k) and speed-up over full
causal at the same L, and saves the table in bench/results/.

With --dynamic every function is written with `?` lengths (one compiled
program for all lengths, inputs from .npy files).

usage: bench/scaling/run.py [--max-length L] [--variants NAME,...] [--dynamic] [--check]
"""
import argparse
import array
import datetime
import os
import platform
import random
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("ATTN_BUILD_DIR", os.path.join(ROOT, "build"))
H, D = 4, 128


def t(l, d=D, h=H, dtype="f32"):
    return f"tensor<1x{h}x{l}x{d}x{dtype}>"


def program(variant, l, dynamic=False):
    """The variant's function at length l; with `dynamic` its types leave
    every sequence length (and the compressed ones) `?`: one build for all
    lengths, whose masks are bounded at run time."""
    n = -(-l // 64)
    if dynamic:
        l = n = "?"
    x = t(l)
    head = f"func.func @bench(%q: {x}, %k: {x}, %v: {x}"
    if variant == "causal":
        return (f"{head}) -> {x} {{\n  %o = attn.attention %q, %k, %v mask [#attn.causal]"
                f" : {x}, {x}, {x} -> {x}\n  return %o : {x}\n}}\n")
    if variant == "window 1024":
        return (f"{head}) -> {x} {{\n  %o = attn.attention %q, %k, %v mask [#attn.causal, "
                f"#attn.window<left = 1024, right = 0>] : {x}, {x}, {x} -> {x}\n"
                f"  return %o : {x}\n}}\n")
    if variant == "SCOUT":
        c = t(n)
        lse = f"tensor<1x{H}x{l}xf32>"
        seg = f"tensor<1x{l}xi32>"
        return f"""{head}) -> {x} {{
  %mixed = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 511, right = 0>] : {x}, {x}, {x} -> {x}
  %ck = attn.compress mean %mixed stride 64 : {x} -> {c}
  %o_ck, %l_ck = attn.attention %q, %ck, %ck mask [#attn.causal<stride = 64>] : {x}, {c}, {c} -> {x}, {lse}
  %c64 = arith.constant 64 : index
  {"%c2 = arith.constant 2 : index" if l == "?" else ""}
  {"%len = tensor.dim %q, %c2 : " + x if l == "?" else ""}
  %seg = tensor.generate {"%len " if l == "?" else ""}{{
  ^bb0(%b: index, %i: index):
    %s = arith.divui %i, %c64 : index
    %s32 = arith.index_cast %s : index to i32
    tensor.yield %s32 : i32
  }} : {seg}
  %o_seg, %l_seg = attn.attention %q, %k, %v segments(%seg, %seg) mask [#attn.document, #attn.causal] : {x}, {x}, {x}, {seg}, {seg} -> {x}, {lse}
  %o = attn.merge lse (%o_seg, %l_seg), (%o_ck, %l_ck) : {x}, {lse} -> {x}
  return %o : {x}
}}
"""
    if variant in ("NSA-style", "SLA-style"):
        # Compressed keys (one per 64 tokens) score the 64-token key blocks
        # for each 64-row query block; the top 16 get exact attention.
        c = t(n)
        blocks = f"tensor<1x{H}x{n}x{n}xf32>"
        chosen = f"tensor<1x{H}x{n}x16xi32>"
        common = f"""  %kc = attn.compress mean %k stride 64 : {x} -> {c}
  %s = attn.block_scores %q, %kc block_q 64 mask [#attn.causal<stride = 64>] : {x}, {c} -> {blocks}
  %sel = attn.topk %s k 16 : {blocks} -> {chosen}
  %o_sel = attn.attention %q, %k, %v indices(%sel) mask [#attn.causal, #attn.block_indices<block_q = 64, block_kv = 64>] : {x}, {x}, {x}, {chosen} -> {x}
"""
        if variant == "SLA-style":
            # The rest of the attention mass by elu+1 linear attention, summed.
            return f"""{head}) -> {x} {{
{common}  %o_lin = attn.linear_attention %q, %k, %v feature elu_plus_one causal normalize : {x}, {x}, {x} -> {x}
  %o = attn.merge sum (%o_sel), (%o_lin) : {x} -> {x}
  return %o : {x}
}}
"""
        # NSA: compressed, selected and window-512 branches under sigmoid
        # gates (the gates are inputs here).
        g = f"tensor<1x{H}x{l}xf32>"
        return f"""{head}, %g1: {g}, %g2: {g}, %g3: {g}) -> {x} {{
{common}  %vc = attn.compress mean %v stride 64 : {x} -> {c}
  %o_cmp = attn.attention %q, %kc, %vc mask [#attn.causal<stride = 64>] : {x}, {c}, {c} -> {x}
  %o_win = attn.attention %q, %k, %v mask [#attn.causal, #attn.window<left = 511, right = 0>] : {x}, {x}, {x} -> {x}
  %o = attn.merge gated (%o_cmp, %g1), (%o_sel, %g2), (%o_win, %g3) : {x}, {g} -> {x}
  return %o : {x}
}}
"""
    if variant == "linear elu+1":
        return (f"{head}) -> {x} {{\n  %o = attn.linear_attention %q, %k, %v feature elu_plus_one"
                f" causal normalize : {x}, {x}, {x} -> {x}\n  return %o : {x}\n}}\n")
    if variant == "Mamba-2 decayed linear":
        g = f"tensor<1x{H}x{l}xf32>"
        if l == "?":
            # (A dynamic shape has no dense literal: the log-gates
            # -0.05 x^2 come as an input.)
            return f"""{head}, %a: {g}) -> {x} {{
  %o = attn.linear_attention %q, %k, %v decay(%a) feature identity causal : {x}, {x}, {x}, {g} -> {x}
  return %o : {x}
}}
"""
        return f"""{head}, %x: {g}) -> {x} {{
  %c = arith.constant dense<0.05> : {g}
  %sq = arith.mulf %x, %x : {g}
  %sc = arith.mulf %sq, %c : {g}
  %a = arith.negf %sc : {g}
  %o = attn.linear_attention %q, %k, %v decay(%a) feature identity causal : {x}, {x}, {x}, {g} -> {x}
  return %o : {x}
}}
"""
    raise ValueError(variant)


VARIANTS = ["causal", "window 1024", "SCOUT", "NSA-style", "SLA-style", "linear elu+1",
            "Mamba-2 decayed linear"]


def write_npy(path, shape, draw=lambda g: g.gauss(0.0, 1.0)):
    """A .npy of f32 draws (a block of 2^16, repeated), ~ N(0, 1) by default."""
    count = 1
    for size in shape:
        count *= size
    generator = random.Random(1)
    block = array.array("f", (draw(generator) for _ in range(1 << 16)))
    data = (block * (count // len(block) + 1))[:count]
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(size) for size in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        data.tofile(f)


def dynamic_inputs(work, variant, l):
    """attn-run's --input flags for a dynamic-length function: q, k, v of
    [1, H, l, D] and the per-token gates [1, H, l] it takes."""
    rows, gates = os.path.join(work, f"rows_{l}.npy"), os.path.join(work, f"gates_{l}.npy")
    decays = os.path.join(work, f"decays_{l}.npy")
    if not os.path.exists(rows):
        write_npy(rows, [1, H, l, D])
        write_npy(gates, [1, H, l])
        write_npy(decays, [1, H, l], lambda g: -0.05 * g.gauss(0.0, 1.0) ** 2)
    flags = [f"--input={name}={rows}" for name in ("q", "k", "v")]
    if variant == "NSA-style":
        flags += [f"--input={name}={gates}" for name in ("g1", "g2", "g3")]
    if variant == "Mamba-2 decayed linear":
        flags.append(f"--input=a={decays}")
    return flags


def run(path, runs, inputs=()):
    out = subprocess.run([os.path.join(BUILD, "bin", "attn-run"), path, f"--bench={runs}",
                          "--flops=1", "--seed=1", *inputs], capture_output=True, text=True)
    summary = dict(re.findall(r"(\w+)=([^ ]+)", out.stdout.splitlines()[-1] if out.stdout else ""))
    if out.returncode != 0 or "ms" not in summary:
        return None
    return float(summary["ms"]), float(summary["peak_rss_mb"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-length", type=int, default=65536)
    parser.add_argument("--variants", default=None, help="comma-separated subset")
    parser.add_argument("--dynamic", action="store_true",
                        help="every length `?` in the types (inputs from .npy files)")
    parser.add_argument("--check", type=int, default=0, metavar="L",
                        help="only check each program at length L against the reference")
    args = parser.parse_args()
    variants = args.variants.split(",") if args.variants else VARIANTS
    if args.check:
        work = tempfile.mkdtemp(prefix="attn-scaling-")
        failed = False
        for variant in variants:
            path = os.path.join(work, f"{variant.replace(' ', '_')}.mlir")
            open(path, "w").write(program(variant, args.check, args.dynamic))
            inputs = dynamic_inputs(work, variant, args.check) if args.dynamic else []
            out = subprocess.run([os.path.join(BUILD, "bin", "attn-run"), path, "--check",
                                  "--seed=2", *inputs], capture_output=True, text=True)
            ok = out.returncode == 0 and "check=PASS" in out.stdout
            failed |= not ok
            print(f"{variant} L={args.check}: {'PASS' if ok else 'FAIL ' + out.stderr.strip()}")
        sys.exit(1 if failed else 0)
    # 128k with --max-length 131072 (full causal then takes about 2 minutes
    # on 2 cores; every input still fits a few hundred MB).
    lengths = [l for l in (4096, 8192, 16384, 32768, 65536, 131072)
               if l <= args.max_length]
    work = tempfile.mkdtemp(prefix="attn-scaling-")
    results = {}
    for variant in variants:
        for l in lengths:
            path = os.path.join(work, f"{variant.replace(' ', '_')}_{l}.mlir")
            open(path, "w").write(program(variant, l, args.dynamic))
            inputs = dynamic_inputs(work, variant, l) if args.dynamic else ()
            results[variant, l] = run(path, 1 if variant == "causal" and l >= 32768 else 3,
                                      inputs)
            print(f"{variant} L={l}: {results[variant, l]}", file=sys.stderr, flush=True)

    def cell(value, fmt):
        return "-" if value is None else fmt.format(value)

    header = "| variant | " + " | ".join(f"L={l // 1024}k ms" for l in lengths) + \
             " | growth 8k->64k | peak RSS MB at max L | speed-up over causal at max L |"
    lines = [header, "|" + "---|" * (len(lengths) + 4)]
    top = lengths[-1]
    for variant in variants:
        times = [results[variant, l][0] if results[variant, l] else None for l in lengths]
        growth = None
        if 8192 in lengths and 65536 in lengths and results[variant, 8192] and results[variant, 65536]:
            growth = results[variant, 65536][0] / results[variant, 8192][0]
        rss = results[variant, top][1] if results[variant, top] else None
        causal = results.get(("causal", top))
        speedup = causal[0] / results[variant, top][0] if causal and results[variant, top] else None
        lines.append("| " + " | ".join([variant] + [cell(v, "{:.1f}") for v in times] +
                                        [cell(growth, "{:.2f}x"), cell(rss, "{:.0f}"),
                                         cell(speedup, "{:.1f}x")]) + " |")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    report = "\n".join([
        f"# Scaling benchmark (CPU{', dynamic lengths' if args.dynamic else ''}), "
        f"{datetime.date.today()}", "",
        f"- machine: {cpu}, {os.cpu_count()} threads; commit {commit}",
        f"- attn-run, flash path, B = 1, H = {H}, D = {D}, f32; medians of 3 runs (full causal: one run from 32k)",
        "- growth: time(64k) / time(8k) for 8x the tokens (full causal: about 64x)",
        "- peak RSS is attn-run's from the compile on (its reference pass before it is not counted), inputs (4 or 5 x L x 2 KiB) included",
        "- NSA-style: 64-token compressed keys (attention over them, and block scores of each",
        "  64-row query block), top-16 64-token blocks, window 512, gated merge; SLA-style: the",
        "  same top-16 selection plus causal elu+1 linear attention, summed", "",
        *lines, ""])
    print(report)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    kind = "scaling-cpu-dynamic" if args.dynamic else "scaling-cpu"
    path = os.path.join(ROOT, "bench", "results", f"{kind}-{datetime.date.today()}-{commit}.md")
    open(path, "w").write(report)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
