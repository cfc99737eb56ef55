"""The configuration sections this package owns (spans, users, retention, console), and the
small checkers every section's validator can use so that messages name the field path.
"""
from __future__ import annotations

from firmware.store.config import ConfigError, register_section


# -- checkers: each raises ConfigError naming the path ------------------------------------------
def check_keys(section: dict, allowed, path: str) -> None:
    for key in section:
        if key not in allowed:
            raise ConfigError(f"{path}.{key}", f"unknown field; expected one of {', '.join(sorted(allowed))}")


def check_int(value, path: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(path, f"expected an integer, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(path, f"{value} out of range {low}..{high}")
    return value


def check_number(value, path: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ConfigError(path, f"expected a number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(path, f"{value} out of range {low}..{high}")
    return value


def check_bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(path, f"expected true or false, got {value!r}")
    return value


def check_choice(value, path: str, choices) -> str:
    if value not in choices:
        raise ConfigError(path, f"unknown value {value!r}; expected one of {', '.join(choices)}")
    return value


def check_str(value, path: str, max_len: int = 256) -> str:
    if not isinstance(value, str):
        raise ConfigError(path, f"expected text, got {value!r}")
    if len(value) > max_len:
        raise ConfigError(path, f"too long ({len(value)} > {max_len} characters)")
    return value


# -- spans ----------------------------------------------------------------------------------------
SPAN_FIELDS = {"name", "framing", "crc4", "line_code", "timing", "role", "signaling"}
SIGNALING = ("r2_china", "r2_itu", "pri_net", "pri_cpe", "none")


def validate_spans(section: dict) -> None:
    for key, span in section.items():
        path = f"spans.{key}"
        if not key.isdigit() or not 1 <= int(key) <= 64:
            raise ConfigError(path, "span keys are span numbers 1..64")
        if not isinstance(span, dict):
            raise ConfigError(path, "must be a table")
        check_keys(span, SPAN_FIELDS, path)
        for name, value in span.items():
            p = f"{path}.{name}"
            if name == "framing":
                check_choice(value, p, ("cas", "ccs", "none"))
            elif name == "line_code":
                check_choice(value, p, ("hdb3", "ami"))
            elif name == "crc4":
                check_bool(value, p)
            elif name == "timing":
                check_int(value, p, 0, 64)
            elif name == "role":
                check_choice(value, p, ("trunk", "pbx"))
            elif name == "signaling":
                check_choice(value, p, SIGNALING)
            else:
                check_str(value, p, 64)
        if span.get("framing") == "none" and span.get("signaling") not in (None, "none"):
            raise ConfigError(f"{path}.signaling", "PCM31 (framing none) has no signalling timeslot")


# -- users (password policy; the accounts are the users table) --------------------------------------
USERS = {"min_password_length": 8}


def validate_users(section: dict) -> None:
    check_keys(section, USERS, "users")
    for name, value in section.items():
        check_int(value, f"users.{name}", 4, 128)


# -- retention (days; 0 keeps forever) ------------------------------------------------------------
RETENTION = {"cdr": 730, "queue_log": 730, "tickets": 1825, "recordings": 90, "voicemail": 30,
             "audit": 1825, "purge_interval_s": 3600}


def validate_retention(section: dict) -> None:
    check_keys(section, RETENTION, "retention")
    for name, value in section.items():
        if name == "purge_interval_s":
            check_int(value, "retention.purge_interval_s", 60, 86400)
        else:
            check_int(value, f"retention.{name}", 0, 36500)


# -- console ----------------------------------------------------------------------------------------
CONSOLE = {"idle_timeout_s": 600, "max_failures": 5, "lockout_s": 900, "backoff_s": 1.0,
           "backoff_max_s": 30.0, "page_lines": 24, "color": True, "banner": "e1desk call-center box"}


def validate_console(section: dict) -> None:
    check_keys(section, CONSOLE, "console")
    limits = {"idle_timeout_s": (10, 86400), "max_failures": (1, 100), "lockout_s": (0, 86400),
              "page_lines": (0, 1000)}
    for name, value in section.items():
        path = f"console.{name}"
        if name in limits:
            check_int(value, path, *limits[name])
        elif name in ("backoff_s", "backoff_max_s"):
            check_number(value, path, 0, 3600)
        elif name == "color":
            check_bool(value, path)
        else:
            check_str(value, path, 200)


register_section("spans", {}, validate_spans)
register_section("users", USERS, validate_users)
register_section("retention", RETENTION, validate_retention)
register_section("console", CONSOLE, validate_console)
