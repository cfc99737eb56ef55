"""Block-wise sample-rate conversion for live audio (line 8 kHz <-> the headset's rate).

``StreamResampler`` feeds blocks of any length through ``firmware.dsp.resample.resample``
with enough history and look-ahead around each chunk that the concatenated output equals
resampling the whole signal at once (the filter is the same; only a fixed latency of
``latency`` input samples is added). Chunks are whole multiples of the rational step, so
every chunk starts on the same output grid. Runs on the headset's worker threads, never on
the engine's real-time path.
"""
from __future__ import annotations

from math import ceil, gcd

import numpy as np

from firmware.dsp.resample import resample

TAPS = 16                 # zero crossings each side, as resample() uses by default


class StreamResampler:
    """Resample a stream chunk by chunk; ``process(x)`` returns what is ready, in order."""

    def __init__(self, rate_in: int, rate_out: int):
        if rate_in <= 0 or rate_out <= 0:
            raise ValueError(f"sample rates must be positive, got {rate_in} -> {rate_out}")
        self.rate_in, self.rate_out = int(rate_in), int(rate_out)
        g = gcd(self.rate_in, self.rate_out)
        self.up, self.down = self.rate_out // g, self.rate_in // g
        # resample()'s filter reaches ceil(TAPS / cutoff) input samples each side
        reach = ceil(TAPS / (0.9 * min(1.0, self.up / self.down))) + 1
        self.margin = ceil(reach / self.down) * self.down
        self._buffer = np.zeros(self.margin)          # history (silence before the start)
        self.samples_in = 0
        self.samples_out = 0

    @property
    def latency(self) -> int:
        """Input samples that must follow a sample before its output is emitted."""
        return self.margin

    def process(self, x: np.ndarray) -> np.ndarray:
        """Append input samples; return the output samples that are now final (float64)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        self.samples_in += x.size
        buf = np.concatenate([self._buffer, x]) if x.size else self._buffer
        ready = (buf.size - 2 * self.margin) // self.down * self.down
        if ready <= 0:
            self._buffer = buf
            return np.zeros(0)
        window = buf[: 2 * self.margin + ready]
        start = self.margin * self.up // self.down
        y = resample(window, self.rate_in, self.rate_out)[start: start + ready * self.up // self.down]
        self._buffer = buf[ready:]
        self.samples_out += y.size
        return y

    def flush(self) -> np.ndarray:
        """The rest of the output, as if the stream were followed by silence."""
        pending = self._buffer.size - self.margin
        if pending <= 0:
            return np.zeros(0)
        want = -(-self.samples_in * self.up // self.down)    # what resample() gives the whole
        before = self.samples_out
        pad = (-pending) % self.down + self.margin
        y = self.process(np.zeros(pad))[: max(0, want - before)]
        self.samples_in -= pad
        self.samples_out = before + y.size
        return y
