"""The rule that, under CI, a missing system tool fails a test instead of skipping it."""

import os
import shutil

import pytest

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
