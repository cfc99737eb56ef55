"""Scenario files (hil/scenarios/*.toml): who calls, which phones answer, faults, expectations.

    name = "basic call to agent"
    max_s = 90                          # line seconds the scenario may take
    seed = 1
    [box.config]                        # imported into the box before it boots (optional)
    acd = {queues = {general = {wrapup_s = 0.0}}}

    [[phones]]                          # agents' phones behind the office PBX (span 2)
    extension = "8001"                  # logs in with *1# from its own phone first
    ring_s = 1.0                        # durations: seconds, {exp = M}, {uniform = [A, B]}, {normal = [M, SD]}
    talk_s = 5.0
    wrapup_s = {uniform = [1, 3]}       # optional: then the agent dials *5# (end wrap-up)
    miss = 0.0                          # probability of letting an offered call ring out
    login = true

    [[callers]]                         # callers on the network (span 1)
    name = "alice"
    ani = "13800138000"
    dnis = "95105"
    category = "national"
    at_s = 1.0                          # after the agents logged in
    count = 1                           # > 1: ANIs count up, arrivals every_s or poisson_per_s apart
    dtmf = [[0.5, "0"]]                 # [seconds after the box answers, keys]
    patience_s = 20                     # after its last keys: hang up if no agent answered by then
    hangup_after_s = 30                 # hang up this long after the box answered, in any case
    talk_hangup_s = 8                   # hang up this long after an agent answered
    survey = "5"                        # key pressed when asked for a rating

    [[faults]]
    at_s = 10.0
    span = 1
    fault = "LOS"                       # LOS AIS RAI FAS CRC BER SLIP NOISE ABCD NO_ANSWER KILL
    duration_s = 5.0                    # ber = 1e-4 (BER); ts, bits (ABCD); restart (KILL)

    [[expect]]                          # see hil.expect for every kind
    kind = "hears"
    caller = "alice"
    prompt = "ivr/welcome"

``load_scenario(path)`` returns a Scenario or raises BadInput naming the file, the field and
the reason.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from firmware.errors import BadInput
from hil.actors import CallerSpec, Duration, PhoneSpec
from hil.expect import KINDS as EXPECT_KINDS
from hil.rig import ALL_FAULTS

SCENARIO_DIR = Path(__file__).parent / "scenarios"
TOP_KEYS = {"name", "description", "max_s", "seed", "box", "phones", "callers", "faults", "expect"}
PHONE_KEYS = {"extension", "ring_s", "talk_s", "wrapup_s", "miss", "login"}
CALLER_KEYS = {"name", "ani", "dnis", "category", "at_s", "count", "every_s", "poisson_per_s", "dtmf",
               "patience_s", "hangup_after_s", "talk_hangup_s", "survey"}
FAULT_KEYS = {"at_s", "span", "fault", "duration_s", "ber", "ts", "bits", "restart", "relogin"}


@dataclass
class FaultSpec:
    at: float
    span: int
    fault: str
    duration: float | None = None
    params: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    path: Path
    description: str = ""
    max_s: float = 120.0
    seed: int = 1
    config: dict = field(default_factory=dict)
    phones: list[PhoneSpec] = field(default_factory=list)
    callers: list[CallerSpec] = field(default_factory=list)
    faults: list[FaultSpec] = field(default_factory=list)
    expect: list[dict] = field(default_factory=list)


def find_scenario(name: str) -> Path:
    """A path, or the name of a scenario shipped in hil/scenarios (with or without .toml)."""
    path = Path(name)
    if path.is_file():
        return path
    shipped = SCENARIO_DIR / (name if name.endswith(".toml") else f"{name}.toml")
    if shipped.is_file():
        return shipped
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
    raise BadInput("SCENARIO", f"no file {name!r} and no shipped scenario of that name; shipped: {known}")


def list_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.toml"))


def load_scenario(path: Path) -> Scenario:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(str(path), f"cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(str(path), f"not valid TOML: {exc}") from None
    return parse_scenario(data, path)


def parse_scenario(data: dict, path: Path) -> Scenario:
    where = str(path)

    def bad(field_path: str, reason: str):
        return BadInput(f"{where}: {field_path}", reason)

    _keys(data, TOP_KEYS, "", bad)
    sc = Scenario(name=_get(data, "name", str, path.stem, "name", bad), path=path,
                  description=_get(data, "description", str, "", "description", bad),
                  max_s=_get(data, "max_s", (int, float), 120.0, "max_s", bad),
                  seed=_get(data, "seed", int, 1, "seed", bad))
    box = data.get("box", {})
    if not isinstance(box, dict) or set(box) - {"config"} or not isinstance(box.get("config", {}), dict):
        raise bad("box", "expected a [box.config] table only")
    sc.config = box.get("config", {})
    rng = np.random.default_rng([sc.seed, 1])     # arrivals: a stream apart from the rig's (phones)
    for n, phone in enumerate(_list(data, "phones", bad)):
        sc.phones.append(_phone(phone, f"phones[{n}]", bad))
    names = set()
    for n, caller in enumerate(_list(data, "callers", bad)):
        for spec in _callers(caller, f"callers[{n}]", bad, rng):
            if spec.name in names:
                raise bad(f"callers[{n}].name", f"{spec.name!r} is used twice")
            names.add(spec.name)
            sc.callers.append(spec)
    for n, fault in enumerate(_list(data, "faults", bad)):
        sc.faults.append(_fault(fault, f"faults[{n}]", bad))
    extensions = {p.extension for p in sc.phones}
    for n, expect in enumerate(_list(data, "expect", bad)):
        kind = expect.get("kind")
        if kind not in EXPECT_KINDS:
            raise bad(f"expect[{n}].kind", f"{kind!r} is not one of {', '.join(EXPECT_KINDS)}")
        _keys(expect, {"kind", *EXPECT_KINDS[kind]}, f"expect[{n}]", bad)
        if "caller" in expect and expect["caller"] not in names:
            raise bad(f"expect[{n}].caller", f"no caller named {expect['caller']!r}")
        if "phone" in expect and expect["phone"] not in extensions:
            raise bad(f"expect[{n}].phone", f"no phone with extension {expect['phone']!r}")
        sc.expect.append(dict(expect))
    if not sc.expect:
        raise bad("expect", "a scenario needs at least one [[expect]]")
    return sc


# -- parts ---------------------------------------------------------------------------------------
def _phone(d: dict, p: str, bad) -> PhoneSpec:
    if not isinstance(d, dict):
        raise bad(p, "expected a table")
    _keys(d, PHONE_KEYS, p, bad)
    ext = d.get("extension")
    if not isinstance(ext, str) or not ext.isdigit():
        raise bad(f"{p}.extension", f"expected the phone's extension as a string of digits, got {ext!r}")
    miss = _get(d, "miss", (int, float), 0.0, f"{p}.miss", bad)
    if not 0 <= miss <= 1:
        raise bad(f"{p}.miss", f"a probability is 0..1, got {miss}")
    return PhoneSpec(ext, ring=_duration(d, "ring_s", 1.0, p, bad), talk=_duration(d, "talk_s", 30.0, p, bad),
                     wrapup=_duration(d, "wrapup_s", None, p, bad), miss=float(miss),
                     login=_get(d, "login", bool, True, f"{p}.login", bad))


def _callers(d: dict, p: str, bad, rng) -> list[CallerSpec]:
    if not isinstance(d, dict):
        raise bad(p, "expected a table")
    _keys(d, CALLER_KEYS, p, bad)
    ani = d.get("ani")
    if not isinstance(ani, str) or not ani.isdigit() or len(ani) > 12:
        raise bad(f"{p}.ani", f"expected 1..12 digits as a string, got {ani!r}")
    dnis = _get(d, "dnis", str, "95105", f"{p}.dnis", bad)
    if not dnis.isdigit():
        raise bad(f"{p}.dnis", f"expected digits, got {dnis!r}")
    dtmf = []
    for n, step in enumerate(_get(d, "dtmf", list, [], f"{p}.dtmf", bad)):
        if not (isinstance(step, list) and len(step) == 2 and isinstance(step[0], (int, float))
                and isinstance(step[1], str) and step[1] and all(k in "0123456789*#ABCD" for k in step[1])):
            raise bad(f"{p}.dtmf[{n}]", f"expected [seconds after answer, \"keys\"], got {step!r}")
        dtmf.append((float(step[0]), step[1]))
    count = _get(d, "count", int, 1, f"{p}.count", bad)
    if count < 1:
        raise bad(f"{p}.count", "must be at least 1")
    if "every_s" in d and "poisson_per_s" in d:
        raise bad(p, "give every_s or poisson_per_s, not both")
    every = _get(d, "every_s", (int, float), 0.0, f"{p}.every_s", bad)
    rate = _get(d, "poisson_per_s", (int, float), 0.0, f"{p}.poisson_per_s", bad)
    if "poisson_per_s" in d and rate <= 0:
        raise bad(f"{p}.poisson_per_s", "an arrival rate must be > 0")
    name = _get(d, "name", str, f"caller{p}", f"{p}.name", bad)
    at = _get(d, "at_s", (int, float), 1.0, f"{p}.at_s", bad)
    optional = {key: _get(d, key, (int, float), None, f"{p}.{key}", bad)
                for key in ("patience_s", "hangup_after_s", "talk_hangup_s")}
    out = []
    for i in range(count):
        out.append(CallerSpec(
            name=name if count == 1 else f"{name}-{i + 1}", ani=str(int(ani) + i).zfill(len(ani)), dnis=dnis,
            category=_get(d, "category", str, "national", f"{p}.category", bad), at=float(at), dtmf=list(dtmf),
            patience=optional["patience_s"], hangup_after=optional["hangup_after_s"],
            talk_hangup=optional["talk_hangup_s"], survey=_get(d, "survey", str, "", f"{p}.survey", bad)))
        at += float(rng.exponential(1.0 / rate)) if rate else every
    return out


def _fault(d: dict, p: str, bad) -> FaultSpec:
    if not isinstance(d, dict):
        raise bad(p, "expected a table")
    _keys(d, FAULT_KEYS, p, bad)
    kind = str(d.get("fault", "")).upper()
    if kind not in ALL_FAULTS:
        raise bad(f"{p}.fault", f"{d.get('fault')!r} is not one of {', '.join(ALL_FAULTS)}")
    span = _get(d, "span", int, 1, f"{p}.span", bad)
    if span not in (1, 2):
        raise bad(f"{p}.span", f"the sim board has spans 1 and 2, got {span}")
    params = {}
    if kind == "BER":
        params["ber"] = _get(d, "ber", (int, float), 1e-4, f"{p}.ber", bad)
    if kind == "ABCD":
        params["ts"] = _get(d, "ts", int, 1, f"{p}.ts", bad)
        params["bits"] = _get(d, "bits", int, 0, f"{p}.bits", bad)
        if params["ts"] in (0, 16) or not 1 <= params["ts"] <= 31 or not 1 <= params["bits"] <= 15:
            raise bad(f"{p}.ts", "ts is a voice timeslot 1..31 (not 16), bits 1..15")
    if kind == "KILL":
        params["restart"] = _get(d, "restart", bool, True, f"{p}.restart", bad)
        params["relogin"] = _get(d, "relogin", bool, True, f"{p}.relogin", bad)
    duration = _get(d, "duration_s", (int, float), None, f"{p}.duration_s", bad)
    return FaultSpec(float(_get(d, "at_s", (int, float), 0.0, f"{p}.at_s", bad)), span, kind,
                     None if duration is None else float(duration), params)


def _duration(d: dict, key: str, default, p: str, bad) -> Duration | None:
    if key not in d:
        return Duration(default) if default is not None else None
    try:
        return Duration(d[key], f"{p}.{key}")
    except ValueError as exc:
        raise bad(f"{p}.{key}", str(exc).split(": ", 1)[-1]) from None


def _list(data: dict, key: str, bad) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise bad(key, f"expected an array of tables [[{key}]]")
    return value


def _keys(d: dict, allowed: set, p: str, bad) -> None:
    unknown = sorted(set(d) - set(allowed))
    if unknown:
        raise bad(f"{p}.{unknown[0]}" if p else unknown[0],
                  f"unknown key; expected one of {', '.join(sorted(allowed))}")


def _get(d: dict, key: str, types, default, p: str, bad):
    if key not in d:
        return default
    value = d[key]
    ok = isinstance(value, types) and not (isinstance(value, bool) and types is not bool and bool not in
                                           (types if isinstance(types, tuple) else (types,)))
    if not ok:
        names = "/".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise bad(p, f"expected {names}, got {value!r}")
    return value
