"""Launches one case's kernel from a build's artifacts three times on fresh
inputs, for Nsight Compute on the GPU machine, e.g.

  ncu --clock-control none -k regex:attn --launch-skip 1 --launch-count 1 \\
      --section SourceCounters --page source --print-source sass --csv \\
      python3 ncu_case.py artifacts/b90 dense-L1024-D128 > sass.csv

(stall samples per SASS instruction: how the 2-byte output stores were
found). Nothing is checked or timed here; run.py does that. (Not named
profile.py: that would hide the standard library's module from the imports
of run.py's peers.)"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: ncu_case.py ARTIFACTS CASE")
    artifacts, name = sys.argv[1], sys.argv[2]
    with open(os.path.join(artifacts, "cases.json")) as f:
        matching = [c for c in json.load(f) if c["name"] == name]
    if not matching:
        sys.exit(f"ncu_case.py: no case '{name}' in {artifacts}/cases.json")
    case = matching[0]
    q, k, v, extra = run.make_inputs(case, "cuda")
    b, hq, lq, dv = case["b"], case["hq"], case["lq"], case.get("dv", case["d"])
    outputs = [torch.empty((b, lq, hq, dv), device="cuda", dtype=q.dtype).transpose(1, 2)]
    if case.get("lse"):
        outputs.append(torch.empty((b, hq, lq), device="cuda"))
    ours = run.Ours(case, artifacts)
    inputs = [v, k, q] if case.get("swapped") else [q, k, v]
    ours.bind(inputs + extra, outputs, torch.cuda.current_stream().cuda_stream)
    for _ in range(3):
        ours()
    torch.cuda.synchronize()


if __name__ == "__main__":
    main()
