"""Random caller behaviour on the default tree: no crash, one route at most, then silence,
and a call that keeps going always ends within the retry limits."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ivr.helpers import advance, session

events = st.lists(st.one_of(
    st.sampled_from("0123456789*#"),
    st.sampled_from(["done", "done", "wait1", "wait9", "hangup"]),
), max_size=80)


@settings(max_examples=200, deadline=None)
@given(events)
def test_random_callers(sequence):
    s, act, clock = session()
    for event in sequence:
        before = (len(act.played), act.stops, len(act.routes))
        if event == "done":
            s.prompt_done()
        elif event.startswith("wait"):
            advance(clock, float(event[4:]))
        elif event == "hangup":
            s.hangup()
        else:
            s.digit(event)
        assert len(act.routes) <= 1
        if s.done and before[2] == len(act.routes) and event != "hangup":
            assert (len(act.played), act.stops) == before[:2]     # nothing happens after the end
    hung_up = "caller-hangup" in s.path
    for _ in range(20):                                          # a caller who stays silent ...
        s.prompt_done()
        advance(clock, 13)
    assert s.done and (hung_up or len(act.routes) == 1)          # ... is routed or told goodbye
    assert clock.pending() == 0
