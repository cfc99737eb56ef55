"""`e1desk bench dsp`: DTMF receiver throughput and latency, ours against spandsp's, same run.

Traffic: A-law channels of mixed content, a third each of DTMF digits (random keys, levels
-5..-25 dBm0, twist +-4 dB), speech (asterisk prompts when installed, else noise bursts) and
quiet line noise, 20 ms blocks. Ours: A-law -> linear through the 256-entry table, then
DtmfReceiver.process on all channels per block (Python + numpy, decode included in the time).
The kernels: numpy/BLAS filter bank plus the C per-frame decisions of firmware.dsp.pairs.
spandsp: one dtmf_rx per channel, looped over all channels and blocks in C, on the same
audio already decoded to linear. Both are timed in CPU seconds of this process
(process_time), so BLAS threads cannot make ours look faster than one core allows.
Figure: channels per core in real time = channels * audio seconds / CPU seconds. Medians of
``--runs`` runs; the ratio is the median of the per-run ratios. Latency: wall time of each
120-channel block, p50 and p99.
"""
from __future__ import annotations

import json
import os
import time

# One BLAS thread: the figure is per core, and OpenBLAS threads spinning on the small
# products would only burn CPU (only effective when numpy is not imported yet).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402
import numpy as np  # noqa: E402


def mixed_traffic(channels: int, seconds: float, seed: int = 1) -> tuple[np.ndarray, int]:
    """A-law (channels, n) mixed traffic and the number of digits sent in it."""
    from firmware.dsp import g711
    from firmware.dsp.dtmf import KEYS, dtmf_signal
    from firmware.dsp.synth import white_noise
    rng = np.random.default_rng(seed)
    n = int(seconds * 8000)
    x = white_noise(n, -65, seed=seed, shape=(channels,))
    try:
        from firmware.dsp.corpus import speech
        talk = speech().astype(np.float64)
    except Exception:                                   # no corpus installed: noise bursts
        talk = white_noise(n * 4, -20, seed=seed + 1) * (np.arange(n * 4) // 2400 % 2)
    digits = 0
    for ch in range(channels):
        kind = ch % 3
        if kind == 0:
            keys = "".join(rng.choice(list(KEYS), size=max(1, int(seconds * 4))))
            sig = dtmf_signal(keys, 80, 170, level_dbm0=float(rng.uniform(-25, -5)),
                              twist_db=float(rng.uniform(-4, 4)))[:n]
            digits += len(keys)
            x[ch, :sig.shape[0]] += sig
        elif kind == 1:
            start = int(rng.integers(0, max(1, talk.shape[0] - n)))
            piece = talk[start:start + n]
            x[ch, :piece.shape[0]] += piece
    return g711.alaw_encode(x), digits


def _time_ours(alaw: np.ndarray, block: int, latencies: list | None = None) -> tuple[float, int]:
    from firmware.dsp.dtmf import DtmfReceiver
    from firmware.dsp.g711 import alaw_decode_float
    receiver = DtmfReceiver(alaw.shape[0])
    # the framer hands each block over as its own array, as here
    blocks = [np.ascontiguousarray(alaw[:, i:i + block]) for i in range(0, alaw.shape[1] - block + 1, block)]
    starts = 0
    cpu = time.process_time()
    for codes in blocks:
        wall = time.perf_counter()
        events = receiver.process(alaw_decode_float(codes))
        if latencies is not None:
            latencies.append(time.perf_counter() - wall)
        starts += sum(1 for e in events if e.kind == "start")
    return time.process_time() - cpu, starts


def _time_spandsp(linear: np.ndarray, block: int) -> tuple[float, int]:
    from firmware.dsp.peers.spandsp import SpandspBank
    bank = SpandspBank("dtmf", linear.shape[0])
    cpu = time.process_time()
    bank.run(linear, block)
    elapsed = time.process_time() - cpu
    starts = sum(1 for e in bank.events() if e.code)
    bank.close()
    return elapsed, starts


def measure(channel_counts=(120, 960), seconds: float = 4.0, runs: int = 5, block: int = 160) -> dict:
    from firmware.dsp.g711 import alaw_decode
    from firmware.dsp.peers.spandsp import PeerUnavailable, load
    try:
        load()
        peer_reason = None
    except PeerUnavailable as exc:
        peer_reason = str(exc)
    results: dict = {}
    latencies: list[float] = []
    for channels in channel_counts:
        alaw, sent = mixed_traffic(channels, seconds)
        linear = alaw_decode(alaw)
        ours, peer, ratios = [], [], []
        found_ours = found_peer = None
        for run in range(runs):
            cpu, found_ours = _time_ours(alaw, block, latencies if channels == 120 else None)
            ours.append(channels * seconds / cpu)
            if peer_reason is None:
                cpu_peer, found_peer = _time_spandsp(linear, block)
                peer.append(channels * seconds / cpu_peer)
                ratios.append(ours[-1] / peer[-1])
        entry = {"channels": channels, "audio_seconds": seconds, "digits_sent": sent,
                 "ours": {"channels_per_core": round(float(np.median(ours)), 1), "digits_found": found_ours}}
        if peer_reason is None:
            entry["spandsp"] = {"channels_per_core": round(float(np.median(peer)), 1), "digits_found": found_peer}
            entry["ratio"] = round(float(np.median(ratios)), 2)
        results[str(channels)] = entry
    document = {"bench": "dsp", "runs": runs, "block_samples": block, "results": results,
                "targets": {"ratio_at_120": 1.0, "latency_p99_ms_at_120": 2.0}}
    if latencies:
        lat = np.asarray(latencies) * 1000
        document["latency_120"] = {"p50_ms": round(float(np.percentile(lat, 50)), 3),
                                   "p99_ms": round(float(np.percentile(lat, 99)), 3), "blocks": int(lat.size)}
    if peer_reason:
        document["spandsp"] = f"not measured: {peer_reason}"
    return document


@click.command()
@click.option("--channels", "channel_counts", multiple=True, type=int, default=(120, 960), show_default=True,
              help="Channel counts to measure (repeat the option).")
@click.option("--seconds", default=4.0, show_default=True, help="Seconds of audio per channel per run.")
@click.option("--runs", default=5, show_default=True, help="Runs per measurement; medians are quoted.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def dsp(channel_counts, seconds, runs, as_json) -> None:
    """DTMF detection: channels per core in real time, ours and spandsp's C receiver, and the ratio."""
    from firmware.errors import BadInput
    if runs < 1 or seconds <= 0 or any(c < 1 for c in channel_counts):
        raise BadInput("options", "--runs, --seconds and --channels must be positive")
    document = measure(channel_counts, seconds, runs)
    if as_json:
        click.echo(json.dumps(document))
        return
    for key, entry in document["results"].items():
        line = f"{key:>5} channels: ours {entry['ours']['channels_per_core']:9.1f} ch/core"
        if "spandsp" in entry:
            line += f", spandsp {entry['spandsp']['channels_per_core']:9.1f} ch/core, ratio {entry['ratio']}"
        click.echo(line + f"  (digits sent {entry['digits_sent']}, found ours {entry['ours']['digits_found']}"
                   + (f", spandsp {entry['spandsp']['digits_found']})" if "spandsp" in entry else ")"))
    if "latency_120" in document:
        lat = document["latency_120"]
        click.echo(f"latency per 120-channel block: p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms")
    if "spandsp" in document:
        click.echo(document["spandsp"])
