"""Our own DAHDI ABI (drivers/dahdi/dahdi_abi.h, the cffi cdef) against the real dahdi/user.h.

The header comes with Debian's dahdi-dkms (/usr/src/dahdi-*/include) or dahdi-source; when
neither is installed this cross-check is skipped. The build itself never needs it.
"""
from __future__ import annotations

import glob
import shutil
import subprocess

import pytest

pytest.importorskip("cffi", reason="the cffi builder (not only its backend) lists the names")

from drivers.dahdi._build import INTS, IOCTLS  # noqa: E402
from drivers.dahdi._dahdi import ffi, lib  # noqa: E402

STRUCT_FIELDS = {
    "dahdi_params": ["channo", "spanno", "chanpos", "sigtype", "rxbits", "txbits", "curlaw",
                     "idlebits", "name", "prewinktime", "pulseaftertime", "chan_alarms"],
    "dahdi_spaninfo": ["spanno", "name", "desc", "alarms", "bpvcount", "crc4count", "ebitcount",
                       "fascount", "fecount", "errsec", "irqmisses", "numchans", "totalchans",
                       "lineconfig", "lboname", "location", "manufacturer", "devicetype", "irq",
                       "linecompat", "spantype"],
    "dahdi_bufferinfo": ["txbufpolicy", "rxbufpolicy", "numbufs", "bufsize", "readbufs", "writebufs"],
    "dahdi_gains": ["chan", "rxgain", "txgain"],
}
NOT_IN_HEADER = {"ABCD_MASK"}          # our name for the 0xF of DAHDI_BITS_ABCD


def header_dir() -> str | None:
    for pattern in ("/usr/src/dahdi-*/include", "/usr/include"):
        for candidate in sorted(glob.glob(pattern)):
            if glob.glob(f"{candidate}/dahdi/user.h"):
                return candidate
    return None


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> dict[str, int]:
    include = header_dir()
    if include is None:
        pytest.skip("dahdi/user.h not installed (apt-get install dahdi-source to cross-check)")
    if not shutil.which("cc"):
        pytest.skip("no C compiler")
    lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <dahdi/user.h>", "int main(void) {"]
    for struct, fields in STRUCT_FIELDS.items():
        lines.append(f'printf("sizeof {struct} %zu\\n", sizeof(struct {struct}));')
        lines += [f'printf("offsetof {struct}.{f} %zu\\n", offsetof(struct {struct}, {f}));' for f in fields]
    for name in IOCTLS + [n for n in INTS if n not in NOT_IN_HEADER]:
        full = name if name == "ELAST" else f"DAHDI_{name}"
        lines.append(f'printf("value {full} %lu\\n", (unsigned long)({full}));')
    lines.append('printf("value DAHDI_ABCD_MASK %lu\\n", (unsigned long)DAHDI_BITS_ABCD);')
    lines += ["return 0;", "}"]
    work = tmp_path_factory.mktemp("abi")
    (work / "probe.c").write_text("\n".join(lines))
    built = subprocess.run(["cc", "-I", include, "-o", str(work / "probe"), str(work / "probe.c")],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    out = subprocess.run([str(work / "probe")], capture_output=True, text=True, check=True).stdout
    return {" ".join(line.split()[:2]): int(line.split()[2]) for line in out.splitlines()}


@pytest.mark.parametrize("struct", sorted(STRUCT_FIELDS))
def test_struct_layout_matches_user_h(real, struct):
    assert ffi.sizeof(f"struct {struct}") == real[f"sizeof {struct}"]
    for field in STRUCT_FIELDS[struct]:
        assert ffi.offsetof(f"struct {struct}", field) == real[f"offsetof {struct}.{field}"], field


def test_ioctl_numbers_match_user_h(real):
    wrong = {name: (hex(getattr(lib, f"DAHDI_{name}")), hex(real[f"value DAHDI_{name}"]))
             for name in IOCTLS if getattr(lib, f"DAHDI_{name}") != real[f"value DAHDI_{name}"]}
    assert not wrong, f"ioctl numbers differ (ours, header): {wrong}"


def test_constants_match_user_h(real):
    ours = {name: (lib.ELAST if name == "ELAST" else getattr(lib, f"DAHDI_{name}")) for name in INTS}
    theirs = {name: real["value ELAST" if name == "ELAST" else f"value DAHDI_{name}"] for name in INTS}
    assert ours == theirs


def test_spaninfo_is_packed_314_bytes_without_the_header():
    assert ffi.sizeof("struct dahdi_spaninfo") == 314
    assert ffi.sizeof("struct dahdi_params") == 136
    assert lib.DAHDI_SPECIFY == (1 << 30) | (4 << 16) | (0xDA << 8) | 38       # _IOW(0xDA, 38, int)
    assert lib.DAHDI_SPANSTAT == (3 << 30) | (314 << 16) | (0xDA << 8) | 10    # _IOWR(0xDA, 10, 314)
