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

    A caller that finds the gate full waits up to `wait` seconds for a slot and a start, but
    only `max_waiting` callers may wait at once; past that, BusyError at once. The queue is
    short on purpose: waiting callers hold server threads, and a login flood must not starve
    ordinary page views (measured before queueing: 8-10 s page views with a 2 s wait for
    every caller, under 1 s with none).
    """

    def __init__(
        self,
        concurrency: int = 2,
        per_second: float = 8.0,
        wait: float = 0.0,
        max_waiting: int = 0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._rate = per_second
        self._tokens = per_second
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()
        self._wait = wait
        self._max_waiting = max_waiting
        self._concurrency = concurrency
        self._inside = 0  # running plus waiting

    def _take_token(self) -> float:
        """Take a start token; return 0, or how long until one is due (nothing taken)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._rate, self._tokens + (now - self._last) * self._rate)
            self._last = now
            if self._tokens < 1:
                return (1 - self._tokens) / self._rate
            self._tokens -= 1
            return 0.0

    def _enter(self) -> None:
        """Count the caller in, or refuse at once when running plus waiting is at the bound.

        The count, not the waiters' own bookkeeping, is the bound: a thread that finishes
        counts itself out before it can take the next request, so a burst never sees a
        queue that only looks full because the next waiter has not woken up yet.
        """
        room = self._concurrency + (self._max_waiting if self._wait > 0 else 0)
        with self._lock:
            if self._inside >= room:
                raise BusyError("too much work of this kind; try again in a moment")
            self._inside += 1

    def _leave(self) -> None:
        with self._lock:
            self._inside -= 1

    def _admit(self) -> None:
        """Take a token and a slot, waiting (bounded) if the queue has room."""
        self._enter()
        try:
            due = self._take_token()
            if due == 0 and self._slots.acquire(blocking=False):
                return
            if self._wait <= 0:
                if due == 0:  # a token was taken but no slot: give it back
                    with self._lock:
                        self._tokens = min(self._rate, self._tokens + 1)
                raise BusyError("too much work of this kind; try again in a moment")
            deadline = self._clock() + self._wait
            while due:
                if self._clock() + due > deadline:
                    raise BusyError("too much work of this kind per second")
                self._sleep(due)
                due = self._take_token()
            if not self._slots.acquire(timeout=max(0.0, deadline - self._clock())):
                raise BusyError("too much work of this kind at once")
        except BaseException:
            self._leave()
            raise

    def run(self, work: Callable[[], T]) -> T:
        """Run the work through the gate; raise BusyError when over budget."""
        self._admit()
        try:
            return work()
        finally:
            self._slots.release()
            self._leave()
