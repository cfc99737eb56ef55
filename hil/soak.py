"""`e1hil soak`: hours of mixed traffic with random line faults, then the three checks.

Traffic (Poisson, rate A / AHT): 70 % of callers press 0 (general queue), 10 % press 2
(outsourced queue), 10 % press 1 and enter wrong card numbers until the box gives up, 10 %
hang up in the IVR. Queued callers give up after an exponential patience (mean 90 s). Agents'
phones ring 0.5-3 s, miss 3 % of offers, talk exponential(AHT).

Random faults, exponential gaps of mean --fault-every line seconds, drawn from FAULT_MENU:
LOS / AIS / RAI / bit errors / slips / ABCD glitches / NOISE on the carrier span, LOS on the
PBX span, the PBX not answering for a while. (kill -9 is left to the kill-restart scenario:
a restart would reset the memory baseline this soak watches.)

At the end, after the last caller and a settling time: every channel idle (`show channels
--json` on the console), every call the box took has a CDR (`records export cdr`), and the
box's RSS (/proc/PID/status, sampled every 5 min of line time) has not grown by more than
--rss-margin over the first sample after the warm-up (the first 10 % of the run, at least
5 min), which absorbs one-time loading (prompts, imports, caches).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from hil.actors import CallerSpec, Duration, PhoneSpec
from hil.box import BoxProcess
from hil.expect import Evidence, check
from hil.lines import make_transport
from hil.load import load_config
from hil.rig import RIG_FAULTS, Rig
from hil.runner import collect

RSS_EVERY_S = 300.0
FAULT_MENU = [   # (weight, span, fault, duration range s, params)
    (3, 1, "LOS", (2.0, 8.0), {}),
    (2, 1, "AIS", (2.0, 6.0), {}),
    (2, 1, "RAI", (1.0, 4.0), {}),
    (2, 1, "BER", (5.0, 20.0), {"ber": 1e-4}),
    (2, 1, "SLIP", (0.0, 0.0), {}),
    (2, 1, "ABCD", (0.02, 0.2), {}),
    (1, 1, "NOISE", (0.5, 2.0), {}),
    (2, 2, "LOS", (2.0, 6.0), {}),
    (2, 2, "NO_ANSWER", (20.0, 60.0), {}),
]


def caller_mix(rng: np.random.Generator, n: int, at: float) -> CallerSpec:
    ani = str(15000000000 + n)
    pick = rng.random()
    if pick < 0.7:
        return CallerSpec(f"s{n}", ani, at=at, dtmf=[(0.3, "0")], patience=float(rng.exponential(90.0)),
                          survey=rng.choice(["", "4", "5"]))
    if pick < 0.8:
        return CallerSpec(f"s{n}", ani, at=at, dtmf=[(0.3, "2")], patience=float(rng.exponential(90.0)))
    if pick < 0.9:
        return CallerSpec(f"s{n}", ani, at=at, dtmf=[(1.0, "1"), (5.0, "111111#"), (12.0, "222222#"),
                                                      (19.0, "333333#")], hangup_after=60.0)
    return CallerSpec(f"s{n}", ani, at=at, hangup_after=float(rng.uniform(1.0, 6.0)))


def run_soak(hours: float, agents: int = 8, erlangs: float = 4.0, aht: float = 60.0, fault_every: float = 900.0,
             rss_margin: float = 0.25, seed: int = 1, realtime: bool = False, say=None,
             transport: str = "e1link") -> dict:
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = np.random.default_rng([seed, 1])      # arrivals and faults: apart from the rig's stream
    duration = hours * 3600.0
    rate = erlangs / aht
    with tempfile.TemporaryDirectory(prefix="e1hil-soak-") as tmp, make_transport(transport, realtime) as lines:
        menu = [entry for entry in FAULT_MENU if entry[2] in RIG_FAULTS or entry[2] in lines.faults]
        weights = np.array([w for w, *_ in menu], float)
        box = BoxProcess(Path(tmp), board=lines.board, config=load_config(agents), env=lines.box_env())
        box.prepare()
        box.start()
        rig = Rig(box, realtime=realtime, seed=seed, keep_audio=False, on_progress=say, transport=lines)
        faults: list[str] = []
        rss: list[tuple[float, int]] = []
        try:
            rig.connect()
            for n in range(1, agents + 1):
                rig.add_phone(PhoneSpec(f"80{n:02d}", ring=Duration({"uniform": [0.5, 3.0]}),
                                        talk=Duration({"exp": aht}), miss=0.03))
            rig.login_all()
            t0 = rig.now
            next_call = t0 + float(rng.exponential(1 / rate))
            next_fault = t0 + (float(rng.exponential(fault_every)) if fault_every > 0 else float("inf"))
            next_rss = t0 + min(RSS_EVERY_S, duration / 10)
            count = 0
            while rig.now < t0 + duration:
                while rig.now >= next_call:
                    count += 1
                    rig.add_caller(caller_mix(rng, count, rig.now))
                    next_call += float(rng.exponential(1 / rate))
                if rig.now >= next_fault:
                    faults.append(_random_fault(rig, rng, menu, weights))
                    next_fault += float(rng.exponential(fault_every))
                if rig.now >= next_rss:
                    rss.append((round(rig.now - t0, 1), box.rss_kb()))
                    next_rss += RSS_EVERY_S
                    say(f"{rig.now - t0:9.0f}s: {count} calls, {len(rig.active)} up, {len(faults)} faults, "
                        f"RSS {rss[-1][1]} kB")
                rig.step()
            rig.run_until(lambda: not rig.active and not rig.features, 3600, what="the last calls' end")
            rig.no_answer = False
            rig.run_for(10.0)
            rss.append((round(rig.now - t0, 1), box.rss_kb()))
            cdrs, channels = collect(rig, rig.callers, wait_s=60.0)
            ev = Evidence({c.spec.name: c for c in rig.callers}, rig.phones, cdrs, channels, box.data, box.alive())
            checks = [check({"kind": "channels_idle"}, ev), check({"kind": "cdr_every_call"}, ev),
                      check({"kind": "box_alive"}, ev)]
        finally:
            rig.disconnect()
            box.stop()
    warm = next((kb for t, kb in rss if t >= max(duration * 0.1, min(300.0, duration / 2))), rss[0][1])
    final = rss[-1][1]
    memory_ok = final <= warm * (1 + rss_margin)
    checks.append({"expect": f"RSS growth <= {rss_margin:.0%}", "kind": "memory", "ok": memory_ok,
                   "detail": f"{warm} kB after warm-up, {final} kB at the end, peak {max(kb for _, kb in rss)} kB"})
    took = [c for c in rig.callers if c.answered_at is not None]
    return {"passed": all(c["ok"] for c in checks), "checks": checks, "hours": hours, "sim_s": round(rig.now, 1),
            "wall_s": round(time.monotonic() - started, 1), "calls": len(rig.callers), "answered_by_box": len(took),
            "connected": sum(c.connected_at is not None for c in took), "faults": len(faults),
            "fault_kinds": sorted(set(faults)), "rss_kb": rss, "cdrs": len(cdrs)}


def _random_fault(rig: Rig, rng: np.random.Generator, menu: list, weights: np.ndarray) -> str:
    _, span, kind, (low, high), params = menu[int(rng.choice(len(menu), p=weights / weights.sum()))]
    params = dict(params)
    if kind == "ABCD":
        params = {"ts": int(rng.choice([t for t in range(1, 32) if t != 16])), "bits": int(rng.integers(1, 16))}
    rig.fault(span, kind, float(rng.uniform(low, high)) or None, **params)
    return f"{span}:{kind}"
