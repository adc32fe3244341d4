"""A throwaway desktop for window tests: Xvfb on a free display and a private D-Bus session.

Xvfb picks a free display number itself (-displayfd). Each program starts in its own process
group, and `stop` ends each group, so nothing it started outlives the test, on failure too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

TOOLS = ("Xvfb", "dbus-daemon")


def require_tools() -> None:
    """Skip (locally) or fail (under CI) when a tool the window tests need is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"missing {', '.join(missing)} (make system-tools installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)  # the group: D-Bus's activated services too
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def _read_line(fd: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 256)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


@contextmanager
def session() -> Iterator[dict[str, str]]:
    """Yield the environment of a fresh Xvfb display with its own D-Bus session bus."""
    require_tools()
    with ExitStack() as stack:
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        stack.callback(_stop, xvfb)
        os.close(write)
        display = _read_line(read)
        os.close(read)
        assert display.isdigit(), "Xvfb did not start"
        read, write = os.pipe()
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--print-address={write}"],
            pass_fds=(write,),
            start_new_session=True,
        )
        stack.callback(_stop, bus)
        os.close(write)
        address = _read_line(read)
        os.close(read)
        assert address, "dbus-daemon did not start"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("NO_AT_BRIDGE", "GTK_MODULES", "PYTHONPATH", "VIRTUAL_ENV")
        }
        env.update(
            DISPLAY=f":{display}",
            DBUS_SESSION_BUS_ADDRESS=address,
            GTK_A11Y="atspi",
            GDK_BACKEND="x11",
            LANG="C.UTF-8",
        )
        yield env
