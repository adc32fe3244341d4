"""The workstation's one base error: a reason (the key of the message to show) and a detail;
which message an operating-system error gets (a full disk, a removed USB stick)."""

import errno


class WorkstationError(Exception):
    """Something cannot be opened; `reason` names the message to show the officer."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# A bundle that can no longer be read where it was: the USB stick was pulled out (EIO,
# ENODEV, ENXIO while reading; ENOENT once it is unmounted), or a network share went away.
_GONE = frozenset({errno.ENOENT, errno.EIO, errno.ENODEV, errno.ENXIO, errno.ESTALE})
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def read_reason(exc: OSError) -> str:
    """Return the message key for a failed read of the bundle."""
    return "bundle_gone" if exc.errno in _GONE else "damaged"


def write_reason(exc: OSError) -> str:
    """Return the message key for a failed write of an item's output."""
    return "disk_full" if exc.errno in _FULL else "write_failed"


def out_reason(exc: OSError) -> str:
    """Return the message key for a failure that stops the whole open (the output folder)."""
    return "out_disk_full" if exc.errno in _FULL else "out_failed"
