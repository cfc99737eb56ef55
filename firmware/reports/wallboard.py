"""The live wallboard: one screen of plain text from a snapshot of the running box.

Reads the snapshot dict of ``Engine.snapshot()`` (clock, spans, alarms) and the ACD's parts
of it; fields it reads, with the alternatives it accepts:

    queues    a list, or {name: entry} as the ACD's snapshot gives it; per entry: queue|name,
              waiting, longest_wait_s|longest_wait, answered, abandoned, sl|service_level
              (fraction, today), timed_out (counts as having left the queue)
    agents    a list, or {agent id: entry}; per entry: agent|name, state, reason,
              time_in_state_s, or since (line frame of the last change, with clock.frames),
              calls_handled|calls|handled (calls handled today)
    spans[]   span, name, alarms (names), connected, timing

No ANSI escapes: the screen is meant for a plain serial terminal at 80 columns; the caller
separates successive screens.
"""
from __future__ import annotations

from firmware.console.render import table_text

FRAME_RATE = 8000


def _pick(row: dict, *names, default=None):
    for name in names:
        if row.get(name) is not None:
            return row[name]
    return default


def entries(section, key: str) -> list[dict]:
    """A snapshot's queues or agents as a list of dicts ({name: entry} maps name into ``key``)."""
    if isinstance(section, dict):
        return [{key: name, **entry} for name, entry in section.items()]
    return list(section or [])


def queue_view(raw: dict) -> dict:
    """A snapshot's queue entry with the wallboard's field names."""
    answered = int(_pick(raw, "answered", default=0))
    abandoned = int(_pick(raw, "abandoned", default=0))
    return {"queue": str(_pick(raw, "queue", "name", default="?")),
            "waiting": int(_pick(raw, "waiting", default=0)),
            "longest_wait_s": _pick(raw, "longest_wait_s", "longest_wait"),
            "answered": answered, "abandoned": abandoned,
            "left": answered + abandoned + int(_pick(raw, "timed_out", default=0)),
            "sl": _pick(raw, "sl", "service_level")}


def agent_view(raw: dict, clock_frames: int | None) -> dict:
    """A snapshot's agent entry with the wallboard's field names."""
    in_state = _pick(raw, "time_in_state_s")
    if in_state is None and raw.get("since") is not None and clock_frames is not None:
        in_state = max(0, clock_frames - int(raw["since"])) / FRAME_RATE
    state = str(_pick(raw, "state", default="?"))
    if raw.get("reason"):
        state += f" ({raw['reason']})"
    return {"agent": str(_pick(raw, "agent", "name", default="?")), "state": state,
            "time": duration(in_state), "calls": _pick(raw, "calls_handled", "calls", "handled", default=0)}


def duration(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss ('-' if unknown)."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _calls_count(raw) -> int:
    return len(raw) if isinstance(raw, list) else int(raw or 0)


def render(snapshot: dict, alarms: list | None = None, title: str = "E1DESK WALLBOARD", now: str = "") -> str:
    """The whole screen as text; ``alarms`` (alarms.Alarm or text) replaces the snapshot's list."""
    clock = snapshot.get("clock") or {}
    frames = clock.get("frames")
    head = f"{title}  {now}".rstrip() + f"   clock: {clock.get('source', '?')}"
    lines = [head, "=" * min(79, len(head))]
    queues = []
    for q in map(queue_view, entries(snapshot.get("queues"), "queue")):
        queues.append({"queue": q["queue"], "waiting": q["waiting"], "longest": duration(q["longest_wait_s"]),
                       "answered": q["answered"], "abandoned": q["abandoned"],
                       "sl_today": f"{q['sl']:.1%}" if q["sl"] is not None else "-"})
    lines += ["QUEUES", table_text(queues, ["queue", "waiting", "longest", "answered", "abandoned", "sl_today"]), ""]
    agents = [agent_view(a, frames) for a in entries(snapshot.get("agents"), "agent")]
    lines += ["AGENTS", table_text(agents, ["agent", "state", "time", "calls"], max_width=28), ""]
    spans = []
    for span in snapshot.get("spans") or []:
        names = list(span.get("alarms") or [])
        state = "OK" if not names and span.get("connected", True) else ",".join(names) or "no cable"
        spans.append({"span": span.get("span"), "name": span.get("name") or "", "state": state,
                      "timing": bool(span.get("timing"))})
    lines += [f"SPANS (calls up: {_calls_count(snapshot.get('calls'))})",
              table_text(spans, ["span", "name", "state", "timing"]), ""]
    active = alarms if alarms is not None else snapshot.get("alarms") or []
    lines.append(f"ALARMS ({len(active)})")
    lines += [f"  ! {getattr(a, 'message', a)}" for a in active] or ["  none"]
    return "\n".join(lines)
