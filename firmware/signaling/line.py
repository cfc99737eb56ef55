"""Q.421 line signals as AB bits, and the channel states that use them (see channel.py)."""
from __future__ import annotations

IDLE, SEIZE, SEIZE_ACK, ANSWER = 0b10, 0b00, 0b11, 0b01
CLEAR_BACK = BLOCKED = SEIZE_ACK
CLEAR_FORWARD = IDLE
FWD_NAMES = {0b10: "idle/clear-forward", 0b00: "seize", 0b01: "illegal 01", 0b11: "illegal 11"}
BWD_NAMES = {0b10: "idle", 0b11: "seize-ack/clear-back/blocked", 0b01: "answer", 0b00: "forced release"}

INCOMING = ("in_register", "in_offered", "in_accepted", "in_answered")
OUTGOING = ("out_seizing", "out_register", "out_accepted", "out_answered")
