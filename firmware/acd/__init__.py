"""Automatic call distribution: queues, agents, strategies, announcements, live statistics.

Pure logic driven by events and the line clock (firmware.clock.LineClock); no telephony I/O.
``Acd(config, clock, listener, agents)`` (firmware.acd.engine) is the entry point; the
listener (firmware.acd.listener.AcdListener) receives what the call layer must do.
firmware.acd.erlang holds Erlang B / Erlang C for sizing and for checking the ACD.
"""
