"""MFC/R2 signalling on CAS spans: Q.421 line and Q.441 register state machines, variant
tables (ITU, China No.1, ...), the call interface for the layers above, per-call traces.

    from firmware.signaling import R2Span, R2Options
    r2 = R2Span(span, R2Options.from_mapping({"variant": "china", "max_dnis": 4}), listener)
    engine.add_handler(r2)                  # or r2.process(rx_block, tx_voice) per block
"""
from firmware.signaling.calls import Call
from firmware.signaling.options import OptionsError, R2Options
from firmware.signaling.span import NoChannel, R2Span

__all__ = ["Call", "NoChannel", "OptionsError", "R2Options", "R2Span"]
