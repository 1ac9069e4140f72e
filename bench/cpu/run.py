#!/usr/bin/env python3
"""The CPU benchmark: attn's flash path against its reference path, PyTorch's
CPU scaled_dot_product_attention and FlexAttention, and an OpenBLAS sgemm of
the same FLOP count, on the same machine in one run. Prints a table and
writes it to bench/results/.

usage: bench/cpu/run.sh [--full] [--only SUBSTRING]
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("ATTN_BUILD_DIR", os.path.join(ROOT, "build"))


def causal_pairs(lq, lkv, window=None):
    total = 0
    offset = lkv - lq
    for i in range(lq):
        high = min(i + offset, lkv - 1)
        low = 0 if window is None else max(0, i + offset - window)
        total += max(0, high - low + 1)
    return total


def make_cases(full):
    cases = []

    def add(name, kind, b, hq, hkv, lq, lkv, d, pairs, runs, reference, **extra):
        cases.append(dict(name=name, kind=kind, b=b, hq=hq, hkv=hkv, lq=lq, lkv=lkv,
                          d=d, pairs=pairs, runs=runs, reference=reference, **extra))

    lengths = [1024, 4096] + ([16384] if full else [])
    for length in lengths:
        heads = 8 if length <= 4096 else 2
        for d in (64, 128):
            for kind in ("dense", "causal"):
                pairs = length * length if kind == "dense" else causal_pairs(length, length)
                add(f"{kind} L={length} D={d}", kind, 1, heads, heads, length, length, d,
                    pairs, 3 if length <= 4096 else 1, length <= 1024)
    for length in [16384] + ([65536] if full else []):
        add(f"window 1024 L={length}", "window", 1, 4, 4, length, length, 128,
            causal_pairs(length, length, 1024), 3, False, window=1024)
    if full:
        add("causal L=65536", "causal", 1, 4, 4, 65536, 65536, 128,
            causal_pairs(65536, 65536), 1, False)
    # Gemma 2's soft-cap (FlexAttention's score_mod example): tanh on every
    # score of the flash loop.
    add("softcap 30 causal L=4096 D=64", "softcap", 1, 8, 8, 4096, 4096, 64,
        causal_pairs(4096, 4096), 3, False, softcap=30.0)
    docs_length = 16384
    add("4-doc causal L=16384", "documents", 1, 4, 4, docs_length, docs_length, 128,
        4 * causal_pairs(docs_length // 4, docs_length // 4), 3, False, docs=4)
    add("decode B=8 Hq=32 Hkv=8 32k", "decode", 8, 32, 8, 1, 32768, 128,
        32768, 5, False)
    return cases


def mlir_for(case):
    b, hq, hkv, lq, lkv, d = (case[k] for k in ("b", "hq", "hkv", "lq", "lkv", "d"))
    q = f"tensor<{b}x{hq}x{lq}x{d}xf32>"
    kv = f"tensor<{b}x{hkv}x{lkv}x{d}xf32>"
    mask, prologue, operands, extra_types = [], "", "", ""
    if case["kind"] in ("causal", "window", "documents", "softcap"):
        mask.append("#attn.causal")
    if case["kind"] == "window":
        mask.append(f"#attn.window<left = {case['window']}, right = 0>")
    if case["kind"] == "documents":
        seg = f"tensor<{b}x{lq}xi32>"
        prologue = (f"  %c = arith.constant {case['docs']} : index\n"
                    f"  %n = arith.constant {lq} : index\n"
                    f"  %s = tensor.generate {{\n  ^bb0(%bb: index, %t: index):\n"
                    f"    %x = arith.muli %t, %c : index\n    %y = arith.divui %x, %n : index\n"
                    f"    %z = arith.index_cast %y : index to i32\n    tensor.yield %z : i32\n"
                    f"  }} : {seg}\n")
        operands = " segments(%s, %s)"
        extra_types = f", {seg}, {seg}"
        mask.insert(0, "#attn.document")
    mask_text = f" mask [{', '.join(mask)}]" if mask else ""
    if case.get("softcap") is not None:
        mask_text += f" score [#attn.softcap<{case['softcap']}>]"
    return (f"func.func @bench(%q: {q}, %k: {kv}, %v: {kv}) -> {q} {{\n{prologue}"
            f"  %o = attn.attention %q, %k, %v{operands}{mask_text} : {q}, {kv}, {kv}{extra_types} -> {q}\n"
            f"  return %o : {q}\n}}\n")


def attn_run(path, case, lowering):
    flops = 4.0 * case["d"] * case["pairs"] * case["b"] * case["hq"]
    run = subprocess.run([os.path.join(BUILD, "bin", "attn-run"), path, f"--path={lowering}",
                          f"--bench={case['runs']}", f"--flops={flops}"],
                         capture_output=True, text=True)
    summary = dict(re.findall(r"(\w+)=([^ ]+)", run.stdout.splitlines()[-1] if run.stdout else ""))
    if run.returncode != 0 or "ms" not in summary:
        return None
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="add L = 16k, 64k cases")
    parser.add_argument("--python", default=sys.executable, help="Python with torch")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    threads = os.cpu_count()
    cases = make_cases(args.full)
    if args.only:
        cases = [case for case in cases if args.only in case["name"]]
    work = tempfile.mkdtemp(prefix="attn-bench-")
    rows = []

    # Peers first, in their own process, with the same thread count.
    cases_file = os.path.join(work, "cases.json")
    json.dump(cases, open(cases_file, "w"))
    peers = {}
    for script in ("peers.py", "iree_peer.py"):
        try:
            out = subprocess.run([args.python, os.path.join(ROOT, "bench", "cpu", script),
                                  cases_file, str(threads)], capture_output=True, text=True,
                                 timeout=3600)
            found = False
            for line in out.stdout.splitlines():
                if line.startswith("{"):
                    record = json.loads(line)
                    peers.setdefault(record.pop("case"), {}).update(record)
                    found = True
            if not found:
                print(f"{script}: " + (out.stderr.strip().splitlines() or ["no output"])[-1],
                      file=sys.stderr)
        except Exception as error:
            print(f"{script}: {error}", file=sys.stderr)

    sgemm = os.path.join(work, "sgemm")
    env = dict(os.environ, OPENBLAS_CORETYPE="SkylakeX", OPENBLAS_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_L2_SIZE", None)
    built = subprocess.run(["cc", "-O2", os.path.join(ROOT, "bench", "cpu", "sgemm.c"), "-o", sgemm,
                            "-lopenblas", "-lm"], capture_output=True, text=True).returncode == 0

    for case in cases:
        path = os.path.join(work, case["name"].replace(" ", "_").replace("=", "") + ".mlir")
        open(path, "w").write(mlir_for(case))
        flash = attn_run(path, case, "flash")
        reference = attn_run(path, case, "reference") if case["reference"] else None
        flops = 4.0 * case["d"] * case["pairs"] * case["b"] * case["hq"]
        ceiling, core = None, ""
        if built:
            out = subprocess.run([sgemm, str(flops), "3"], capture_output=True, text=True, env=env)
            if out.returncode == 0:
                ceiling, core = out.stdout.split()[0], out.stdout.split()[1]
        rows.append((case, flash, reference, peers.get(case["name"], {}), ceiling, core))

    def fmt(value, digits=1):
        return "-" if value is None else (value if isinstance(value, str) else f"{value:.{digits}f}")

    header = ("| case | attn flash ms | GFLOP/s | peak RSS MB | attn reference ms | torch SDPA ms | "
              "vs SDPA | FlexAttention ms | vs Flex | IREE ms | vs IREE | sgemm GFLOP/s | "
              "flash / sgemm |")
    lines = [header, "|" + "---|" * 13]
    for case, flash, reference, peer, ceiling, core in rows:
        ms = float(flash["ms"]) if flash else None
        gflops = float(flash["gflops"]) if flash else None

        def ratio(name):
            other = peer.get(name)
            if ms is None or not isinstance(other, (int, float)):
                return "-"
            return f"{other / ms:.2f}x"

        lines.append("| " + " | ".join([
            case["name"], fmt(ms), fmt(gflops), fmt(flash.get("peak_rss_mb") if flash else None),
            fmt(float(reference["ms"]) if reference else None),
            fmt(peer.get("torch_sdpa")), ratio("torch_sdpa"),
            fmt(peer.get("flex_attention")), ratio("flex_attention"),
            fmt(peer.get("iree")), ratio("iree"),
            fmt(float(ceiling) if ceiling else None),
            f"{100 * gflops / float(ceiling):.0f}%" if gflops and ceiling else "-"]) + " |")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    kernel = next((core for *_, core in rows if core), "not run")
    report = "\n".join([
        f"# CPU benchmark, {datetime.date.today()}", "",
        f"- machine: {cpu}, {threads} threads; commit {commit}",
        f"- attn: flash path, OpenMP on {threads} threads, f32; peers on the same thread count",
        f"- ratios are peer time / attn time (above 1: attn is faster); GFLOP/s count allowed pairs only",
        f"- sgemm: OpenBLAS (OPENBLAS_CORETYPE=SkylakeX, kernel {kernel}), square product of the case's FLOP count (n <= 4096)",
        f"- peak RSS is attn-run's whole process (JIT and MLIR included)",
        f"- IREE: iree_linalg_ext.attention compiled by iree-base-compiler (llvm-cpu, host CPU), "
        f"local-task driver on {threads} threads; masks as an i1 [Lq, Lkv] operand; GQA heads "
        f"repeated beforehand; a run over 20 s is timed once", "",
        *lines, ""])
    print(report)
    results = os.path.join(ROOT, "bench", "results", f"cpu-{datetime.date.today()}-{commit}.md")
    open(results, "w").write(report)
    print(f"saved {results}")


if __name__ == "__main__":
    main()
