"""Raw one-direction E1 captures (.e1 files: the octet stream as on the line, no headers).

``CaptureWriter`` appends octets to a capture off the real-time path: ``write`` only puts the
block on a bounded queue; a writer thread does the disk work. If the disk cannot keep up, the
block is dropped and counted (``dropped_blocks``/``dropped_octets``) instead of blocking the
caller; a dropped block shows up in the capture as a jump in the stream.
"""
from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np

_STOP = object()


class CaptureWriter:
    """Appends raw octets of one direction to ``path`` from a background thread."""

    def __init__(self, path: str | Path, max_blocks: int = 256) -> None:
        self.path = Path(path)
        self._file = open(self.path, "ab")
        self._queue: queue.Queue = queue.Queue(maxsize=max_blocks)
        self.written_octets = 0
        self.dropped_blocks = 0
        self.dropped_octets = 0
        self.error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name=f"capture {self.path.name}", daemon=True)
        self._thread.start()

    def write(self, octets) -> bool:
        """Queue one block (bytes or uint8 array); False if it had to be dropped."""
        data = octets.tobytes() if isinstance(octets, np.ndarray) else bytes(octets)
        if self.error is None:
            try:
                self._queue.put_nowait(data)
                return True
            except queue.Full:
                pass
        self.dropped_blocks += 1
        self.dropped_octets += len(data)
        return False

    def close(self, timeout: float = 10.0) -> None:
        """Write out what is queued, stop the thread, close the file."""
        if self._thread.is_alive():
            self._queue.put(_STOP, timeout=timeout)
            self._thread.join(timeout)
        self._file.close()

    def __enter__(self) -> "CaptureWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            data = self._queue.get()
            if data is _STOP:
                break
            try:
                self._file.write(data)
                self._file.flush()
                self.written_octets += len(data)
            except OSError as exc:      # disk full or gone: count the rest as dropped
                self.error = exc
                self.dropped_blocks += 1
                self.dropped_octets += len(data)
