"""The prompt library: prompt names ("ivr/welcome", "digits/5", "queue-thankyou") to A-law audio.

A name is looked up, in order, in the box's own prompt directory (DATA/prompts: prompts
recorded or imported by the people running the box), in Debian's Asterisk prompt sets
(asterisk-core-sounds-en-wav, CC-BY-SA), and in the speech cache, where prompts that have a
text (firmware.ivr.config.PROMPT_TEXTS, or texts given to the library) are spoken once by
espeak-ng and kept. Files of any WAV encoding and rate are converted to 8 kHz A-law when
loaded. Loading happens at start-up or on first use, off the real-time path's hot loop;
``get`` on a loaded name is a dict lookup. A name that cannot be found at all plays a short
425 Hz tone and is listed in ``missing`` (and logged once), never an exception on a call.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from firmware.dsp.g711 import alaw_encode
from firmware.dsp.resample import resample
from firmware.dsp.wav import WavError, read_wav

log = logging.getLogger("e1desk.prompts")

SYSTEM_SETS = [Path("/usr/share/asterisk/sounds/en_US_f_Allison"), Path("/usr/share/asterisk/sounds/en")]
MOH_DIR = Path("/usr/share/asterisk/moh")
RATE = 8000


def to_alaw(path: Path) -> np.ndarray:
    """Any WAV file as 8 kHz mono A-law."""
    wav = read_wav(path)
    mono = wav.samples.astype(np.float64).mean(axis=0)
    if wav.rate != RATE:
        mono = resample(mono, wav.rate, RATE)
    return alaw_encode(np.clip(np.round(mono), -32768, 32767).astype(np.int16))


def placeholder_tone(ms: int = 300) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return alaw_encode((3000 * np.sin(2 * np.pi * 425 * t)).astype(np.int16))


class PromptLibrary:
    def __init__(self, own_dir: Path | None = None, cache_dir: Path | None = None,
                 texts: dict[str, str] | None = None, system_sets: list[Path] | None = None,
                 voice: str = "en"):
        self.own_dir = Path(own_dir) if own_dir else None
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.system_sets = SYSTEM_SETS if system_sets is None else system_sets
        self.texts = dict(texts or {})
        self.voice = voice
        self._loaded: dict[str, np.ndarray] = {}
        self.missing: set[str] = set()

    def get(self, name: str) -> np.ndarray:
        """The A-law audio of ``name`` (loaded on first use)."""
        audio = self._loaded.get(name)
        if audio is None:
            audio = self._loaded[name] = self._load(name)
        return audio

    def forget(self, name: str) -> None:
        """Drop ``name`` from memory, so a re-recorded prompt is used from the next call on."""
        self._loaded.pop(name, None)
        self.missing.discard(name)

    def sequence(self, names: list[str]) -> list[np.ndarray]:
        return [self.get(n) for n in names]

    def preload(self, names) -> None:
        for name in names:
            self.get(name)

    def path_of(self, name: str) -> Path | None:
        """Where ``name`` comes from (None if only a placeholder is there)."""
        for base in ([self.own_dir] if self.own_dir else []) + list(self.system_sets):
            candidate = base / f"{name}.wav"
            if candidate.is_file():
                return candidate
        if name in self.texts and self.cache_dir:
            return self._spoken(name)
        return None

    def _load(self, name: str) -> np.ndarray:
        if ".." in Path(name).parts or name.startswith("/"):
            raise ValueError(f"prompt name {name!r}: must be a relative name like 'ivr/welcome'")
        path = self.path_of(name)
        if path is not None:
            try:
                return to_alaw(path)
            except (WavError, OSError) as exc:
                log.warning("prompt %s: cannot read %s: %s", name, path, exc)
        if name not in self.missing:
            log.warning("prompt %s: not found; playing a tone instead", name)
            self.missing.add(name)
        return placeholder_tone()

    def _spoken(self, name: str) -> Path | None:
        """The cached espeak-ng rendering of the prompt's text (made once)."""
        target = self.cache_dir / f"{name}.wav"
        if target.is_file():
            return target
        espeak = shutil.which("espeak-ng")
        if espeak is None:
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(suffix=".wav", dir=target.parent, delete=False) as tmp:
            tmp_path = Path(tmp.name)
        try:
            subprocess.run([espeak, "-v", self.voice, "-w", str(tmp_path), self.texts[name]],
                           check=True, capture_output=True, timeout=30)
            tmp_path.replace(target)
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("prompt %s: espeak-ng failed: %s", name, exc)
            tmp_path.unlink(missing_ok=True)
            return None
        return target


#: prompts the call center itself plays (queue announcements, voicemail, transfers, numbers)
STANDARD_PROMPTS = (
    ["queue-youarenext", "queue-thereare", "queue-callswaiting", "queue-holdtime", "queue-less-than",
     "queue-minutes", "queue-thankyou", "queue-periodic-announce", "vm-intro", "beep", "vm-msgsaved",
     "vm-goodbye", "vm-nobodyavail", "ss-noservice", "goodbye", "agent-loginok", "invalid"]
    + [f"digits/{n}" for n in [*range(21), *range(30, 100, 10), "hundred", "thousand"]])


def prompts_in(section) -> set[str]:
    """Every prompt name a configuration section mentions (lists under keys ending in 'prompts')."""
    found: set[str] = set()
    if isinstance(section, dict):
        for key, value in section.items():
            if key.endswith("prompts") and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str) and ":" not in v)
            else:
                found |= prompts_in(value)
    elif isinstance(section, list):
        for item in section:
            found |= prompts_in(item)
    return found


def music_on_hold(moh_dir: Path = MOH_DIR, seconds: float = 60.0) -> np.ndarray:
    """The first music-on-hold file (Debian's asterisk-moh-opsound-wav), else a soft tone loop."""
    files = sorted(moh_dir.glob("*.wav")) if moh_dir.is_dir() else []
    for path in files:
        try:
            return to_alaw(path)[: int(seconds * RATE)]
        except (WavError, OSError):
            continue
    t = np.arange(RATE * 2) / RATE
    melody = np.sin(2 * np.pi * 440 * t) * (t < 1.0) + np.sin(2 * np.pi * 330 * t) * (t >= 1.0)
    return alaw_encode((1500 * melody).astype(np.int16))
