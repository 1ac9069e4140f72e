"""Two cases of one build timed in alternation, on the GPU machine:

  python3 pair_ratio.py ARTIFACTS A:B [A:B ...] [--rounds N]

For issue 7's ratios between different programs (full causal over
NSA-style at one length, a variant at 64k over itself at 8k). run.py's
table times its cases one after another, and the H200's clocks drift
within a call: full causal at 64k, a 27 ms kernel run for seconds, is
measured with the chip hot, a short program cold. Here each round times A
and B back to back, the order swapped every round, so drift meets both
alike. A measurement is run.py's (triton's do_bench: a warm-up, then
each call after L2 is flushed, events around the call alone, the median
over about 100 ms of calls). Before the rounds, A and B run in
alternation for --warmup seconds, so that the first round does not meet a
cooler chip than the others. The report is each case's median per-call
time over the rounds with the median SM clock and power while it ran
(clocks.py; an H100 runs a long full-causal kernel at its power cap, far
below the clock of a short program), and the median, least and greatest of
the per-round ratios A / B. Each case has its own fresh inputs. Nothing is
checked here: run.py does that."""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402
from clocks import ClockSampler  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifacts")
    parser.add_argument("pairs", nargs="+", help="CASE_A:CASE_B")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of A and B in alternation before the rounds")
    args = parser.parse_args()
    sampler = ClockSampler()
    for pair in args.pairs:
        names = pair.split(":")
        if len(names) != 2:
            sys.exit(f"'{pair}': expected CASE_A:CASE_B")
        fns = {name: run.load_case(args.artifacts, name)[1] for name in names}
        times = {name: [] for name in names}
        spans = {name: [] for name in names}
        end = time.perf_counter() + args.warmup
        while time.perf_counter() < end:
            for name in names:
                run.bench(fns[name])
        for r in range(args.rounds):
            for name in (names if r % 2 == 0 else names[::-1]):
                start = time.perf_counter()
                times[name].append(run.bench(fns[name]))
                spans[name].append((start, time.perf_counter()))
        a, b = names
        ratios = sorted(x / y for x, y in zip(times[a], times[b]))
        print(f"{a} {statistics.median(times[a]):.3f} ms "
              f"({sampler.describe(spans[a])})  {b} "
              f"{statistics.median(times[b]):.3f} ms ({sampler.describe(spans[b])})  A/B median "
              f"{statistics.median(ratios):.4f} (min {ratios[0]:.4f}, max "
              f"{ratios[-1]:.4f}, {args.rounds} rounds)", flush=True)


if __name__ == "__main__":
    main()
