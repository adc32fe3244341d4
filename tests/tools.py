"""The rule that, under CI, a missing system tool fails a test instead of skipping it."""

import os
import random
import shutil
import socket

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


# Ports for servers a test starts: below the kernel's ephemeral range (32768-60999 here), so
# no outgoing connection of another test process takes one between our check and the server's
# bind, and a block of its own per xdist worker, so two workers never hand out the same one.
_PORT_BLOCK = 2000
_PORT_BASE = 20000
_handed_out: set[int] = set()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now and no other test process hands out."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    block = int(worker) if worker.isdigit() else 0
    low = _PORT_BASE + (block % 6) * _PORT_BLOCK
    for _ in range(200):
        port = random.randrange(low, low + _PORT_BLOCK)  # noqa: S311 (not a secret)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port in this test process's block")
