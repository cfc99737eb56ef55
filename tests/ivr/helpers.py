"""Helpers of the IVR tests: a recording IvrActions and a session over a line clock."""
from __future__ import annotations

import copy
import datetime as dt

from firmware.ivr.config import IVR_DEFAULTS
from firmware.ivr.lookups import MemoryLookups
from firmware.ivr.session import IvrActions, IvrSession
from tests.acd.helpers import advance, make_clock  # noqa: F401  (re-exported for the IVR tests)

CARDS = MemoryLookups({"cards": {"880012": {"product": "router"}, "12345678": {"product": "switch"}},
                       "callers": {"13900000001": {"name": "VIP Ltd", "vip": True}}})


class Recorder(IvrActions):
    def __init__(self):
        self.played: list[tuple[list[str], bool]] = []
        self.stops = 0
        self.routes: list[tuple[str, str, dict]] = []

    def play(self, prompts, barge_in):
        self.played.append((list(prompts), barge_in))

    def stop_playback(self):
        self.stops += 1

    def route(self, kind, target, data):
        self.routes.append((kind, target, data))


def session(ivr=None, ani="13800138000", dnis="95105", lookups=CARDS, when=None):
    clock = make_clock()
    actions = Recorder()
    wall = (lambda: when) if when else (lambda: dt.datetime(2026, 11, 23, 10, 0))
    s = IvrSession(copy.deepcopy(ivr or IVR_DEFAULTS), {"call_id": "c1", "ani": ani, "dnis": dnis},
                   clock, lookups, actions, wall_time=wall)
    s.start()
    return s, actions, clock


def keys(s, text):
    for key in text:
        s.digit(key)
