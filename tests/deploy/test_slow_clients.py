"""Our gunicorn configuration against slow clients: fifty that declare a body and then stall,
and 150 (more than its 96 threads) that trickle their request's head one header line a
second. Meanwhile a new visitor's front page loads in under 2 s and a patient client whose
head comes in pieces is served; a stalled body is cut within the body guard's bound
(webcommon/bodyguard.py), a head still unfinished within the head guard's
(webcommon/headguard.py)."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from pathlib import Path

from bench._harness import Client, new_source
from tests.deploy.support import source_server
from tests.factories import add_desk, make_configs
from webcommon.bodyguard import IDLE_SECONDS
from webcommon.headguard import HEAD_SECONDS, PEEK_BYTES

STALLED = 50
TRICKLING = 150


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


def _trickle(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x.onion\r\n")
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        while data := sock.recv(65536):
            del data
        return True
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def _patient(port: int) -> int:
    """A client whose head arrives in three pieces over 2 s: it is answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        for piece in (b"GET / HTTP/1.1\r\n", b"Host: x.onion\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(1)
        answer = sock.recv(65536)
    return int(answer.split(b" ", 2)[1])


def test_slow_clients_do_not_block_the_front_page(tmp_path: Path) -> None:
    configs = make_configs(tmp_path)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    app = source_server(configs, tmp_path / "gunicorn.log")
    with app:
        source = Client(app.port)
        new_source(source)
        cookie = source.cookie_header()
        source.close()
        stalled = [_stall(app.port, cookie if i % 2 else "") for i in range(STALLED)]
        trickling = [_trickle(app.port) for _ in range(TRICKLING)]
        start = time.monotonic()
        stop = threading.Event()

        def one_line_a_second() -> None:
            while not stop.wait(1.0):
                for sock in trickling:
                    with contextlib.suppress(OSError):  # cut by the server, or a full buffer
                        sock.sendall(b"X-Slow: y\r\n")

        feeder = threading.Thread(target=one_line_a_second, daemon=True)
        feeder.start()
        cut: dict[str, list[float]] = {"body": [], "head": []}
        try:
            assert _patient(app.port) == 200
            times = []
            open_ = {"body": list(stalled), "head": list(trickling)}
            while any(open_.values()) and time.monotonic() - start < 45:
                try:
                    times.append(_front_page(app.port))
                except TimeoutError:
                    raise AssertionError(
                        f"front page timed out {time.monotonic() - start:.1f} s after the "
                        f"slow clients began, {sum(map(len, open_.values()))} open; loads so "
                        f"far: {[round(t, 2) for t in times]}\n{app.log_tail()}"
                    ) from None
                for kind, socks in open_.items():
                    for sock in list(socks):
                        if _closed_by_server(sock):
                            socks.remove(sock)
                            cut[kind].append(time.monotonic() - start)
                time.sleep(0.5)
            print(
                f"front page with {STALLED} stalled bodies and {TRICKLING} trickling heads: "
                f"{len(times)} loads, max {max(times) * 1000:.0f} ms; heads cut after "
                f"{min(cut['head']):.1f}-{max(cut['head']):.1f} s, bodies after "
                f"{min(cut['body']):.1f}-{max(cut['body']):.1f} s"
            )
            assert max(times) < 2.0
            assert not open_["body"], f"{len(open_['body'])} stalled bodies still open"
            assert not open_["head"], f"{len(open_['head'])} trickling heads still open"
            # Each bound, its check's pace (1 s), this loop's pace.
            assert max(cut["head"]) < HEAD_SECONDS + 5
            assert max(cut["body"]) < IDLE_SECONDS + 5
        finally:
            stop.set()
            feeder.join(timeout=5)
            for sock in stalled + trickling:
                sock.close()


def _answers(sock: socket.socket, count: int) -> list[int]:
    """Read `count` responses (each a status line, headers, Content-Length body)."""
    data, statuses = b"", list[int]()
    while len(statuses) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(statuses)} answers"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        declared = re.search(rb"(?i)content-length: *(\d+)", head)
        assert declared is not None
        length = int(declared.group(1))
        while len(data) < length:
            data += sock.recv(65536)
        data = data[length:]
        statuses.append(int(head.split(b" ", 2)[1]))
    return statuses


def test_the_head_guard_serves_keepalive_pipelined_and_large_heads(tmp_path: Path) -> None:
    configs = make_configs(tmp_path)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    with source_server(configs, tmp_path / "gunicorn.log", workers=1) as app:
        request = b"GET /privacy HTTP/1.1\r\nHost: x.onion\r\n\r\n"
        with socket.create_connection(("127.0.0.1", app.port), timeout=30) as sock:
            # Kept alive: the second request's head arrives in pieces, after the first answer.
            sock.sendall(request)
            assert _answers(sock, 1) == [200]
            for piece in (request[:10], request[10:30], request[30:]):
                time.sleep(0.5)
                sock.sendall(piece)
            assert _answers(sock, 1) == [200]
            # Pipelined: two requests in one write (gunicorn reads ahead into the second).
            sock.sendall(request * 2)
            assert _answers(sock, 2) == [200, 200]
        # A head larger than the guard's peek goes to gunicorn's parser and is served.
        padding = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 7000) for i in range(3))
        assert len(padding) > PEEK_BYTES
        with socket.create_connection(("127.0.0.1", app.port), timeout=30) as sock:
            sock.sendall(request[:-2] + padding + b"\r\n")
            assert _answers(sock, 1) == [200]
        assert "Traceback" not in app.log_tail()
