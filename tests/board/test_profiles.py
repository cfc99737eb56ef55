"""Board profiles and system.conf import: good files load, bad ones name the place and reason."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from board.profile import ProfileError, builtin_profiles, load_profile, parse_profile
from board.ranges import format_ranges, parse_ranges
from board.sysconf import import_system_conf
from firmware.cli import main

GOOD = """
name = "t"
[[span]]
span = 1
backend = "e1raw"
address = "unix:/tmp/x"
"""


def test_every_builtin_profile_loads_and_round_trips():
    assert "sim" in builtin_profiles()
    for name in builtin_profiles():
        profile = load_profile(name)
        again = parse_profile(profile.to_toml(), name)
        assert again.spans == profile.spans


def test_sim_profile_is_two_e1raw_spans_trunk_and_pbx():
    sim = load_profile("sim")
    assert [(c.span, c.backend, c.role) for c in sim.spans] == [(1, "e1raw", "trunk"), (2, "e1raw", "pbx")]
    assert sim.timing_order() == [1, 2]
    assert sim.span(1).voice_timeslots() == list(range(1, 16)) + list(range(17, 32))
    assert "{run}" not in sim.with_runtime_dir("/r").span(2).address


@pytest.mark.parametrize("change, where, reason", [
    ('framing = "esf"', "span[0].framing", "not one of"),
    ("timing = -1", "span[0].timing", "outside"),
    ('bchans = "1-16"', "span[0].bchans", "carries signalling"),
    ('bchans = "15-1"', "span[0].bchans", "backwards"),
    ("crc4 = 1", "span[0].crc4", "must be bool"),
    ('cas_idle = "0000"', "span[0].cas_idle", "not 0000"),
    ("dchan = 16", "span[0].dchan", "only a ccs span"),
    ('colour = "red"', "span[0].colour", "unknown key"),
    ('protocol = "pri-net"', "span[0].protocol", "does not run on a cas span"),
])
def test_bad_field_is_named_with_reason(change, where, reason):
    with pytest.raises(ProfileError) as info:
        parse_profile(GOOD + change + "\n", "f.toml")
    assert info.value.where == f"f.toml: {where}"
    assert reason in info.value.reason


def test_bad_toml_duplicate_span_and_bad_address():
    with pytest.raises(ProfileError, match="not valid TOML"):
        parse_profile("name = ", "f.toml")
    with pytest.raises(ProfileError, match="used twice"):
        parse_profile(GOOD + GOOD.replace('name = "t"', "").replace("/tmp/x", "/tmp/y"), "f.toml")
    with pytest.raises(ProfileError, match="unix:PATH or tcp:HOST:PORT"):
        parse_profile(GOOD.replace("unix:/tmp/x", "tcp:nowhere"), "f.toml")


def test_ranges_round_trip():
    assert parse_ranges("1-15,17-31") == [*range(1, 16), *range(17, 32)]
    assert format_ranges([1, 2, 3, 5, 7, 8]) == "1-3,5,7-8"
    with pytest.raises(ValueError):
        parse_ranges("1-40")


SYSTEM_CONF = """
# an R2 box with one PRI span
span=1,1,0,cas,hdb3
span=2,2,0,ccs,hdb3,crc4
cas=1-15:1101
cas=17-31:1101
dchan=16          # OpenR2 configs often say this for CAS spans too
bchan=32-46,48-62
dchan=47
alaw=1-62
loadzone=cn
defaultzone=cn
"""


def test_system_conf_import():
    profile = import_system_conf(SYSTEM_CONF, "system.conf")
    one, two = profile.spans
    assert (one.framing, one.protocol, one.cas_idle, one.timing) == ("cas", "r2-china", 0b1101, 1)
    assert one.voice_timeslots() == [*range(1, 16), *range(17, 32)]
    assert (two.framing, two.dchan, two.crc4, two.protocol) == ("ccs", 16, True, "pri-cpe")
    assert two.voice_timeslots() == [*range(1, 16), *range(17, 32)]
    assert parse_profile(profile.to_toml()).spans == profile.spans


@pytest.mark.parametrize("text, line, reason", [
    ("span=1,1,0,esf,b8zs\n", 1, "cas or ccs"),
    ("span=1,1,0,cas,hdb3\ncas=1-15:0000\n", 2, "four bits"),
    ("span=1,1,0,cas,hdb3\nbchan=40\n", 2, "outside"),
    ("span=1,1,0,cas,hdb3\nspan=1,0,0,cas,hdb3\n", 2, "defined twice"),
    ("span=1,1,0,cas,hdb3\nfrobnicate=1\n", 2, "unknown setting"),
    ("span=1,1,0,cas\n", 1, "span,timing,lbo"),
    ("span=1,1,0,cas,hdb3\ncas=1-16:1101\n", 1, "timeslot 16"),
])
def test_bad_system_conf_names_line_and_reason(text, line, reason):
    with pytest.raises(ProfileError) as info:
        import_system_conf(text, "system.conf")
    assert info.value.where == f"system.conf:{line}"
    assert reason in info.value.reason


def test_board_cli_import_and_errors(tmp_path):
    conf = tmp_path / "system.conf"
    conf.write_text(SYSTEM_CONF)
    out = tmp_path / "board.toml"
    runner = CliRunner()
    result = runner.invoke(main, ["board", "import", str(conf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(main, ["board", "show", str(out), "--json"])
    assert shown.exit_code == 0
    assert [s["framing"] for s in json.loads(shown.output)["spans"]] == ["cas", "ccs"]
    conf.write_text("span=1,1,0,cas,hdb3\nbogus=3\n")
    bad = runner.invoke(main, ["board", "import", str(conf)])
    assert bad.exit_code == 2
    assert "system.conf:2" in bad.output and "unknown setting" in bad.output
    missing = runner.invoke(main, ["board", "show", "no-such-board"])
    assert missing.exit_code == 2 and "no such board profile" in missing.output


def test_r2_settings_are_validated_and_kept():
    good = GOOD.replace('address = "unix:/tmp/x"', 'address = "unix:/tmp/x"\nprotocol = "r2-itu"') + "[span.r2]\nmax_ani = 12\n"
    profile = parse_profile(good, "f.toml")
    assert profile.spans[0].r2 == {"max_ani": 12}
    assert parse_profile(profile.to_toml()).spans == profile.spans
    with pytest.raises(ProfileError) as info:
        parse_profile(good.replace("max_ani = 12", "max_ani = 99"), "f.toml")
    assert info.value.where == "f.toml: span[0].r2.max_ani"
    with pytest.raises(ProfileError, match="comes from the span's protocol"):
        parse_profile(good.replace("max_ani = 12", 'variant = "china"'), "f.toml")
