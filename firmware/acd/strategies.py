"""Which ready agent(s) a queue offers its next call to.

``pick(strategy, queue, candidates, memory, rng)`` gets the ready agents of the best skill
level for the queue (in agent-list order) and returns the agents to ring:

    longest_idle     the agent ready for the longest time (least recently finished a call)
    round_robin      the next agent after the one this queue offered to last (with memory)
    fewest_calls     the agent who answered fewest calls of this queue today
    least_talk_time  the agent with the least talk time today
    ring_all         every candidate at once; the first to answer gets the call
    linear           always the first candidate in agent-list order
    random           any candidate, uniformly (the Acd's seeded generator)

Ties go to agent-list order. ``memory`` maps queue -> order number of the agent last offered.
"""
from __future__ import annotations

import random as _random

from firmware.acd.model import Agent


def pick(strategy: str, queue: str, candidates: list[Agent], memory: dict[str, int],
         rng: _random.Random) -> list[Agent]:
    if not candidates:
        return []
    if strategy == "ring_all":
        return list(candidates)
    if strategy == "linear":
        chosen = candidates[0]
    elif strategy == "longest_idle":
        chosen = min(candidates, key=lambda a: (a.idle_since, a.order))
    elif strategy == "fewest_calls":
        chosen = min(candidates, key=lambda a: (a.calls.get(queue, 0), a.order))
    elif strategy == "least_talk_time":
        chosen = min(candidates, key=lambda a: (a.talk_frames, a.order))
    elif strategy == "round_robin":
        last = memory.get(queue, -1)
        later = [a for a in candidates if a.order > last]
        chosen = later[0] if later else candidates[0]
    elif strategy == "random":
        chosen = candidates[rng.randrange(len(candidates))]
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    memory[queue] = chosen.order
    return [chosen]
