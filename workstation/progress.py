"""A one-line progress bar on stderr: bytes processed of the total, redrawn a few times a second."""

from __future__ import annotations

import time
from typing import TextIO

_WIDTH = 30
_INTERVAL = 0.2  # seconds between redraws: drawing must not cost more than the work
_MIB = 1024 * 1024


class Progress:
    """Count bytes and redraw the bar; does nothing when disabled (not a terminal)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total = max(total, 1)
        self.done = 0
        self._stream = stream
        self._enabled = enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, count: int) -> None:
        """Add `count` processed bytes."""
        self.done += count
        if self._enabled:
            now = time.monotonic()
            if now - self._last >= _INTERVAL:
                self._last = now
                self._draw()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self._stream.write(
            f"\r[{bar}] {share * 100:5.1f}%  {self.done / _MIB:,.1f} / {self.total / _MIB:,.1f} MiB"
        )
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the bar so that a message can be printed on a clean line."""
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
            self._last = 0.0

    def finish(self) -> None:
        """Draw the bar at its final state and end its line."""
        if self._enabled:
            self._draw()
            self._stream.write("\n")
            self._stream.flush()
            self._shown = False
