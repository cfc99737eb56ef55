"""The software E1 framer (G.704/G.706 on raw octet streams) and its offline tools.

framer.py      FramerConfig, E1Port (transmitter + receiver wired together) — the API
transmitter.py voice -> framed octets (TS0, CRC-4, CAS/HDLC in TS16)
receiver.py    raw octets at any alignment -> aligned voice, ABCD, HDLC, alarms, counters, events
ts0.py, cas.py, crc4.py, hdlc.py, linecheck.py, alarms.py   the standards' pieces
accel.py, e1accel.c, _build.py   optional C helper for the steady path (same results as numpy)
synth.py, decode.py, capture.py, cli.py   synthetic lines, `e1desk e1 decode/gen`, .e1 capture writer
"""
