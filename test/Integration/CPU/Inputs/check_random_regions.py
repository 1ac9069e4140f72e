"""Runs every function of a file of random mask_mod regions
(random_mask_mods.py's output) through attn-run --check on the given CPU
paths, against the reference interpreter:

  check_random_regions.py ATTN_RUN FILE --seed S [--paths flash,reference]
                          [--dynamic LQxLKV,...] [--tiling BQxBKV[xS]]

With --dynamic the functions' query and key lengths are made open and each
runs at every listed shape (so the key tiles come from the region's run-time
bounds, not a block map): the arguments %q (length LQ), %k and %v (LKV), of
f32 tensors BxHxLxD, and the results of such types and BxHxL (an LSE).
--tiling gives each attention those flash tiles
(small ones, so that the region's tile classes matter), and with S its
kv_splits; attentions with regions or without (random_masks.py's, one a
line). Prints one line per failing run (its command and
attn-run's output) and a summary; exits 1 if any run failed."""
import argparse
import re
import subprocess
import sys


def functions(text):
    """(name, source) of each func.func, in order."""
    starts = [m.start() for m in re.finditer(r"^func\.func @", text, re.M)]
    for begin, end in zip(starts, starts[1:] + [len(text)]):
        source = text[begin:end]
        yield re.match(r"func\.func @(\w+)", source).group(1), source


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("attn_run")
    parser.add_argument("file")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--paths", default="flash,reference")
    parser.add_argument("--dynamic", default="",
                        help="comma-separated LQxLKV shapes: open lengths")
    parser.add_argument("--tiling", default="",
                        help="BQxBKV[xS]: the flash path's tile sizes "
                             "(and kv_splits)")
    args = parser.parse_args()
    text = open(args.file).read()
    if args.tiling:
        sizes = args.tiling.split("x")
        tiling = (f"{{tiling = #attn.tiling<block_q = {sizes[0]}, "
                  f"block_kv = {sizes[1]}"
                  + (f", kv_splits = {sizes[2]}" if len(sizes) > 2 else "")
                  + ">}")
        # After an attention's regions, or before the types of one without.
        text = re.sub(r"^  \} : tensor", f"  }} {tiling} : tensor", text,
                      flags=re.M)
        text = re.sub(r"^(\s*%[^\n]*= attn\.attention [^{\n]*?) : tensor",
                      rf"\1 {tiling} : tensor", text, flags=re.M)
    shapes = [tuple(map(int, s.split("x"))) for s in args.dynamic.split(",") if s]
    if shapes:
        # tensor<BxHxLxDxf32> -> tensor<BxHx?xDxf32>, tensor<BxHxLxf32> ->
        # tensor<BxHx?xf32>: the lengths open.
        text = re.sub(r"tensor<(\d+)x(\d+)x\d+x(\d+)xf32>",
                      r"tensor<\1x\2x?x\3xf32>", text)
        text = re.sub(r"tensor<(\d+)x(\d+)x\d+xf32>", r"tensor<\1x\2x?xf32>",
                      text)
    open(args.file, "w").write(text)
    runs = failures = 0
    for index, (name, source) in enumerate(functions(text)):
        # The open arguments: name -> (batch, heads, head dim).
        arguments = re.findall(r"%(\w+): tensor<(\d+)x(\d+)x\?x(\d+)xf32>",
                               source.split("\n")[0])
        for path in args.paths.split(","):
            for shape in shapes or [None]:
                command = [args.attn_run, args.file, f"--function={name}", "--check",
                           f"--seed={args.seed + index}", f"--path={path}"]
                if shape:
                    command += [f"--shape={arg}={b}x{h}x"
                                f"{shape[0] if arg == 'q' else shape[1]}x{d}"
                                for arg, b, h, d in arguments]
                result = subprocess.run(command, capture_output=True, text=True)
                runs += 1
                output = result.stdout + result.stderr
                if result.returncode != 0 or "check=PASS" not in output:
                    failures += 1
                    print("FAILED:", " ".join(command))
                    print(output)
    print(f"random regions: {runs} runs, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
