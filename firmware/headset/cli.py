"""`e1desk monitor` (listen in on a call, whisper to the agent) and `e1desk prompt` (record,
list and play the box's own prompts) through the headset jack.

Without PortAudio or a sound device these commands fail with exit status 1 and say why;
nothing else of the box depends on the headset. `monitor` needs the running box, so it is a
serial-console command; `prompt` works on the host shell too.
"""
from __future__ import annotations

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit, emit_json
from firmware.errors import BadInput, Failure

DEVICE_HELP = "Sound device: PortAudio index or part of its name (default: the system default)."
JSON_HELP = "Print one JSON document."


def _headset(device: str | None):
    from firmware.headset.device import Headset, parse_device
    return Headset(parse_device(device))


def _center(cc: CommandContext):
    center = getattr(cc.box, "center", None) if cc.box is not None else None
    if center is None:
        raise Failure("no live box here: monitor listens to a call of the running daemon; "
                      "use it on the serial console of the box")
    return center


@click.command()
@click.argument("call_id", metavar="CALL", required=False)
@click.option("--whisper", is_flag=True, help="Also send the headset microphone to the agent (not the caller).")
@click.option("--device", default=None, help=DEVICE_HELP)
@click.option("--wait", is_flag=True, help="Stay until the call ends (or --seconds) and print the figures.")
@click.option("--seconds", type=click.FloatRange(min=0.1), default=None, help="With --wait: stop after S seconds.")
@click.option("--stop", "stop_now", is_flag=True, help="Stop listening in and print the figures.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@with_context(role="operator")
def monitor(cc: CommandContext, call_id, whisper, device, wait, seconds, stop_now, as_json) -> None:
    """Listen in on call CALL through the box's headset (--whisper: talk to the agent).

    Returns at once and keeps listening until the call ends or `monitor --stop`; without CALL
    it shows what the headset is doing.
    """
    from firmware.headset import jack
    if stop_now:
        figures = jack.stop()
        if figures is None:
            raise Failure("the headset is not monitoring any call")
        cc.audit("monitor stop", figures["call_id"])
        return emit(figures, as_json)
    if call_id is None:
        session = jack.current()
        status = session.stats() if session else {"call_id": None, "reason": "idle"}
        return emit(status, as_json)
    center = _center(cc)
    if call_id not in center.calls:
        raise BadInput("CALL", f"no call {call_id!r} is up (see `show calls`)")
    headset = _headset(device)
    try:
        session = jack.start(center, call_id, headset, whisper=whisper)
    except KeyError:                                  # the call ended just now
        raise BadInput("CALL", f"call {call_id!r} has ended") from None
    cc.audit("monitor" + (" whisper" if whisper else ""), call_id)
    if wait:
        session.wait(seconds)
        if not session.ended.is_set():
            jack.stop()
        return emit(session.stats(), as_json)
    emit({"call_id": call_id, "listening": True, "whisper": whisper, "device": session.device.as_dict()}, as_json)


@click.group()
def prompt() -> None:
    """The box's own prompts (DATA/prompts): record from the headset, list, play."""


def _free_jack() -> None:
    from firmware.headset import jack
    reason = jack.busy()
    if reason:
        raise Failure(reason)


@prompt.command("record")
@click.argument("name")
@click.option("--seconds", type=click.FloatRange(0.5, 600), default=30.0, show_default=True,
              help="Longest recording.")
@click.option("--silence", "silence_s", type=click.FloatRange(0.3, 60), default=2.0, show_default=True,
              help="Stop after this much quiet following speech.")
@click.option("--device", default=None, help=DEVICE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@with_context(role="operator")
def prompt_record(cc: CommandContext, name, seconds, silence_s, device, as_json) -> None:
    """Record prompt NAME (e.g. ivr/welcome) from the headset microphone, silence trimmed."""
    from firmware.headset import record
    path = record.prompt_path(cc.store.root, name)
    _free_jack()
    take = record.record(_headset(device), seconds, silence_s)
    if take.speech_start is None:
        raise Failure(f"no speech heard from the microphone in {take.samples.size / 8000:.1f} s; "
                      f"nothing written (prompt {name} unchanged)")
    replaced = path.exists()
    audio = record.save(take, path)
    _forget_loaded(cc, name)
    cc.audit("prompt record", f"{name} ({audio.size / 8000:.2f} s)")
    emit({"name": name, "path": str(path), "seconds": round(audio.size / 8000, 3),
          "recorded_s": round(take.samples.size / 8000, 3), "stopped": take.stopped,
          "replaced": replaced, "device": take.device}, as_json)


def _forget_loaded(cc: CommandContext, name: str) -> None:
    """Make the running box load the new recording the next time it plays the prompt."""
    center = getattr(cc.box, "center", None)      # None on the host shell: nothing is loaded there
    if center is not None:
        center.prompts.forget(name)


@prompt.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@with_context(role="viewer")
def prompt_list(cc: CommandContext, as_json) -> None:
    """The box's own prompts: name, length, encoding and rate."""
    from firmware.headset.library import own_prompts
    rows = own_prompts(cc.store.root)
    if as_json:
        return emit_json(rows)
    emit(rows, False, ["name", "seconds", "encoding", "rate", "bytes", "error"])


@prompt.command("play")
@click.argument("name")
@click.option("--device", default=None, help=DEVICE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@with_context(role="viewer")
def prompt_play(cc: CommandContext, name, device, as_json) -> None:
    """Play prompt NAME on the headset (the box's own first, then the system prompt sets)."""
    from firmware.headset.library import play_prompt
    from firmware.headset.record import check_name
    check_name(name)
    _free_jack()
    emit(play_prompt(_headset(device), cc.store.root, name), as_json)
