"""Two builds of the same cases timed in alternation, on the GPU machine:

  python3 interleaved_ab.py A_DIR B_DIR CASE [CASE ...] [--rounds N]

run.py's --baseline times each build once, one after the other, and on the
H200 the same kernel reads up to 8% apart between such measurements (the
machine's clocks and power state drift within a call). Here each round
times A and B back to back (CUDA events around `calls` calls, after a
warm-up), the order swapped every round, so drift meets both builds
alike; the report is each build's median per-call time over the rounds
and the median, least and greatest of the per-round ratios A / B (below 1:
A is faster). Both builds see the same inputs. Nothing is checked here:
run.py does that."""
import argparse
import os
import statistics
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def per_call_ms(fn, calls):
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(calls):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / calls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    for name in args.cases:
        case, first = run.load_case(args.a, name)
        second = run.Ours(case, args.b)
        # B on A's inputs and outputs.
        second.bind(first.inputs, first.outputs,
                    torch.cuda.current_stream().cuda_stream)
        builds = {"A": first, "B": second}
        for fn in builds.values():
            for _ in range(3):
                fn()
        torch.cuda.synchronize()
        times = {"A": [], "B": []}
        for r in range(args.rounds):
            order = ("A", "B") if r % 2 == 0 else ("B", "A")
            for key in order:
                times[key].append(per_call_ms(builds[key], args.calls))
        ratios = sorted(a / b for a, b in zip(times["A"], times["B"]))
        print(f"{name:28s} A {statistics.median(times['A']):8.3f} ms  "
              f"B {statistics.median(times['B']):8.3f} ms  "
              f"A/B median {statistics.median(ratios):.3f} "
              f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f}, {args.rounds} rounds)",
              flush=True)


if __name__ == "__main__":
    main()
