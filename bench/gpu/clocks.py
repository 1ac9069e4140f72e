"""The GPU's SM clock and power while something runs, sampled through NVML
every few milliseconds in a background thread (bench/gpu's timings).

An H100's clock depends on how long it has been busy and on what: in one
call (bench/results/gpu-clocks-h100-2026-12-06.md) full causal attention at
64k ran at about 1500 MHz against the 700 W cap, NSA-style at 64k at 1785
MHz back to back and at 1980 MHz a call at a time. A time without its clock
can mislead; tables print both. Without NVML (pynvml) nothing is sampled
and the readings say so."""
import statistics
import threading
import time


class ClockSampler:
    def __init__(self, period=0.005):
        self.samples = []
        self.period = period
        try:
            import pynvml
            pynvml.nvmlInit()
            self.nvml = pynvml
            self.handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        except Exception:  # no NVML: report nothing rather than fail a run
            self.nvml = None
            return
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        nvml, handle = self.nvml, self.handle
        while True:
            self.samples.append((time.perf_counter(),
                                 nvml.nvmlDeviceGetClockInfo(handle, nvml.NVML_CLOCK_SM),
                                 nvml.nvmlDeviceGetPowerUsage(handle) / 1000))
            time.sleep(self.period)

    def between(self, spans):
        """(median SM MHz, median W) over the samples inside `spans`, a list
        of (start, end) from time.perf_counter(); None without samples."""
        inside = [(mhz, watts) for t, mhz, watts in list(self.samples)
                  if any(start <= t <= end for start, end in spans)]
        if not inside:
            return None
        return (statistics.median(m for m, _ in inside),
                statistics.median(w for _, w in inside))

    def describe(self, spans):
        reading = self.between(spans)
        if reading is None:
            return "clock not sampled"
        return f"{reading[0]:.0f} MHz {reading[1]:.0f} W"
