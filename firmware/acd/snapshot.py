"""Live statistics of an Acd as one JSON-ready dict (wallboard, console, agent desk).

    {"time_s": line seconds,
     "queues": {name: {"waiting", "longest_wait_s", "entered", "answered", "abandoned",
                       "timed_out", "overflowed", "transferred_in", "recalled", "service_level"
                       (fraction or null), "service_level_s", "asa_s", "aht_s", "staffed", "ready"}},
     "agents": {id: {"name", "state", "reason", "time_in_state_s", "phone", "calls_handled",
                     "talk_time_s", "call_id", "on_hold", "consult", "messages_waiting"}},
     "acd_calls": [{"call_id", "queue", "priority", "position", "wait_s", "agent", "ringing"}]}

Service level = calls answered within the queue's threshold / calls that left the queue
(answered + abandoned + timed out), since the last ``reset_stats``; ASA = mean wait of
answered calls; AHT = mean talk + wrap-up of completed calls (configured value until any).
``messages_waiting``: unheard voicemail messages in the agent's own box (0 without voicemail);
``recalled``: blind transfers that failed and brought the caller back to the queue.
"""
from __future__ import annotations

from firmware.acd.model import AgentState
from firmware.clock import FRAME_RATE


def _s(frames: float) -> float:
    return round(frames / FRAME_RATE, 1)


def snapshot(acd) -> dict:
    now = acd.clock.now
    unheard = acd.unheard_messages()
    queues = {}
    for name, q in acd.queues.items():
        st = acd.stats[name]
        waiting = acd._waiting(name)
        sl = st.service_level()
        staffed = acd.staffed(name)
        queues[name] = {
            "waiting": len(waiting),
            "longest_wait_s": _s(max((now - c.entered for c in waiting), default=0)),
            "entered": st.entered, "answered": st.answered, "abandoned": st.abandoned,
            "timed_out": st.timed_out, "overflowed": st.overflowed, "transferred_in": st.transferred_in,
            "recalled": st.recalled,
            "service_level": None if sl is None else round(sl, 4),
            "service_level_s": q["service_level_s"],
            "asa_s": _s(st.wait_frames_answered / st.answered) if st.answered else None,
            "aht_s": _s(st.handle_frames / st.handled) if st.handled else q["aht_s"],
            "staffed": len(staffed),
            "ready": sum(a.state is AgentState.READY for a in staffed),
        }
    agents = {
        a.agent: {"name": a.name, "state": a.state.value, "reason": a.reason,
                  "time_in_state_s": _s(now - a.since), "phone": a.phone, "calls_handled": a.handled,
                  "talk_time_s": _s(a.talk_frames), "call_id": a.call.call_id if a.call else None,
                  "on_hold": a.on_hold, "consult": a.consult,
                  "messages_waiting": unheard.get(a.agent, 0)}
        for a in acd.agents.values()
    }
    calls = [{"call_id": c.call_id, "queue": c.queue, "priority": c.priority,
              "position": acd.position(c.call_id) if not c.agent else None,
              "wait_s": _s((c.answered or now) - c.entered), "agent": c.agent or None,
              "ringing": sorted(c.offered)}
             for c in sorted(acd.calls.values(), key=lambda c: c.seq)]
    return {"time_s": _s(now), "queues": queues, "agents": agents, "acd_calls": calls}
