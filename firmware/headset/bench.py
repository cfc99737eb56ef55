"""`e1desk bench headset`: what listen-in and whisper cost per 20 ms block, without a device.

Runs the same conversions the headset's worker threads run (firmware.headset.convert, the
``StreamResampler`` and the earpiece FIFO) on ``--seconds`` of synthetic call audio, for each
device rate, and reports the median over ``--runs`` of the CPU time per line block and the
share of one core that is (block time / 20 ms). There is no peer to compare with; the
figure to watch is the share, which must stay far below 1 for the headset to keep up.
"""
from __future__ import annotations

import statistics
import time

import click
import numpy as np

from firmware.console.render import emit


def _listen_cost(rate: int, blocks: np.ndarray) -> float:
    from firmware.headset.convert import earpiece_audio
    from firmware.headset.fifo import SampleFifo
    from firmware.headset.stream import StreamResampler
    resampler = StreamResampler(8000, rate)
    fifo = SampleFifo(capacity=rate, prebuffer=rate // 50)
    out = np.empty(rate // 50, np.int16)
    start = time.process_time()
    for block in blocks:
        fifo.write(resampler.process(earpiece_audio(block)))
        fifo.read_into(out)
    return (time.process_time() - start) / len(blocks)


def _whisper_cost(rate: int, mic: np.ndarray) -> float:
    from firmware.headset.convert import MicBlocks
    line = MicBlocks(rate, max_blocks=4, prebuffer=1)
    chunk = rate // 50
    chunks = mic.size // chunk
    start = time.process_time()
    for n in range(chunks):
        line.convert(mic[n * chunk:(n + 1) * chunk])
        line.source()
    return (time.process_time() - start) / chunks


@click.command("headset")
@click.option("--rate", "rates", type=click.IntRange(8000, 192000), multiple=True,
              help="Device rate(s) to measure (default 44100 and 48000).")
@click.option("--seconds", type=click.FloatRange(1, 600), default=10.0, show_default=True,
              help="Audio converted per run.")
@click.option("--runs", type=click.IntRange(1, 50), default=5, show_default=True, help="Runs (median reported).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def headset(rates, seconds, runs, as_json) -> None:
    """CPU per 20 ms block of listen-in (8 kHz -> device) and whisper (device -> 8 kHz)."""
    from firmware.dsp.g711 import alaw_encode
    rng = np.random.default_rng(1)
    n_blocks = int(seconds * 50)
    blocks = alaw_encode(rng.normal(0, 3000, (n_blocks, 2, 160)))
    figures = {}
    for rate in rates or (44100, 48000):
        mic = rng.normal(0, 3000, int(seconds * rate))
        listen = statistics.median(_listen_cost(rate, blocks) for _ in range(runs))
        whisper = statistics.median(_whisper_cost(rate, mic) for _ in range(runs))
        figures[str(rate)] = {"listen_ms_per_block": round(listen * 1000, 3),
                              "listen_core_share": round(listen / 0.02, 4),
                              "whisper_ms_per_block": round(whisper * 1000, 3),
                              "whisper_core_share": round(whisper / 0.02, 4)}
    emit({"runs": runs, "seconds": seconds, "rates": figures}, as_json)
