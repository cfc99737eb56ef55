"""`e1desk e1 ...`: offline tools for raw E1 captures (decode a .e1 file, generate one)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from firmware.errors import BadInput


@click.group()
def e1() -> None:
    """Raw E1 line tools: decode captures (.e1), generate synthetic ones."""


@e1.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--signalling", type=click.Choice(["cas", "ccs", "none"]), default="cas", show_default=True,
              help="What TS16 carries (cas: report ABCD bits when a CAS multiframe is found).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (the contract's keys).")
def decode(file: Path, signalling: str, as_json: bool) -> None:
    """Analyse FILE.e1, a raw one-direction E1 capture: alignment, CRC-4, alarms, events, ABCD."""
    from firmware.e1.decode import decode_stream
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise BadInput(str(file), "no such file") from None
    except OSError as exc:
        raise BadInput(str(file), f"cannot read: {exc.strerror or exc}") from None
    if len(data) < 32:
        raise BadInput(str(file), f"{len(data)} octets, shorter than one E1 frame (32 octets)")
    result = decode_stream(data, signalling)
    if as_json:
        click.echo(json.dumps(result))
        return
    rows = [("file", str(file)), ("frames", result["frames"]), ("aligned", result["aligned"]),
            ("align_offset", result["align_offset"]), ("crc4", result["crc4"]),
            ("crc4_errors", result["crc4_errors"]), ("fas_errors", result["fas_errors"]),
            ("ebit_errors", result["ebit_errors"]), ("alarms", ", ".join(result["alarms"]) or "none")]
    for key, value in rows:
        click.echo(f"{key:<14}{value}")
    if result["cas"]:
        click.echo("cas           " + " ".join(f"{ts}:{bits}" for ts, bits in result["cas"].items()))
    click.echo(f"events        {len(result['events'])}")
    for event in result["events"][:50]:
        click.echo(f"  frame {event['frame']:>9}  {event['event']}")
    if len(result["events"]) > 50:
        click.echo(f"  ... {len(result['events']) - 50} more (use --json)")


def _parse_abcd(values: tuple[str, ...]) -> dict[int, int]:
    abcd = {}
    for item in values:
        try:
            ts_text, bits_text = item.split("=")
            timeslot, bits = int(ts_text), int(bits_text, 2)
        except ValueError:
            raise BadInput("--abcd", f"{item!r} is not TS=BITS (e.g. 1=1101)") from None
        abcd[timeslot] = bits
    return abcd


@e1.command()
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--frames", type=click.IntRange(min=1), default=8000, show_default=True, help="Frames to write.")
@click.option("--crc4/--no-crc4", default=False, show_default=True, help="Send the CRC-4 multiframe.")
@click.option("--signalling", type=click.Choice(["cas", "ccs", "none"]), default="cas", show_default=True,
              help="What TS16 carries.")
@click.option("--offset", type=click.IntRange(0, 31), default=0, show_default=True,
              help="Junk octets before the first frame (the decoder's align_offset).")
@click.option("--ber", type=float, default=0.0, show_default=True, help="Random bit error ratio applied to the line.")
@click.option("--ais", is_flag=True, help="Send AIS (all ones) instead of frames.")
@click.option("--rai", is_flag=True, help="Send the A bit (remote alarm indication).")
@click.option("--abcd", multiple=True, metavar="TS=BITS", help="ABCD bits of a CAS timeslot, e.g. 1=0001 (repeatable).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the voice and error generator.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def gen(file: Path, frames: int, crc4: bool, signalling: str, offset: int, ber: float, ais: bool,
        rai: bool, abcd: tuple[str, ...], seed: int, as_json: bool) -> None:
    """Write a synthetic raw E1 capture FILE.e1 (random voice, chosen framing and faults)."""
    from firmware.e1.framer import FramerConfig
    from firmware.e1.synth import synth_stream
    try:
        stream = synth_stream(frames, FramerConfig(crc4=crc4, signalling=signalling), offset=offset,
                              ber=ber, rai=rai, ais=ais, abcd=_parse_abcd(abcd), seed=seed)
    except ValueError as exc:
        field, _, reason = str(exc).partition(": ")
        raise BadInput(f"--{field}", reason or str(exc)) from None
    try:
        file.write_bytes(stream.tobytes())
    except OSError as exc:
        raise BadInput(str(file), f"cannot write: {exc.strerror or exc}") from None
    summary = {"file": str(file), "frames": frames, "octets": int(stream.size), "offset": offset,
               "crc4": crc4, "signalling": signalling, "ber": ber, "ais": ais, "rai": rai}
    click.echo(json.dumps(summary) if as_json else f"wrote {stream.size} octets ({frames} frames) to {file}")
