"""`e1desk board ...`: list, show and check board profiles; import a DAHDI system.conf."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from board.profile import BoardProfile, ProfileError, builtin_profiles, load_profile, parse_profile
from board.ranges import format_ranges
from board.sysconf import import_system_conf
from firmware.errors import BadInput


def _load(name: str) -> BoardProfile:
    try:
        return load_profile(name)
    except ProfileError as exc:
        raise BadInput(exc.where, exc.reason) from None


def profile_dict(profile: BoardProfile) -> dict:
    spans = []
    for c in profile.spans:
        d = dataclasses.asdict(c)
        d["bchans"] = format_ranges(c.voice_timeslots())
        d["cas_idle"] = f"{c.cas_idle:04b}"
        spans.append(d)
    return {"name": profile.name, "description": profile.description, "source": profile.source,
            "timing_order": profile.timing_order(), "spans": spans}


def print_profile(profile: BoardProfile) -> None:
    click.echo(f"{profile.name}: {profile.description}")
    header = f"{'span':>4}  {'name':<12} {'backend':<7} {'framing':<7} {'crc4':<5} {'timing':>6}  {'role':<5} {'protocol':<9} address"
    click.echo(header)
    click.echo("-" * len(header))
    for c in profile.spans:
        click.echo(f"{c.span:>4}  {c.name:<12} {c.backend:<7} {c.framing:<7} {'yes' if c.crc4 else 'no':<5} "
                   f"{c.timing:>6}  {c.role:<5} {c.protocol:<9} {c.address}")


@click.group()
def board() -> None:
    """Board profiles: which spans the box has and how they are wired."""


@board.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def list_cmd(as_json: bool) -> None:
    """List the built-in board profiles."""
    names = builtin_profiles()
    if as_json:
        click.echo(json.dumps({"profiles": names}))
        return
    for name in names:
        profile = load_profile(name)
        click.echo(f"{name:<12} {len(profile.spans)} span(s)  {profile.description}")


@board.command("show")
@click.argument("profile")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def show_cmd(profile: str, as_json: bool) -> None:
    """Show a profile (a built-in name or a TOML file), validated."""
    loaded = _load(profile)
    if as_json:
        click.echo(json.dumps(profile_dict(loaded)))
    else:
        print_profile(loaded)


@board.command("import")
@click.argument("system_conf", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the profile TOML here.")
@click.option("--protocol", type=click.Choice(["r2-china", "r2-itu"]), default="r2-china", show_default=True,
              help="MFC/R2 variant for CAS spans (system.conf does not say).")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON instead of TOML.")
def import_cmd(system_conf: str, output: str | None, protocol: str, as_json: bool) -> None:
    """Convert a DAHDI system.conf into a board profile."""
    try:
        text = Path(system_conf).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(system_conf, str(getattr(exc, "strerror", None) or exc)) from None
    try:
        profile = import_system_conf(text, system_conf, protocol)
        parse_profile(profile.to_toml(), system_conf)  # the written form must load back
    except ProfileError as exc:
        raise BadInput(exc.where, exc.reason) from None
    if output:
        Path(output).write_text(profile.to_toml(), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(profile_dict(profile)))
    elif not output:
        click.echo(profile.to_toml(), nl=False)
    else:
        click.echo(f"wrote {output}: {len(profile.spans)} span(s)")
