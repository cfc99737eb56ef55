"""The headset's sound device through PortAudio (``sounddevice``, imported only when used).

``Headset(device)`` names a device (None = the system default, a number = PortAudio's index,
text = part of a device name, as ``sounddevice`` matches them) and opens 16-bit callback
streams on it: ``output_stream`` for the earpiece, ``input_stream`` for the microphone, at
the device's own default rate unless one is given. Everything that can go wrong (PortAudio
missing, no device, no such device, a device that refuses the stream) raises
``HeadsetUnavailable``: a ``Failure`` (exit status 1) whose message says why, never a crash.
"""
from __future__ import annotations

from dataclasses import dataclass

from firmware.errors import Failure

DTYPE = "int16"
BLOCKS_PER_S = 50             # callbacks of 20 ms, like the line's blocks


class HeadsetUnavailable(Failure):
    """There is no usable headset: the message says why (exit status 1)."""

    def __init__(self, reason: str):
        super().__init__(f"headset unavailable: {reason}")
        self.reason = reason


def sounddevice_module():
    """The ``sounddevice`` module, or HeadsetUnavailable saying what is missing."""
    try:
        import sounddevice
    except OSError as exc:           # the package is there, the PortAudio library is not
        raise HeadsetUnavailable(f"PortAudio is not installed ({exc}); "
                                 "install the Debian package libportaudio2") from None
    except ImportError as exc:
        raise HeadsetUnavailable(f"the sounddevice package is missing ({exc})") from None
    return sounddevice


def parse_device(text: str | None) -> int | str | None:
    """``--device`` as sounddevice takes it: an index when it is a number, else a name part."""
    if text is None or text == "":
        return None
    return int(text) if text.strip().isdigit() else text


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    rate: int
    channels: int

    def as_dict(self) -> dict:
        return {"index": self.index, "name": self.name, "rate": self.rate}


class Headset:
    """One sound device used as the headset; see module docstring."""

    def __init__(self, device: int | str | None = None, rate: int | None = None):
        self.device = device
        self.rate = rate
        self.sd = sounddevice_module()

    def info(self, kind: str) -> DeviceInfo:
        """The device for ``kind`` "output" or "input", or HeadsetUnavailable."""
        direction = "earpiece (output)" if kind == "output" else "microphone (input)"
        try:
            found = self.sd.query_devices(self.device, kind=kind)
        except ValueError as exc:                       # no device matches the name/index
            raise HeadsetUnavailable(f"no {direction} device {self.device!r}: {exc}; "
                                     f"devices: {self.device_names() or 'none'}") from None
        except self.sd.PortAudioError as exc:
            what = "no sound device" if self.device is None else f"device {self.device!r}"
            raise HeadsetUnavailable(f"{what} for the {direction} ({exc})") from None
        channels = int(found[f"max_{kind}_channels"])
        if channels < 1:
            raise HeadsetUnavailable(f"device {found['name']!r} has no {direction}")
        rate = int(self.rate or found["default_samplerate"])
        return DeviceInfo(int(found["index"]), str(found["name"]), rate, channels)

    def device_names(self) -> str:
        try:
            return ", ".join(f"{d['index']}: {d['name']}" for d in self.sd.query_devices())
        except self.sd.PortAudioError:
            return ""

    def output_stream(self, callback, info: DeviceInfo | None = None):
        """An unstarted int16 output stream; ``callback(out)`` fills a 1-D int16 array and
        returns True when the stream should stop after this buffer."""
        info = info or self.info("output")

        def on_output(outdata, frames, time, status):
            done = callback(outdata[:, 0])
            if outdata.shape[1] > 1:                    # mono to every channel
                outdata[:, 1:] = outdata[:, :1]
            if done:
                raise self.sd.CallbackStop

        return self._open(self.sd.OutputStream, info, on_output, "earpiece (output)")

    def input_stream(self, callback, info: DeviceInfo | None = None):
        """An unstarted int16 input stream; ``callback(samples)`` gets a 1-D int16 array and
        returns True when it wants no more."""
        info = info or self.info("input")

        def on_input(indata, frames, time, status):
            if callback(indata[:, 0]):
                raise self.sd.CallbackStop

        return self._open(self.sd.InputStream, info, on_input, "microphone (input)")

    def _open(self, stream_class, info: DeviceInfo, callback, direction: str):
        error = None
        for channels in sorted({1, min(2, info.channels)}):     # mono, else what the device takes
            try:
                return stream_class(device=info.index, samplerate=info.rate, channels=channels,
                                    dtype=DTYPE, callback=callback, blocksize=info.rate // BLOCKS_PER_S)
            except (self.sd.PortAudioError, ValueError) as exc:
                error = exc
        raise HeadsetUnavailable(f"device {info.name!r} refused the {direction} stream at "
                                 f"{info.rate} Hz ({error})")
