"""Which network interfaces are up: the workstation must be offline, so it says when it is not.

Read from sysfs (no socket is opened, nothing is sent): an interface counts when its IFF_UP
flag is set, the loopback excepted.
"""

from __future__ import annotations

from pathlib import Path

SYSFS_NET = Path("/sys/class/net")
_IFF_UP = 0x1
_IFF_LOOPBACK = 0x8


def interfaces_up(root: Path = SYSFS_NET) -> list[str]:
    """Return the names of the non-loopback interfaces that are up, sorted."""
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return []
    up: list[str] = []
    for entry in entries:
        try:
            flags = int((entry / "flags").read_text().strip(), 16)
        except (OSError, ValueError):
            continue
        if flags & _IFF_UP and not flags & _IFF_LOOPBACK:
            up.append(entry.name)
    return up
