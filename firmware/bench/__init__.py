"""`e1desk bench NAME`: the benchmarks behind the figures of design.md section 5.

Each benchmark is a click command in its own module of this package, registered below.
Benchmarks quote medians of several runs and, where a peer is measured in the same run,
the peer's figures and the ratio.
"""
from __future__ import annotations

import click

from firmware.lazycli import LazyGroup

BENCHMARKS = {
    "framer": "firmware.bench.framer:framer",
    "dsp": "firmware.bench.dsp:dsp",
    "store": "firmware.bench.store:store",
    "r2": "firmware.bench.r2:r2",
    "acd": "firmware.acd.cli:simulate",
    "headset": "firmware.headset.bench:headset",
    "engine": "firmware.bench.engine:engine",
}


@click.group(cls=LazyGroup, lazy_subcommands=BENCHMARKS)
def bench() -> None:
    """Run a benchmark and print its figures (medians; peer ratios where a peer exists)."""
