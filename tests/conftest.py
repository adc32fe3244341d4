"""Shared fixtures and the rule that, under CI, a missing system tool fails instead of skipping."""

import os
import shutil
from pathlib import Path

import pytest

from config import Config

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
def config(tmp_path: Path) -> Config:
    """A testing configuration on a fresh SQLite file and store under tmp_path."""
    from config import load_config

    return load_config(
        {
            "WESTRONG_MODE": "testing",
            "WESTRONG_DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
            "WESTRONG_STORE_ROOT": str(tmp_path / "store"),
            "WESTRONG_PEPPER": os.urandom(32).hex(),
            "WESTRONG_SOURCE_SECRET_KEY": os.urandom(32).hex(),
            "WESTRONG_JOURNALIST_SECRET_KEY": os.urandom(32).hex(),
            "WESTRONG_KDF_OPS": "1",
            "WESTRONG_KDF_MEM": str(8 * 1024 * 1024),
            "WESTRONG_KDF_PER_SECOND": "1000",
            "WESTRONG_PASSPHRASE_TIME_COST": "1",
            "WESTRONG_PASSPHRASE_MEMORY_KIB": "64",
        }
    )
