"""Where a program's wall time goes beyond its kernels, on the GPU machine:

  python3 launch_gaps.py ARTIFACTS CASE [CASE ...]

For each case: the host time of one call (the launcher: checks, tensor
maps, allocations, launches; no synchronisation), the device time of one
call measured by events around 20 back-to-back calls (the host running
ahead), triton's do_bench median (as run.py reports: the L2 flushed before
each call, so a call's launches queue behind the flush only), and the sum
of the kernels' times from the profiler, and the device's idle time before
each kernel in the profiler's timeline. Nothing is checked here.

On the H200 (2026-11-30) a program's launcher costs 0.01-0.1 ms of host
time per call, hidden behind its kernels, and the device idles about 2 us
before each launch: do_bench's median equals the kernels' sum. Back-to-back
calls measure up to 10% slower and run.py's tables up to 20% slower than a
fresh process (full causal at 64k: 24.9 ms fresh, 29.8 ms late in a table;
after 4 s of full load a fresh process measures 3% slower): the machine's
state, not the launches. Compare within one run. With dependent launches
(attn-compile's default for sm_90 and newer since 2026-12-06) the idle
time before a kernel reads negative: its CTAs start up to tens of us
before the previous kernel ends and wait there, so the profiler's
per-kernel times include that wait and their sum exceeds the call's span
(`bench/results/gpu-dependent-launches-2026-12-06.md`); build with
--no-dependent-launches to see the kernels apart."""
import os
import sys
import time

import torch
import triton

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ncu_case  # noqa: E402
import run  # noqa: E402


def idle_between_kernels(ours, calls=10):
    """The device's idle time before each kernel, from the profiler's
    timeline of back-to-back calls: the mean gap before each launch."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            ours()
        torch.cuda.synchronize()
    spans = sorted((e.time_range.start, e.time_range.end, e.name)
                   for e in prof.events()
                   if e.device_type == torch.autograd.DeviceType.CUDA)
    gaps = {}
    for (_, end, _), (start, _, name) in zip(spans, spans[1:]):
        gaps.setdefault(name, []).append(start - end)
    for name, values in gaps.items():
        print(f"  idle before {name:32s} {sum(values) / len(values) / 1e3:8.3f} ms")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit("usage: launch_gaps.py ARTIFACTS CASE [CASE ...]")
    for name in args[1:]:
        _, ours = run.load_case(args[0], name)
        for _ in range(3):
            ours()
        torch.cuda.synchronize()
        calls = 20
        start = time.perf_counter()
        for _ in range(calls):
            ours()
        host = (time.perf_counter() - start) / calls * 1e3
        torch.cuda.synchronize()
        first, last = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        first.record()
        for _ in range(calls):
            ours()
        last.record()
        torch.cuda.synchronize()
        device = first.elapsed_time(last) / calls
        bench = triton.testing.do_bench(ours, warmup=25, rep=200, return_mode="median")
        print(f"== {name}: host {host:.3f} ms/call, back-to-back {device:.3f} ms/call, "
              f"do_bench {bench:.3f} ms")
        ncu_case.kernel_times(ours)
        idle_between_kernels(ours)


if __name__ == "__main__":
    main()
