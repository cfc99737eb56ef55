"""The headset's parts without a sound device: block-wise resampling, the jitter FIFO, the
whisper's jitter buffer, the recorder's stop rule and trimming, and the commands' refusals."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from firmware.dsp.g711 import alaw_decode, alaw_encode
from firmware.dsp.resample import resample
from firmware.headset.convert import SILENCE, MicBlocks, earpiece_audio
from firmware.headset.fifo import SampleFifo
from firmware.headset.record import Recorder, check_name
from firmware.headset.stream import StreamResampler


@pytest.mark.parametrize("rate_in, rate_out", [(8000, 44100), (8000, 48000), (44100, 8000),
                                               (48000, 8000), (8000, 11025), (16000, 8000)])
def test_block_wise_resampling_equals_resampling_the_whole_signal(rate_in, rate_out):
    rng = np.random.default_rng(rate_in + rate_out)
    x = rng.normal(0, 3000, 6000)
    stream = StreamResampler(rate_in, rate_out)
    parts, start = [], 0
    while start < x.size:                                    # blocks of random lengths, even 1
        n = int(rng.integers(1, 900))
        parts.append(stream.process(x[start:start + n]))
        start += n
    parts.append(stream.flush())
    whole = resample(x, rate_in, rate_out)
    got = np.concatenate(parts)
    assert got.size == whole.size
    assert np.max(np.abs(got - whole)) < 1e-6


def test_resampler_rejects_nonsense_rates():
    with pytest.raises(ValueError, match="positive"):
        StreamResampler(0, 8000)


def test_fifo_waits_for_its_prebuffer_then_plays_in_order_across_the_wrap():
    fifo = SampleFifo(capacity=10, prebuffer=4)
    out = np.empty(3, np.int16)
    fifo.write(np.array([1, 2, 3]))
    assert fifo.read_into(out) == 0 and not out.any()         # still filling
    fifo.write(np.array([4, 5, 6, 7, 8]))
    played = []
    for _ in range(2):
        fifo.read_into(out)
        played += out.tolist()
    fifo.write(np.arange(9, 15))                              # wraps around the end of the buffer
    for _ in range(3):
        fifo.read_into(out)
        played += out.tolist()
    assert played[:14] == list(range(1, 15))
    assert fifo.underruns == 1 and fifo.dropped == 0           # the last read ran dry


def test_fifo_drops_the_oldest_when_the_writer_runs_ahead():
    fifo = SampleFifo(capacity=5, prebuffer=1)
    fifo.write(np.arange(1, 9))
    out = np.empty(5, np.int16)
    assert fifo.read_into(out) == 5
    assert out.tolist() == [4, 5, 6, 7, 8] and fifo.dropped == 3


def test_fifo_plays_out_below_the_prebuffer_once_finished():
    fifo = SampleFifo(capacity=100, prebuffer=50)
    fifo.write(np.array([7, 7, 7]))
    out = np.empty(4, np.int16)
    assert fifo.read_into(out) == 0
    fifo.finish()
    assert fifo.read_into(out) == 3 and out.tolist() == [7, 7, 7, 0]
    assert fifo.drained and fifo.underruns == 0


def test_whisper_gives_silence_until_its_prebuffer_then_the_microphone_in_order():
    mic = MicBlocks(8000, max_blocks=4, prebuffer=2)
    tone = 4000 * np.sin(2 * np.pi * 700 * np.arange(160 * 8) / 8000)
    assert np.array_equal(mic.source(), SILENCE)              # nothing heard yet
    mic.convert(tone[:160])                                   # not a whole block yet (look-ahead)
    assert np.array_equal(mic.source(), SILENCE) and mic.made == 0
    mic.convert(tone[160:480])
    assert len(mic.blocks) == 2
    assert np.array_equal(mic.source(), alaw_encode(tone[:160]))      # 8 kHz device: a copy
    assert np.array_equal(mic.source(), alaw_encode(tone[160:320]))
    assert np.array_equal(mic.source(), SILENCE) and mic.short == 1     # ran dry: refill
    mic.convert(tone[480:640])
    assert np.array_equal(mic.source(), SILENCE)              # one block waits for a second
    mic.stopped = True
    assert mic.source() is None                               # stopped: the whisper ends


def test_whisper_drops_the_oldest_blocks_when_the_engine_does_not_take_them():
    mic = MicBlocks(8000, max_blocks=3, prebuffer=1)
    mic.convert(np.repeat(np.arange(1, 8) * 1000.0, 160))     # seven distinct blocks
    assert mic.made >= 5 and len(mic.blocks) == 3
    assert mic.dropped == mic.made - 3
    levels = [int(np.median(alaw_decode(mic.source()))) for _ in range(3)]
    assert levels == sorted(levels) and levels[-1] > 4000      # the newest kept, in order


def test_whisper_from_a_44k1_microphone_is_the_same_speech_at_8k():
    from tests.calls.audio import best_match
    rng = np.random.default_rng(3)
    speech = resample(rng.normal(0, 3000, 8000), 8000, 44100)   # wideband noise, band-limited
    mic = MicBlocks(44100, max_blocks=1000, prebuffer=1)
    for start in range(0, speech.size, 882):
        mic.convert(speech[start:start + 882])
    got = alaw_decode(np.concatenate([mic.source() for _ in range(len(mic.blocks))])).astype(np.float64)
    score, lag = best_match(got, resample(speech, 44100, 8000)[:got.size - 200])
    assert score > 0.99 and lag == 0


def test_earpiece_audio_is_both_directions_mixed():
    t = np.arange(160) / 8000
    caller, agent = 3000 * np.sin(2 * np.pi * 440 * t), 3000 * np.sin(2 * np.pi * 1000 * t)
    block = np.stack([alaw_encode(caller), alaw_encode(agent)])
    mixed = earpiece_audio(block)
    assert mixed.shape == (160,)
    assert np.max(np.abs(mixed - (caller + agent))) < 200        # A-law steps, no limiting here


def _mic(parts: list[tuple[str, float]], rate: int = 44100, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for kind, seconds in parts:
        n = int(seconds * rate)
        if kind == "quiet":
            out.append(rng.normal(0, 5, n))
        else:                                                  # a voiced, syllabic sound
            t = np.arange(n) / rate
            envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
            out.append(6000 * envelope * np.sin(2 * np.pi * 220 * t) * (1 + 0.3 * np.sin(2 * np.pi * 660 * t)))
    return np.concatenate(out)


def test_recorder_stops_after_the_silence_and_trims_both_ends():
    rate = 44100
    mic = _mic([("quiet", 1.0), ("voice", 1.5), ("quiet", 5.0)])
    recorder = Recorder(rate, seconds=20, silence_s=1.0)
    done = False
    for start in range(0, mic.size, 1000):                     # as a device would deliver it
        done = recorder.feed(mic[start:start + 1000])
        if done:
            break
    take = recorder.take({})
    assert done and take.stopped == "silence"
    assert 3.4 <= take.samples.size / 8000 <= 3.7               # 1 s quiet, 1.5 s voice, 1 s quiet
    kept = take.trimmed()
    assert 1.5 <= kept.size / 8000 <= 2.1                       # the voice, a little margin
    assert abs(take.speech_start / 8000 - 1.0) < 0.1


def test_recorder_stops_at_the_time_limit_and_may_hear_nothing():
    recorder = Recorder(8000, seconds=1.0, silence_s=0.5)
    assert recorder.feed(np.random.default_rng(1).normal(0, 5, 20000))
    take = recorder.take({})
    assert take.stopped == "time" and take.samples.size == 8000
    assert take.speech_start is None and take.trimmed().size == 0


@pytest.mark.parametrize("name", ["ivr/welcome", "queue-hold_2", "a/b/c"])
def test_good_prompt_names(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "../x", "/etc/x", "a//b", "a b", "x.wav", "a/"])
def test_bad_prompt_names_are_refused_with_the_field(name):
    from firmware.errors import BadInput
    with pytest.raises(BadInput, match="NAME"):
        check_name(name)


def test_monitor_needs_the_live_box_and_says_so(tmp_path):
    from firmware.cli import main
    runner = CliRunner()
    on_host = runner.invoke(main, ["monitor", "20260101-1", "--data", str(tmp_path)])
    assert on_host.exit_code == 1 and "no live box here" in on_host.output
    idle = runner.invoke(main, ["monitor", "--json", "--data", str(tmp_path)])
    assert idle.exit_code == 0 and json.loads(idle.output) == {"call_id": None, "reason": "idle"}
    stop = runner.invoke(main, ["monitor", "--stop", "--data", str(tmp_path)])
    assert stop.exit_code == 1 and "not monitoring" in stop.output


def test_monitor_names_a_call_that_is_not_up(tmp_path):
    from firmware.cli import main
    from firmware.console.context import CommandContext
    from firmware.store import Store

    class Center:
        calls = {"20260101-7": object()}

    class Box:
        center = Center()

    with Store(tmp_path / "data") as store:
        cc = CommandContext(store=store, box=Box(), role="operator", source="console")
        result = CliRunner().invoke(main, ["monitor", "20260101-8"], obj=cc)
    assert result.exit_code == 2 and "CALL: no call '20260101-8' is up" in result.output


def test_bench_reports_the_cost_per_block_for_each_rate():
    from firmware.headset.bench import headset
    result = CliRunner().invoke(headset, ["--rate", "16000", "--seconds", "1", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["rates"]["16000"]
    assert figures["listen_ms_per_block"] > 0 and figures["whisper_ms_per_block"] > 0
    assert figures["listen_core_share"] == pytest.approx(figures["listen_ms_per_block"] / 20, rel=0.01)
