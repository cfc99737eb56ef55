"""A bounded sample FIFO between a worker thread and a PortAudio callback (a jitter buffer).

The worker ``write``s converted audio; the sound device's callback ``read_into``s exactly the
frames it asks for and never waits. When the FIFO runs dry the callback gets silence and the
FIFO refills to ``prebuffer`` samples before it plays again (an underrun is counted), so a
late block costs one short gap rather than a crackle on every block. When the writer gets
ahead by more than ``capacity`` samples the oldest are dropped (an overflow is counted): the
listener's delay stays bounded whatever the device's clock does.
"""
from __future__ import annotations

import queue
import threading

import numpy as np


class SampleFifo:
    """Single-producer single-consumer FIFO of int16 samples; see module docstring."""

    def __init__(self, capacity: int, prebuffer: int):
        if not 0 < prebuffer <= capacity:
            raise ValueError(f"need 0 < prebuffer ({prebuffer}) <= capacity ({capacity})")
        self.capacity, self.prebuffer = int(capacity), int(prebuffer)
        self._data = np.zeros(self.capacity, np.int16)
        self._start = 0                      # index of the oldest sample
        self._size = 0
        self._lock = threading.Lock()
        self._filling = True                 # waiting for `prebuffer` samples before playing
        self.finished = False                # the writer is done: play out the rest
        self.underruns = 0
        self.dropped = 0
        self.played = 0

    def __len__(self) -> int:
        return self._size

    def write(self, samples: np.ndarray) -> None:
        x = np.asarray(samples)
        if x.dtype != np.int16:
            x = np.clip(np.rint(x), -32768, 32767).astype(np.int16)
        x = x.reshape(-1)
        with self._lock:
            if x.size > self.capacity:                       # more than fits at all
                self.dropped += x.size - self.capacity
                x = x[-self.capacity:]
            over = self._size + x.size - self.capacity
            if over > 0:                                  # drop the oldest
                self._start = (self._start + over) % self.capacity
                self._size -= over
                self.dropped += over
            end = (self._start + self._size) % self.capacity
            first = min(x.size, self.capacity - end)
            self._data[end:end + first] = x[:first]
            self._data[:x.size - first] = x[first:]
            self._size += x.size
            if self._filling and self._size >= self.prebuffer:
                self._filling = False

    def finish(self) -> None:
        """The writer has ended: the rest plays out even below the prebuffer level."""
        self.finished = True

    @property
    def drained(self) -> bool:
        return self.finished and self._size == 0

    def read_into(self, out: np.ndarray) -> int:
        """Fill ``out`` (int16, 1-D view) with the oldest samples, silence for what is missing.

        Returns the number of real samples given; never waits.
        """
        with self._lock:
            drain = self.finished
            if self._filling and not drain:
                out[:] = 0
                return 0
            n = min(out.size, self._size)
            first = min(n, self.capacity - self._start)
            out[:first] = self._data[self._start:self._start + first]
            out[first:n] = self._data[:n - first]
            out[n:] = 0
            self._start = (self._start + n) % self.capacity
            self._size -= n
            self.played += n
            if n < out.size and not drain:
                self.underruns += 1
                self._filling = True
            return n


def drain(chunks: queue.Queue, timeout: float) -> np.ndarray:
    """Everything queued so far as one array (waits up to ``timeout`` for the first chunk;
    queue.Empty if none came). Batches the many small chunks a sound device may deliver."""
    parts = [chunks.get(timeout=timeout)]
    while True:
        try:
            parts.append(chunks.get_nowait())
        except queue.Empty:
            return np.concatenate(parts) if len(parts) > 1 else parts[0]
