"""Fixtures shared by every test (helpers live in tests/factories.py and tests/tools.py)."""

from pathlib import Path

import pytest

from tests.factories import InstanceConfigs, make_configs
from tests.tools import IN_CI, require_tool

__all__ = ["IN_CI", "require_tool"]  # older tests import them from here


@pytest.fixture
def config(tmp_path: Path) -> InstanceConfigs:
    """A testing instance: a migrated SQLite copy and a store under tmp_path."""
    return make_configs(tmp_path)
