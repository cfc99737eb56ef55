"""The IVR session on the default tree and on small trees: keys, timeouts, retries, barge-in,
lookups, time-of-day and holiday routing, spoken variables, hang-up."""
from __future__ import annotations

import datetime as dt

from tests.ivr.helpers import advance, keys, session

WELCOME = ["ivr/welcome", "ivr/main-menu"]


def test_default_tree_product_card_to_the_product_queue():
    s, act, clock = session()
    assert act.played == [(WELCOME, True)]
    s.prompt_done()
    s.digit("1")
    assert act.played[-1] == (["ivr/enter-card"], True)
    s.prompt_done()
    keys(s, "880012#")
    (kind, target, data), = act.routes
    assert (kind, target) == ("queue", "product")
    assert data == {"ani": "13800138000", "dnis": "95105", "service": "1", "card_number": "880012",
                    "ivr_path": ["main", "product_card", "queue:product"]}


def test_default_tree_zero_for_an_agent_and_two_for_outsourced():
    for key, queue in (("0", "general"), ("2", "outsourced")):
        s, act, _ = session()
        s.prompt_done()
        s.digit(key)
        assert act.routes[0][:2] == ("queue", queue)


def test_three_wrong_cards_are_told_and_hung_up_politely():
    s, act, clock = session()
    s.prompt_done()
    s.digit("1")
    s.prompt_done()
    keys(s, "111111#")                                   # 1st wrong entry
    assert act.played[-1] == (["ivr/card-invalid", "ivr/enter-card"], True)
    s.prompt_done()
    keys(s, "222222#")                                   # 2nd
    assert act.played[-1] == (["ivr/card-invalid", "ivr/enter-card"], True)
    s.prompt_done()
    keys(s, "333#")                                      # 3rd (too short counts as wrong)
    assert act.played[-1] == (["ivr/card-refused", "goodbye"], False)
    assert act.routes == []                              # told first ...
    s.digit("5")                                         # ... with no barge-in
    assert act.stops == 0
    s.prompt_done()
    (kind, target, data), = act.routes                   # ... then hung up
    assert kind == "hangup"
    assert data["ivr_path"] == ["main", "product_card", "product_card:failed", "hangup"]
    assert "card_number" not in data


def test_a_wrong_card_may_be_re_entered():
    s, act, _ = session()
    s.prompt_done()
    s.digit("1")
    s.prompt_done()
    keys(s, "999999#")
    s.prompt_done()
    keys(s, "12345678#")
    assert act.routes[0][2]["card_number"] == "12345678"


def test_collect_ends_on_max_digits_or_inter_digit_timeout():
    s, act, clock = session()
    s.prompt_done()
    s.digit("1")
    s.prompt_done()
    keys(s, "12345678")                                  # no terminator: wait for more
    advance(clock, 3.9)
    assert act.routes == []
    advance(clock, 0.2)                                  # 4 s inter-digit timeout ends the entry
    assert act.routes[0][2]["card_number"] == "12345678"
    s, act, _ = session()
    s.prompt_done()
    s.digit("1")
    s.prompt_done()
    keys(s, "123456789012")                              # max_digits 12: done without #
    assert act.played[-1] == (["ivr/card-invalid", "ivr/enter-card"], True)   # not a known card


def test_menu_timeouts_then_polite_hangup():
    s, act, clock = session()
    s.prompt_done()
    advance(clock, 4.9)
    assert len(act.played) == 1
    advance(clock, 0.2)                                  # 5 s without a key
    assert act.played[-1] == (["ivr/no-input"] + WELCOME, True)
    s.prompt_done()
    advance(clock, 5.1)
    s.prompt_done()
    advance(clock, 5.1)                                  # third timeout: give up
    assert act.played[-1] == (["ivr/too-many-attempts", "goodbye"], False)
    s.prompt_done()
    assert act.routes[0][0] == "hangup"


def test_invalid_key_then_valid_key():
    s, act, _ = session()
    s.prompt_done()
    s.digit("7")
    assert act.played[-1] == (["pm-invalid-option"] + WELCOME, True)
    s.digit("0")                                         # barge-in during the re-prompt
    assert act.stops == 1
    assert act.routes[0][:2] == ("queue", "general")


def test_barge_in_during_the_welcome_and_the_first_digit_timer():
    s, act, clock = session()
    s.digit("1")                                         # while the welcome plays
    assert act.stops == 1
    assert act.played[-1] == (["ivr/enter-card"], True)
    advance(clock, 60)                                   # prompt still playing: no timer yet
    assert len(act.played) == 2
    s.prompt_done()
    advance(clock, 8.1)                                  # first-digit timeout of the collect
    assert act.played[-1] == (["ivr/no-input", "ivr/enter-card"], True)


def test_no_barge_in_ignores_keys_while_playing():
    ivr = {"start": "m", "menus": {"m": {"type": "menu", "prompts": ["legal"], "barge_in": False,
                                         "options": {"1": "queue:q"}}}}
    s, act, clock = session(ivr)
    s.digit("1")
    assert act.stops == 0 and act.routes == []
    s.prompt_done()
    s.digit("1")
    assert act.routes[0][:2] == ("queue", "q")


def tree_with_hours():
    return {
        "start": "hours", "holidays": ["2026-10-01", "01-01"],
        "menus": {
            "hours": {"type": "time", "holiday": "menu:closed", "default": "menu:closed",
                      "rules": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30",
                                 "goto": "menu:main"},
                                {"days": ["sat"], "from": "09:00", "to": "12:00", "goto": "queue:general:3"}]},
            "main": {"type": "menu", "prompts": ["hi"], "options": {"1": "queue:product"}},
            "closed": {"type": "play", "prompts": ["ivr/closed"], "next": "voicemail:general"},
        },
    }


def test_time_of_day_and_holiday_routing():
    cases = [
        (dt.datetime(2026, 11, 23, 8, 30), "main"),          # Monday, opening minute
        (dt.datetime(2026, 11, 23, 17, 29), "main"),
        (dt.datetime(2026, 11, 23, 17, 30), "closed"),       # closing time is exclusive
        (dt.datetime(2026, 11, 22, 10, 0), "closed"),        # Sunday
        (dt.datetime(2026, 10, 1, 10, 0), "closed"),         # a Thursday, but a holiday
        (dt.datetime(2027, 1, 1, 10, 0), "closed"),          # yearly holiday
    ]
    for when, menu in cases:
        s, act, _ = session(tree_with_hours(), when=when)
        assert s.path[:2] == ["hours", menu], when
    s, act, _ = session(tree_with_hours(), when=dt.datetime(2026, 11, 28, 10, 0))   # Saturday morning
    assert act.routes == [("queue", "general", {"ani": "13800138000", "dnis": "95105", "priority": 3,
                                                "ivr_path": ["hours", "queue:general"]})]


def test_play_node_then_voicemail_and_barge_in_carries_the_key():
    s, act, _ = session(tree_with_hours(), when=dt.datetime(2026, 11, 22, 10, 0))
    assert act.played == [(["ivr/closed"], False)]
    s.digit("1")                                         # no barge-in on this play node
    s.prompt_done()
    assert act.routes[0][:2] == ("voicemail", "general")
    ivr = {"start": "intro", "menus": {
        "intro": {"type": "play", "prompts": ["news"], "barge_in": True, "next": "menu:m"},
        "m": {"type": "menu", "prompts": ["choose"], "options": {"2": "extension:8002"}}}}
    s, act, _ = session(ivr)
    s.digit("2")                                         # skips the news and answers the menu
    assert act.stops == 1
    assert act.routes[0][:2] == ("extension", "8002")


def test_caller_lookup_dnis_entry_and_spoken_variables():
    ivr = {"start": "main", "dnis": {"95106": "who"}, "menus": {
        "who": {"type": "lookup", "table": "callers", "key": "ani", "store": "caller",
                "found": "queue:product:0", "not_found": "menu:main"},
        "main": {"type": "collect", "prompts": ["enter"], "store": "card", "max_digits": 6, "next": "menu:confirm"},
        "confirm": {"type": "play", "prompts": ["you-entered", "say-digits:card", "say-number:card"],
                    "next": "queue:product"}}}
    s, act, _ = session(ivr, ani="13900000001", dnis="95106")
    kind, target, data = act.routes[0]
    assert (kind, target, data["priority"]) == ("queue", "product", 0)
    assert data["caller"] == {"name": "VIP Ltd", "vip": True}
    s, act, _ = session(ivr, ani="13800000000", dnis="95106")
    assert s.path == ["who", "main"]
    s.prompt_done()
    keys(s, "120")
    s.digit("#")
    assert act.played[-1] == (["you-entered", "digits/1", "digits/2", "digits/0",
                               "digits/1", "digits/hundred", "digits/20"], False)


def test_failing_lookup_is_not_found_and_hangup_stops_everything():
    class Broken:
        def find(self, table, key):
            raise OSError("database gone")
    ivr = {"start": "who", "menus": {
        "who": {"type": "lookup", "table": "callers", "found": "queue:vip", "not_found": "menu:main"},
        "main": {"type": "menu", "prompts": ["hi"], "options": {"1": "queue:q"}}}}
    s, act, clock = session(ivr, lookups=Broken())
    assert s.path == ["who", "lookup-failed:callers", "main"]
    s.prompt_done()
    s.hangup()
    advance(clock, 60)
    s.digit("1")
    s.prompt_done()
    assert act.routes == [] and s.done and clock.pending() == 0
