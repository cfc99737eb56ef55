"""Variant tables, R2 options validation, and the register state machines on their own."""
from __future__ import annotations

import pytest

from firmware.signaling.options import OptionsError, R2Options
from firmware.signaling.register import BackwardRegister, ForwardRegister
from firmware.signaling.variants import CHINA, ITU, VARIANTS, get_variant


@pytest.mark.parametrize("variant", list(VARIANTS.values()), ids=list(VARIANTS))
def test_every_result_and_category_reads_back(variant):
    for meaning, signal in variant.results.items():
        assert variant.result_of(signal) == meaning
        assert 1 <= signal <= 15
    for signal, name in variant.categories.items():
        assert variant.category_signal(name) == signal
    assert variant.cd_bits in (0b01, 0b11)
    assert {"next_dnis", "change_to_b", "category"} <= set(variant.requests)


def test_design_facts_for_china():
    assert CHINA.cd_bits == 0b11 and ITU.cd_bits == 0b01
    assert (CHINA.requests["next_dnis"], CHINA.requests["category"], CHINA.requests["change_to_b"]) == (1, 6, 3)
    assert {m: CHINA.results[m] for m in ("accept_charge", "busy", "congestion", "unallocated", "accept_free")} == \
        {"accept_charge": 1, "busy": 2, "congestion": 4, "unallocated": 5, "accept_free": 7}
    assert CHINA.end_of_ani == 15
    assert get_variant("r2-china") is CHINA and get_variant("itu") is ITU


@pytest.mark.parametrize("raw, field", [
    ({"variant": "klingon"}, "r2.variant"),
    ({"max_dnis": 0}, "r2.max_dnis"),
    ({"max_ani": True}, "r2.max_ani"),
    ({"glare": "fight"}, "r2.glare"),
    ({"hunt": "middle"}, "r2.hunt"),
    ({"category": "vip"}, "r2.category"),
    ({"timers_ms": {"seize_ack": -1}}, "r2.timers_ms.seize_ack"),
    ({"timers_ms": {"coffee": 10}}, "r2.timers_ms.coffee"),
    ({"timers_ms": 5}, "r2.timers_ms"),
    ({"colour": "red"}, "r2.colour"),
    ({"ani_first": "yes"}, "r2.ani_first"),
])
def test_bad_options_name_the_field(raw, field):
    with pytest.raises(OptionsError) as info:
        R2Options.from_mapping(raw)
    assert info.value.where == field and info.value.reason


def test_options_timers_in_frames_and_defaults():
    options = R2Options.from_mapping({"variant": "china", "max_dnis": 6, "timers_ms": {"seize_ack": 2000}})
    assert options.frames("seize_ack") == 16000 and options.frames("debounce") == 160
    assert options.asks_ani_first is True and options.as_dict()["timers_ms"]["seize_ack"] == 2000
    assert options.with_timers(answer=1000).frames("answer") == 8000


def test_backward_itu_order_ani_first():
    reg = BackwardRegister(ITU, max_dnis=3, max_ani=10, ani_first=True)
    steps = [(4, ("send", 5)),          # first digit -> category request
             (1, ("send", 5)),          # category II-1 -> first ANI request (same A-5)
             (7, ("send", 5)), (15, ("send", 1)),     # ANI 7, end of ANI -> next DNIS
             (2, ("send", 1)), (10, ("send", 3)),     # DNIS 2, 0 (3 digits) -> change to B
             (1, ("offer",))]
    for signal, expected in steps:
        assert reg.on_forward(signal) == expected
    assert (reg.dnis, reg.ani, reg.calling_category) == ("420", "7", "national")
    assert reg.result_signal("busy") == 3
    with pytest.raises(ValueError, match="result"):
        BackwardRegister(CHINA, 4, 0, True).result_signal("sit")


def test_backward_china_ends_dnis_by_timeout_with_a_pulse():
    reg = BackwardRegister(CHINA, max_dnis=8, max_ani=0, ani_first=True)
    assert reg.on_forward(3) == ("send", 6)          # category request A-6
    assert reg.on_forward(1) == ("send", 1)          # no ANI asked: next DNIS
    assert reg.on_forward(5) == ("send", 1)
    assert reg.on_timeout() == ("pulse", 3)          # no more digits: change to B, pulsed
    assert reg.on_forward(1) == ("offer",)
    assert reg.dnis == "35"
    assert reg.on_forward(2)[0] == "error"


def test_forward_china_a1_is_ani_after_category_then_dnis_again():
    reg = ForwardRegister(CHINA, dnis="123", ani="45", category="national")
    assert reg.first() == 1
    assert reg.on_backward(6) == ("send", 1)         # category
    assert reg.on_backward(1) == ("send", 4)         # A-1 now means ANI
    assert reg.on_backward(1) == ("send", 5)
    assert reg.on_backward(1) == ("send", 15)        # end of ANI
    assert reg.on_backward(1) == ("send", 2)         # A-1 means DNIS again
    assert reg.on_backward(1) == ("send", 3)
    assert reg.on_backward(1) == ("wait",)           # China has no end-of-DNIS signal
    assert reg.on_backward(3) == ("send", 1)         # change to B: category again
    assert reg.on_backward(2) == ("failed", "busy")


def test_forward_itu_resends_an_earlier_digit_and_rejects_nonsense():
    reg = ForwardRegister(ITU, dnis="987", ani="", category="national")
    reg.first()
    assert reg.on_backward(1) == ("send", 8)
    assert reg.on_backward(2) == ("send", 9)         # the last but one digit again
    assert reg.on_backward(1) == ("send", 8)
    assert reg.on_backward(6) == ("accepted", "accept_charge")   # accepted in group A
    assert ForwardRegister(ITU, "1", "", "national").on_backward(11)[0] == "error"
    with pytest.raises(ValueError, match="digit"):
        ForwardRegister(ITU, "12a", "", "national")
    with pytest.raises(ValueError, match="category"):
        ForwardRegister(ITU, "12", "", "vip")
