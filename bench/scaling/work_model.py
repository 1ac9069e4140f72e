#!/usr/bin/env python3
"""The arithmetic each bench/scaling variant must do, in key visits per
head (a visit: one query's score and weighted value for one key; block
scores' score-only visits count half), at 8k and 64k tokens: the growth
that an implementation of constant efficiency would show, against issue
7's target of at most 9x for 8x the tokens.

Variants as bench/scaling's and bench/gpu's: full causal; window 1024;
SCOUT (window-512 mixer, stride-64 checkpoints of completed segments, the
own segment); NSA-style (64-token compressed keys for attention and block
scores, top-16 earlier 64-token blocks, window 512); SLA-style (the same
block scores and top-16 selection, plus causal linear attention, whose
state update and read, 4 D^2 flops a token, count as D = 128 visits of
4 D flops each).

usage: bench/scaling/work_model.py
"""


def visits(variant, length):
    total = 0.0
    for i in range(length):
        window512 = min(i + 1, 512)
        complete = (i + 1) // 64  # segments (blocks) complete at query i
        if variant == "causal":
            total += i + 1
        elif variant == "window 1024":
            total += min(i + 1, 1024)
        elif variant == "SCOUT":
            total += window512 + complete + i % 64 + 1
        elif variant == "NSA-style":
            total += complete + 0.5 * complete + min(16, i // 64) * 64 + window512
        elif variant == "SLA-style":
            total += 0.5 * complete + min(16, i // 64) * 64 + HEAD_DIM
    return total


HEAD_DIM = 128


def main():
    print("| variant | 8k visits (M) | 64k visits (M) | growth 8k->64k | full causal's "
          "visits at 64k / the variant's |")
    print("|---|---|---|---|---|")
    causal64 = visits("causal", 65536)
    for variant in ("causal", "window 1024", "SCOUT", "NSA-style", "SLA-style"):
        small, large = visits(variant, 8192), visits(variant, 65536)
        print(f"| {variant} | {small / 1e6:.1f} | {large / 1e6:.1f} | {large / small:.2f}x | "
              f"{causal64 / large:.1f}x |")


if __name__ == "__main__":
    main()
