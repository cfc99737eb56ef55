"""The rig's ears: a prompt is found in what a caller heard (through G.711), others are not."""
from __future__ import annotations

import numpy as np

from firmware.dsp.g711 import alaw_encode
from hil import listen


def prompt(name):
    return listen.load_audio(listen.prompt_path(name, "/nonexistent"), seconds=None)


def test_a_prompt_is_found_where_it_was_played_and_others_are_not():
    rng = np.random.default_rng(1)
    played = prompt("pm-invalid-option")
    other = prompt("vm-nobodyavail")
    heard = np.concatenate([rng.normal(0, 30, 8000 * 2), played, rng.normal(0, 30, 4000), other])
    codes = alaw_encode(heard)
    score, at = listen.best_match(listen.load_audio(listen.prompt_path("pm-invalid-option", "/x")), codes)
    assert score > 0.95 and abs(at - 2.0) < 0.5              # the template starts where the sound does
    score_other, at_other = listen.best_match(listen.load_audio(listen.prompt_path("vm-nobodyavail", "/x")), codes)
    assert score_other > 0.95 and at_other > 2.0 + played.size / 8000
    absent, _ = listen.best_match(listen.load_audio(listen.prompt_path("queue-thankyou", "/x")), codes)
    assert absent < 0.5


def test_silence_and_short_audio_find_nothing():
    template = listen.load_audio(listen.prompt_path("pm-invalid-option", "/x"))
    assert listen.best_match(template, alaw_encode(np.zeros(16000))) [0] < 0.1
    assert listen.best_match(template, alaw_encode(np.zeros(100))) == (0.0, 0.0)


def test_sound_fraction():
    t = np.arange(8000) / 8000
    tone = alaw_encode(3000 * np.sin(2 * np.pi * 450 * t))
    codes = np.concatenate([tone, alaw_encode(np.zeros(8000))])
    assert listen.sound_fraction(codes, 0, 1) == 1.0 and listen.sound_fraction(codes, 1, 2) == 0.0
