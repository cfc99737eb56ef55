"""Bad scenario files are refused with the file, the field and the reason, before a box starts."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from firmware.errors import BadInput
from hil.scenario import load_scenario

GOOD = """
name = "t"
[[phones]]
extension = "8001"
[[callers]]
name = "a"
ani = "13800138000"
dtmf = [[0.5, "0"]]
[[expect]]
kind = "connected"
caller = "a"
"""


def write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


def test_a_good_file_parses(tmp_path):
    sc = load_scenario(write(tmp_path, GOOD))
    assert [c.ani for c in sc.callers] == ["13800138000"] and sc.phones[0].extension == "8001"


@pytest.mark.parametrize("change, field, reason", [
    (("[[callers]]", "[[callers]]\ncolour = 1"), "callers[0].colour", "unknown key"),
    (('ani = "13800138000"', 'ani = "13x"'), "callers[0].ani", "digits"),
    (('dtmf = [[0.5, "0"]]', 'dtmf = [[0.5, "Z"]]'), "callers[0].dtmf[0]", "keys"),
    (('extension = "8001"', 'extension = "8001"\ntalk_s = {gamma = 3}'), "phones[0].talk_s", "exp"),
    (('extension = "8001"', 'extension = "8001"\nmiss = 1.5'), "phones[0].miss", "0..1"),
    (('kind = "connected"', 'kind = "telepathy"'), "expect[0].kind", "not one of"),
    (('caller = "a"\n', 'caller = "zed"\n'), "expect[0].caller", "no caller named"),
    (("[[expect]]", "[[faults]]\nfault = \"EARTHQUAKE\"\n[[expect]]"), "faults[0].fault", "not one of"),
    (("[[expect]]", "[[faults]]\nfault = \"LOS\"\nspan = 7\n[[expect]]"), "faults[0].span", "spans 1 and 2"),
])
def test_bad_fields_are_named(tmp_path, change, field, reason):
    with pytest.raises(BadInput) as info:
        load_scenario(write(tmp_path, GOOD.replace(*change, 1)))
    assert info.value.where.endswith(field) and reason in info.value.reason


def test_not_toml_and_generated_callers(tmp_path):
    with pytest.raises(BadInput, match="not valid TOML"):
        load_scenario(write(tmp_path, "name = \n"))
    text = GOOD.replace('name = "a"', 'name = "a"\ncount = 3\npoisson_per_s = 0.5').replace('caller = "a"', 'caller = "a-2"')
    sc = load_scenario(write(tmp_path, text))
    assert [c.ani for c in sc.callers] == ["13800138000", "13800138001", "13800138002"]
    assert sc.callers[0].at < sc.callers[1].at < sc.callers[2].at


def test_cli_exit_2_and_lists_shipped(tmp_path):
    bad = write(tmp_path, GOOD.replace('kind = "connected"', 'kind = "x"'))
    done = subprocess.run([sys.executable, "-m", "hil.cli", "run", str(bad), "--json"], capture_output=True, text=True)
    assert done.returncode == 2 and "expect[0].kind" in done.stderr
    done = subprocess.run([sys.executable, "-m", "hil.cli", "scenarios", "--json"], capture_output=True, text=True)
    assert done.returncode == 0 and len(json.loads(done.stdout)) >= 6
