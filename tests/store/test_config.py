"""Configuration: sections, candidate, validation naming the field, commit, rollback, TOML."""
import tomllib

import pytest
from hypothesis import given, settings, strategies as st

from firmware.store import tomlwrite
from firmware.store.config import ConfigError, ConfigInvalid, SECTIONS, parse_value, register_section


@pytest.fixture
def queues_section():
    def validate(section):
        for name, queue in section.items():
            strategy = queue.get("strategy")
            if strategy not in ("ringall", "leastrecent"):
                raise ConfigError(f"queues.{name}.strategy",
                                  f"unknown strategy {strategy!r}; expected one of ringall, leastrecent")
    register_section("queues", {"support": {"strategy": "ringall"}}, validate)
    yield
    SECTIONS.pop("queues")


def test_running_config_starts_as_defaults(store):
    cfg = store.config
    assert cfg.running_rev() == 0
    assert cfg.running()["retention"]["cdr"] == 730
    assert cfg.running()["console"]["max_failures"] == 5


def test_commit_makes_a_revision_with_who_and_what(store):
    cfg = store.config
    cfg.set("ann", "retention.cdr", 400)
    cfg.set("ann", "spans.1.framing", "ccs")
    rev = cfg.commit("ann", "keep less")
    assert rev == 1 and cfg.running()["retention"]["cdr"] == 400
    last = cfg.revisions()[-1]
    assert (last["user"], last["message"], last["changes"]) == ("ann", "keep less", ["retention.cdr", "spans.1"])
    audit = [r for r in store.records("audit") if r["action"] == "config.commit"]
    assert audit and audit[0]["user"] == "ann" and "retention.cdr" in audit[0]["detail"]
    assert not cfg.has_candidate("ann")


def test_invalid_candidate_applies_nothing_and_names_every_field(store, queues_section):
    cfg = store.config
    cfg.set("bob", "retention.cdr", 500)
    cfg.set("bob", "queues.support.strategy", "fastest")
    cfg.set("bob", "console.colour", True)
    with pytest.raises(ConfigInvalid) as err:
        cfg.commit("bob")
    paths = [e.path for e in err.value.errors]
    assert "queues.support.strategy" in paths and "console.colour" in paths
    assert "expected one of ringall, leastrecent" in str(err.value)
    assert cfg.running_rev() == 0 and cfg.running()["retention"]["cdr"] == 730
    assert cfg.has_candidate("bob")                       # the work is kept to be fixed


def test_unknown_section_and_bad_paths(store):
    with pytest.raises(ConfigError, match="unknown section"):
        store.config.set("ann", "nosuch.field", 1)
    with pytest.raises(ConfigError) as err:
        store.config.set("ann", "retention..cdr", 1)
    assert "dotted path" in err.value.reason


def test_rollback_creates_a_new_revision_equal_to_the_old(store):
    cfg = store.config
    cfg.set("ann", "retention.cdr", 100)
    cfg.commit("ann")
    cfg.set("ann", "retention.cdr", 200)
    cfg.commit("ann")
    rev = cfg.rollback("ann", 1)
    assert rev == 3 and cfg.running()["retention"]["cdr"] == 100
    assert cfg.revisions()[-1]["kind"] == "rollback"
    with pytest.raises(ConfigError, match="no revision 9"):
        cfg.rollback("ann", 9)


def test_unset_restores_default(store):
    cfg = store.config
    cfg.set("ann", "retention.audit", 10)
    cfg.unset("ann", "retention.audit")
    assert cfg.candidate("ann")["retention"]["audit"] == 1825


def test_toml_export_import_round_trip(store):
    cfg = store.config
    cfg.set("ann", "spans.2.name", 'office "B"')
    cfg.commit("ann")
    text = cfg.export_toml()
    assert tomllib.loads(text) == cfg.running()
    assert cfg.import_toml("bob", text.replace("cdr = 730", "cdr = 31")) == []
    assert cfg.candidate("bob")["retention"]["cdr"] == 31


def test_bad_toml_names_the_line(store):
    with pytest.raises(ConfigError) as err:
        store.config.import_toml("ann", "[retention]\ncdr = = 3\n")
    assert "line 2" in str(err.value)


def test_parse_value_reads_toml_or_keeps_text():
    assert parse_value("3") == 3 and parse_value("true") is True
    assert parse_value("[1, 2]") == [1, 2] and parse_value("ringall") == "ringall"


keys = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
scalars = st.one_of(st.integers(-2**63, 2**63 - 1), st.booleans(),
                    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
                    st.floats(allow_nan=False))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(scalars, max_size=3),
                                                       st.dictionaries(keys, inner, max_size=3)), max_leaves=8)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(keys, values, max_size=4))
def test_toml_writer_round_trips(config):
    assert tomllib.loads(tomlwrite.dumps(config)) == config


def test_toml_writer_refuses_none_naming_the_key():
    with pytest.raises(ValueError, match="a.b"):
        tomlwrite.dumps({"a": {"b": None}})
