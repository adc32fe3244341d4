"""Our gunicorn configuration against clients that declare a body and then stall: fifty of them
do not keep a new visitor's front page from loading in under 2 s, and a stalled body frees its
thread within the guard's bound (webcommon/bodyguard.py)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from bench._harness import Client, new_source
from tests.deploy.support import source_server
from tests.factories import add_desk, make_configs

STALLED = 50


def _stall(port: int, cookie: str) -> socket.socket:
    """Open a connection that declares a 10 MiB upload and sends one byte of it (signed in:
    the view reads the body; without a cookie it answers at once and leaves it unread)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(
        b"POST /submit HTTP/1.1\r\nHost: x.onion\r\nContent-Length: 10485760\r\n"
        + (f"Cookie: {cookie}\r\n".encode() if cookie else b"")
        + b"Content-Type: multipart/form-data; boundary=b\r\n\r\n-"
    )
    return sock


def _front_page(port: int) -> float:
    start = time.perf_counter()
    visitor = Client(port, timeout=10)
    try:
        assert visitor.get("/").status == 200
    finally:
        visitor.close()
    return time.perf_counter() - start


def test_stalled_uploads_do_not_block_the_front_page(tmp_path: Path) -> None:
    configs = make_configs(tmp_path)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    app = source_server(configs, tmp_path / "gunicorn.log")
    with app:
        source = Client(app.port)
        new_source(source)
        cookie = source.cookie_header()
        source.close()
        stalled = [_stall(app.port, cookie if i % 2 else "") for i in range(STALLED)]
        start = time.monotonic()
        try:
            times = []
            open_ = list(stalled)
            while open_ and time.monotonic() - start < 45:
                try:
                    times.append(_front_page(app.port))
                except TimeoutError:
                    raise AssertionError(
                        f"front page timed out {time.monotonic() - start:.1f} s after the "
                        f"stalled uploads began, {len(open_)} open; loads so far: "
                        f"{[round(t, 2) for t in times]}\n{app.log_tail()}"
                    ) from None
                for sock in list(open_):
                    sock.setblocking(False)
                    try:
                        while data := sock.recv(65536):
                            del data
                        open_.remove(sock)  # closed by the server
                    except BlockingIOError:
                        pass
                    except ConnectionResetError:
                        open_.remove(sock)
                time.sleep(0.5)
            waited = time.monotonic() - start
            print(
                f"front page with {STALLED} stalled uploads: {len(times)} loads, max "
                f"{max(times) * 1000:.0f} ms; all stalled uploads cut after {waited:.1f} s"
            )
            assert max(times) < 2.0
            assert not open_, f"{len(open_)} stalled uploads still open after {waited:.0f} s"
            assert waited < 35  # the guard's 30 s, its 1 s check, this loop's pace
        finally:
            for sock in stalled:
                sock.close()
