"""The box's DSP core: everything that hears and speaks on the voice channels.

All streaming parts work on every channel at once: arrays shaped (channels, samples) of
linear audio in int16 scale (int16 or float32), state kept between blocks of any length,
channels added, removed and reset between blocks, event times in each channel's own clock.

- g711       A-law / mu-law tables, dBm0 helpers (A-law -> float: ``alaw_decode_float``)
- tonebank   streaming windowed DFT at a few frequencies (one BLAS product per block)
- pairs      two-tone receiver core (per-frame decisions in C: _build.py -> _kernels)
- runs       persistence rules turning frame decisions into start/end ToneEvents
- dtmf       DTMF generator and DtmfReceiver (Q.23 / Q.24)
- mf         MFC/R2 MfSender and MfReceiver (Q.441 / Q.442), forward and backward
- progress   call-progress tone tables, generator and ProgressToneDetector
- activity   level, silence and voice activity per channel
- mixer      conference / listen-in mixing with soft limiting
- synth      sine and burst synthesis; resample: rate conversion; wav: WAV files
- corpus     talk-off material from Debian packages (tests, bench)
- peers      spandsp bound on demand, as a measuring peer only (tests, bench)
- cli        `e1desk dsp ...` offline tools
"""
