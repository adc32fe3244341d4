"""Run a program on a pseudo-terminal and answer its prompts (age reads passphrases from a TTY)."""

from __future__ import annotations

import os
import pty
import select
import time
from collections.abc import Sequence


def run_on_tty(
    argv: Sequence[str], answers: Sequence[tuple[bytes, bytes]], timeout: float = 60
) -> tuple[int, bytes]:
    """Run argv with a new controlling terminal; when a prompt appears, type its answer.

    Returns the exit status and everything the program showed on the terminal.
    """
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.execvp(argv[0], list(argv))  # noqa: S606 (a test runs a fixed tool)
        finally:
            os._exit(127)
    screen = b""
    pending = list(answers)
    mark = 0  # prompts are looked for only after the one last answered
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            screen += data
            while pending and (found := screen.find(pending[0][0], mark)) >= 0:
                mark = found + len(pending[0][0])
                os.write(fd, pending.pop(0)[1])
        else:
            os.kill(pid, 9)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), screen
