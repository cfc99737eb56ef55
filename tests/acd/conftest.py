"""Fixtures of the ACD tests (helpers are in tests.acd.helpers)."""
import pytest

from tests.acd.helpers import Recorder, make_clock


@pytest.fixture
def rec():
    return Recorder()


@pytest.fixture
def clock():
    return make_clock()
