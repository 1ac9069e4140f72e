"""Checks every program in examples/: it parses, verifies, round-trips and
canonicalises with attn-opt, and opens with a comment naming its mechanism.

usage: check_examples.py ATTN-OPT [ARGS...] EXAMPLES-DIR
"""
import pathlib
import subprocess
import sys

tool = sys.argv[1:-1]
examples = sorted(pathlib.Path(sys.argv[-1]).glob("*.mlir"))
if not examples:
    sys.exit(f"no examples found in {sys.argv[-1]}")

failures = 0
for example in examples:
    first = example.read_text().splitlines()[0]
    if not first.startswith("// ") or len(first) < 10:
        print(f"{example.name}: does not open with a comment naming its mechanism")
        failures += 1
    for extra in ([], ["--canonicalize"]):
        run = subprocess.run(tool + extra + [str(example)], capture_output=True,
                             text=True)
        if run.returncode != 0:
            print(f"{example.name} ({' '.join(extra) or 'verify'}): {run.stderr}")
            failures += 1
print(f"checked {len(examples)} examples, {failures} failures")
sys.exit(1 if failures else 0)
