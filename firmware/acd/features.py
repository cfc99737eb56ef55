"""Feature codes agents dial on their phones, parsed from the DTMF string.

    code          action             argument
    *1[id][#]     login              agent id (none: the agent whose extension this is)
    *2            logout
    *3            ready
    *4[code][#]   not_ready          reason code from acd.reasons (none: "busy")
    *5            end_wrapup
    *6            hold               toggles hold / retrieve of the caller
    *7target#     transfer           blind: an extension, or a queue's number
    *8target#     consult            call target while the caller holds
    *9            complete_transfer  hand the caller to the consulted party
    *0            conference         caller, agent and consulted party together
    *#            end_consult        drop the consulted party, back to the caller

A trailing ``#`` ends a variable-length argument and may be left out at the end of the string.
"""
from __future__ import annotations

import re

from firmware.errors import BadInput

CODES = {
    "1": ("login", "optional"), "2": ("logout", "none"), "3": ("ready", "none"),
    "4": ("not_ready", "optional"), "5": ("end_wrapup", "none"), "6": ("hold", "none"),
    "7": ("transfer", "required"), "8": ("consult", "required"), "9": ("complete_transfer", "none"),
    "0": ("conference", "none"), "#": ("end_consult", "none"),
}
_SHAPE = re.compile(r"^\*([0-9#])([0-9]*)#?$")


def parse(digits: str) -> tuple[str, str]:
    """(action, argument) of a feature code; BadInput naming the reason if it is not one."""
    match = _SHAPE.match(digits or "")
    if not match:
        raise BadInput("feature code", f"{digits!r} is not a feature code (*N, then digits, then #)")
    key, argument = match.groups()
    action, arg_rule = CODES[key]
    if arg_rule == "none" and argument:
        raise BadInput("feature code", f"*{key} ({action}) takes no digits after it, got {argument!r}")
    if arg_rule == "required" and not argument:
        raise BadInput("feature code", f"*{key} ({action}) needs a number after it, then #")
    return action, argument
