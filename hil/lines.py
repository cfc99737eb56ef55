"""The rig's lines to the box, by transport: e1link sockets, the userspace DAHDI emulation, or
the rig machine's own DAHDI card.

    transport = make_transport("dahdi-emu")          # or "e1link" (default), "dahdi"
    with transport:                                  # the emulation exists while entered
        box = BoxProcess(workdir, board=transport.board, env=transport.box_env())
        box.prepare(); box.start()
        lines = transport.connect(profile)           # box span number -> RigLine, plugged in
        lines[1].send_block(voice); rx = lines[1].receive_block()

A RigLine is what hil.r2.R2FarEnd drives: ``set_abcd``, ``send_block`` then ``receive_block``
(hil.r2.step_all sends on every line before it receives on any), ``inject`` of the line faults
in its ``faults``, ``address`` and ``close``. A fault the transport cannot make raises
UnsupportedFault naming the fault and the transport.

    e1link     hil.farend.FarEnd on the box's e1raw sockets: the rig's framer is the line chip;
               every fault of hil.farend.FAULTS. Fast mode is lock step on the socket.
    dahdi-emu  a DahdiSpan on the emulated partner span of each box span (the emulation joins
               1<->2, 3<->4 ...: the box's board sim-dahdi uses 1 and 3, the rig 2 and 4). Fast
               mode: the emulation's lock-step clock, moved by the rig: every line writes its
               block, the clock moves one block, the rig waits until the box has answered on
               every span (its write position runs a block ahead of line time), then reads.
               Real time: the emulation's own clock at speed 1. Faults through the emulation's
               transmitter (LOS, AIS, RAI, FAS, CRC, NOISE); no BER, no SLIP.
    dahdi      the same DahdiSpan on the rig machine's /dev/dahdi, spans given by ``rig_spans``
               (cabled to the box's spans in profile order); the kernel clocks the line; the rig
               cannot impair its own transmitter, so no line fault.
"""
from __future__ import annotations

import abc
import os
import time

import numpy as np

from drivers.base import FRAMES_PER_BLOCK, RxBlock, SpanConfig
from drivers.e1raw.span import framer_config
from hil.farend import FAULTS as E1LINK_FAULTS
from hil.farend import FarEnd, FarEndTimeout

TRANSPORTS = ("e1link", "dahdi-emu", "dahdi")
BLOCK = FRAMES_PER_BLOCK
IDLE_ALAW = 0xD5
EMU_CHANNELS_PER_SPAN = 31          # the emulation numbers channels span by span, TS1..TS31
DAHDI_EMU_FAULTS = ("LOS", "AIS", "RAI", "FAS", "CRC", "NOISE")
ANSWER_TIMEOUT_S = 30.0             # host time the box gets to answer one block
REALTIME_CUSHION = 1                # idle blocks written ahead on a real-time DAHDI line


class UnsupportedFault(ValueError):
    """The scenario asks for a line fault this transport cannot put on the line."""

    def __init__(self, fault: str, transport: str, can: tuple[str, ...]):
        super().__init__(f"fault {fault} cannot be made on the {transport} transport "
                         f"(it makes: {', '.join(can) or 'no line fault'})")


class RigLine(abc.ABC):
    """The rig's end of one line to the box (see module docstring)."""

    transport = ""
    faults: tuple[str, ...] = ()
    address = ""

    def check_fault(self, fault: str) -> None:
        if fault not in self.faults:
            raise UnsupportedFault(fault, self.transport, self.faults)

    @abc.abstractmethod
    def set_abcd(self, timeslot: int, bits: int) -> None: ...

    @abc.abstractmethod
    def send_block(self, voice: np.ndarray) -> int: ...

    @abc.abstractmethod
    def receive_block(self) -> RxBlock: ...

    @abc.abstractmethod
    def inject(self, fault: str, on: bool = True, ber: float | None = None) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...


class E1LinkLine(FarEnd, RigLine):
    """hil.farend.FarEnd as a RigLine: every fault of hil.farend."""

    transport = "e1link"
    faults = E1LINK_FAULTS


# -- DAHDI ----------------------------------------------------------------------------------
class LockStepClock:
    """The emulation's lock-step clock, moved by the rig once per block (fast mode)."""

    def __init__(self, emu, box_channels: list[int], timeout: float = ANSWER_TIMEOUT_S):
        self.emu = emu
        self.box_channels = box_channels      # the last voice channel the box writes, per span
        self.timeout = timeout
        self._written = False

    def wrote(self) -> None:
        self._written = True

    def settle(self) -> None:
        """After every line wrote: one block of line time, then wait for the box's answers."""
        if not self._written:
            return
        self._written = False
        now = self.emu.step(BLOCK)
        deadline = None
        for channo in self.box_channels:
            while self.emu.channel_stats(channo)["wpos"] < now + BLOCK:
                if deadline is None:
                    deadline = time.monotonic() + self.timeout
                elif time.monotonic() > deadline:
                    raise FarEndTimeout(f"the box did not answer the block at line frame {now} on emulated "
                                        f"channel {channo} within {self.timeout} s")
                time.sleep(0.0002)    # host time: waiting for the box's process, not line time


class FreeClock:
    """A line clocked by itself (the emulation at speed 1, a real card): nothing to move."""

    def wrote(self) -> None:
        pass

    def settle(self) -> None:
        pass


class DahdiLine(RigLine):
    """The rig's end as a DahdiSpan; faults through ``injector(fault, on)`` if there is one."""

    def __init__(self, spanno: int, box: SpanConfig, clock, transport: str, injector=None,
                 faults: tuple[str, ...] = (), cushion: int = 0, timeout: float = 5.0):
        from drivers.dahdi.span import DahdiSpan
        self.address = f"dahdi:{spanno}"
        self.span = DahdiSpan(SpanConfig(span=spanno, backend="dahdi", address=self.address,
                                         framing=box.framing, crc4=box.crc4))
        self.clock = clock
        self.transport = transport
        self.faults = faults
        self._injector = injector
        self._cushion = cushion
        self._stale = False
        self.timeout = timeout

    def connect(self) -> None:
        self.span.open()
        self._stale = self._cushion > 0
        idle = np.full((32, BLOCK), IDLE_ALAW, np.uint8)
        for _ in range(self._cushion):         # real time: a little slack against host jitter
            self.span.write(idle)

    def set_abcd(self, timeslot: int, bits: int) -> None:
        self.span.set_abcd(timeslot, bits)

    def send_block(self, voice: np.ndarray) -> int:
        self.span.write(voice)
        self.clock.wrote()
        return voice.shape[1]

    def receive_block(self) -> RxBlock:
        self.clock.settle()
        rx = self.span.read(timeout=self.timeout)
        if rx is None:
            raise FarEndTimeout(f"{self.address}: no block from the line within {self.timeout} s")
        while self._stale:                     # real time, first block: skip what queued since open,
            newer = self.span.read(timeout=0)  # or every later write would lag that much behind
            if newer is None:
                break
            rx = newer
        self._stale = False
        return rx

    def inject(self, fault: str, on: bool = True, ber: float | None = None) -> None:
        self.check_fault(fault)
        self._injector(fault, on)

    def close(self) -> None:
        self.span.close()


# -- transports -----------------------------------------------------------------------------
class Transport:
    """How the rig reaches the box's spans; a context manager (the emulation lives inside)."""

    name = ""
    board = ""            # the box's board profile for this transport
    faults: tuple[str, ...] = ()

    def __init__(self, realtime: bool = False):
        self.realtime = realtime

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def box_env(self) -> dict[str, str]:
        """Environment the box's process needs on top of the rig's."""
        return {}

    def check_faults(self, faults) -> None:
        """Raise UnsupportedFault for the first line fault (hil.farend's names) this transport lacks."""
        for fault in faults:
            if fault in E1LINK_FAULTS and fault not in self.faults:
                raise UnsupportedFault(fault, self.name, self.faults)

    def connect(self, profile) -> dict[int, RigLine]:
        raise NotImplementedError


class E1LinkTransport(Transport):
    name, board, faults = "e1link", "sim", E1LINK_FAULTS

    def connect(self, profile) -> dict[int, RigLine]:
        lines = {c.span: E1LinkLine(c.address, framer_config(c), realtime=self.realtime, timeout=30)
                 for c in profile.spans if c.backend == "e1raw"}
        for line in lines.values():
            line.connect()
        return lines


class DahdiEmuTransport(Transport):
    """The userspace DAHDI emulation with 4 spans: the box on 1 and 3, the rig on 2 and 4."""

    name, board, faults = "dahdi-emu", "sim-dahdi", DAHDI_EMU_FAULTS

    def __init__(self, realtime: bool = False, spans: int = 4, crc4: bool = False):
        super().__init__(realtime)
        from drivers.dahdi.emu import EmulatedDahdi
        self.emu = EmulatedDahdi(spans=spans, layout="cas", speed=1.0 if realtime else 0, crc4=crc4)

    def __enter__(self) -> "DahdiEmuTransport":
        self.emu.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.emu.__exit__(*exc)

    def box_env(self) -> dict[str, str]:
        return self.emu.env(base=dict(os.environ))

    def connect(self, profile) -> dict[int, RigLine]:
        from drivers.dahdi.span import parse_address
        spans = {c.span: c for c in profile.spans if c.backend == "dahdi"}
        kernel = {n: parse_address(c.address) for n, c in spans.items()}
        partner = {n: k + 1 if k % 2 else k - 1 for n, k in kernel.items()}     # joined 1<->2, 3<->4 ...
        # the box writes its channels in order; TS31, the last of its span, tells the block is out
        box_channels = [k * EMU_CHANNELS_PER_SPAN for k in kernel.values()]
        clock = FreeClock() if self.realtime else LockStepClock(self.emu, box_channels)
        lines = {n: DahdiLine(partner[n], c, clock, self.name, faults=self.faults,
                              injector=lambda fault, on, rig=partner[n]: self.emu.inject(rig, fault, on),
                              cushion=REALTIME_CUSHION if self.realtime else 0)
                 for n, c in spans.items()}
        return _open_all(lines)


class DahdiCardTransport(Transport):
    """The rig machine's own DAHDI card: ``rig_spans[i]`` is cabled to the box's i-th span."""

    name, board, faults = "dahdi", "dahdi-2e1", ()

    def __init__(self, realtime: bool = False, rig_spans: tuple[int, ...] = (3, 4)):
        super().__init__(realtime)
        self.rig_spans = tuple(rig_spans)

    def connect(self, profile) -> dict[int, RigLine]:
        spans = [c for c in profile.spans if c.backend == "dahdi"]
        if len(spans) > len(self.rig_spans):
            raise ValueError(f"rig_spans: {len(spans)} box span(s) but only {len(self.rig_spans)} rig span(s) "
                             f"given ({','.join(map(str, self.rig_spans))})")
        clock = FreeClock()
        lines = {c.span: DahdiLine(rig, c, clock, self.name, cushion=REALTIME_CUSHION)
                 for c, rig in zip(spans, self.rig_spans)}
        return _open_all(lines)


def _open_all(lines: dict[int, DahdiLine]) -> dict[int, RigLine]:
    opened = []
    try:
        for line in lines.values():
            line.connect()
            opened.append(line)
    except Exception:
        for line in opened:
            line.close()
        raise
    return lines


def make_transport(name: str = "e1link", realtime: bool = False, rig_spans: tuple[int, ...] | None = None) -> Transport:
    """The transport called ``name`` (one of TRANSPORTS)."""
    if name == "e1link":
        return E1LinkTransport(realtime)
    if name == "dahdi-emu":
        return DahdiEmuTransport(realtime)
    if name == "dahdi":
        return DahdiCardTransport(realtime, rig_spans or (3, 4))
    raise ValueError(f"transport: {name!r} is not one of {', '.join(TRANSPORTS)}")
