"""Listen in on a live call through the headset, and whisper to the agent from its microphone.

``ListenIn`` reads the call's tap (``CallCenter.tap(call_id)``: per 20 ms block the caller's
received and transmitted A-law rows) on its own thread, mixes caller and agent into one
signal (firmware.dsp.mixer.mix), converts 8 kHz to the device rate (``StreamResampler``) and
hands the samples to the earpiece's callback through a bounded ``SampleFifo``. The engine
only ever puts blocks into the tap's bounded queue; nothing here can hold it up.

``WhisperFeed`` is the other direction: the microphone's callback queues raw samples and a
thread converts them into a ``MicBlocks`` jitter buffer (firmware.headset.convert) whose
``source()`` the engine calls once per block through ``CallCenter.whisper``, never waiting.
"""
from __future__ import annotations

import queue
import threading

import numpy as np

from firmware.headset.convert import BLOCK, LINE_RATE, MicBlocks, earpiece_audio
from firmware.headset.device import Headset
from firmware.headset.fifo import SampleFifo, drain
from firmware.headset.stream import StreamResampler

POLL_S = 0.1                   # how often the worker threads look at their stop flags


class WhisperFeed:
    """The headset microphone feeding ``CallCenter.whisper``; see module docstring."""

    def __init__(self, headset: Headset, max_blocks: int = 8, prebuffer: int = 2, max_chunks: int = 64):
        self.device = headset.info("input")
        self.line = MicBlocks(self.device.rate, max_blocks, prebuffer)
        self.source = self.line.source
        self._raw: queue.Queue[np.ndarray] = queue.Queue(maxsize=max_chunks)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="headset-whisper", daemon=True)
        self._stream = headset.input_stream(self._on_input, self.device)
        self.chunks_dropped = 0

    def start(self) -> "WhisperFeed":
        self._thread.start()
        self._stream.start()
        return self

    def _on_input(self, samples: np.ndarray) -> None:        # PortAudio's thread
        try:
            self._raw.put_nowait(samples.copy())
        except queue.Full:
            self.chunks_dropped += 1

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                self.line.convert(drain(self._raw, POLL_S))
            except queue.Empty:
                continue

    def stop(self) -> None:
        self.line.stopped = True                    # the engine's next call ends the whisper
        self._stop.set()
        try:
            self._stream.stop()
        finally:
            self._stream.close()
        if self._thread.ident is not None:
            self._thread.join(5)

    @property
    def blocks_made(self) -> int:
        return self.line.made

    def stats(self) -> dict:
        return {**self.line.stats(), "chunks_dropped": self.chunks_dropped}


def read_tap(tap, timeout: float):
    """One block of the tap (uint8 (2, n): what the caller says, what the caller hears),
    None if none came in time; EOFError once the call has ended and the tap is empty."""
    block = tap.get(timeout=timeout)
    if block is None:
        if getattr(tap, "closed", False):
            raise EOFError
        return None
    return block


class ListenIn:
    """A supervisor's headset on one call (and optionally the whisper back to the agent)."""

    def __init__(self, center, call_id: str, headset: Headset, whisper: bool = False,
                 max_latency_s: float = 0.3, prebuffer_s: float = 0.06, whisper_blocks: int = 8):
        self.center, self.call_id, self.headset = center, call_id, headset
        self.device = headset.info("output")
        rate = self.device.rate
        self.fifo = SampleFifo(capacity=int(max_latency_s * rate), prebuffer=int(prebuffer_s * rate))
        self.resampler = StreamResampler(LINE_RATE, rate)
        self.blocks = 0
        self.ended = threading.Event()          # the session is over (call ended or stopped)
        self.reason = ""
        self._stop = threading.Event()
        self._stream = headset.output_stream(self._on_output, self.device)
        self.whisper = None
        if whisper:
            try:
                self.whisper = WhisperFeed(headset, max_blocks=whisper_blocks)
            except BaseException:                 # no microphone: release the earpiece too
                self._stream.close()
                raise
        self._tap = None
        self._thread = threading.Thread(target=self._work, name="headset-listen", daemon=True)

    def start(self) -> "ListenIn":
        """Tap the call and start playing; KeyError if the call is not up."""
        try:
            self._tap = self.center.tap(self.call_id)
            self._stream.start()
            if self.whisper is not None:
                self.center.whisper(self.call_id, self.whisper.start().source)
        except BaseException:
            self._close_streams()
            if self._tap is not None:
                self._tap.close()
            raise
        self._thread.start()
        return self

    def _on_output(self, out: np.ndarray) -> bool:              # PortAudio's thread
        self.fifo.read_into(out)
        return self.fifo.drained                                  # played out: stop the stream

    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    block = read_tap(self._tap, POLL_S)
                except EOFError:
                    self.reason = "call ended"
                    break
                if block is None:
                    continue
                self.fifo.write(self.resampler.process(earpiece_audio(block)))
                self.blocks += 1
            else:
                self.reason = self.reason or "stopped"
            self.fifo.write(self.resampler.flush())
            self.fifo.finish()
            # let the earpiece play out what is buffered (bounded by the FIFO's capacity)
            waited = 0.0
            limit = self.fifo.capacity / self.device.rate + 1.0
            while not self.fifo.drained and waited < limit and not self._stop.is_set():
                self._stop.wait(0.02)
                waited += 0.02
        finally:
            self._tap.close()
            self._close_streams()
            self.ended.set()

    def _close_streams(self) -> None:
        if self.whisper is not None:
            self.whisper.stop()
        try:
            self._stream.stop()
        finally:
            self._stream.close()

    def stop(self, reason: str = "stopped") -> None:
        self.reason = self.reason or reason
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(5)

    def wait(self, timeout: float | None = None) -> bool:
        return self.ended.wait(timeout)

    def stats(self) -> dict:
        return {"call_id": self.call_id, "device": self.device.as_dict(), "blocks": self.blocks,
                "seconds": round(self.blocks * BLOCK / LINE_RATE, 2), "underruns": self.fifo.underruns,
                "dropped_samples": self.fifo.dropped, "ended": self.ended.is_set(), "reason": self.reason,
                "whisper": self.whisper.stats() if self.whisper is not None else None}
