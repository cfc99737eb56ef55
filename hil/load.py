"""`e1hil load`: Poisson callers into the box's IVR and queue, agents answering at once, and the
service level the box delivers compared with Erlang C.

Callers arrive as a Poisson process of rate A / AHT, press 0 at once (barge-in), wait in the
general queue (no abandonment unless --patience) and talk for an exponential time; the
agent hangs up, the caller leaves the survey. Agents answer as soon as their phone rings.

What the box adds, measured and put into the formula instead of hidden: the box seizes the
agent's line and runs the R2 register exchange before the phone can ring, so (1) an agent
is occupied from the seizure to the release of its line, longer than the talk time: the
measured mean of that is the AHT used in Erlang C, with A = the arrival rate the run really
had (calls / span of their arrival times) x that AHT; and (2)
every answer comes a delay d after the agent was chosen (the R2 setup towards the phone, and
the box's DTMF detection of the caller's key before that), so the prediction is
SL(t) = P(Wq <= t - d) and ASA = E[Wq] + d, with d measured: the mean R2 setup of the agents'
legs plus the shortest key-to-seizure time seen (a call that found an agent free). The 95% confidence
interval of the measured SL and ASA is computed by batch means (5 batches of consecutive
calls after a warm-up of the first 10%), Student t with 4 degrees of freedom; for the SL, a
proportion, it is never narrower than the Wilson score interval of all those calls (at light
load every batch may be 100 %, and a zero-width interval would claim a certainty it lacks).
"""
from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import numpy as np

from firmware.acd import erlang
from hil.actors import BLOCKS_PER_S, CallerSpec, Duration, PhoneSpec
from hil.box import BoxProcess
from hil.lines import make_transport
from hil.rig import Rig

THRESHOLDS = (15, 20)
BATCHES = 5                      # few, long batches: a queue's memory spans minutes at high load
T_975 = 2.776                    # Student t, 97.5 %, BATCHES - 1 = 4 degrees of freedom
FRAME_RATE = 8000


def load_config(agents: int) -> dict:
    """The box set up for the measurement: one FIFO queue, no wrap-up, no time limit."""
    return {"acd": {"ports": 30, "seats": max(agents, 1),
                    "queues": {"general": {"wrapup_s": 0.0, "max_wait_s": 0.0, "strategy": "longest_idle"}}}}


def run_load(agents: int, calls: int, erlangs: float, aht: float, patience: float | None = None,
             seed: int = 1, realtime: bool = False, say=None, workdir: Path | None = None,
             transport: str = "e1link") -> dict:
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = np.random.default_rng([seed, 1])      # arrivals: a stream apart from the rig's (talk times)
    rate = erlangs / aht
    with tempfile.TemporaryDirectory(prefix="e1hil-load-") as tmp, make_transport(transport, realtime) as lines:
        box = BoxProcess(Path(workdir or tmp), board=lines.board, config=load_config(agents), env=lines.box_env())
        box.prepare()
        box.start()
        rig = Rig(box, realtime=realtime, seed=seed, keep_audio=False, on_progress=say, transport=lines)
        try:
            rig.connect()
            for n in range(1, agents + 1):
                rig.add_phone(PhoneSpec(f"80{n:02d}", ring=Duration(0.0), talk=Duration({"exp": aht})))
            rig.login_all()
            t = rig.now + 1.0
            for i in range(calls):
                rig.add_caller(CallerSpec(f"c{i + 1}", ani=str(13000000000 + i), at=t, dtmf=[(0.3, "0")],
                                          patience=patience))
                t += float(rng.exponential(1.0 / rate))
            first, last = rig.callers[0].spec.at, rig.callers[-1].spec.at
            next_note = 0.0
            limit = last + 3600.0
            while not rig.all_done():
                if rig.now > limit:
                    raise TimeoutError("the load did not drain within an hour of line time after the last call")
                rig.step()
                if rig.block % (30 * BLOCKS_PER_S) == 0 and time.monotonic() >= next_note:
                    done = sum(c.done for c in rig.callers)
                    say(f"{rig.now:8.1f}s line time: {done}/{calls} calls done, {len(rig.active)} in progress")
                    next_note = time.monotonic() + 5
            sim_s = rig.now
        finally:
            rig.disconnect()
            box.stop()
    result = measure(rig, agents, rate, first, last, sim_s)
    result["wall_s"] = round(time.monotonic() - started, 2)
    return result


def measure(rig: Rig, agents: int, rate: float, first: float, last: float, sim_s: float) -> dict:
    callers = rig.callers
    offered = [c for c in callers if c.queued_at is not None]
    answered = [c for c in offered if c.connected_at is not None]
    abandoned = [c for c in offered if c.connected_at is None]
    waits = np.array([c.wait_s for c in answered])
    handled = len(answered) + len(abandoned)
    sl = {str(t): round(float((waits <= t).sum() / handled), 4) if handled else 0.0 for t in THRESHOLDS}
    legs = [a for c in answered for a in c.agent_calls if a.answered_at is not None and a.ended_at is not None]
    service = np.array([(a.ended_at - a.seized_at) / FRAME_RATE for a in legs])
    setup = np.array([(a.answered_at - a.seized_at) / FRAME_RATE for a in legs])
    setup_min = float((setup.min())) if setup.size else 0.0
    key_delay = max(float(waits.min()) - setup_min, 0.0) if waits.size else 0.0
    busy = float(service.sum())
    span_s = max(last - first, 1e-9)
    result = {
        "offered": len(offered), "answered": len(answered), "abandoned": len(abandoned),
        "service_level": sl, "asa_s": round(float(waits.mean()), 3) if waits.size else 0.0,
        "aht_s": round(float(service.mean()), 3) if service.size else 0.0,
        "occupancy": round(busy / (agents * (max(c.ended_at or 0 for c in callers) - first)), 4) if callers else 0.0,
        "wall_s": 0.0, "sim_s": round(sim_s, 1),
        "blocked": sum(c.state == "blocked" for c in callers),
        "arrival_rate_per_s": round((len(callers) - 1) / span_s if len(callers) > 1 else rate, 5),
        "setup_delay_s": round(float(setup.mean()), 3) if setup.size else 0.0,
        "key_delay_s": round(key_delay, 3),
    }
    if waits.size >= 2 * BATCHES and not abandoned:
        realised = (len(callers) - 1) / span_s if len(callers) > 1 else rate    # the traffic actually sent
        result["erlang_c"] = erlang_check(answered, agents, realised, float(service.mean()),
                                          float(setup.mean()) + key_delay)
    return result


def _wilson_half(p: float, n: int, z: float = 1.96) -> float:
    """Half the width of the Wilson score interval, measured from ``p`` to its far end."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(abs(centre - spread - p), abs(centre + spread - p))


def erlang_check(answered: list, agents: int, rate: float, aht_eff: float, delay: float) -> dict:
    """Erlang C with the service time and setup delay the box imposes; batch-means 95% CIs."""
    traffic = rate * aht_eff
    predicted = {str(t): erlang.service_level(traffic, agents, aht_eff, max(t - delay, 0.0)) for t in THRESHOLDS}
    predicted["asa_s"] = erlang.asa(traffic, agents, aht_eff) + delay
    ordered = sorted(answered, key=lambda c: c.spec.at)
    steady = ordered[len(ordered) // 10:]                   # warm-up: the box starts empty
    batches = np.array_split(np.array([c.wait_s for c in steady]), BATCHES)
    ci = {}
    for key, stat in [(str(t), lambda w, t=t: float((w <= t).mean())) for t in THRESHOLDS] + [("asa_s", np.mean)]:
        values = np.array([stat(b) for b in batches])
        mean, half = float(values.mean()), T_975 * float(values.std(ddof=1)) / math.sqrt(BATCHES)
        if key != "asa_s":       # a proportion near 0 or 1 can have identical batches: no narrower than Wilson's
            half = max(half, _wilson_half(mean, len(steady)))
        low, high = mean - half, mean + half
        if key != "asa_s":
            low, high = max(low, 0.0), min(high, 1.0)          # a proportion's interval stays in [0, 1]
        ci[key] = {"measured": round(mean, 4), "low": round(low, 4), "high": round(high, 4),
                   "predicted": round(predicted[key], 4),
                   "within": bool(low <= predicted[key] <= high)}
    return {"traffic_erlangs": round(traffic, 3), "aht_eff_s": round(aht_eff, 3), "setup_delay_s": round(delay, 3),
            "p_wait": round(erlang.erlang_c(traffic, agents), 4), "calls_used": len(steady), "ci95": ci,
            "within": all(v["within"] for v in ci.values())}
