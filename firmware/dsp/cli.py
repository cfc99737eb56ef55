"""`e1desk dsp ...`: offline tone detection on WAV files and test-file generation.

Contract (design.md section 3): `dsp dtmf FILE.wav --json` prints {"digits": [{"digit",
"start_ms", "end_ms"}]}; `dsp mf FILE.wav --direction forward|backward --json` prints
{"signals": [{"signal", "start_ms", "end_ms"}]}. Input WAVs may be A-law, mu-law or linear
PCM at any rate (resampled to 8000/s). Also: `dsp progress` (call-progress classification),
`dsp level` (level and voice activity) and `dsp tone` (write test files).
"""
from __future__ import annotations

import json

import click
import numpy as np

from firmware.errors import BadInput

RATE = 8000


def _load(path: str, channel: int) -> np.ndarray:
    """One channel of a WAV file as float32 at 8000 samples/s, or BadInput."""
    from firmware.dsp.resample import resample
    from firmware.dsp.wav import WavError, read_wav
    try:
        audio = read_wav(path)
    except WavError as exc:
        raise BadInput("FILE", str(exc)) from exc
    if not 0 <= channel < audio.samples.shape[0]:
        raise BadInput("--channel", f"{path} has {audio.samples.shape[0]} channel(s), not {channel + 1}")
    x = audio.samples[channel].astype(np.float64)
    if audio.rate != RATE:
        x = np.clip(resample(x, audio.rate, RATE), -32768, 32767)
    return x.astype(np.float32)


def _ms(sample: int) -> float:
    return round(sample * 1000.0 / RATE, 3)


def _emit(document: dict, as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(document))
    else:
        click.echo("\n".join(lines) if lines else "(nothing detected)")


def _feed(receiver, x: np.ndarray, block: int = 8000) -> list:
    events = []
    for start in range(0, x.shape[0], block):
        events += receiver.process(x[None, start:start + block])
    events += receiver.process(np.zeros((1, 1600), np.float32))     # let the last tone end
    return events


@click.group()
def dsp() -> None:
    """Offline DSP tools: detect DTMF, MFC/R2 and progress tones in WAV files; make test tones."""


channel_option = click.option("--channel", default=0, show_default=True,
                              help="Channel of a multi-channel WAV to analyse (0-based).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


@dsp.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@channel_option
@json_option
def dtmf(file: str, channel: int, as_json: bool) -> None:
    """Detect DTMF digits in FILE (A-law, mu-law or PCM WAV, any rate)."""
    from firmware.dsp.dtmf import DtmfReceiver
    events = _feed(DtmfReceiver(1), _load(file, channel))
    digits = [{"digit": e.signal, "start_ms": _ms(e.start), "end_ms": _ms(e.sample)}
              for e in events if e.kind == "end"]
    _emit({"digits": digits}, as_json,
          [f"{d['digit']}  {d['start_ms']:10.3f} ms .. {d['end_ms']:10.3f} ms" for d in digits])


@dsp.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--direction", type=click.Choice(["forward", "backward"]), required=True,
              help="Forward (1380..1980 Hz) or backward (540..1140 Hz) R2 tone set.")
@channel_option
@json_option
def mf(file: str, direction: str, channel: int, as_json: bool) -> None:
    """Detect MFC/R2 register signals (1..15) in FILE."""
    from firmware.dsp.mf import MfReceiver
    events = _feed(MfReceiver(1, direction), _load(file, channel))
    signals = [{"signal": e.signal, "start_ms": _ms(e.start), "end_ms": _ms(e.sample)}
               for e in events if e.kind == "end"]
    _emit({"signals": signals}, as_json,
          [f"{s['signal']:2d}  {s['start_ms']:10.3f} ms .. {s['end_ms']:10.3f} ms" for s in signals])


@dsp.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--country", default="cn", show_default=True, help="Tone table: cn or itu.")
@channel_option
@json_option
def progress(file: str, country: str, channel: int, as_json: bool) -> None:
    """Classify call progress in FILE: dial, ringback, busy, congestion, sit, voice, silence."""
    from firmware.dsp.progress import COUNTRIES, ProgressToneDetector
    if country not in COUNTRIES:
        raise BadInput("--country", f"unknown country {country!r}; known: {', '.join(sorted(COUNTRIES))}")
    events = _feed(ProgressToneDetector(1, country), _load(file, channel))
    found = [{"class": e.kind, "at_ms": _ms(e.sample)} for e in events]
    final = found[-1]["class"] if found else "unknown"
    _emit({"events": found, "final": final}, as_json,
          [f"{e['at_ms']:10.3f} ms  {e['class']}" for e in found])


@dsp.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@channel_option
@json_option
def level(file: str, channel: int, as_json: bool) -> None:
    """Level (dBm0), peak and voice-activity segments of FILE."""
    from firmware.dsp.activity import ActivityDetector
    from firmware.dsp.g711 import level_dbm0
    x = _load(file, channel)
    events = _feed(ActivityDetector(1), x)
    segments, start = [], None
    for e in events:
        if e.kind == "voice":
            start = e.sample
        elif start is not None:
            segments.append([_ms(start), _ms(min(e.sample, x.shape[0]))])
            start = None
    document = {"level_dbm0": round(float(level_dbm0(x)), 2) if x.size else None,
                "peak": int(np.max(np.abs(x))) if x.size else 0,
                "seconds": round(x.shape[0] / RATE, 3), "voice": segments}
    _emit(document, as_json, [f"{k}: {v}" for k, v in document.items()])


@dsp.command()
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--dtmf", "keys", help="DTMF keys to dial, e.g. 0123*#.")
@click.option("--mf", "signals", help="Comma-separated R2 signals 1..15 (needs --direction).")
@click.option("--direction", type=click.Choice(["forward", "backward"]), default="forward", show_default=True)
@click.option("--progress", "progress_name", help="Call-progress tone: dial, ringback, busy, congestion, sit.")
@click.option("--country", default="cn", show_default=True, help="Tone table for --progress.")
@click.option("--seconds", default=5.0, show_default=True, help="Length of a --progress tone.")
@click.option("--on-ms", default=None, type=float, help="Tone length (DTMF 70, MF 100 by default).")
@click.option("--off-ms", default=None, type=float, help="Pause after each tone (same defaults).")
@click.option("--level", "level_dbm0", default=None, type=float, help="dBm0 per tone (DTMF low group).")
@click.option("--twist", default=None, type=float, help="dB the second tone is louder (DTMF default 2).")
@click.option("--offset", default=0.0, show_default=True,
              help="Frequency offset: fraction for DTMF (0.015 = +1.5 %), Hz for MF.")
@click.option("--encoding", type=click.Choice(["alaw", "ulaw", "pcm16"]), default="alaw", show_default=True)
@json_option
def tone(out, keys, signals, direction, progress_name, country, seconds, on_ms, off_ms, level_dbm0,
         twist, offset, encoding, as_json) -> None:
    """Write a test WAV file OUT of DTMF digits, R2 signals or a call-progress tone."""
    from firmware.dsp.wav import write_wav
    chosen = [name for name, value in (("--dtmf", keys), ("--mf", signals), ("--progress", progress_name)) if value]
    if len(chosen) != 1:
        raise BadInput("tone", "give exactly one of --dtmf, --mf, --progress")
    try:
        if keys:
            from firmware.dsp.dtmf import dtmf_signal
            x = dtmf_signal(keys, on_ms or 70, off_ms or 70, -9.0 if level_dbm0 is None else level_dbm0,
                            2.0 if twist is None else twist, offset)
        elif signals:
            from firmware.dsp.mf import mf_signal
            try:
                numbers = [int(s) for s in signals.split(",") if s.strip()]
            except ValueError:
                raise BadInput("--mf", f"signals must be numbers 1..15 separated by commas, not {signals!r}")
            x = mf_signal(numbers, direction, on_ms or 100, off_ms or 100,
                          -8.0 if level_dbm0 is None else level_dbm0, twist or 0.0, offset)
        else:
            from firmware.dsp.progress import COUNTRIES, progress_tone
            if country not in COUNTRIES:
                raise BadInput("--country", f"unknown country {country!r}; known: {', '.join(sorted(COUNTRIES))}")
            x = progress_tone(progress_name, seconds, country)
    except ValueError as exc:
        raise BadInput(chosen[0], str(exc)) from exc
    write_wav(out, x, RATE, encoding)
    document = {"file": out, "samples": int(x.shape[0]), "seconds": round(x.shape[0] / RATE, 3),
                "encoding": encoding}
    _emit(document, as_json, [f"wrote {out}: {document['seconds']} s, {encoding}"])
