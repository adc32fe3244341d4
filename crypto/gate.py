"""Bound costly work (key derivations, passphrase checks): how many at once, how many a second.

Each codename derivation holds 128 MiB; without a bound a flood of logins would exhaust
memory. Past the bound, callers get BusyError at once (a friendly "try again" page) rather
than a queue that stalls every worker. No IP address is needed or kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from crypto.errors import BusyError

T = TypeVar("T")


class Gate:
    """At most `concurrency` runs at once and `per_second` starts a second, per process.

    By default a caller that finds every slot taken is refused at once rather than queued:
    waiting callers hold server threads, and a login flood then starves ordinary page views
    (measured: 8-10 s page views with a 2 s wait, under 1 s with none).
    """

    def __init__(
        self,
        concurrency: int = 2,
        per_second: float = 8.0,
        wait: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._rate = per_second
        self._tokens = per_second
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()
        self._wait = wait

    def _take_token(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self._rate, self._tokens + (now - self._last) * self._rate)
            self._last = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    def run(self, work: Callable[[], T]) -> T:
        """Run the work through the gate; raise BusyError when over budget."""
        if not self._take_token():
            raise BusyError("too much work of this kind per second")
        if not self._slots.acquire(timeout=self._wait):
            raise BusyError("too much work of this kind at once")
        try:
            return work()
        finally:
            self._slots.release()
