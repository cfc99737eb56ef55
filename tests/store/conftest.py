import datetime as dt

import pytest

from firmware.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data", retry_delay=0.05) as st:
        yield st


@pytest.fixture
def now():
    return dt.datetime.now(dt.timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
