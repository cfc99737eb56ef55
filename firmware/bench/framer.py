"""`e1desk bench framer`: software E1 framer throughput, 4 spans, transmit + receive.

Each span is a pair of ports: one transmits a block of voice (all 32 timeslots busy, CRC-4 and
CAS on), the other receives those octets, in step, as the box does with a far end in fast mode.
The figure is span-frames per second through both directions per CPU second of this (single
threaded) process, and the real-time factor for the whole set of spans (target >= 200x for 4
spans); the wall-clock factor is printed beside it (it suffers when the machine is shared).
Per-block times are wall-clock. Medians of several runs.
"""
from __future__ import annotations

import json
import statistics
import time

import click
import numpy as np

TARGET_REALTIME = 200.0
FRAME_RATE = 8000


def _one_run(spans: int, block: int, blocks: int, crc4: bool, signalling: str, use_c: bool) -> dict:
    import contextlib

    from firmware.e1 import accel
    from firmware.e1.framer import E1Port, FramerConfig
    config = FramerConfig(crc4=crc4, signalling=signalling)
    with contextlib.nullcontext() if use_c else accel.disabled():
        pairs = [(E1Port(config), E1Port(config)) for _ in range(spans)]
    rng = np.random.default_rng(7)
    voice = [rng.integers(0, 256, (32, block), dtype=np.uint8) for _ in range(8)]
    for near, far in pairs:                       # warm up: alignment and multiframes found
        for k in range(40):
            far.receive(near.transmit(voice[k % 8]))
    tx_time = rx_time = 0.0
    clock = time.perf_counter
    start_cpu = time.process_time()
    start = clock()
    for k in range(blocks):
        v = voice[k % 8]
        for near, far in pairs:
            t0 = clock()
            line = near.transmit(v)
            t1 = clock()
            far.receive(line)
            t2 = clock()
            tx_time += t1 - t0
            rx_time += t2 - t1
    wall = clock() - start
    cpu = time.process_time() - start_cpu
    bad = sum(far.rx.counters.crc4_errors + far.rx.counters.fas_errors for _, far in pairs)
    aligned = all(far.rx.crc4_active or not crc4 for _, far in pairs)
    line_seconds = blocks * block / FRAME_RATE
    return {"wall_s": wall, "cpu_s": cpu, "realtime_factor": line_seconds / cpu,
            "realtime_factor_wall": line_seconds / wall,
            "span_frames_per_s": spans * blocks * block / cpu,
            "tx_us_per_block": 1e6 * tx_time / (blocks * spans),
            "rx_us_per_block": 1e6 * rx_time / (blocks * spans), "errors": bad, "aligned": aligned}


@click.command()
@click.option("--spans", type=click.IntRange(1, 64), default=4, show_default=True, help="Spans run side by side.")
@click.option("--block", type=click.IntRange(16, 16000), default=160, show_default=True, help="Frames per block.")
@click.option("--seconds", type=float, default=2.0, show_default=True, help="Line seconds per run.")
@click.option("--runs", type=click.IntRange(1, 100), default=5, show_default=True, help="Runs (median is quoted).")
@click.option("--crc4/--no-crc4", default=True, show_default=True, help="CRC-4 multiframe on.")
@click.option("--signalling", type=click.Choice(["cas", "ccs", "none"]), default="cas", show_default=True)
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Also run the numpy-only path (when the C helper is built) and quote the speed-up.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def framer(spans: int, block: int, seconds: float, runs: int, crc4: bool, signalling: str, compare: bool,
           as_json: bool) -> None:
    """Software E1 framer: transmit + receive of busy spans; frames/s per core, real-time factor."""
    from firmware.e1 import accel
    blocks = max(1, int(seconds * FRAME_RATE / block))
    keys = ("realtime_factor", "realtime_factor_wall", "span_frames_per_s", "tx_us_per_block",
            "rx_us_per_block", "wall_s", "cpu_s")
    results, numpy_results = [], []
    for _ in range(runs):                      # interleaved, so both see the same machine load
        results.append(_one_run(spans, block, blocks, crc4, signalling, accel.available()))
        if accel.available() and compare:
            numpy_results.append(_one_run(spans, block, max(1, blocks // 4), crc4, signalling, False))
    median = {key: statistics.median(r[key] for r in results) for key in keys}
    report = {
        "benchmark": "framer", "spans": spans, "block_frames": block, "line_seconds_per_run": blocks * block / FRAME_RATE,
        "runs": runs, "crc4": crc4, "signalling": signalling, "accelerated": accel.available(),
        "realtime_factor": round(median["realtime_factor"], 1),
        "realtime_factor_wall": round(median["realtime_factor_wall"], 1),
        "frames_per_s_per_core": round(median["span_frames_per_s"]),
        "tx_us_per_block": round(median["tx_us_per_block"], 2),
        "rx_us_per_block": round(median["rx_us_per_block"], 2),
        "target_realtime_factor": TARGET_REALTIME,
        "meets_target": median["realtime_factor"] >= TARGET_REALTIME,
        "line_errors": max(r["errors"] for r in results),
        "all_aligned": all(r["aligned"] for r in results),
        "per_run_realtime_factor": [round(r["realtime_factor"], 1) for r in results],
    }
    if numpy_results:
        numpy_median = {key: statistics.median(r[key] for r in numpy_results) for key in keys}
        report["numpy_only"] = {"realtime_factor": round(numpy_median["realtime_factor"], 1),
                                "tx_us_per_block": round(numpy_median["tx_us_per_block"], 2),
                                "rx_us_per_block": round(numpy_median["rx_us_per_block"], 2)}
        report["speedup_c_vs_numpy"] = round(median["realtime_factor"] / numpy_median["realtime_factor"], 2)
    if as_json:
        click.echo(json.dumps(report))
        return
    for key, value in report.items():
        click.echo(f"{key:<24}{value}")
