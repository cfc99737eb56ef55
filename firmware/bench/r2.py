"""`e1desk bench r2`: MFC/R2 signalling cost per block and call setup time on the line clock.

Two R2 stacks (the box and a far end) on an in-memory PCM30 line call each other on all 30
channels at once, 15 each way, in the chosen variant, until every call is answered. Figures:
the box's CPU time per 20 ms block while 30 channels are in the register phase (MF receive
and send on every channel: the worst case), its time per block with all channels idle, the
real-time factor of the busy case for one span, and the call setup times (seizure to group
B accept) measured in line frames. Medians of several runs; no peer is measured here (the
OpenR2 interop test, tests/peers, gives setup times against OpenR2).
"""
from __future__ import annotations

import json
import statistics
import time

import click
import numpy as np

BLOCK = 160


def _pair(variant: str):
    from drivers.memory import MemorySpan
    from firmware.signaling import R2Options, R2Span

    def logic(event, call):
        if event == "offered":
            call.accept()
        elif event == "accepted" and call.direction == "in":
            call.answer()

    spans = [MemorySpan(n) for n in (1, 2)]
    options = R2Options.from_mapping({"variant": variant, "max_dnis": 8, "max_ani": 12})
    return spans, [R2Span(spans[0], options, logic), R2Span(spans[1], options, logic)]


def _one_run(variant: str) -> dict:
    from drivers.base import RxBlock
    spans, (box, far) = _pair(variant)
    voice = [np.full((32, BLOCK), 0xD5, np.uint8) for _ in range(2)]

    def step(timed: list | None = None) -> None:
        sent = [(voice[i], spans[i].tx_abcd.copy()) for i in range(2)]
        for i, r2 in enumerate((box, far)):
            rx = RxBlock(frames=BLOCK, voice=sent[1 - i][0], abcd=sent[1 - i][1])
            tx = np.full((32, BLOCK), 0xD5, np.uint8)
            t0 = time.process_time()
            r2.process(rx, tx)
            if timed is not None and i == 0:
                timed.append(time.process_time() - t0)
            voice[i] = tx

    idle_times: list[float] = []
    for _ in range(50):
        step(idle_times)
    calls = [box.place_call(f"{20000000 + ts}", f"1390000{ts:04d}", ts=ts) for ts in range(1, 16)]
    calls += [far.place_call(f"{30000000 + ts}", f"1380000{ts:04d}", ts=ts) for ts in range(17, 32)]
    busy_times: list[float] = []
    blocks = 0
    while not all(c.state == "answered" for c in calls):
        step(busy_times)
        blocks += 1
        if blocks > 5000:
            raise click.ClickException("calls did not complete in the benchmark")
    setups = sorted(c.setup_ms for c in calls)
    busy = statistics.mean(busy_times)
    return {"busy_us_per_block": 1e6 * busy, "idle_us_per_block": 1e6 * statistics.mean(idle_times),
            "realtime_factor_busy": (BLOCK / 8000) / busy, "setup_ms_median": statistics.median(setups),
            "setup_ms_max": setups[-1], "setup_ms_min": setups[0], "blocks": blocks}


@click.command("r2")
@click.option("--variant", type=click.Choice(["itu", "china", "brazil"]), default="china", show_default=True)
@click.option("--runs", type=click.IntRange(1, 50), default=5, show_default=True, help="Runs; medians reported.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def r2(variant: str, runs: int, as_json: bool) -> None:
    """R2 signalling: CPU per block (30 channels in register phase, and idle), setup time."""
    results = [_one_run(variant) for _ in range(runs)]
    summary = {"variant": variant, "runs": runs, "channels": 30}
    for key in results[0]:
        summary[key] = round(statistics.median(r[key] for r in results), 2)
    if as_json:
        click.echo(json.dumps(summary, sort_keys=True))
        return
    for key, value in summary.items():
        click.echo(f"{key:24} {value}")
