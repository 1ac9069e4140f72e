"""Compiles every program in examples/ once with its lengths open (`?`)
and runs that one program at several lengths through the flash path,
against the double-precision reference on fresh random data; the same
source also compiles for the GPU (PTX for sm_90a), where `bench/gpu`'s
`examples.py build --any-length` runs it on the H200.

usage: any_lengths.py ATTN-RUN ATTN-COMPILE EXAMPLES-DIR SEED LENGTH...

edge_shapes.any_length opens the sizes (a splat constant becomes a
tensor.splat and a generate takes its sizes, asked for with tensor.dim);
each run gives attn-run the sizes of edge_shapes.resize's variant at that
length (--shape), so that the arguments are filled at random as the static
runs' are.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

from edge_shapes import any_length, passes, resize

ARGUMENT = re.compile(r"(%\w+): tensor<((?:\d+x)+)\w+>")


def argument_shapes(text):
    """The function's arguments and their sizes as NAME=AxBx... ."""
    signature = text[text.index("func.func"):text.index("->")]
    return [f"{name[1:]}={sizes[:-1]}" for name, sizes in ARGUMENT.findall(signature)]


def main():
    attn_run, attn_compile = sys.argv[1], sys.argv[2]
    examples_dir, seed = pathlib.Path(sys.argv[3]), sys.argv[4]
    lengths = [int(n) for n in sys.argv[5:]]
    failures = checked = compiled = 0
    with tempfile.TemporaryDirectory() as work:
        for example in sorted(examples_dir.glob("*.mlir")):
            text = example.read_text()
            source = any_length(text)
            if source is None:
                print(f"{example.stem}: a neighbourhood's grid fixes the length")
                continue
            path = pathlib.Path(work) / f"{example.stem}_any.mlir"
            path.write_text(source)
            ptx = subprocess.run([attn_compile, str(path), "--target=sm_90a",
                                  "-o", str(path.with_suffix(".ptx"))],
                                 capture_output=True, text=True)
            compiled += 1
            if ptx.returncode != 0:
                failures += 1
                detail = ptx.stderr.strip().splitlines()
                print(f"{example.stem} for sm_90a: {detail[0] if detail else 'no output'}")
            for length in lengths:
                shapes = argument_shapes(resize(text, length))
                checked += 1
                failures += not passes([attn_run, str(path), "--check", "--path=flash",
                                        f"--seed={seed}"] + [f"--shape={s}" for s in shapes],
                                       f"{example.stem} at L = {length}")
    print(f"compiled {compiled} programs for any length, checked {checked} runs, "
          f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
