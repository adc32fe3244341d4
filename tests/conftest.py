"""Shared fixtures and the rule that, under CI, a missing system tool fails instead of skipping."""

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import InstanceConfigs, make_configs

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """Return the path of a system tool; skip locally, fail under CI, when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"system tool {name!r} is not installed (make test installs it as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def config(tmp_path: Path) -> InstanceConfigs:
    """A testing instance: a migrated SQLite copy and a store under tmp_path."""
    return make_configs(tmp_path)
