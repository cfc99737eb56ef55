"""Every backend present gets the same back-to-back tests: one fixture param per link kind."""
from __future__ import annotations

import pytest

from tests.backends.links import E1RawLink

# (id, factory(tmp_path) -> link or pytest.skip). Backends add their links here.
LINKS = [
    ("e1raw-cas", lambda tmp: E1RawLink(tmp, "cas")),
    ("e1raw-cas-crc4", lambda tmp: E1RawLink(tmp, "cas", crc4=True)),
    ("e1raw-ccs-crc4", lambda tmp: E1RawLink(tmp, "ccs", crc4=True)),
]


@pytest.fixture(params=[factory for _, factory in LINKS], ids=[name for name, _ in LINKS])
def link(request, tmp_path):
    made = request.param(tmp_path)
    yield made
    made.close()
