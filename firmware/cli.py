"""The `e1desk` command tree: one click group, used on the host shell and on the serial console.

Each subcommand lives in the module that owns the feature and is imported lazily. Contract
(design.md section 3): every `--json` output is one JSON document on stdout; errors go to
stderr with exit status 2 for bad input and 1 for failures.
"""
from __future__ import annotations

import os

# The DSP's small matrix products per block run best on one BLAS thread (more threads spin
# and double the CPU used); this must be set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from firmware import __version__
from firmware.lazycli import LazyGroup

# name -> "module:click object". Add a feature's commands here, in one line.
SUBCOMMANDS = {
    "run": "firmware.daemon:run",
    "e1": "firmware.e1.cli:e1",
    "board": "board.cli:board",
    "bench": "firmware.bench:bench",
    "dsp": "firmware.dsp.cli:dsp",
    "db": "firmware.store.cli:db",
    "records": "firmware.store.cli:records",
    "r2": "firmware.signaling.cli:r2",
    "show": "firmware.console.show:show",
    "config": "firmware.store.configcli:config",
    "commit": "firmware.store.configcli:commit",
    "rollback": "firmware.store.configcli:rollback",
    "diff": "firmware.store.configcli:diff",
    "user": "firmware.console.usercli:user",
    "ticket": "firmware.store.deskcli:ticket",
    "agent": "firmware.store.deskcli:agent",
    "cards": "firmware.store.deskcli:cards",
    "report": "firmware.reports.cli:report",
    "sizing": "firmware.reports.sizing:sizing",
    "ivr": "firmware.ivr.cli:ivr",
    "acd": "firmware.acd.cli:acd",
    "voicemail": "firmware.calls.vmcli:voicemail",
    "monitor": "firmware.headset.cli:monitor", "prompt": "firmware.headset.cli:prompt",
}


@click.group(cls=LazyGroup, lazy_subcommands=SUBCOMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="e1desk")
def main() -> None:
    """e1desk: the E1 call-center box (daemon, diagnostics, records, benchmarks)."""


if __name__ == "__main__":  # pragma: no cover
    main()
