"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

from tests.real_data import CDC_EXPORT, require


@pytest.fixture
def real_cdc_export() -> Path:
    """The real CDC Household Pulse export from ../shared (skips when absent)."""
    return require(CDC_EXPORT)
