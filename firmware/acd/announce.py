"""Position and expected-wait announcements of a waiting caller: the arithmetic and the prompts.

Expected wait (EWT) of the caller at position p (1 = next) of a queue with n staffed agents
(signed in, holding the queue's skill, not in not-ready: ready, ringing, talking or in
wrap-up) and average handle time h (talk + wrap-up):

    EWT(p) = p * h / n

Reason: with every agent busy, an agent frees up on average every h / n seconds (n agents,
each finishing after h on average, exponential handling being memoryless), and the caller
at position p is connected at the p-th such release. With no staffed agent the wait is
unknown and not announced. h is the queue's observed mean handle time today once
``MIN_OBSERVED`` calls completed, else the queue's configured ``aht_s``.

Prompts (names of the usual prompt set): position 1 -> "queue-youarenext"; else
"queue-thereare" <number> "queue-callswaiting". Then, if known and above zero:
"queue-holdtime" <minutes rounded up> "queue-minutes" (or
"queue-less-than" "digits/2" "queue-minutes" under two minutes), then "queue-thankyou".
"""
from __future__ import annotations

import math

from firmware.ivr.say import say_number

MIN_OBSERVED = 5


def handle_time_s(observed_frames: int, observed_calls: int, configured_s: float, frame_rate: int) -> float:
    """Mean handle time: observed once ``MIN_OBSERVED`` calls completed, else configured."""
    if observed_calls >= MIN_OBSERVED:
        return observed_frames / observed_calls / frame_rate
    return configured_s


def expected_wait_s(position: int, staffed: int, aht_s: float) -> float | None:
    """EWT(p) = p * h / n (see module docstring); None when no agent is staffed."""
    if position < 1:
        raise ValueError(f"position: expected >= 1, got {position}")
    if staffed <= 0:
        return None
    return position * aht_s / staffed


def prompts(position: int, wait_s: float | None) -> list[str]:
    """The announcement for a caller at ``position`` with expected wait ``wait_s``."""
    out = ["queue-youarenext"] if position == 1 else ["queue-thereare", *say_number(position), "queue-callswaiting"]
    if wait_s is not None and wait_s > 0:
        minutes = math.ceil(wait_s / 60.0)
        if minutes < 2:
            out += ["queue-holdtime", "queue-less-than", *say_number(2), "queue-minutes"]
        else:
            out += ["queue-holdtime", *say_number(minutes), "queue-minutes"]
    return out + ["queue-thankyou"]
