"""Expectations of a scenario, checked from what the rig saw and what the box's console says.

Kinds and their keys (``caller`` names a scenario caller, ``phone`` an extension):
    hears            caller, prompt [, min_corr]   the prompt's file correlates with what the caller heard
    not_hears        caller, prompt                 ... and this one does not
    hears_music      caller                         the music on hold (Debian's first MOH file)
    connected        caller [, phone, within_s]     an agent answered (within_s of joining the queue)
    not_connected    caller                         no agent answered
    offered_to       caller, phones                 the box rang these phones for the caller, in order
    agent_gets_ani   caller [, phone]               the R2 ANI on the agent's call is the caller's number
    cleared_by       caller, by                     who ended the call: box, caller or line (box killed)
    cdr              caller [, fields, min, max]    exactly one CDR with the caller's ANI, these values
    cdr_every_call   -                              every call the box took from the rig has a CDR
    channels_idle    -                              `show channels --json`: every channel idle at the end
    box_alive        -                              the box's process still runs
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hil import listen

KINDS = {
    "hears": ("caller", "prompt", "min_corr"),
    "not_hears": ("caller", "prompt"),
    "hears_music": ("caller",),
    "connected": ("caller", "phone", "within_s"),
    "not_connected": ("caller",),
    "offered_to": ("caller", "phones"),
    "agent_gets_ani": ("caller", "phone"),
    "cleared_by": ("caller", "by"),
    "cdr": ("caller", "fields", "min", "max"),
    "cdr_every_call": (),
    "channels_idle": (),
    "box_alive": (),
}


@dataclass
class Evidence:
    """What the checks read: the rig's people, the box's records and channels, its data dir."""

    callers: dict                  # name -> hil.actors.Caller
    phones: dict                   # extension -> hil.actors.Phone
    cdrs: list[dict]
    channels: list[dict]
    data_dir: Path
    box_alive: bool


def describe(expect: dict) -> str:
    args = " ".join(f"{k}={v}" for k, v in expect.items() if k != "kind")
    return f"{expect['kind']} {args}".strip()


def check(expect: dict, ev: Evidence) -> dict:
    try:
        ok, detail = globals()[f"_{expect['kind']}"](expect, ev)
    except KeyError as exc:
        ok, detail = False, f"missing {exc}"
    return {"expect": describe(expect), "kind": expect["kind"], "ok": bool(ok), "detail": detail}


def _caller(e, ev):
    return ev.callers[e["caller"]]


def _cdrs_of(caller, ev) -> list[dict]:
    return [r for r in ev.cdrs if r.get("ani") == caller.spec.ani and r.get("span") == 1]


def _hears(e, ev, want=True):
    path = listen.prompt_path(e["prompt"], ev.data_dir)
    if path is None:
        return False, f"no file for prompt {e['prompt']!r}"
    score, at = listen.best_match(listen.load_audio(path), _caller(e, ev).heard())
    found = score >= e.get("min_corr", listen.FOUND)
    text = f"correlation {score:.3f} at {at:.2f} s after the caller seized ({path.name})"
    return found == want, text


def _not_hears(e, ev):
    return _hears(e, ev, want=False)


def _hears_music(e, ev):
    template = listen.music_template()
    if template is None:
        return False, "no music-on-hold file installed (asterisk-moh-opsound-wav)"
    score, at = listen.best_match(template, _caller(e, ev).heard())
    return score >= listen.FOUND, f"correlation {score:.3f} at {at:.2f} s after the caller seized"


def _connected(e, ev):
    c = _caller(e, ev)
    if c.connected_at is None:
        return False, f"no agent answered (offered to {[a.dnis for a in c.agent_calls]})"
    if "phone" in e and c.agent_ext != e["phone"]:
        return False, f"answered by {c.agent_ext}, not {e['phone']}"
    wait = c.wait_s
    if "within_s" in e and (wait is None or wait > e["within_s"]):
        return False, f"answered after {wait:.2f} s in the queue"
    return True, f"answered by {c.agent_ext} after {wait:.2f} s in the queue" if wait is not None else "answered"


def _not_connected(e, ev):
    c = _caller(e, ev)
    return c.connected_at is None, "no agent answered" if c.connected_at is None else f"answered by {c.agent_ext}"


def _offered_to(e, ev):
    rung = [a.dnis for a in _caller(e, ev).agent_calls]
    want = list(e["phones"])
    it = iter(rung)
    ok = all(any(r == w for r in it) for w in want)
    return ok, f"rang {rung}"


def _agent_gets_ani(e, ev):
    c = _caller(e, ev)
    phones = [ev.phones[e["phone"]]] if "phone" in e else list(ev.phones.values())
    got = [a.ani for a in c.agent_calls if a.dnis in {p.spec.extension for p in phones}]
    return bool(got) and all(a == c.spec.ani for a in got), f"agent calls carried ANI {got}"


def _cleared_by(e, ev):
    c = _caller(e, ev)
    return c.ended_by == e["by"], f"ended by {c.ended_by or 'nobody (still up)'}"


def _cdr(e, ev):
    c = _caller(e, ev)
    rows = _cdrs_of(c, ev)
    if len(rows) != 1:
        return False, f"{len(rows)} CDRs with ANI {c.spec.ani}"
    row = rows[0]
    wrong = [f"{k}={row.get(k)!r} (want {v!r})" for k, v in e.get("fields", {}).items() if row.get(k) != v]
    wrong += [f"{k}={row.get(k)!r} (want >= {v})" for k, v in e.get("min", {}).items()
              if not isinstance(row.get(k), (int, float)) or row[k] < v]
    wrong += [f"{k}={row.get(k)!r} (want <= {v})" for k, v in e.get("max", {}).items()
              if not isinstance(row.get(k), (int, float)) or row[k] > v]
    shown = {k: row.get(k) for k in ("disposition", "agent", "queue", "interrupted", "billsec", "wait")}
    return not wrong, "; ".join(wrong) if wrong else f"CDR {shown}"


def _cdr_every_call(e, ev):
    taken = [c for c in ev.callers.values() if c.answered_at is not None]
    missing = [c.spec.name for c in taken if not _cdrs_of(c, ev)]
    return not missing, (f"{len(taken)} calls, all with a CDR" if not missing
                         else f"{len(missing)} of {len(taken)} calls without a CDR: {missing[:10]}")


def _channels_idle(e, ev):
    busy = [f"{c['span']}/{c['ts']}:{c['state']}" for c in ev.channels if c.get("state") != "idle"]
    return bool(ev.channels) and not busy, (f"{len(ev.channels)} channels idle" if not busy
                                            else f"not idle: {busy[:10]}")


def _box_alive(e, ev):
    return ev.box_alive, "running" if ev.box_alive else "the box's process has exited"
