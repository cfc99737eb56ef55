"""Reports a help-desk manager reads: live wallboard and alarms, historical KPIs, exports.

Pure computation modules (nothing here runs on the real-time path):
    dataset    records of a date range (CDR, queue log, tickets) as plain call/event objects
    intervals  the time buckets of a report (15/30/60 minutes, day, week, month) in a time zone
    kpis       the KPI definitions (service level, ASA, AHT, occupancy, FCR, CSAT) and grouping
    agentlog   agent timelines from the queue log: sign-ins, state durations, wrap-up, transfers
    reports    the named reports (summary, intervals, agents, abandoned, categories, callers)
    present    a report as a terminal table with ASCII charts, as CSV, and its chart data
    charts     ASCII bar charts for a plain serial terminal
    png        PNG charts written without a plotting library (font: its 5x7 glyphs)
    wallboard  a live snapshot of the box as one screen of text
    alarms     threshold alarms over a live snapshot (service level, waits, spans, disk)
    sizing     agents and trunks needed for a load (Erlang C, Erlang B): `e1desk sizing`
    config     the ``reports`` configuration section (thresholds, time zone, alarm limits)
    cli        `e1desk report ...`
"""
