"""Random mask_mod regions (test/Dialect/Attn/Inputs/random_mask_mods.py) as
GPU programs, one file each, for examples.py's differential run:

  python3 bench/gpu/region_programs.py --seed 1 --count 60 --out /tmp/regions
  python3 bench/gpu/region_programs.py --seed 2 --count 60 --linear --out /tmp/regions
  python3 bench/gpu/region_programs.py --seed 3 --count 60 --score-mod --out /tmp/regions
  .venv/bin/python bench/gpu/examples.py build --sources /tmp/regions --chip sm_90a \\
      --any-length --out bench/gpu/artifacts/regions

then `examples.py run` on the GPU machine and `examples.py check` here: the
kernels' region code and their tile classes (the block map of a region at
static lengths, its run-time key bounds with --any-length) against attn-run's
reference interpreter, which evaluates the region on its own.

The generator's 20 x 36 single-head f32 functions become bf16 attentions
over two heads of head dim 64 at lengths of several 64- and 128-row tiles
(and Lq != Lkv both ways), drawn per function from the seed."""
import argparse
import pathlib
import random
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "test" / "Dialect" / "Attn" / "Inputs" / "random_mask_mods.py"
QUERY_LENGTHS = (64, 130, 333, 700)
KEY_LENGTHS = (100, 256, 513, 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--linear", action="store_true",
                        help="the generator's linear compares and chunks")
    parser.add_argument("--score-mod", action="store_true",
                        help="score_mod regions (integer-derived biases) instead")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    text = subprocess.run([sys.executable, str(GENERATOR), "--seed", str(args.seed),
                           "--count", str(args.count)] + (["--linear"] if args.linear else [])
                          + (["--score-mod"] if args.score_mod else []),
                          capture_output=True, text=True, check=True).stdout
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    kind = "-linear" if args.linear else "-score" if args.score_mod else ""
    stem = f"region{kind}-s{args.seed}"
    starts = [m.start() for m in re.finditer(r"^func\.func @", text, re.M)]
    for n, (begin, end) in enumerate(zip(starts, starts[1:] + [len(text)])):
        source = text[begin:end]
        q, k = re.match(r"func\.func @\w+\(%q: (tensor<[^>]*>), %k: (tensor<[^>]*>)",
                        source).groups()
        lq, lkv = rng.choice(QUERY_LENGTHS), rng.choice(KEY_LENGTHS)
        source = source.replace(q, f"tensor<1x2x{lq}x64xbf16>")
        if k != q:
            source = source.replace(k, f"tensor<1x2x{lkv}x64xbf16>")
        (out / f"{stem}-f{n}.mlir").write_text(source)
    print(f"wrote {len(starts)} programs to {out}")


if __name__ == "__main__":
    main()
