"""Every backend present gets the same back-to-back tests: one fixture param per link kind."""
from __future__ import annotations

import pytest

from tests.backends.links import E1RawLink
from tests.backends.links_dahdi import dahdi_emu_link

# (id, factory(tmp_path) -> link or pytest.skip). Backends add their links here. The real DAHDI
# kernel runs the same class through tests/dahdi/test_kernel_backtoback.py, inside the VM.
LINKS = [
    ("e1raw-cas", lambda tmp: E1RawLink(tmp, "cas")),
    ("e1raw-cas-crc4", lambda tmp: E1RawLink(tmp, "cas", crc4=True)),
    ("e1raw-ccs-crc4", lambda tmp: E1RawLink(tmp, "ccs", crc4=True)),
    ("dahdi-emu", dahdi_emu_link),             # the userspace DAHDI emulation (LD_PRELOAD-style shim)
]


@pytest.fixture(params=[factory for _, factory in LINKS], ids=[name for name, _ in LINKS])
def link(request, tmp_path):
    made = request.param(tmp_path)
    yield made
    made.close()
