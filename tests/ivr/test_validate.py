"""Validation of the ivr section: the default tree passes, every error names its field path."""
from __future__ import annotations

import copy

import pytest

from firmware.ivr import config as ivr_config
from firmware.ivr.say import say_digits, say_number
from firmware.ivr.validate import problems
from firmware.store import config as store_config


def tree(**menus):
    section = copy.deepcopy(ivr_config.IVR_DEFAULTS)
    for name, node in menus.items():
        if node is None:
            del section["menus"][name]
        else:
            section["menus"][name] = node
    return section


def main_with(**changes):
    section = copy.deepcopy(ivr_config.IVR_DEFAULTS)
    section["menus"]["main"].update(changes)
    return section


def test_default_tree_is_valid_registered_and_uses_the_acd_queues():
    from firmware.acd.config import ACD_DEFAULTS
    assert problems(ivr_config.IVR_DEFAULTS, queues=ACD_DEFAULTS["queues"]) == []
    assert store_config.SECTIONS["ivr"].defaults == ivr_config.IVR_DEFAULTS
    assert store_config.validate({"ivr": ivr_config.IVR_DEFAULTS}) == []


@pytest.mark.parametrize("section, path, reason", [
    (main_with(options={"1": "menu:product_card", "3": "menu:sales", "0": "queue:general"}),
     "ivr.menus.main.options.3", "no menu named 'sales'"),
    (main_with(options={"10": "hangup", "1": "menu:product_card"}), "ivr.menus.main.options.10", "single keys"),
    (main_with(options={"1": "menu:product_card", "2": "dial:123"}), "ivr.menus.main.options.2", "is not a target"),
    (main_with(options={"1": "menu:product_card", "2": "queue:q:12"}), "ivr.menus.main.options.2", "priority"),
    (main_with(options={"1": "menu:product_card", "2": "extension:8a"}), "ivr.menus.main.options.2", "digits"),
    (main_with(retries=0), "ivr.menus.main.retries", "out of range 1..10"),
    (main_with(timeout_s="5"), "ivr.menus.main.timeout_s", "number of seconds"),
    (main_with(volume=3), "ivr.menus.main.volume", "unknown field for a menu node"),
    (main_with(prompts=["hello", "say-digits:pin"]), "ivr.menus.main.prompts.1", "no variable 'pin'"),
    (main_with(prompts=["say-words:ani"]), "ivr.menus.main.prompts.0", "say-digits:VARIABLE"),
    (main_with(type="form"), "ivr.menus.main.type", "expected one of"),
    (tree(product_card={"type": "collect", "store": "card", "min_digits": 8, "max_digits": 6,
                        "next": "queue:product"}), "ivr.menus.product_card.min_digits", "more than max_digits"),
    (tree(product_card={"type": "collect", "next": "queue:product"}), "ivr.menus.product_card.store", "must name"),
    (tree(product_card={"type": "collect", "store": "c", "terminator": "5"}), "ivr.menus.product_card.terminator", ""),
    (tree(old={"type": "play", "prompts": ["x"]}), "ivr.menus.old", "unreachable"),
    (tree(product_card={"type": "play", "prompts": ["x"], "next": "menu:check"},
          check={"type": "lookup", "table": "cards", "found": "menu:product_card", "not_found": "hangup"}),
     "ivr.menus.check", "loop without input: check -> product_card -> check"),
    (tree(product_card={"type": "time", "rules": [{"days": ["mon"], "from": "18:00", "to": "08:00",
                                                   "goto": "hangup"}]}),
     "ivr.menus.product_card.rules.0.to", "later than from"),
    (tree(product_card={"type": "time", "rules": [{"days": ["monday"], "from": "08:00", "to": "18:00",
                                                   "goto": "hangup"}]}),
     "ivr.menus.product_card.rules.0.days", "expected a list of mon"),
    (tree(product_card={"type": "time", "rules": [{"days": ["mon"], "from": "8h", "to": "18:00",
                                                   "goto": "hangup"}]}),
     "ivr.menus.product_card.rules.0.from", "HH:MM"),
    ({**ivr_config.IVR_DEFAULTS, "start": "welcome"}, "ivr.start", "no menu named 'welcome'"),
    ({**ivr_config.IVR_DEFAULTS, "holidays": ["2026-13-01"]}, "ivr.holidays.0", "YYYY-MM-DD"),
    ({**ivr_config.IVR_DEFAULTS, "dnis": {"95105": "nowhere"}}, "ivr.dnis.95105", "no menu named"),
    ({**ivr_config.IVR_DEFAULTS, "menus": {}}, "ivr.menus", "at least one menu"),
    ({**ivr_config.IVR_DEFAULTS, "colour": 1}, "ivr.colour", "unknown field"),
])
def test_errors_name_the_field_and_reason(section, path, reason):
    found = problems(section)
    assert path in [e.path for e in found], found
    assert reason in next(e.reason for e in found if e.path == path)
    assert store_config.validate({"ivr": section})[0].path == found[0].path


def test_queue_targets_checked_against_the_acd_queues():
    found = problems(ivr_config.IVR_DEFAULTS, queues={"product", "general"})
    assert [(e.path, e.reason) for e in found] == [
        ("ivr.menus.main.options.2", "no queue named 'outsourced' in acd.queues")]


def test_all_problems_are_listed_at_once():
    section = main_with(retries=0, timeout_s=0)
    assert {e.path for e in problems(section)} == {"ivr.menus.main.retries", "ivr.menus.main.timeout_s"}


def test_say_number_and_digits():
    assert say_number(0) == ["digits/0"]
    assert say_number(7) == ["digits/7"]
    assert say_number(20) == ["digits/20"]
    assert say_number(45) == ["digits/40", "digits/5"]
    assert say_number(100) == ["digits/1", "digits/hundred"]
    assert say_number(2019) == ["digits/2", "digits/thousand", "digits/19"]
    assert say_number(1_250_300) == ["digits/1", "digits/million", "digits/2", "digits/hundred", "digits/50",
                                     "digits/thousand", "digits/3", "digits/hundred"]
    assert say_number(-3) == ["digits/minus", "digits/3"]
    assert say_digits("10*#") == ["digits/1", "digits/0", "digits/star", "digits/pound"]
    with pytest.raises(ValueError, match="only 0-9"):
        say_digits("12a")
