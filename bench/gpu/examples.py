"""Every program of examples/ through the GPU lowering, checked against the
double-precision reference (the rule of attn-run --check, docs/Tools.md), at each example's
own shape and at the edge lengths of test/Examples/edge-shapes.test.

Here (the build machine):

  .venv/bin/python bench/gpu/examples.py build --chip sm_90a --out bench/gpu/artifacts/ex

compiles each program with attn-compile to NAME.so and keeps NAME.mlir
beside it; programs.json lists each one's entry point, inputs and outputs
(from the header attn-compile writes). On the GPU machine (no MLIR there):

  python3 examples.py run --artifacts artifacts/ex --out $OUT

calls each entry point on inputs from `draw` (a counter-based generator:
the same bits on both machines, so no inputs travel) and writes the results
into results-K.npz files (16-bit results as their bit patterns). Here again:

  .venv/bin/python bench/gpu/examples.py check --artifacts bench/gpu/artifacts/ex --results DIR

gives attn-run each program with the same inputs and the GPU's results
(`--check --results`): the reference is this project's evaluator, not the
kernels' code. Prints a line per program; exits 1 if any fails.

With `build --any-length` each example is also compiled once with its
lengths open (`?`), and that one library runs at the example's own shape
and every edge length (entries NAME_any), checked against the static
variant's source.

With `build --sources DIR --any-length --open-sizes P` the open library is
instead the program with each of its sizes made `?` with chance P, by type
(bench/cpu/fuzz_dynamic.py's `dynamize`): static and open sizes then meet
in one program, attn-refine-shapes leaves tensor.casts between its ops,
and the GPU lowering's handling of those casts (and the C wrapper's checks
of the sizes they fix) runs on the GPU. Programs with constants keep their
types."""
import argparse
import json
import math
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# Section 5's edge lengths, as test/Examples/edge-shapes.test runs them.
EDGE_LENGTHS = (1, 17, 113, 255, 1023)
# $OUT's limits on the GPU machine: 8 files of at most 16 MiB.
NPZ_BYTES = 14 << 20


def uniform(seed, count):
    """`count` uniforms in [0, 1) from a splitmix64 counter: exact integer
    and power-of-two arithmetic, so every machine draws the same."""
    with np.errstate(over="ignore"):
        x = np.arange(count, dtype=np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def round_to_bf16(x):
    """f32 values rounded to the nearest bf16 (ties to even), as f32."""
    bits = x.astype(np.float32).view(np.uint32)
    bits = (bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) \
        & np.uint32(0xFFFF0000)
    return bits.view(np.float32)


def draw(key, shape, dtype):
    """The input `key` (program/argument): floats about N(0, 1) (the sum of
    four uniforms, rescaled: exact arithmetic), rounded to the element type;
    i32 uniform in [0, 4) and i1 Bernoulli(1/2), as attn-run's own fill."""
    count = math.prod(shape)
    seed = zlib.crc32(key.encode()) * 4
    if dtype in ("f32", "f16", "bf16"):
        total = sum(uniform(seed + i, count) for i in range(4))
        x = ((total - 2.0) * math.sqrt(3.0)).astype(np.float32)
        x = round_to_bf16(x) if dtype == "bf16" else x.astype(np.float16) if dtype == "f16" else x
    elif dtype == "i32":
        x = np.floor(uniform(seed, count) * 4).astype(np.int32)
    elif dtype == "i1":
        x = uniform(seed, count) < 0.5
    else:
        raise ValueError(f"no inputs of {dtype}")
    return x.reshape(shape)


SIGNATURE = re.compile(r"^ \*   (in|out) +(\w+): ((?:\d+x)*)(\w+)$")


def header_signature(header):
    """(inputs, outputs) of attn-compile's header: [name, shape, dtype]."""
    inputs, outputs = [], []
    for line in header.splitlines():
        match = SIGNATURE.match(line)
        if match:
            shape = [int(d) for d in match.group(3).split("x")[:-1]]
            (inputs if match.group(1) == "in" else outputs).append(
                [match.group(2), shape, match.group(4)])
    return inputs, outputs


def open_batch_and_lengths(text):
    """A random program (`--sources`) with its batch sizes and lengths left
    open, as a GPU program takes them: dims 0 and 2 of each 4-D and 3-D
    tensor type ([B, H, L, D], [B, H, L]) and both of each 2-D one
    (segment ids [B, L]); one open version per static type, so that
    definitions and uses keep agreeing. None for programs whose types do
    not follow those roles (tables, neighbourhood grids, conv and compress
    weights, block layouts)."""
    if re.search(r"arith\.constant dense|grid = \[|attn\.causal_conv|weights\(|layout\(",
                 text):
        return None
    type_ = re.compile(r"tensor<((?:\d+x)+)(\w+)>")

    def open_type(match):
        dims = match.group(1).split("x")[:-1]
        opened = {4: (0, 2), 3: (0, 2), 2: (0, 1)}.get(len(dims), ())
        dims = ["?" if axis in opened else d for axis, d in enumerate(dims)]
        return "tensor<" + "".join(f"{d}x" for d in dims) + match.group(2) + ">"
    return type_.sub(open_type, text)


def open_sizes(stem, text, chance):
    """`text` with each size of each distinct tensor type open with chance
    `chance` (the same draw for every build of `stem`), or None for a
    program with a constant, whose type must stay static."""
    if "dense<" in text:
        return None
    sys.path.insert(0, str(ROOT / "bench" / "cpu"))
    from fuzz_dynamic import dynamize  # noqa: E402
    return dynamize(text, random.Random(zlib.crc32(stem.encode())), chance)


def build(args):
    sys.path.insert(0, str(ROOT / "test" / "Examples"))
    from edge_shapes import any_length, resize  # noqa: E402
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    compiler = pathlib.Path(args.build) / "bin" / "attn-compile"
    programs, failures = [], 0
    if args.sources:
        # Programs as given (bench/gpu/fuzz.py's, say): no edge variants.
        groups = [[(path.stem, path.read_text())]
                  for path in sorted(pathlib.Path(args.sources).glob("*.mlir"))]
    else:
        groups = []
        for example in sorted((ROOT / "examples").glob("*.mlir")):
            if args.names and example.stem not in args.names.split(","):
                continue
            text = example.read_text()
            lengths = ([int(n) for n in args.lengths.split(",")]
                       if args.lengths else EDGE_LENGTHS)
            groups.append(([] if args.lengths else [(example.stem, text)]) + [
                (f"{example.stem}_L{n}", resize(text, n)) for n in lengths])
    def attn_compile(name):
        """attn-compile of out/NAME.mlir to NAME.so; with --canonicalize, of
        `attn-opt --canonicalize`'s output (NAME.mlir stays the source the
        check step's reference evaluates)."""
        source = out / f"{name}.mlir"
        if args.canonicalize:
            canonical = out / f"{name}.canonical.mlir"
            run = subprocess.run([str(pathlib.Path(args.build) / "bin" / "attn-opt"),
                                  str(source), "--canonicalize", "-o", str(canonical)],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                return run
            source = canonical
        return subprocess.run([str(compiler), str(source), f"--target={args.chip}",
                               "-o", str(out / f"{name}.so")] + args.flags.split(),
                              capture_output=True, text=True)

    def compile_any_length(stem, text):
        """The example compiled once with open lengths (--any-length), or
        None (a neighbourhood, or a program the GPU target takes only with
        static shapes: reported, not a failure)."""
        if args.sources and args.open_sizes is not None:
            source = open_sizes(stem, text, args.open_sizes)
        elif args.sources:
            source = open_batch_and_lengths(text)
        else:
            source = any_length(text)
        if source is None:
            print(f"{stem}: any length: its sizes are fixed (a constant, a "
                  "neighbourhood's grid, or types of other roles)", flush=True)
            return None
        name = f"{stem}_any"
        (out / f"{name}.mlir").write_text(source)
        run = attn_compile(name)
        if run.returncode != 0:
            print(f"{stem}: any length: not compiled: "
                  f"{run.stderr.strip().splitlines()[0] if run.stderr.strip() else ''}",
                  flush=True)
            return None
        return name

    for variants in groups:
        any_name = (compile_any_length(variants[0][0], variants[0][1])
                    if args.any_length else None)
        for name, source in variants:
            (out / f"{name}.mlir").write_text(source)
            run = attn_compile(name)
            if run.returncode != 0:
                failures += 1
                print(f"{name}: attn-compile failed: {run.stderr.strip()}", flush=True)
                continue
            function = re.search(r"func\.func @(\w+)", source).group(1)
            inputs, outputs = header_signature((out / f"{name}.h").read_text())
            programs.append(dict(name=name, entry=f"attn_{function}", inputs=inputs,
                                 outputs=outputs))
            print(f"{name}: {len(inputs)} inputs, {len(outputs)} outputs", flush=True)
            if any_name:
                # The same shapes through the library built for any length,
                # checked against this variant's own source.
                programs.append(dict(name=f"{name}_any", entry=f"attn_{function}",
                                     inputs=inputs, outputs=outputs,
                                     library=f"{any_name}.so", source=f"{name}.mlir"))
    (out / "programs.json").write_text(json.dumps(dict(chip=args.chip, programs=programs),
                                                  indent=1))
    print(f"built {len(programs)} programs, {failures} failures")
    return 1 if failures else 0


def run(args):
    """On the GPU machine: each program once on its inputs."""
    import ctypes

    import torch
    sys.path.insert(0, str(HERE))
    from run import descriptor  # bench/gpu/run.py's strided buffers
    dtypes = dict(f32=torch.float32, f16=torch.float16, bf16=torch.bfloat16,
                  i32=torch.int32, i1=torch.bool)
    artifacts = pathlib.Path(args.artifacts)
    listing = json.loads((artifacts / "programs.json").read_text())
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pending, pending_bytes, files, failures = {}, 0, 0, 0

    def flush():
        nonlocal pending, pending_bytes, files
        if pending:
            np.savez(out / f"results-{files}.npz", **pending)
            files += 1
            pending, pending_bytes = {}, 0

    for program in listing["programs"]:
        name = program["name"]
        inputs = [torch.from_numpy(draw(f"{name}/{arg}", shape, dtype)).to(dtypes[dtype])
                  .cuda() for arg, shape, dtype in program["inputs"]]
        outputs = [torch.full(shape, float("nan"), dtype=dtypes[dtype], device="cuda")
                   if dtype in ("f32", "f16", "bf16")
                   else torch.full(shape, -7, dtype=dtypes[dtype], device="cuda")
                   for _, shape, dtype in program["outputs"]]
        library = artifacts / program.get("library", f"{name}.so")
        entry = getattr(ctypes.CDLL(str(library)), program["entry"])
        entry.restype = ctypes.c_int
        descriptors = [descriptor(t) for t in inputs + outputs]
        rc = entry(*[ctypes.byref(d) for d in descriptors],
                   ctypes.c_void_p(torch.cuda.current_stream().cuda_stream))
        torch.cuda.synchronize()
        if rc:
            failures += 1
            print(f"{name}: {program['entry']} returned {rc}", flush=True)
            continue
        for index, result in enumerate(outputs):
            if result.dtype in (torch.float16, torch.bfloat16):
                array = result.view(torch.int16).cpu().numpy().view(np.uint16)
            else:
                array = result.cpu().numpy()
            if pending_bytes + array.nbytes > NPZ_BYTES:
                flush()
            pending[f"{name}.result{index}"] = array
            pending_bytes += array.nbytes
        print(f"{name}: ran", flush=True)
    flush()
    print(f"ran {len(listing['programs']) - failures} programs, {failures} failures")
    return 1 if failures else 0


def save_npy(path, array, dtype):
    """An input or result as attn-run reads it: bf16 as f32 values, f16 as
    <f2, i1 as bool."""
    if dtype == "bf16" and array.dtype == np.uint16:
        array = (array.astype(np.uint32) << np.uint32(16)).view(np.float32)
    elif dtype == "f16" and array.dtype == np.uint16:
        array = array.view(np.float16)
    np.save(path, np.ascontiguousarray(array))


def check(args):
    artifacts = pathlib.Path(args.artifacts)
    listing = json.loads((artifacts / "programs.json").read_text())
    results = {}
    for archive in sorted(pathlib.Path(args.results).glob("results-*.npz")):
        with np.load(archive) as data:
            results.update({key: data[key] for key in data.files})
    attn_run = pathlib.Path(args.build) / "bin" / "attn-run"
    checked = failures = 0
    for program in listing["programs"]:
        name = program["name"]
        checked += 1
        with tempfile.TemporaryDirectory() as work:
            work = pathlib.Path(work)
            source = artifacts / program.get("source", f"{name}.mlir")
            command = [str(attn_run), str(source), "--check", f"--results={work}"]
            # (By position: the header's C names may differ from the
            # source's, arg<N> say.)
            for position, (arg, shape, dtype) in enumerate(program["inputs"]):
                save_npy(work / f"in_{arg}.npy", draw(f"{name}/{arg}", shape, dtype), dtype)
                command.append(f"--input={position}={work / f'in_{arg}.npy'}")
            missing = False
            for index, (_, _, dtype) in enumerate(program["outputs"]):
                key = f"{name}.result{index}"
                if key not in results:
                    missing = True
                    break
                save_npy(work / f"result{index}.npy", results[key], dtype)
            if missing:
                failures += 1
                print(f"{name:36s} no results from the GPU")
                continue
            out = subprocess.run(command, capture_output=True, text=True)
        summary = out.stdout.splitlines()[-1] if out.stdout else out.stderr.strip()
        error = re.search(r"max_error=(\S+)", summary)
        passed = out.returncode == 0 and "check=PASS" in summary
        failures += not passed
        detail = f"max error {error.group(1)}" if error else summary
        print(f"{name:36s} {detail:24s} {'PASS' if passed else 'FAIL'}")
        if not passed:
            print("  " + "\n  ".join((out.stdout + out.stderr).strip().splitlines()[-6:]))
    print(f"checked {checked} programs on {listing['chip']}, {failures} failures")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    b = sub.add_parser("build")
    b.add_argument("--chip", default="sm_90a")
    b.add_argument("--out", required=True)
    b.add_argument("--names", default=None, help="comma-separated example names")
    b.add_argument("--lengths", default=None,
                   help="comma-separated edge lengths to build instead of the example's "
                        "own shapes and " + ", ".join(map(str, EDGE_LENGTHS)))
    b.add_argument("--flags", default="",
                   help="more attn-compile options, e.g. '--gpu-warps=8 --gpu-ping-pong=false'")
    b.add_argument("--any-length", action="store_true",
                   help="also compile each example once with open lengths and run "
                        "that library at every shape the static builds run (with "
                        "--sources: batch sizes and lengths opened by their roles)")
    b.add_argument("--open-sizes", type=float, default=None, metavar="P",
                   help="with --sources and --any-length: open each size with "
                        "chance P instead of the batch sizes and lengths")
    b.add_argument("--sources", default=None,
                   help="a folder of .mlir programs to build instead of examples/")
    b.add_argument("--canonicalize", action="store_true",
                   help="compile attn-opt --canonicalize's output (folds such as "
                        "fully masked ops become host code); the check's reference "
                        "still evaluates each program as written")
    b.add_argument("--build", default=os.environ.get("ATTN_BUILD_DIR", ROOT / "build"))
    r = sub.add_parser("run")
    r.add_argument("--artifacts", required=True)
    r.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--artifacts", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--build", default=os.environ.get("ATTN_BUILD_DIR", ROOT / "build"))
    args = parser.parse_args()
    return dict(build=build, run=run, check=check)[args.step](args)


if __name__ == "__main__":
    sys.exit(main())
