"""Cut off a client that declares a request body and then sends nothing, or trickles it.

Under gunicorn's gthread worker each request body is read by a worker thread with a blocking
socket, so a client that stops sending holds that thread for as long as it likes: fifty of
them would take every thread. This middleware times each read of the body; a read that has
not completed within `idle_seconds` (one read asks for at most 64 KiB, so the floor is about
2 KiB/s) has its socket shut down from a watchdog thread, which wakes the blocked read.
A real upload over Tor (≈ 0.1–3 MB/s) completes a read every fraction of a second and runs as
long as it needs (docs/decisions/058-serving-gunicorn-gthread.md).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

IDLE_SECONDS = 30.0
CHECK_EVERY = 1.0
CHUNK = 64 * 1024

Environ = dict[str, Any]
WsgiApp = Callable[[Environ, Callable[..., Any]], Iterable[bytes]]


class _Watchdog:
    """One thread per worker process: shuts down sockets whose body read overran."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[socket.socket, float]] = {}
        self._pid = 0

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():  # a forked worker starts its own thread
                self._waiting.clear()
                threading.Thread(target=self._run, name="bodyguard", daemon=True).start()
                self._pid = os.getpid()

    def start(self, key: int, sock: socket.socket, deadline: float) -> None:
        self._ensure_thread()
        with self._lock:
            self._waiting[key] = (sock, deadline)

    def done(self, key: int) -> None:
        with self._lock:
            self._waiting.pop(key, None)

    def _run(self) -> None:
        while True:
            time.sleep(CHECK_EVERY)
            now = time.monotonic()
            with self._lock:
                late = [k for k, (_, deadline) in self._waiting.items() if deadline < now]
                socks = [self._waiting.pop(k)[0] for k in late]
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # the blocked recv returns at once


# Shared with webcommon/headguard.py: one watchdog thread per worker process.
WATCHDOG = _Watchdog()


class _GuardedInput:
    """wsgi.input whose every read must complete within idle_seconds."""

    def __init__(self, stream: Any, sock: socket.socket, idle_seconds: float, length: int) -> None:
        self._stream, self._sock, self._idle = stream, sock, idle_seconds
        self.left = length

    def _timed(self, method: Callable[..., Any], *args: Any) -> Any:
        key = id(self)
        WATCHDOG.start(key, self._sock, time.monotonic() + self._idle)
        try:
            return method(*args)
        finally:
            WATCHDOG.done(key)

    def read(self, size: int | None = -1) -> bytes:
        """Read in pieces of at most CHUNK, each timed, so a large read on a slow link is
        not mistaken for a stalled one."""
        parts: list[bytes] = []
        left = size if size is not None and size >= 0 else None
        while left is None or left > 0:
            want = CHUNK if left is None else min(CHUNK, left)
            data: bytes = self._timed(self._stream.read, want)
            if not data:
                self.left = 0
                break
            self.left -= len(data)
            parts.append(data)
            if left is not None:
                left -= len(data)
        return b"".join(parts)

    def readline(self, *args: Any) -> Any:
        return self._timed(self._stream.readline, *args)

    def readlines(self, *args: Any) -> Any:
        return self._timed(self._stream.readlines, *args)

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


def guard(app: WsgiApp, idle_seconds: float = IDLE_SECONDS) -> WsgiApp:
    """Wrap a WSGI app so that a stalled request body frees its thread (gunicorn only)."""

    def guarded(environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        if not isinstance(sock, socket.socket):
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = _GuardedInput(environ["wsgi.input"], sock, idle_seconds, length)
        environ["wsgi.input"] = body
        return _Closing(app(environ, start_response), body, sock)

    return guarded


class _Closing:
    """The response, and once it is sent: a body the app left unread is not waited for.

    gunicorn would otherwise drain it (5 s in a thread) and then linger on close (2 s on the
    worker's main loop, one connection after the other): fifty stalled clients blocked a
    worker for a minute. Shutting the read side makes both return at once."""

    def __init__(self, result: Iterable[bytes], body: _GuardedInput, sock: socket.socket) -> None:
        self._result, self._body, self._sock = result, body, sock

    def __iter__(self) -> Any:
        return iter(self._result)

    def close(self) -> None:
        try:
            if hasattr(self._result, "close"):
                self._result.close()
        finally:
            if self._body.left > 0:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RD)
