"""Launches one case from a build's artifacts three times on fresh inputs,
for Nsight Compute on the GPU machine, e.g.

  ncu --clock-control none -k regex:attn --launch-skip 1 --launch-count 1 \\
      --section SourceCounters --page source --print-source sass --csv \\
      python3 ncu_case.py artifacts/b90 dense-L1024-D128 > sass.csv

(stall samples per SASS instruction: how the 2-byte output stores were
found). With --times it instead times each kernel the case launches (a
program launches several) with the PyTorch profiler: the mean device time
per call of each, in launch order, and their sum. Nothing is checked here;
run.py does that. (Not named profile.py: that would hide the standard
library's module from the imports of run.py's peers.)"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def kernel_times(ours, calls=20):
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            ours()
        torch.cuda.synchronize()
    totals, order = {}, []
    for event in prof.events():
        if event.device_type != torch.autograd.DeviceType.CUDA:
            continue
        if event.name not in totals:
            order.append(event.name)
        totals[event.name] = totals.get(event.name, 0.0) + event.device_time
    total = 0.0
    for kernel in order:
        ms = totals[kernel] / calls / 1e3
        total += ms
        print(f"{kernel:40s} {ms:8.3f} ms")
    print(f"{'sum':40s} {total:8.3f} ms")
    # The span of a call, its first kernel's start to its last kernel's
    # end, less the sum: the device's idle time between a call's kernels.
    ranges = sorted((e.time_range.start, e.time_range.end) for e in prof.events()
                    if e.device_type == torch.autograd.DeviceType.CUDA)
    if ranges and len(ranges) % calls == 0:
        per = len(ranges) // calls
        spans = sorted((ranges[i + per - 1][1] - ranges[i][0]) / 1e3
                       for i in range(0, len(ranges), per))
        print(f"{'span (median call)':40s} {spans[len(spans) // 2]:8.3f} ms")


def main():
    args = [a for a in sys.argv[1:] if a != "--times"]
    if len(args) != 2:
        sys.exit("usage: ncu_case.py ARTIFACTS CASE [--times]")
    _, ours = run.load_case(*args)
    for _ in range(3):
        ours()
    torch.cuda.synchronize()
    if "--times" in sys.argv:
        kernel_times(ours)


if __name__ == "__main__":
    main()
