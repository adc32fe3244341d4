"""The private Tor network's harness itself: a signal sent to a tor that has only just been
started waits for tor's handler (CI once lost a client that way: SIGHUP's default action
killed it before it had logged a word)."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.conftest import require_tool
from tests.tornet import Tor, wait_for


def test_a_tor_signalled_at_once_survives(tmp_path: Path) -> None:
    require_tool("tor")
    empty = tmp_path / "empty"
    empty.touch()
    args = [
        "-f",
        str(empty),
        "--defaults-torrc",
        str(empty),
        "--DataDirectory",
        str(tmp_path / "data"),
    ]
    tor = Tor("lonely", tmp_path, [*args, "--SocksPort", "0", "--DisableNetwork", "1"])
    try:
        tor.start()
        tor.signal(signal.SIGHUP)  # at once, as wait_relays does to clients it just started
        wait_for(
            "the reload", lambda: "Received reload signal" in tor.log_text(), timeout=30, every=0.1
        )
        assert tor.proc is not None
        assert tor.proc.poll() is None, tor.exit_text()
    finally:
        # Not asserted: tor 0.4.9 sometimes aborts ("Error locking a mutex") when told to
        # exit within a second of starting (1 in 30 here).
        tor.stop()
