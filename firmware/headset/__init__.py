"""The box's headset jack: listen in on a live call, whisper to the agent, record prompts.

A supervisor or technician plugs a headset into the box's sound device (PortAudio through
the ``sounddevice`` package, imported lazily). Without PortAudio or a sound device the box
runs normally and the headset commands say why they cannot.

Modules: ``device`` (the sounddevice wrapper and its clear errors), ``stream`` (block-wise
rate conversion between the line's 8 kHz and the device rate), ``fifo`` (the bounded jitter
buffer between a worker thread and a PortAudio callback), ``convert`` (the audio work of
listen-in and whisper, without a device), ``listen`` (listen-in and whisper sessions on a
call), ``jack`` (the one session the jack can carry at a time), ``record`` (recording a
prompt from the microphone), ``library`` (listing and playing the box's own prompts),
``cli`` (``e1desk monitor`` and ``e1desk prompt``), ``bench`` (``e1desk bench headset``).
"""
