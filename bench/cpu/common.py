"""What the peer runners share: the timing rule and the benchmark masks."""
import statistics
import time


def timed(fn, runs, single_run_over_ms=None):
    """Median milliseconds of `runs` calls after one warm-up call. A warm-up
    slower than `single_run_over_ms` is itself the figure (a slow peer on a
    long case)."""
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1e3
    if single_run_over_ms is not None and first > single_run_over_ms:
        return first
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def allowed(case, qi, ki):
    """The case's mask at query positions `qi` and key positions `ki`
    (broadcasting NumPy or torch integers): causal aligned to the end, and
    the case's window and documents."""
    lq, lkv = case["lq"], case["lkv"]
    offset = lkv - lq
    result = ki <= qi + offset
    if case.get("window") is not None:
        result = result & (qi + offset - ki <= case["window"])
    if case.get("docs") is not None:
        docs = case["docs"]
        result = result & ((qi * docs) // lq == (ki * docs) // lkv)
    return result
