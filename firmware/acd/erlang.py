"""Erlang B (trunk blocking) and Erlang C (queue waiting) for sizing and for checking the ACD.

Traffic A in Erlangs is arrival rate x mean holding time. Formulas (M/M/N, FIFO, no
abandonment), computed with the Erlang B recurrence so that nothing overflows even for
1000 servers:

    B(A, 0) = 1,   B(A, n) = A B(A, n-1) / (n + A B(A, n-1))            Erlang B
    C(A, N) = N B / (N - A (1 - B)),  B = B(A, N)          (N > A)     Erlang C = P(wait)
    SL(t)   = 1 - C exp(-(N - A) t / AHT)                               P(wait <= t)
    ASA     = C AHT / (N - A)                                           mean wait, all calls

When N <= A the queue grows without bound: P(wait) = 1, SL = 0, ASA = infinity.
Check value: A = 10, N = 14, AHT = 180 s gives P(wait) = 0.174 and SL(20 s) = 0.888.
"""
from __future__ import annotations

import math

MAX_SERVERS = 100_000


def _check(traffic_erlangs: float, servers: int, what: str) -> None:
    if isinstance(traffic_erlangs, bool) or not isinstance(traffic_erlangs, (int, float)) \
            or not math.isfinite(traffic_erlangs) or traffic_erlangs < 0:
        raise ValueError(f"traffic_erlangs: expected a finite number >= 0, got {traffic_erlangs!r}")
    if isinstance(servers, bool) or not isinstance(servers, int) or not 0 <= servers <= MAX_SERVERS:
        raise ValueError(f"{what}: expected an integer 0..{MAX_SERVERS}, got {servers!r}")


def erlang_b(traffic_erlangs: float, trunks: int) -> float:
    """Probability that a call finds all ``trunks`` busy (blocked calls cleared)."""
    _check(traffic_erlangs, trunks, "trunks")
    blocking = 1.0
    for n in range(1, trunks + 1):
        blocking = traffic_erlangs * blocking / (n + traffic_erlangs * blocking)
    return blocking


def erlang_c(traffic_erlangs: float, agents: int) -> float:
    """Probability that a call has to wait for one of ``agents`` (1.0 if A >= agents)."""
    _check(traffic_erlangs, agents, "agents")
    if agents <= traffic_erlangs:
        return 1.0
    blocking = erlang_b(traffic_erlangs, agents)
    return agents * blocking / (agents - traffic_erlangs * (1.0 - blocking))


def service_level(traffic_erlangs: float, agents: int, aht_s: float, threshold_s: float) -> float:
    """Fraction of calls answered within ``threshold_s`` seconds of joining the queue."""
    _check_positive(aht_s, "aht_s")
    _check_positive(threshold_s, "threshold_s", allow_zero=True)
    if agents <= traffic_erlangs:
        return 0.0
    wait = erlang_c(traffic_erlangs, agents)
    return 1.0 - wait * math.exp(-(agents - traffic_erlangs) * threshold_s / aht_s)


def asa(traffic_erlangs: float, agents: int, aht_s: float) -> float:
    """Average speed of answer: mean wait in seconds over all calls (inf if A >= agents)."""
    _check_positive(aht_s, "aht_s")
    if agents <= traffic_erlangs:
        _check(traffic_erlangs, agents, "agents")
        return math.inf
    return erlang_c(traffic_erlangs, agents) * aht_s / (agents - traffic_erlangs)


def _check_positive(value: float, name: str, allow_zero: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name}: expected a finite number {'>=' if allow_zero else '>'} 0, got {value!r}")
