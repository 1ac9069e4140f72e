"""Differential fuzzing of dynamic shapes on the CPU: bench/gpu/fuzz.py's
random programs (valid by construction) with their tensor types made
partly or wholly dynamic, run by attn-run on both lowerings against its
double-precision reference.

  .venv/bin/python bench/cpu/fuzz_dynamic.py --count 40 --seed 1 --out /tmp/dfz

The project's rule: sizes are static or dynamic, and both must compile. Each distinct
static tensor type of a program maps to one dynamic version (every size
`?` with probability --dynamic, default 0.5), so that the types of a
value's definition and its uses still agree (values of one static type
then share their dynamic type: a query dynamic beside a result of the same
static type kept static is not drawn); programs with dense constants
are skipped (a constant's type must stay static). attn-run cannot fill
dynamic arguments at random, so the inputs are written as .npy files with
its random fill's distributions (floats N(0, 1), i32 uniform in [0, 4), i1
Bernoulli(1/2); bf16 as <f4). Prints one line per program and run, and a
summary; exits 1 if any run failed.

With --gpu CHIP each program is also compiled by attn-compile for that
chip (PTX, assembled by ptxas where it is installed): its sizes mix static
and open ones, so attn-refine-shapes leaves tensor.casts between its ops.
A refusal (a diagnostic, exit status 1) is counted and its first line
shown; a crash, an assertion or a PTX that ptxas rejects is a failure."""
import argparse
import collections
import pathlib
import random
import re
import shutil
import subprocess
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "bench" / "gpu"))
import fuzz  # noqa: E402

TENSOR = re.compile(r"tensor<((?:\d+x)*)(\w+)>")
ARG = re.compile(r"%(\w+): tensor<((?:\d+x)*)(\w+)>")
NUMPY = {"f32": "<f4", "bf16": "<f4", "f16": "<f2", "i32": "<i4", "i1": "|b1"}


def dynamize(text, rng, chance):
    """Each distinct static tensor type -> one version with sizes made `?`."""
    mapping = {}

    def replace(match):
        whole = match.group(0)
        if whole not in mapping:
            dims = [d for d in match.group(1).split("x") if d]
            dims = ["?" if rng.random() < chance else d for d in dims]
            mapping[whole] = "tensor<" + "".join(f"{d}x" for d in dims) + match.group(2) + ">"
        return mapping[whole]

    return TENSOR.sub(replace, text)


def write_inputs(text, directory, rng):
    """Random .npy inputs for the function's arguments: NAME -> path."""
    signature = text.split("{", 1)[0]
    inputs = {}
    for name, dims, element in ARG.findall(signature):
        shape = tuple(int(d) for d in dims.split("x") if d)
        if element == "i32":
            data = rng.integers(0, 4, size=shape).astype("<i4")
        elif element == "i1":
            data = rng.random(size=shape) < 0.5
        else:
            data = rng.standard_normal(size=shape).astype(NUMPY[element])
        path = directory / f"{name}.npy"
        np.save(path, data)
        inputs[name] = path
    return inputs


def compile_for_gpu(attn_compile, source, chip):
    """("compiled" | "refused" | "failed", detail) for `source` on `chip`."""
    ptx = source.with_suffix(f".{chip}.ptx")
    try:
        run = subprocess.run([str(attn_compile), str(source), "-o", str(ptx),
                              f"--target={chip}"], capture_output=True, text=True,
                             timeout=900)
    except subprocess.TimeoutExpired:
        return "failed", "attn-compile timed out after 900 s"
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    if run.returncode == 1 and errors:
        # (The diagnostic's text, without the source location.)
        return "refused", errors[0].split("error:", 1)[1].strip()
    if run.returncode != 0:
        return "failed", f"attn-compile exit {run.returncode}: {run.stderr.strip()[-300:]}"
    ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
    if pathlib.Path(ptxas).exists():
        assembled = subprocess.run([ptxas, f"-arch={chip}", str(ptx), "-o",
                                    str(ptx.with_suffix(".cubin"))],
                                   capture_output=True, text=True)
        if assembled.returncode != 0:
            return "failed", f"ptxas: {assembled.stderr.strip()[-300:]}"
    return "compiled", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dynamic", type=float, default=0.5,
                        help="chance that a size becomes dynamic")
    parser.add_argument("--out", required=True)
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--paths", default="flash,reference")
    parser.add_argument("--gpu", metavar="CHIP",
                        help="also compile each program for this chip (sm_80, sm_90, "
                             "sm_90a)")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    attn_run = pathlib.Path(args.build) / "bin" / "attn-run"
    attn_compile = pathlib.Path(args.build) / "bin" / "attn-compile"
    gpu = collections.Counter()
    refusals = collections.Counter()
    rng = random.Random(args.seed)
    data_rng = np.random.default_rng(args.seed)
    makers = fuzz.USUAL_MIX
    counts = {"ran": 0, "passed": 0, "skipped": 0}
    failed = []
    for index in range(args.count):
        name = f"dyn{args.seed}_{index}"
        static = rng.choice(makers)(rng, name).text()
        if "dense<" in static:
            counts["skipped"] += 1
            continue
        directory = out / name
        directory.mkdir(exist_ok=True)
        inputs = write_inputs(static, directory, data_rng)
        text = dynamize(static, rng, args.dynamic)
        source = directory / f"{name}.mlir"
        source.write_text(text)
        for path in args.paths.split(","):
            command = [str(attn_run), str(source), "--check", f"--path={path}"]
            command += [f"--input={n}={p}" for n, p in inputs.items()]
            try:
                run = subprocess.run(command, capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                run = subprocess.CompletedProcess(command, -1, "", "timed out after 900 s")
            summary = [line for line in run.stdout.splitlines() if line.startswith("summary:")]
            ok = run.returncode == 0 and summary and "check=PASS" in summary[-1]
            counts["ran"] += 1
            counts["passed"] += bool(ok)
            detail = summary[-1] if summary else (run.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name} {path}: {'PASS' if ok else 'FAIL'} {detail[:200]}", flush=True)
            if not ok:
                failed.append(f"{source} --path={path}")
        if args.gpu:
            outcome, detail = compile_for_gpu(attn_compile, source, args.gpu)
            gpu[outcome] += 1
            if outcome == "refused":
                # (Grouped by the message with its quoted names and types
                # left out.)
                refusals[re.sub(r"'[^']*'", "'...'", detail)[:120]] += 1
            print(f"{name} {args.gpu}: {outcome.upper()} {detail[:200]}", flush=True)
            if outcome == "failed":
                failed.append(f"{source} --target={args.gpu}")
    print(f"programs {args.count} (skipped {counts['skipped']} with constants), "
          f"runs {counts['ran']}, passed {counts['passed']}")
    if args.gpu:
        print(f"{args.gpu}: compiled {gpu['compiled']}, refused {gpu['refused']}, "
              f"failed {gpu['failed']}")
        for reason, count in refusals.most_common():
            print(f"  refused {count}: {reason}")
    for line in failed:
        print("failed:", line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
