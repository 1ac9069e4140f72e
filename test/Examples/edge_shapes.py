"""Runs every program in examples/ at DESIGN.md section 5's edge lengths
through the flash path, against the double-precision reference.

usage: edge_shapes.py ATTN-RUN EXAMPLES-DIR SEED LENGTH...
(bench/gpu/examples.py imports `resize` for the GPU's run of the same
shapes.)

An example's sequence length L0 is the largest length (dimension 2) of its
rank-4 tensors; every length derived from it by a stride or block size of
the program (compressed keys, query blocks, block layouts: L0 / S) becomes
ceil(L / S), and L0 itself becomes L. Decode shapes keep their one query
(Lq = 1 against a cache of L: Lq != Lkv). A 2-D neighbourhood's grid becomes
the most nearly square rows x columns = L (1 x L for a prime L).
"""
import math
import pathlib
import re
import subprocess
import sys
import tempfile

TYPE = re.compile(r"tensor<((?:\d+x)+)(\w+)>")
STRIDES = re.compile(r"(?:stride|block_q|block_kv)(?: =)? (\d+)")


def resize(text, length):
    dims = [[int(d) for d in m.group(1).split("x")[:-1]] for m in TYPE.finditer(text)]
    base = max(d[2] for d in dims if len(d) == 4)
    head_dim = next(d[3] for d in dims if len(d) == 4 and d[2] == base)
    derived = {base: length}
    for stride in sorted({int(s) for s in STRIDES.findall(text)}):
        if stride > 1 and base % stride == 0:
            derived.setdefault(base // stride, math.ceil(length / stride))

    def new_type(match):
        shape = [int(d) for d in match.group(1).split("x")[:-1]]
        if len(shape) in (3, 4) and shape[2] in derived:
            shape[2] = derived[shape[2]]
        if len(shape) == 4 and shape[3] in derived and shape[3] != head_dim:
            shape[3] = derived[shape[3]]
        if len(shape) == 2 and shape[1] == base:
            shape[1] = length
        return "tensor<" + "".join(f"{d}x" for d in shape) + match.group(2) + ">"

    rows = max((r for r in range(1, math.isqrt(length) + 1) if length % r == 0), default=1)
    text = re.sub(r"grid = \[\d+, \d+\]", f"grid = [{rows}, {length // rows}]", text)
    return TYPE.sub(new_type, text)


def main():
    attn_run, examples_dir, seed = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    lengths = [int(n) for n in sys.argv[4:]]
    failures = checked = 0
    with tempfile.TemporaryDirectory() as work:
        for example in sorted(examples_dir.glob("*.mlir")):
            for length in lengths:
                path = pathlib.Path(work) / f"{example.stem}_{length}.mlir"
                path.write_text(resize(example.read_text(), length))
                run = subprocess.run([attn_run, str(path), "--check", "--path=flash",
                                      f"--seed={seed}"], capture_output=True, text=True)
                checked += 1
                if run.returncode != 0 or "check=PASS" not in run.stdout:
                    failures += 1
                    detail = (run.stderr.strip() or run.stdout.strip()).splitlines()
                    print(f"{example.stem} at L = {length}: "
                          f"{detail[-1] if detail else 'no output'}")
    print(f"checked {checked} programs, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
