"""The userspace DAHDI emulation behaves as the DAHDI kernel does where the backend relies on it."""
from __future__ import annotations

import errno

import pytest

from drivers.dahdi.emu import EmulatedDahdi

CAS_TS5_SPAN1, CAS_TS5_SPAN2 = 5, 36          # channel numbers: span 2 starts at 32
DCHAN_SPAN1, DCHAN_SPAN2 = 16, 47


def fcs16(data: bytes) -> int:
    """HDLC FCS-16 (reflected 0x8408, init 0xFFFF, complemented), as Q.921 frames carry it."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def test_fcs16_check_value():
    assert fcs16(b"123456789") == 0x906E                  # CRC-16/X-25 check value


def test_specify_must_come_first(stepped, raw):
    fd = raw.open("/dev/dahdi/channel")
    rc, _ = raw.ioctl_int(fd, "DAHDI_SET_BLOCKSIZE", 160)
    assert rc == -errno.EINVAL
    assert raw.ioctl_int(fd, "DAHDI_SPECIFY", CAS_TS5_SPAN1)[0] == 0
    assert raw.ioctl_int(fd, "DAHDI_SET_BLOCKSIZE", 160) == (0, 160)
    assert raw.ioctl_int(fd, "DAHDI_CHANNO")[1] == CAS_TS5_SPAN1


def test_specify_unknown_channel_is_enxio(stepped, raw):
    fd = raw.open("/dev/dahdi/channel")
    assert raw.ioctl_int(fd, "DAHDI_SPECIFY", 999)[0] == -errno.ENXIO


def test_get_params_on_ctl_names_span_position_and_signalling(stepped, raw):
    ctl = raw.open("/dev/dahdi/ctl")
    params = raw.ffi.new("struct dahdi_params *")
    params.channo = DCHAN_SPAN2
    assert raw.ioctl(ctl, raw.lib.DAHDI_GET_PARAMS, params) == 0
    assert (params.spanno, params.chanpos, params.sigtype) == (2, 16, raw.lib.DAHDI_SIG_HDLCFCS)
    params.channo = CAS_TS5_SPAN1
    assert raw.ioctl(ctl, raw.lib.DAHDI_GET_PARAMS, params) == 0
    assert (params.spanno, params.chanpos, params.sigtype) == (1, 5, raw.lib.DAHDI_SIG_CAS)


def test_spanstat_is_the_packed_314_byte_struct(stepped, raw):
    ffi = raw.ffi
    assert ffi.sizeof("struct dahdi_spaninfo") == 314
    assert ffi.offsetof("struct dahdi_spaninfo", "alarms") == 64
    assert ffi.offsetof("struct dahdi_spaninfo", "fecount") == 92
    assert ffi.offsetof("struct dahdi_spaninfo", "lineconfig") == 136
    assert ffi.offsetof("struct dahdi_spaninfo", "spantype") == 308
    ctl = raw.open("/dev/dahdi/ctl")
    info = ffi.new("struct dahdi_spaninfo *")
    info.spanno = 2
    assert raw.ioctl(ctl, raw.lib.DAHDI_SPANSTAT, info) == 0
    data = bytes(ffi.buffer(info))
    assert data[308:310] == b"E1" and data[0:4] == (2).to_bytes(4, "little")
    assert info.totalchans == 31 and info.numchans == 31 and info.totalspans == 2
    assert info.lineconfig & raw.lib.DAHDI_CONFIG_CRC4


def test_pending_event_makes_read_and_write_fail_with_elast(stepped, raw):
    box = raw.channel(CAS_TS5_SPAN1)
    far = raw.channel(CAS_TS5_SPAN2)
    stepped.step(160)
    assert len(raw.read(box)) == 160                     # no event pending: a block
    assert raw.ioctl_int(far, "DAHDI_SETTXBITS", 0b0101)[0] == 0
    stepped.step(160)
    assert raw.read(box) == -raw.lib.ELAST
    assert raw.write(box, b"\xd5" * 160) == -raw.lib.ELAST
    assert raw.ioctl_int(box, "DAHDI_GETEVENT") == (0, raw.lib.DAHDI_EVENT_BITSCHANGED)
    assert raw.ioctl_int(box, "DAHDI_GETEVENT") == (0, raw.lib.DAHDI_EVENT_NONE)
    assert len(raw.read(box)) == 160
    assert raw.write(box, b"\xd5" * 160) == 160


def test_abcd_bits_are_the_low_nibble(stepped, raw):
    box = raw.channel(CAS_TS5_SPAN1)
    far = raw.channel(CAS_TS5_SPAN2)
    assert raw.ioctl_int(far, "DAHDI_SETTXBITS", 0xF3)[0] == 0      # high bits must not leak
    assert raw.ioctl_int(box, "DAHDI_GETRXBITS") == (0, 0x3)
    assert raw.ioctl_int(box, "DAHDI_GETEVENT")[1] == raw.lib.DAHDI_EVENT_BITSCHANGED


def test_bits_on_a_d_channel_are_refused(stepped, raw):
    d = raw.channel(DCHAN_SPAN1, blocksize=0)
    assert raw.ioctl_int(d, "DAHDI_SETTXBITS", 0b1001)[0] == -errno.EINVAL


def test_hdlc_reads_carry_the_fcs_and_writes_need_two_placeholder_bytes(stepped, raw):
    box = raw.channel(DCHAN_SPAN1, blocksize=0)
    far = raw.channel(DCHAN_SPAN2, blocksize=0)
    frame = bytes([0x02, 0x01, 0x7F, 0x7E, 0x7D, 0xFF])
    assert raw.write(far, frame + b"\0\0") == len(frame) + 2
    assert raw.write(far, b"\x01\x02") == -errno.EINVAL   # no room for the frame: refused
    assert raw.read(box) == -errno.EAGAIN                 # still on the wire
    stepped.step(160)
    got = raw.read(box)
    assert len(got) == len(frame) + 2 and got[:-2] == frame
    assert int.from_bytes(got[-2:], "little") == fcs16(frame)


def test_unknown_ioctl_is_enotty_and_logged_once(stepped, raw, capfd):
    fd = raw.channel(CAS_TS5_SPAN1)
    request = (1 << 30) | (4 << 16) | (0xDA << 8) | 0x77      # _IOW(0xDA, 0x77, int)
    for _ in range(3):
        assert raw.lib.e1d_ioctl(fd, request, raw.ffi.new("int *")) == -errno.ENOTTY
    err = capfd.readouterr().err
    assert err.count("not emulated") == 1 and "nr 119" in err
    stepped.step(160)
    assert len(raw.read(fd)) == 160                       # the channel still works


def test_realtime_read_returns_a_block_every_160_frames_of_line_time(realtime, raw):
    fd = raw.channel(CAS_TS5_SPAN1)
    pfd = raw.ffi.new("int[1]", [fd])
    buf = raw.ffi.new("unsigned char[]", 160)
    got = raw.ffi.new("int[1]")
    evc, evk, nev = raw.ffi.new("int[8]"), raw.ffi.new("int[8]"), raw.ffi.new("int *")
    times = []
    for _ in range(6):
        assert raw.lib.e1d_read_span(pfd, 1, buf, 160, 1000, got, evc, evk, 8, nev) == 1
        times.append(realtime.now())
    steps = [b - a for a, b in zip(times, times[1:])]
    assert sum(steps) >= 4 * 160, steps                   # 5 blocks need >= 4 block times
    assert raw.lib.e1d_read_span(pfd, 1, buf, 160, 0, got, evc, evk, 8, nev) == 0   # not yet


def test_a_writer_that_falls_behind_gets_idle_fill(stepped, raw):
    box = raw.channel(CAS_TS5_SPAN1)
    far = raw.channel(CAS_TS5_SPAN2)
    assert raw.write(far, bytes(range(160))) == 160
    stepped.step(160)
    assert raw.read(box) == bytes(range(160))
    stepped.step(160)                                     # the far end wrote nothing for this block
    assert raw.read(box) == b"\xd5" * 160
    assert raw.write(far, b"\x11" * 160) == 160           # late: resumes on the line from now
    stepped.step(160)
    assert raw.read(box) == b"\x11" * 160
    assert stepped.channel_stats(CAS_TS5_SPAN2)["underruns"] == 1


def test_writes_beyond_the_buffers_are_refused(stepped, raw):
    far = raw.channel(CAS_TS5_SPAN2)
    info = raw.ffi.new("struct dahdi_bufferinfo *")
    info.numbufs, info.bufsize = 2, 160
    assert raw.ioctl(far, raw.lib.DAHDI_SET_BUFINFO, info) == 0
    assert raw.write(far, b"\x01" * 160) == 160
    assert raw.write(far, b"\x02" * 160) == 160
    assert raw.write(far, b"\x03" * 160) == -errno.EAGAIN


def test_bad_emulation_settings_are_rejected_with_the_field_named(tmp_path):
    with pytest.raises(ValueError, match="layout"):
        EmulatedDahdi(layout="t1")
    with pytest.raises(ValueError, match="spans"):
        EmulatedDahdi(spans=9)
    with EmulatedDahdi(spans=2, speed=0, directory=str(tmp_path)) as emu:
        with pytest.raises(ValueError, match="fault"):
            emu.inject(2, "SMOKE", True)
        with pytest.raises(ValueError, match="span"):
            emu.inject(3, "LOS", True)
