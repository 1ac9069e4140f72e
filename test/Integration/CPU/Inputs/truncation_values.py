"""Writes the values that test/Integration/CPU/truncations.mlir rounds, as
f64 and as f32 .npy files (1024 each): bf16's and f16's ties, and values
next to them by less than an f32 ulp (rounding twice, through f32, moves
those to the even neighbour) or by an f32 ulp or more; values near the
largest finite ones and past them; subnormals of every target; +-0. No NaN
or inf: --check fails any result that holds one."""
import sys

import numpy as np


def values():
    out = [0.0, -0.0, 65504.0, 65519.99999, 65520.0, 1e5, -1e5, 3.3895313892515355e38,
           3.4e38, 3.4028234663852886e38, 1e300, -1e300, 5e-324, 1e-40, -1e-45, 6e-8,
           2.0 ** -24 * 1.5, 2.0 ** -25, -2.0 ** -25 * 1.0000001]
    for exponent in (-133, -126, -20, -1, 0, 7, 100, 127):
        for k in range(1, 64, 2):
            tie_bf16 = (1 + k * 2.0 ** -8) * 2.0 ** exponent
            tie_f16 = (1 + k * 2.0 ** -11) * 2.0 ** min(exponent, 15)
            for tie in (tie_bf16, tie_f16):
                for offset in (0.0, 2.0 ** -40, -2.0 ** -40, 2.0 ** -23, -2.0 ** -22):
                    out += [tie * (1 + offset), -tie * (1 + offset)]
    return np.array(out, dtype=np.float64)


def main():
    every = values()
    # The specials, then every fifth tie (each exponent and sign).
    x = np.concatenate([every[:19], every[19::5]])[:1024]
    np.save(sys.argv[1], x.astype("<f8"))
    # f32's own: the values past its largest finite one clipped to it.
    largest = np.finfo(np.float32).max
    np.save(sys.argv[2], np.clip(x, -largest, largest).astype("<f4"))


if __name__ == "__main__":
    main()
