"""gunicorn's gthread worker, where a request whose head (request line and headers) has not
fully arrived holds no thread, and a head must be complete within HEAD_SECONDS.

gunicorn 27 hands a connection to a thread once its first byte arrives and then reads the head
with a blocking socket and no time limit: 120 clients trickling one header line every 2 s
held every thread of deploy/gunicorn/source.py and the front page timed out. Here a thread
only peeks (MSG_PEEK) at what has arrived; until the blank line that ends the head is there,
the connection goes back to gunicorn's poller, which costs a socket, not a thread. A head
that takes longer than HEAD_SECONDS (the first bound of Apache's default mod_reqtimeout,
`header=20-40`) is cut. A real client's head is one or a few Tor cells and arrives within
a round trip. The body is webcommon/bodyguard.py's (decision 104).
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from gunicorn.workers.gthread import (  # type: ignore[import-untyped]
    _DEFER,
    ThreadWorker,
)

from webcommon.bodyguard import WATCHDOG

HEAD_SECONDS = 20.0
# A head that fills this without ending is left to gunicorn's parser and its limits
# (limit_request_line, limit_request_fields), under the watchdog's deadline.
PEEK_BYTES = 16 * 1024
END_OF_HEAD = b"\r\n\r\n"  # what gunicorn's parser looks for too


class HeadGuardWorker(ThreadWorker):  # type: ignore[misc]
    """`worker_class = "webcommon.headguard.HeadGuardWorker"` in deploy/gunicorn/*.py."""

    head_seconds = HEAD_SECONDS

    def handle(self, conn: Any) -> Any:
        now = time.monotonic()
        since = getattr(conn, "head_since", None)
        if since is None:
            since = conn.head_since = now
        if not _head_is_in(conn):
            if now - since > self.head_seconds:
                with contextlib.suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RDWR)  # so gunicorn's close does not linger
                return False
            conn.data_ready = False
            return _DEFER  # back to the poller until more arrives (or its keepalive ends)
        # Whatever the peek saw, the parser reads from here on with a blocking socket.
        WATCHDOG.start(id(conn), conn.sock, since + self.head_seconds)
        try:
            return super().handle(conn)
        finally:
            WATCHDOG.done(id(conn))

    def handle_request(self, req: Any, conn: Any) -> Any:
        WATCHDOG.done(id(conn))  # the head is in; a slow body is bodyguard's to cut
        conn.head_since = None  # the next request on this connection starts its own clock
        return super().handle_request(req, conn)


def _head_is_in(conn: Any) -> bool:
    """Whether the head has arrived (or something gunicorn must see: an error, the end)."""
    if conn.parser is not None and conn.parser.unreader.buf.getvalue():
        return True  # gunicorn read ahead into this request: its parser takes it from here
    try:
        data = conn.sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return not data or END_OF_HEAD in data or len(data) >= PEEK_BYTES
