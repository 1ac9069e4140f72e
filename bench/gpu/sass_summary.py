"""Summarises Nsight Compute's per-instruction source counters of one
kernel, on the GPU machine:

  ncu --clock-control none -k regex:attn_kernel_5 --launch-skip 1 \\
      --launch-count 1 --section SourceCounters --page source \\
      --print-source sass --csv python3 ncu_case.py DIR CASE > sass.csv
  python3 sass_summary.py sass.csv [--top N]

prints the instructions executed and warp stall samples in all, their
shares by opcode (the predicate and modifiers dropped: `@!P0 BRA` is BRA,
`HGMMA.64x128x16.F32.BF16` HGMMA), the spills' share (LDL and STL), and
the N instructions (default 22) with the most samples, each with how often
it ran: a count equal to the CTAs (or work items) times the warps marks
code run once per warp, one that many times the tiles the per-tile loop.
(How the persistent head-pairs kernel's barrier waits and spills were
found: bench/results/gpu-persistent-head-pairs-h100-2026-12-07.md.)"""
import argparse
import collections
import csv
import sys


def column(header, name):
    for index, title in enumerate(header):
        if name in title:
            return index
    sys.exit(f"no column '{name}' in the CSV (ncu --page source --csv?)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--top", type=int, default=22)
    args = parser.parse_args()
    with open(args.csv, errors="replace") as f:
        rows = list(csv.reader(f))
    header_row = next((i for i, r in enumerate(rows)
                       if any(c.strip() == "Source" for c in r)), None)
    if header_row is None:
        sys.exit("no 'Source' column: not ncu's source page")
    header = rows[header_row]
    source = column(header, "Source")
    samples = column(header, "Warp Stall Sampling (All")
    executed = column(header, "Instructions Executed")
    data = []
    for row in rows[header_row + 1:]:
        if len(row) <= max(source, samples, executed):
            continue
        try:
            data.append((float(row[samples] or 0), float(row[executed] or 0),
                         row[source].strip()))
        except ValueError:
            continue
    total = sum(d[0] for d in data) or 1.0
    print(f"instructions {len(data)}  stall samples {sum(d[0] for d in data):.0f}  "
          f"executed {sum(d[1] for d in data):.0f}")
    by_samples, by_count = collections.Counter(), collections.Counter()
    for count, runs, text in data:
        words = text.split()
        opcode = words[1] if words and words[0].startswith("@") and len(words) > 1 \
            else (words[0] if words else "?")
        opcode = opcode.split(".")[0]
        by_samples[opcode] += count
        by_count[opcode] += runs
    print("by opcode (share of the samples, times executed):")
    for opcode, count in by_samples.most_common(16):
        print(f"  {opcode:12s} {100 * count / total:5.1f}%  {by_count[opcode]:.0f}")
    for opcode in ("LDL", "STL"):
        print(f"  spills {opcode}: {100 * by_samples[opcode] / total:.2f}% of the samples, "
              f"executed {by_count[opcode]:.0f}")
    print("top instructions:")
    for count, runs, text in sorted(data, reverse=True)[:args.top]:
        print(f"  {100 * count / total:5.2f}%  ran {runs:10.0f}  {text[:90]}")


if __name__ == "__main__":
    main()
