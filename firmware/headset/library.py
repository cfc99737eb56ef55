"""The box's own prompts on disk (DATA/prompts) for `prompt list`, and playing one on the headset.

Listing reads each WAV's header and length (a broken file is listed with its error, not
skipped). Playing looks a name up the way the call center does (firmware.calls.prompts:
the box's own prompts first, then the system prompt sets), converts it to the device rate
and plays it to the end through the same FIFO and callback stream as listen-in.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from firmware.dsp.g711 import alaw_decode
from firmware.dsp.wav import WavError, read_wav
from firmware.errors import BadInput
from firmware.headset.device import Headset
from firmware.headset.fifo import SampleFifo
from firmware.headset.stream import StreamResampler

LINE_RATE = 8000


def prompts_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "prompts"


def own_prompts(data_dir: Path) -> list[dict]:
    """One row per WAV under DATA/prompts (hidden directories such as the speech cache skipped)."""
    base = prompts_dir(data_dir)
    rows = []
    for path in sorted(base.rglob("*.wav")) if base.is_dir() else []:
        relative = path.relative_to(base)
        if any(part.startswith(".") for part in relative.parts):
            continue
        row = {"name": relative.with_suffix("").as_posix(), "bytes": path.stat().st_size}
        try:
            wav = read_wav(path)
            row.update(seconds=round(wav.samples.shape[1] / wav.rate, 3), encoding=wav.encoding, rate=wav.rate)
        except WavError as exc:
            row["error"] = str(exc)
        rows.append(row)
    return rows


def play_prompt(headset: Headset, data_dir: Path, name: str) -> dict:
    """Play prompt ``name`` on the headset to the end; returns what was played where."""
    from firmware.calls.prompts import PromptLibrary, to_alaw
    path = PromptLibrary(own_dir=prompts_dir(data_dir)).path_of(name)
    if path is None:
        raise BadInput("NAME", f"no prompt {name!r} in {prompts_dir(data_dir)} or the system prompt sets")
    try:
        linear = alaw_decode(to_alaw(path)).astype(np.float64)
    except (WavError, OSError) as exc:
        raise BadInput("NAME", f"prompt {name!r}: cannot read {path}: {exc}") from None
    device = headset.info("output")
    resampler = StreamResampler(LINE_RATE, device.rate)
    audio = np.concatenate([resampler.process(linear), resampler.flush()])
    fifo = SampleFifo(capacity=max(1, audio.size), prebuffer=max(1, audio.size))
    fifo.write(audio)
    fifo.finish()
    done = threading.Event()

    def on_output(out: np.ndarray) -> bool:
        fifo.read_into(out)
        if fifo.drained:
            done.set()
        return fifo.drained

    stream = headset.output_stream(on_output, device)
    stream.start()
    try:
        done.wait(audio.size / device.rate + 5.0)
    finally:
        stream.stop()
        stream.close()
    return {"name": name, "path": str(path), "seconds": round(linear.size / LINE_RATE, 3),
            "played": done.is_set(), "device": device.as_dict()}
