"""The acd configuration section and agent records: defaults valid, errors name the field."""
from __future__ import annotations

import copy

import pytest

from firmware.acd import config as acd_config
from firmware.acd.engine import Acd
from firmware.store import config as store_config
from firmware.store.config import ConfigError
from tests.acd.helpers import make_clock


def with_queue(**fields):
    section = copy.deepcopy(acd_config.ACD_DEFAULTS)
    section["queues"]["product"].update(fields)
    return section


def test_defaults_are_valid_and_registered():
    acd_config.validate_acd(acd_config.ACD_DEFAULTS)
    assert store_config.SECTIONS["acd"].defaults == acd_config.ACD_DEFAULTS
    assert store_config.validate({"acd": acd_config.ACD_DEFAULTS}) == []
    acd = Acd(acd_config.ACD_DEFAULTS, make_clock(), agents=acd_config.DEFAULT_AGENTS)
    assert len(acd.agents) == 10 and set(acd.queues) == {"product", "outsourced", "general"}


@pytest.mark.parametrize("section, path, reason", [
    (with_queue(strategy="fastest"), "acd.queues.product.strategy", "unknown value 'fastest'"),
    (with_queue(overflow_to="sales"), "acd.queues.product.overflow_to", "no queue named 'sales'"),
    (with_queue(overflow_to="product"), "acd.queues.product.overflow_to", "cannot overflow to itself"),
    (with_queue(overflow_s=400.0), "acd.queues.product.overflow_s", "shorter than max_wait_s"),
    (with_queue(number="600"), "acd.queues.general.number", "already queue 'product'"),
    (with_queue(priority=12), "acd.queues.product.priority", "out of range 0..9"),
    (with_queue(colour="red"), "acd.queues.product.colour", "unknown field"),
    (with_queue(ring_timeout_s=0), "acd.queues.product.ring_timeout_s", "out of range"),
    (with_queue(periodic_prompts="hold"), "acd.queues.product.periodic_prompts", "list of prompt names"),
    ({**acd_config.ACD_DEFAULTS, "ports": 0}, "acd.ports", "out of range"),
    ({**acd_config.ACD_DEFAULTS, "reasons": {"x": "lunch"}}, "acd.reasons.x", "1 or 2 digits"),
    ({**acd_config.ACD_DEFAULTS, "queues": {}}, "acd.queues", "at least one queue"),
    ({**acd_config.ACD_DEFAULTS, "queues": {"Sales Team": {}}}, "acd.queues.Sales Team", "lower-case"),
])
def test_bad_sections_name_the_field(section, path, reason):
    with pytest.raises(ConfigError) as info:
        acd_config.validate_acd(section)
    assert info.value.path == path
    assert reason in info.value.reason
    assert [e.path for e in store_config.validate({"acd": section})] == [path]


@pytest.mark.parametrize("records, path, reason", [
    ([{"agent": "", "extension": "8001"}], "agents.agent", "needs an id"),
    ([{"agent": "a", "extension": "80x"}], "agents.a.extension", "digit extension"),
    ([{"agent": "a", "extension": "8001"}, {"agent": "a", "extension": "8002"}], "agents.a", "duplicate"),
    ([{"agent": "a", "extension": "8001"}, {"agent": "b", "extension": "8001"}], "agents.b.extension", "already"),
    ([{"agent": "a", "extension": "8001", "skills": {"product": 0}}], "agents.a.skills.product", "out of range 1..9"),
])
def test_bad_agent_records_name_the_field(records, path, reason):
    with pytest.raises(ConfigError) as info:
        acd_config.check_agents(records)
    assert (info.value.path, reason in info.value.reason) == (path, True)
